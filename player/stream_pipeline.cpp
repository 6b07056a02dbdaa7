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

}  // namespace

StreamPipeline::StreamPipeline(PipelineParams params)
    : params_(std::move(params)),
      sample_rate_(params_.manifest.sample_rate),
      manifest_(params_.manifest) {
    stereo_.resize(2 * kMixFrames);
    next_sample_ = params_.start_sample;
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

std::map<int, std::string> StreamPipeline::header_pages() const {
    std::lock_guard<std::mutex> lock(mu_);
    return header_pages_;
}

std::vector<ChunkReport> StreamPipeline::TakeReports() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ChunkReport> out;
    out.swap(reports_);
    return out;
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
    struct MarkDone {
        std::atomic<bool>& done;
        ~MarkDone() { done.store(true, std::memory_order_release); }
    } mark_done{decode_done_};
    const int64_t duration = params_.manifest.duration_samples;
    std::map<int, std::unique_ptr<VorbisStreamDecoder>> decoders;
    VorbisStreamDecoder* active = nullptr;
    const auto sink = [this](const float* const* pcm, int frames, int64_t first) {
        WriteFrames(pcm, frames, first);
    };
    Piece piece;
    while (next_sample_ < duration && PopPiece(&piece)) {
        if (piece.headers) {
            auto decoder = std::make_unique<VorbisStreamDecoder>();
            Status opened = decoder->Open(piece.bytes);
            if (opened.ok() && (decoder->info().sample_rate != sample_rate_ ||
                                decoder->info().channels != params_.manifest.channels)) {
                opened = MakeError(ErrorCode::kCorrupt, "stream format differs from the manifest");
            }
            if (!opened.ok()) {
                return Fail(opened.error().Wrap("cannot decode the " + std::to_string(piece.kbps) +
                                                " kbit/s stream"));
            }
            if (decoders[piece.kbps].get() == active) active = nullptr;
            decoders[piece.kbps] = std::move(decoder);
            continue;
        }
        if (piece.restart) {
            auto found = decoders.find(piece.kbps);
            if (found == decoders.end()) {
                return Fail(MakeError(ErrorCode::kInternal, "audio before its header pages"));
            }
            active = found->second.get();
            active->Restart(piece.stream_start, duration);
        }
        if (active == nullptr) continue;
        active->Feed(piece.bytes.data(), piece.bytes.size(), sink);
        int64_t warnings = 0;
        for (const auto& [kbps, decoder] : decoders)
            warnings += decoder->warnings();
        warnings_.store(warnings, std::memory_order_relaxed);
    }
    if (stop_.load()) return;
    if (next_sample_ < duration) {
        // Every byte up to the end of the file arrived, yet the audio stops
        // short: the file is shorter than its manifest says.
        return Fail(MakeError(ErrorCode::kCorrupt, "the stream ended before its last page, after " +
                                                       std::to_string(frames_written_) +
                                                       " frames"));
    }
    if (warnings_.load() > 0) {
        LOG_WARN(kLog, "skipped " << warnings_.load() << " damaged pages or packets in "
                                  << log::Quote(params_.manifest.track_id));
    }
    finished_.store(true, std::memory_order_release);
}

// Frames before next_sample_ were written already (or lie before the start):
// a restarted decoder's output is joined exactly where the ring stands. A
// decoder that jumps ahead (a hole in damaged data) moves the position on;
// the session then sees fewer frames than the duration and says so.
void StreamPipeline::WriteFrames(const float* const* pcm, int frames, int64_t first_sample) {
    int skip = static_cast<int>(std::clamp<int64_t>(next_sample_ - first_sample, 0, frames));
    if (first_sample > next_sample_) next_sample_ = first_sample;
    const int channels = params_.manifest.channels;
    std::vector<const float*> planes(static_cast<size_t>(channels));
    for (int offset = skip; offset < frames; offset += kMixFrames) {
        int n = std::min(kMixFrames, frames - offset);
        for (int c = 0; c < channels; ++c)
            planes[c] = pcm[c] + offset;
        MixToStereo(planes.data(), channels, n, stereo_.data());
        if (!WriteToRing(stereo_.data(), 2 * static_cast<size_t>(n))) return;
        frames_written_ += n;
        next_sample_ += n;
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
