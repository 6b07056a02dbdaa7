// Renderer: turns the decoded audio of one track after another into the one
// stream the device plays.
//
// Each track (a "voice") arrives as interleaved stereo frames at the track's
// own rate in its own SPSC ring, written by that track's StreamPipeline. The
// renderer's thread reads the voices in queue order, applies each voice's
// normalisation gain, resamples a voice whose rate differs from the device's
// (libsoxr, see resampler.h), crossfades when asked, runs the mix through a
// lookahead limiter when one is configured, and writes the result into the
// device ring the PortAudio callback reads.
//
// Joins are gapless: when a voice's last frame has been taken, the next
// voice's first frame follows in the same block. A voice is never padded
// with silence: when its ring runs dry before its end, the renderer waits
// (the device may underrun; the session re-buffers), so every frame of every
// track reaches the device exactly once, in order.
//
// Positions: the renderer keeps a timeline of where each voice starts in the
// device stream (frames written to the device ring since the last Reset), so
// a count of frames the device consumed maps back to (voice, track sample).
//
// Threads: one control thread calls the public methods; the renderer's own
// thread does the work. Each voice's source ring has the renderer as its
// only consumer, the device ring has it as its only producer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "player/limiter.h"
#include "player/resampler.h"
#include "player/ring_buffer.h"

namespace tonearm::player {

struct VoiceParams {
    uint64_t id = 0;                          // the caller's name for it; unique per Reset
    SpscRingBuffer<float>* source = nullptr;  // not owned; outlives the voice
    std::function<bool()> source_finished;    // true once the last frame is in source
    int source_rate = 0;
    int64_t first_sample = 0;  // track position of the source's first frame
    int64_t end_sample = 0;    // the track's duration
    float gain = 1.0f;         // linear, applied before the limiter
};

// Where the device stands in the timeline.
struct TimelinePosition {
    uint64_t id = 0;       // voice being heard; 0 before the first
    int64_t sample = 0;    // its track position
    bool started = false;  // a voice has been heard
};

// A voice the renderer let go of.
struct FinishedVoice {
    uint64_t id = 0;
    int64_t frames_taken = 0;  // source frames rendered
    bool complete = false;     // up to end_sample (false: cut by a crossfade or Reset)
};

class Renderer {
public:
    // device_ring: interleaved stereo at the device rate; not owned.
    Renderer(SpscRingBuffer<float>* device_ring, int device_rate);
    ~Renderer();  // joins the thread
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // Drops every voice and the limiter's state, empties the device ring and
    // restarts the timeline at frame 0 with a new device rate. Only while the
    // device is stopped (nothing reads the device ring).
    void Reset(int device_rate);
    // limit: a lookahead limiter on the mix (for normalisation gains above
    // unity); off by default. Only right after Reset.
    void SetLimiter(bool limit);
    // Frames the renderer keeps in the device ring at most (its capacity by
    // default): what a crossfade on a skip waits behind.
    void SetMaxAheadFrames(size_t frames);
    // Crossfade length for joins and manual skips; 0 (the default) is gapless.
    void SetCrossfadeSeconds(double seconds);

    // Appends a voice: it follows the voices before it (gapless, or with the
    // crossfade set). Fails (returns false) when the resampler cannot be made.
    bool Enqueue(const VoiceParams& voice);
    // Fades from what plays now to voice over the crossfade length as soon as
    // voice has audio, dropping every voice queued after the current one.
    bool CrossfadeTo(const VoiceParams& voice);
    // Drops the queued voice id if it has not started; true if dropped.
    bool DropQueued(uint64_t id);

    // Maps frames the device consumed since Reset to the voice heard.
    TimelinePosition PositionAt(int64_t device_frames) const;
    // Device frame where voice id starts, or nullopt while it has not started.
    std::optional<int64_t> StartOf(uint64_t id) const;
    // True when no voice is left and everything rendered is in the device ring.
    bool drained() const { return drained_.load(std::memory_order_acquire); }
    // Frames written to the device ring since Reset.
    int64_t frames_written() const { return written_.load(std::memory_order_acquire); }
    std::vector<FinishedVoice> TakeFinished();

private:
    struct Voice;
    struct Segment {
        uint64_t id;
        int64_t device_frame;
        int64_t first_sample;
        int64_t end_sample;
        double samples_per_frame;
    };

    void Loop();
    // Renders up to frames frames into mix_; returns how many. Lock held.
    size_t RenderBlock(size_t frames);
    size_t RenderFade(size_t at, size_t frames);
    // Starts voice's timeline segment block_offset frames into this block.
    void StartSegment(Voice& voice, size_t block_offset);
    void Retire(bool complete);
    std::unique_ptr<Voice> MakeVoice(const VoiceParams& params);

    SpscRingBuffer<float>* const device_ring_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool quit_ = false;                          // guarded by mu_
    int device_rate_;                            // guarded by mu_
    size_t max_ahead_frames_;                    // guarded by mu_
    std::deque<std::unique_ptr<Voice>> voices_;  // guarded by mu_; [0] plays
    std::vector<Segment> timeline_;              // guarded by mu_
    std::vector<FinishedVoice> finished_;        // guarded by mu_
    std::unique_ptr<Limiter> limiter_;           // guarded by mu_
    bool limiter_flushed_ = true;                // guarded by mu_
    size_t limiter_skip_ = 0;                    // guarded by mu_; silent frames still to drop
    int64_t crossfade_frames_ = 0;               // guarded by mu_
    int64_t fade_length_ = 0;                    // guarded by mu_; 0: no fade running
    int64_t fade_done_ = 0;                      // guarded by mu_
    std::vector<float> mix_;                     // guarded by mu_
    std::vector<float> limited_;                 // guarded by mu_
    std::atomic<int64_t> written_{0};
    std::atomic<bool> drained_{true};
    std::thread thread_;
};

}  // namespace tonearm::player
