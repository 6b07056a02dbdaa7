// Sample-rate conversion for the render thread: libsoxr in streaming mode, interleaved float.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/result.h"

struct soxr;

namespace tonearm::player {

// Converts one stream of interleaved float frames from in_rate to out_rate.
//
// Quality is SOXR_HQ: 20-bit precision (about 120 dB of stopband rejection), linear phase,
// pass band to about 91 % of the lower Nyquist frequency; libsoxr runs it in single
// precision, which is as precise as the float samples. The filter delay is compensated
// inside libsoxr: output frame k is the signal at time k / out_rate, and over a whole stream
// (every Process call, then Flush until it returns 0) the output has
// round(total_in * out_rate / in_rate) frames, give or take one.
// Equal rates make a pass-through that copies, so callers need no special case.
//
// Not thread-safe: one thread at a time owns an instance, normally the render thread.
// Create and Reset allocate. Process and Flush take no locks and do not block; libsoxr
// grows its internal buffers to the largest block it has been given, so they allocate
// only while block sizes are still growing (in practice the first calls of a stream).
class Resampler {
public:
    // Returns a resampler, or kInvalidArgument when a rate is not in 1..768000 Hz or
    // channels is not in 1..8, or kInternal naming libsoxr's error when it cannot be set up.
    static Result<std::unique_ptr<Resampler>> Create(int in_rate, int out_rate, int channels = 2);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    // The most frames the next Process call with in_frames frames can write (the whole
    // remaining tail for Flush when in_frames is 0). Depends on what went in and came out
    // so far, so ask before each call. Never more than
    // ceil(in_frames * out_rate / in_rate) + 1 + the frames libsoxr is holding.
    size_t MaxOutputFrames(size_t in_frames) const;

    // Takes all in_frames frames from in and writes up to out_capacity_frames frames to out;
    // returns how many it wrote (often fewer than in_frames * ratio at the start: libsoxr
    // holds back its filter delay). out_capacity_frames must be at least
    // MaxOutputFrames(in_frames); if it is smaller the resampler keeps the excess for the
    // next call, but a pass-through drops it. After an error (see status()) or after Flush
    // without Reset it writes nothing and returns 0.
    size_t Process(const float* in, size_t in_frames, float* out, size_t out_capacity_frames);

    // Ends the stream: writes up to capacity_frames frames of the remaining tail to out
    // and returns how many. Call it until it returns 0; then Reset() before another stream.
    size_t Flush(float* out, size_t capacity_frames);

    // Drops everything held and starts a new stream with the same rates. Allocates.
    // Returns kInternal naming libsoxr's error if it cannot re-initialise.
    Status Reset();

    // Ok, or kInternal naming the libsoxr error that stopped this resampler.
    Status status() const;

    bool pass_through() const { return soxr_ == nullptr; }
    int in_rate() const { return in_rate_; }
    int out_rate() const { return out_rate_; }
    int channels() const { return channels_; }
    // Frames taken and written since Create or the last Reset.
    int64_t frames_in() const { return frames_in_; }
    int64_t frames_out() const { return frames_out_; }

private:
    Resampler(int in_rate, int out_rate, int channels, soxr* resampler);
    size_t CopyThrough(const float* in, size_t in_frames, float* out, size_t capacity);

    int in_rate_;
    int out_rate_;
    int channels_;
    soxr* soxr_;                   // owned; null for a pass-through
    const char* error_ = nullptr;  // libsoxr's static message, set once it fails
    bool flushing_ = false;
    int64_t frames_in_ = 0;
    int64_t frames_out_ = 0;
};

}  // namespace tonearm::player
