#include "player/stream_pipeline.h"

#include <algorithm>
#include <chrono>

#include "core/log.h"
#include "player/channel_mix.h"
#include "player/chunk_plan.h"
#include "player/vorbis_stream_decoder.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";
constexpr int kMixFrames = 1024;    // frames converted to stereo at a time
constexpr int kRingFullWaitMs = 5;  // the consumer is the callback: poll, do not wait on it
constexpr size_t kMaxQueuedBytes = 4 << 20;

Variant VariantOf(const Manifest& manifest, int kbps) {
    for (const Variant& v : manifest.variants) {
        if (v.kbps == kbps) return v;
    }
    return Variant{};
}

}  // namespace

StreamPipeline::StreamPipeline(PipelineParams params)
    : params_(std::move(params)),
      sample_rate_(params_.manifest.sample_rate),
      variant_(VariantOf(params_.manifest, params_.kbps)),
      from_file_start_(variant_.seek_index.empty() ||
                       SeekPointFor(variant_, params_.start_sample) == 0),
      manifest_(params_.manifest) {
    stereo_.resize(2 * kMixFrames);
    fetch_thread_ = std::thread([this] { FetchLoop(); });
    decode_thread_ = std::thread([this] { DecodeLoop(); });
}

StreamPipeline::~StreamPipeline() { Stop(); }

void StreamPipeline::Stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_.store(true);
        cv_.notify_all();
    }
    if (fetch_thread_.joinable()) fetch_thread_.join();
    if (decode_thread_.joinable()) decode_thread_.join();
}

std::optional<Error> StreamPipeline::error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
}

std::string StreamPipeline::header_pages() const {
    std::lock_guard<std::mutex> lock(mu_);
    return header_pages_;
}

Manifest StreamPipeline::manifest() const {
    std::lock_guard<std::mutex> lock(mu_);
    return manifest_;
}

void StreamPipeline::Fail(const Error& error) {
    LOG_ERROR(kLog, "playback of " << log::Quote(params_.manifest.track_id)
                                   << " failed: " << error.message);
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_) error_ = error;
    stop_.store(true);
    cv_.notify_all();
}

void StreamPipeline::Push(Piece piece) {
    std::unique_lock<std::mutex> lock(mu_);
    // The fetcher paces itself by time ahead; this only bounds memory if the
    // decoder stalls.
    cv_.wait(lock, [this] { return stop_.load() || queued_bytes_ < kMaxQueuedBytes; });
    queued_bytes_ += piece.bytes.size();
    queue_.push_back(std::move(piece));
    cv_.notify_all();
}

bool StreamPipeline::PopPiece(Piece* piece) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return stop_.load() || !queue_.empty() || fetch_done_; });
    if (stop_.load() || queue_.empty()) return false;
    *piece = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= piece->bytes.size();
    cv_.notify_all();
    return true;
}

void StreamPipeline::DecodeLoop() {
    VorbisStreamDecoder decoder;
    const auto sink = [this](const float* const* pcm, int frames, int64_t first) {
        WriteFrames(pcm, frames, first);
    };
    Piece piece;
    while (!decoder.reached_end() && PopPiece(&piece)) {
        if (piece.headers) {
            Status opened = decoder.Open(piece.bytes);
            if (opened.ok() && (decoder.info().sample_rate != sample_rate_ ||
                                decoder.info().channels != params_.manifest.channels)) {
                opened = MakeError(ErrorCode::kCorrupt, "stream format differs from the manifest");
            }
            if (!opened.ok()) return Fail(opened.error().Wrap("cannot decode the stream"));
            decoder.Restart(from_file_start_, params_.manifest.duration_samples);
            continue;
        }
        decoder.Feed(piece.bytes.data(), piece.bytes.size(), sink);
        warnings_.store(decoder.warnings(), std::memory_order_relaxed);
    }
    if (stop_.load()) return;
    if (!decoder.reached_end()) {
        // Every byte up to the end of the file arrived, yet no page closed the
        // stream: the file is shorter than its manifest says.
        return Fail(MakeError(ErrorCode::kCorrupt, "the stream ended before its last page, after " +
                                                       std::to_string(frames_written_) +
                                                       " frames"));
    }
    if (decoder.warnings() > 0) {
        LOG_WARN(kLog, "skipped " << decoder.warnings() << " damaged pages or packets in "
                                  << log::Quote(params_.manifest.track_id));
    }
    finished_.store(true, std::memory_order_release);
}

void StreamPipeline::WriteFrames(const float* const* pcm, int frames, int64_t first_sample) {
    int skip =
        static_cast<int>(std::clamp<int64_t>(params_.start_sample - first_sample, 0, frames));
    const int channels = params_.manifest.channels;
    std::vector<const float*> planes(static_cast<size_t>(channels));
    for (int offset = skip; offset < frames; offset += kMixFrames) {
        int n = std::min(kMixFrames, frames - offset);
        for (int c = 0; c < channels; ++c)
            planes[c] = pcm[c] + offset;
        MixToStereo(planes.data(), channels, n, stereo_.data());
        if (!WriteToRing(stereo_.data(), 2 * static_cast<size_t>(n))) return;
        frames_written_ += n;
    }
}

bool StreamPipeline::WriteToRing(const float* data, size_t count) {
    while (count > 0) {
        size_t written = params_.ring->Write(data, count);
        data += written;
        count -= written;
        if (count == 0) break;
        if (stop_.load()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(kRingFullWaitMs));
    }
    return true;
}

}  // namespace tonearm::player
