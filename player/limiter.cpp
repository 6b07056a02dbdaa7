#include "player/limiter.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tonearm::player {
namespace {

// A frame above the threshold is aimed this far below it (about 0.0001 dB), so that the
// float rounding of the gain and of the product never carries a sample past the threshold
// and the safety clamp stays idle.
constexpr double kAimBelowThreshold = 1.0 - 1.0 / 65536.0;

// Once the release is this close to 1 it snaps there, so the gain becomes exactly 1 again
// instead of approaching it forever (the step is about 0.00001 dB).
constexpr double kReleaseSnap = 1e-6;

int FramesFor(double ms, int sample_rate) {
    return static_cast<int>(std::lround(ms * sample_rate / 1000.0));
}

}  // namespace

Limiter::Limiter(int sample_rate, double threshold_dbfs, double lookahead_ms, double release_ms,
                 int channels)
    : channels_(std::max(channels, 1)) {
    sample_rate = std::max(sample_rate, 1);
    lookahead_ = std::max(FramesFor(lookahead_ms, sample_rate), 1);
    window_ = lookahead_ + 1;
    if (!std::isfinite(threshold_dbfs)) threshold_dbfs = -1.0;
    ceiling_ = static_cast<float>(std::pow(10.0, threshold_dbfs / 20.0));

    const double release_frames = release_ms * sample_rate / 1000.0;
    release_coeff_ = release_frames > 1.0 ? 1.0 - std::exp(-1.0 / release_frames) : 1.0;

    delay_.assign(static_cast<size_t>(lookahead_) * channels_, 0.0f);
    silent_frame_.assign(channels_, 0.0f);
    min_frames_.assign(window_, 0);
    min_needs_.assign(window_, 1.0);
    average_ring_.assign(window_, 1.0);
    Reset();
}

void Limiter::Process(const float* in, float* out, size_t frames) {
    const size_t stride = static_cast<size_t>(channels_);
    for (size_t i = 0; i < frames; ++i)
        ProcessFrame(in + i * stride, out + i * stride);
}

void Limiter::Flush(float* out) {
    const size_t stride = static_cast<size_t>(channels_);
    for (int i = 0; i < lookahead_; ++i)
        ProcessFrame(silent_frame_.data(), out + i * stride);
    Reset();
}

void Limiter::Reset() {
    std::fill(delay_.begin(), delay_.end(), 0.0f);
    delay_pos_ = 0;
    min_head_ = 0;
    min_size_ = 0;
    frame_ = 0;
    release_state_ = 1.0;
    std::fill(average_ring_.begin(), average_ring_.end(), 1.0);
    average_pos_ = 0;
    average_sum_ = window_;
    current_gain_ = 1.0f;
}

void Limiter::ProcessFrame(const float* in, float* out) {
    const double required = RequiredGain(in);
    const double held = WindowMinimum(required);
    const double released = Release(held);
    const float gain = static_cast<float>(Average(released));

    WriteDelayed(std::isfinite(required) ? in : silent_frame_.data(), out, gain);
    current_gain_ = gain;
    if (gain < 1.0f) ++frames_limited_;
    ++frame_;
}

// The gain this frame needs when it leaves the delay line; NaN when it is not finite.
double Limiter::RequiredGain(const float* frame) const {
    float peak = 0.0f;
    for (int c = 0; c < channels_; ++c) {
        const float magnitude = std::fabs(frame[c]);
        if (!std::isfinite(magnitude)) return NAN;
        peak = std::max(peak, magnitude);
    }
    if (peak <= ceiling_) return 1.0;
    return ceiling_ * kAimBelowThreshold / peak;
}

// Pushes this frame's need and returns the lowest need of the last window_ frames.
double Limiter::WindowMinimum(double required) {
    if (!std::isfinite(required)) required = 1.0;  // the frame is replaced by silence

    if (min_size_ > 0 && min_frames_[min_head_] <= frame_ - window_) {
        min_head_ = (min_head_ + 1) % window_;
        --min_size_;
    }
    while (min_size_ > 0) {
        const int back = (min_head_ + min_size_ - 1) % window_;
        if (min_needs_[back] < required) break;
        --min_size_;
    }
    const int slot = (min_head_ + min_size_) % window_;
    min_frames_[slot] = frame_;
    min_needs_[slot] = required;
    ++min_size_;
    return min_needs_[min_head_];
}

// Lets the gain rise exponentially toward 1 but never above what the window holds.
double Limiter::Release(double held) {
    double rising = release_state_ + (1.0 - release_state_) * release_coeff_;
    if (rising > 1.0 - kReleaseSnap) rising = 1.0;
    release_state_ = std::min(held, rising);
    return release_state_;
}

// Moving average of the released gain over window_ frames. Every value averaged for the
// frame now leaving the delay line is at most that frame's need, so the average is too.
double Limiter::Average(double released) {
    const double oldest = average_ring_[average_pos_];
    average_ring_[average_pos_] = released;
    average_pos_ = (average_pos_ + 1) % window_;

    // A running sum drifts with rounding; recounting it once per window keeps it exact
    // (and exactly window_ when every gain is 1) at a cost of one addition per frame.
    if (average_pos_ == 0)
        average_sum_ = std::accumulate(average_ring_.begin(), average_ring_.end(), 0.0);
    else
        average_sum_ += released - oldest;
    return std::min(average_sum_ / window_, 1.0);
}

// Stores the new frame in the delay line and writes out the one it replaces, scaled.
void Limiter::WriteDelayed(const float* in, float* out, float gain) {
    float* slot = &delay_[static_cast<size_t>(delay_pos_) * channels_];
    for (int c = 0; c < channels_; ++c) {
        const float delayed = slot[c];
        slot[c] = in[c];
        float sample = delayed * gain;
        if (std::fabs(sample) > ceiling_) {
            sample = std::copysign(ceiling_, sample);
            ++samples_clamped_;
        }
        out[c] = sample;
    }
    delay_pos_ = (delay_pos_ + 1) % lookahead_;
}

}  // namespace tonearm::player
