// PortAudio output: the default device, float32 stereo at the track's rate,
// fed by a callback that reads only a preallocated SPSC ring and atomics.
//
// The callback never locks, allocates, logs or waits. When the ring runs dry
// it writes silence and, unless the track is draining, counts an underrun.
// It stores the steady_clock time of the first non-silent frame after
// ArmFirstAudio(), and counts the frames it took from the ring.
//
// Control methods (Open, Start, Stop, Abort, Close, SetRing, ResetCounters)
// belong to one control thread; the counters and SetGain may be used from
// any thread.
#pragma once

#include <portaudio.h>

#include <atomic>
#include <cstdint>

#include "core/result.h"
#include "player/ring_buffer.h"

namespace tonearm::player {

// Keeps PortAudio initialised while at least one instance lives in the
// process (reference counted; Pa_Initialize once, Pa_Terminate after the last).
class PortAudioLibrary {
public:
    PortAudioLibrary();
    ~PortAudioLibrary();
    PortAudioLibrary(const PortAudioLibrary&) = delete;
    PortAudioLibrary& operator=(const PortAudioLibrary&) = delete;

    // Ok when PortAudio initialised and a default output device exists.
    const Status& status() const { return status_; }

private:
    Status status_;
    bool counted_ = false;
};

inline constexpr int kOutputChannels = 2;

class AudioOutput {
public:
    AudioOutput();
    ~AudioOutput();  // aborts and closes the stream
    AudioOutput(const AudioOutput&) = delete;
    AudioOutput& operator=(const AudioOutput&) = delete;

    // Ok when PortAudio is usable and a default output device exists.
    const Status& available() const { return library_.status(); }

    // Opens the default output device at sample_rate, keeping the open stream
    // when the rate is unchanged. Fails with kIo naming the PortAudio error.
    // The stream is stopped afterwards.
    Status Open(int sample_rate);
    void Close();
    int sample_rate() const { return sample_rate_; }

    // The ring the callback reads interleaved stereo frames from; not owned.
    // Only while the stream is stopped.
    void SetRing(SpscRingBuffer<float>* ring) { ring_ = ring; }

    Status Start();
    Status Stop();   // lets the device play what it holds, then stops
    Status Abort();  // stops at once, dropping what the device holds
    bool running() const { return running_; }

    // Zeroes frames_consumed (only while stopped).
    void ResetConsumed() { frames_consumed_.store(0, std::memory_order_relaxed); }
    // The next non-silent frame stamps first_audio_ns.
    void ArmFirstAudio() { first_audio_ns_.store(0, std::memory_order_relaxed); }
    // While draining, a dry ring is the end of the track, not an underrun.
    void SetDraining(bool draining) { draining_.store(draining, std::memory_order_relaxed); }
    void SetGain(float gain) { gain_.store(gain, std::memory_order_relaxed); }
    // The callback takes at most limit frames after the last ResetConsumed and
    // plays silence beyond (without counting underruns); < 0 means no limit.
    void SetFrameLimit(int64_t limit) { frame_limit_.store(limit, std::memory_order_relaxed); }

    // Frames taken from the ring since the last ResetConsumed.
    int64_t frames_consumed() const { return frames_consumed_.load(std::memory_order_acquire); }
    int64_t underruns() const { return underruns_.load(std::memory_order_relaxed); }
    // steady_clock nanoseconds since its epoch; 0 until stamped.
    int64_t first_audio_ns() const { return first_audio_ns_.load(std::memory_order_acquire); }

private:
    static int Callback(const void* input, void* output, unsigned long frames,
                        const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags,
                        void* user);
    int Render(float* out, unsigned long frames);

    PortAudioLibrary library_;
    PaStream* stream_ = nullptr;
    int sample_rate_ = 0;
    bool running_ = false;
    SpscRingBuffer<float>* ring_ = nullptr;

    std::atomic<float> gain_{1.0f};
    std::atomic<int64_t> frame_limit_{-1};
    std::atomic<bool> draining_{false};
    std::atomic<int64_t> frames_consumed_{0};
    std::atomic<int64_t> underruns_{0};
    std::atomic<int64_t> first_audio_ns_{0};
};

}  // namespace tonearm::player
