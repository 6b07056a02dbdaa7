#include "player/resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace tonearm::player {
namespace {

constexpr int kMaxRate = 768000;
constexpr int kMaxChannels = 8;

std::string RatesText(int in_rate, int out_rate) {
    return std::to_string(in_rate) + " Hz -> " + std::to_string(out_rate) + " Hz";
}

}  // namespace

Result<std::unique_ptr<Resampler>> Resampler::Create(int in_rate, int out_rate, int channels) {
    if (in_rate < 1 || in_rate > kMaxRate || out_rate < 1 || out_rate > kMaxRate)
        return MakeError(ErrorCode::kInvalidArgument,
                         "sample rate out of range: " + RatesText(in_rate, out_rate));
    if (channels < 1 || channels > kMaxChannels)
        return MakeError(ErrorCode::kInvalidArgument,
                         "channel count out of range: " + std::to_string(channels));
    if (in_rate == out_rate)
        return std::unique_ptr<Resampler>(new Resampler(in_rate, out_rate, channels, nullptr));

    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);  // no worker threads
    soxr_error_t error = nullptr;
    soxr_t resampler = soxr_create(in_rate, out_rate, static_cast<unsigned>(channels), &error, &io,
                                   &quality, &runtime);
    if (error != nullptr || resampler == nullptr) {
        soxr_delete(resampler);
        return MakeError(ErrorCode::kInternal,
                         "cannot create resampler " + RatesText(in_rate, out_rate) +
                             ": soxr: " + (error != nullptr ? error : "no resampler"));
    }
    return std::unique_ptr<Resampler>(new Resampler(in_rate, out_rate, channels, resampler));
}

Resampler::Resampler(int in_rate, int out_rate, int channels, soxr* resampler)
    : in_rate_(in_rate), out_rate_(out_rate), channels_(channels), soxr_(resampler) {}

Resampler::~Resampler() { soxr_delete(soxr_); }

size_t Resampler::MaxOutputFrames(size_t in_frames) const {
    if (pass_through()) return in_frames;

    // libsoxr never runs ahead of its input, and its whole-stream output is the rounded
    // product: so everything still to come is bounded by the ceiling of the product.
    const int64_t in_total = frames_in_ + static_cast<int64_t>(in_frames);
    const int64_t out_bound = (in_total * out_rate_ + in_rate_ - 1) / in_rate_ + 1;
    return static_cast<size_t>(std::max<int64_t>(out_bound - frames_out_, 0));
}

size_t Resampler::Process(const float* in, size_t in_frames, float* out,
                          size_t out_capacity_frames) {
    if (pass_through()) return CopyThrough(in, in_frames, out, out_capacity_frames);
    if (error_ != nullptr || flushing_ || in_frames == 0) return 0;

    // No idone pointer: libsoxr then takes all the input, whatever room the output has.
    size_t written = 0;
    error_ = soxr_process(soxr_, in, in_frames, nullptr, out, out_capacity_frames, &written);
    frames_in_ += static_cast<int64_t>(in_frames);
    frames_out_ += static_cast<int64_t>(written);
    return written;
}

size_t Resampler::Flush(float* out, size_t capacity_frames) {
    if (pass_through() || error_ != nullptr) return 0;
    flushing_ = true;

    size_t total = 0;
    while (total < capacity_frames && error_ == nullptr) {
        size_t written = 0;
        float* at = out + total * static_cast<size_t>(channels_);
        error_ = soxr_process(soxr_, nullptr, 0, nullptr, at, capacity_frames - total, &written);
        if (written == 0) break;
        total += written;
    }
    frames_out_ += static_cast<int64_t>(total);
    return total;
}

Status Resampler::Reset() {
    frames_in_ = 0;
    frames_out_ = 0;
    flushing_ = false;
    if (pass_through()) return Status::Ok();

    error_ = soxr_clear(soxr_);
    return status();
}

Status Resampler::status() const {
    if (error_ == nullptr) return Status::Ok();
    return MakeError(ErrorCode::kInternal,
                     "resampler " + RatesText(in_rate_, out_rate_) + ": soxr: " + error_);
}

size_t Resampler::CopyThrough(const float* in, size_t in_frames, float* out, size_t capacity) {
    const size_t frames = std::min(in_frames, capacity);
    if (frames > 0) std::memmove(out, in, frames * static_cast<size_t>(channels_) * sizeof(float));
    frames_in_ += static_cast<int64_t>(in_frames);
    frames_out_ += static_cast<int64_t>(frames);
    return frames;
}

}  // namespace tonearm::player
