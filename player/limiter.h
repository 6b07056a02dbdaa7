// Lookahead peak limiter for the render thread: keeps interleaved float audio under a
// ceiling without clipping, at the cost of a fixed delay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tonearm::player {

// A linked-channel lookahead peak limiter.
//
// The output is the input delayed by exactly latency_frames() frames and multiplied by one
// gain per frame, shared by all channels. Each frame entering the delay line says how far the
// gain must be down when that frame leaves it (threshold / peak). The gain follows the lowest
// such need over the lookahead window, then an exponential release back toward 1, then a
// moving average over the window: a linear ramp that has fully arrived when the peak reaches
// the output. So no output sample exceeds the threshold; a last clamp covers float rounding
// only and counts when it acts (samples_clamped()). While no input sample exceeds the
// threshold the gain is exactly 1.0f and the output is bit-exactly the delayed input.
//
// Non-finite input samples are replaced by silence (the whole frame) before anything else.
// Not thread-safe: one thread at a time owns an instance, normally the render thread. Only
// the constructor allocates; Process, Flush and Reset do not, take no locks and do not block.
class Limiter {
public:
    // sample_rate > 0 and channels >= 1 are required; the lookahead is at least one frame
    // and release_ms <= 0 releases at once. Out-of-range values are raised to those minima.
    explicit Limiter(int sample_rate, double threshold_dbfs = -1.0, double lookahead_ms = 5.0,
                     double release_ms = 80.0, int channels = 2);

    // Writes frames interleaved output frames to out from frames input frames. in == out is
    // allowed (processing in place); other overlaps are not.
    void Process(const float* in, float* out, size_t frames);

    // Writes the latency_frames() frames still in the delay line to out (room for
    // latency_frames() * channels() floats), limited as if silence followed, then Reset()s.
    // Everything written by Process and Flush is the input preceded by latency_frames()
    // frames of silence: drop those and exactly as many frames came out as went in.
    void Flush(float* out);

    // Back to the state after construction: silent delay line, gain 1. Keeps the counters.
    void Reset();

    int latency_frames() const { return lookahead_; }
    int channels() const { return channels_; }
    float threshold() const { return ceiling_; }  // linear
    // The gain applied to the last output frame (1 before any).
    float current_gain() const { return current_gain_; }
    // Output frames written with a gain below 1, since construction.
    int64_t frames_limited() const { return frames_limited_; }
    // Output samples the final safety clamp had to change, since construction; stays 0
    // unless the gain computation itself is off.
    int64_t samples_clamped() const { return samples_clamped_; }

private:
    void ProcessFrame(const float* in, float* out);
    double RequiredGain(const float* frame) const;
    double WindowMinimum(double required);
    double Release(double held);
    double Average(double released);
    void WriteDelayed(const float* in, float* out, float gain);

    int channels_;
    int lookahead_;         // frames in the delay line
    int window_;            // lookahead_ + 1: frames whose need bounds one output gain
    float ceiling_;         // linear threshold
    double release_coeff_;  // per-frame share of the distance to 1 recovered

    std::vector<float> delay_;  // lookahead_ frames, interleaved, ring at delay_pos_
    int delay_pos_ = 0;
    std::vector<float> silent_frame_;  // channels_ zeros fed by Flush

    // Monotonic queue of (frame, need) over the last window_ frames: ascending needs from
    // the front, so the front is the window's minimum.
    std::vector<int64_t> min_frames_;
    std::vector<double> min_needs_;
    int min_head_ = 0;
    int min_size_ = 0;
    int64_t frame_ = 0;

    double release_state_ = 1.0;
    std::vector<double> average_ring_;  // window_ released gains
    int average_pos_ = 0;
    double average_sum_ = 0.0;

    float current_gain_ = 1.0f;
    int64_t frames_limited_ = 0;
    int64_t samples_clamped_ = 0;
};

}  // namespace tonearm::player
