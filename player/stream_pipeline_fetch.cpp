// The fetch thread of StreamPipeline: manifest refresh, range requests, pacing.
#include <algorithm>
#include <chrono>

#include "core/api_client.h"
#include "core/log.h"
#include "player/chunk_plan.h"
#include "player/range_answer.h"
#include "player/stream_pipeline.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";
constexpr int kMaxAttempts = 6;         // per range, for network errors and bad answers
constexpr int kMaxRefreshesInARow = 3;  // fresh URLs refused again at once
constexpr int kFirstBackoffMs = 100;
constexpr int kMaxBackoffMs = 2000;

const Variant* FindVariant(const Manifest& manifest, int kbps) {
    for (const Variant& v : manifest.variants) {
        if (v.kbps == kbps) return &v;
    }
    return nullptr;
}

}  // namespace

void StreamPipeline::FetchLoop() {
    HttpClient http;
    http.SetCancelFlag(&stop_);
    Status status = FetchAudio(http);
    if (!status.ok() && status.error().code != ErrorCode::kCancelled) Fail(status.error());
    std::lock_guard<std::mutex> lock(mu_);
    fetch_done_ = true;
    cv_.notify_all();
}

Status StreamPipeline::FetchAudio(HttpClient& http) {
    Variant variant = *FindVariant(params_.manifest, params_.kbps);
    if (variant.seek_index.empty()) {
        return MakeError(ErrorCode::kProtocol, "manifest variant has no seek index");
    }
    size_t point = SeekPointFor(variant, params_.start_sample);
    std::vector<Chunk> chunks =
        PlanChunks(variant, point, params_.chunk_bytes, params_.manifest.duration_samples);
    // From the start of the file, the header pages and the first chunk are
    // adjacent: one request saves a round trip before the first sound.
    const bool joined = params_.header_pages.empty() && !chunks.empty() &&
                        chunks.front().first_byte == variant.header_bytes;
    if (!params_.header_pages.empty()) {
        Push(Piece{true, params_.header_pages});
    } else {
        headers_until_ = variant.header_bytes;
        if (!joined) {
            Status status = FetchRange(http, 0, variant.header_bytes - 1);
            if (!status.ok()) return status.error().Wrap("cannot fetch the stream headers");
        }
    }

    fetched_end_.store(variant.seek_index[point].granule, std::memory_order_relaxed);
    for (size_t i = 0; i < chunks.size(); ++i) {
        if (!WaitWhileAhead()) return MakeError(ErrorCode::kCancelled, "stopped");
        const int64_t first = (i == 0 && joined) ? 0 : chunks[i].first_byte;
        Status status = FetchRange(http, first, chunks[i].last_byte);
        if (!status.ok()) {
            return status.error().Wrap("cannot fetch bytes " + std::to_string(first) + "-" +
                                       std::to_string(chunks[i].last_byte));
        }
        fetched_end_.store(chunks[i].end_granule, std::memory_order_relaxed);
    }
    return Status::Ok();
}

Status StreamPipeline::FetchRange(HttpClient& http, int64_t first, int64_t last) {
    if (params_.local_file) {
        const auto size = static_cast<int64_t>(params_.local_file->size());
        if (first < 0 || last >= size || first > last) {
            return MakeError(ErrorCode::kCorrupt, "range outside the cached file");
        }
        Deliver(first, params_.local_file->substr(static_cast<size_t>(first),
                                                  static_cast<size_t>(last - first + 1)));
        return Status::Ok();
    }
    int64_t next = first;
    int attempts = 0;
    int refreshes = 0;
    while (next <= last) {
        if (stop_.load()) return MakeError(ErrorCode::kCancelled, "stopped");
        Manifest manifest = this->manifest();
        const Variant* variant = FindVariant(manifest, params_.kbps);
        HttpRequest request;
        request.url = variant->url;
        request.range_first = next;
        request.range_last = last;
        auto response = http.Perform(request);

        Error problem;
        if (!response.ok()) {
            if (response.error().code == ErrorCode::kCancelled || stop_.load()) {
                return MakeError(ErrorCode::kCancelled, "stopped");
            }
            problem = response.error();
        } else if (response->status == 403) {
            if (++refreshes > kMaxRefreshesInARow) {
                return MakeError(ErrorCode::kForbidden, "CDN refuses fresh URLs too", 403);
            }
            Status refreshed = RefreshUrl();
            if (!refreshed.ok()) return refreshed.error().Wrap("URL expired and refresh failed");
            continue;
        } else if (response->status == 404 || response->status == 410 || response->status == 416) {
            return MakeError(ErrorCode::kProtocol,
                             "CDN answered HTTP " + std::to_string(response->status),
                             response->status);
        } else {
            auto bytes = UsableRangeBytes(*response, next, last, variant->size);
            if (bytes.ok()) {
                const int64_t at = next;
                next += static_cast<int64_t>(bytes->size());
                attempts = 0;
                refreshes = 0;
                Deliver(at, std::move(bytes.value()));
                continue;
            }
            problem = bytes.error();
        }

        retries_.fetch_add(1, std::memory_order_relaxed);
        if (++attempts >= kMaxAttempts) return problem.Wrap("giving up after retries");
        LOG_WARN(kLog, "range " << next << "-" << last << " failed, retrying: " << problem.message);
        int backoff = std::min(kMaxBackoffMs, kFirstBackoffMs << (attempts - 1));
        if (!Sleep(backoff)) return MakeError(ErrorCode::kCancelled, "stopped");
    }
    return Status::Ok();
}

void StreamPipeline::Deliver(int64_t at, std::string bytes) {
    if (at < headers_until_) {
        auto take = static_cast<size_t>(
            std::min<int64_t>(headers_until_ - at, static_cast<int64_t>(bytes.size())));
        header_collected_.append(bytes, 0, take);
        bytes.erase(0, take);
        if (at + static_cast<int64_t>(take) == headers_until_) {
            headers_until_ = 0;
            {
                std::lock_guard<std::mutex> lock(mu_);
                header_pages_ = header_collected_;
            }
            Push(Piece{true, std::move(header_collected_)});
        }
    }
    if (!bytes.empty()) Push(Piece{false, std::move(bytes)});
}

Status StreamPipeline::RefreshUrl() {
    ApiClient api(params_.api_base_url);
    api.SetToken(params_.token());
    auto fresh = api.GetManifest(params_.manifest.track_id);
    if (!fresh.ok()) return fresh.error().Wrap("cannot refresh the manifest");

    const Variant* old_variant = FindVariant(params_.manifest, params_.kbps);
    const Variant* new_variant = FindVariant(*fresh, params_.kbps);
    if (new_variant == nullptr || new_variant->sha256 != old_variant->sha256 ||
        new_variant->size != old_variant->size) {
        return MakeError(ErrorCode::kProtocol, "the variant changed while playing");
    }
    refreshes_.fetch_add(1, std::memory_order_relaxed);
    LOG_INFO(kLog, "refreshed the URL of " << log::Quote(params_.manifest.track_id));
    std::lock_guard<std::mutex> lock(mu_);
    manifest_ = std::move(fresh.value());
    return Status::Ok();
}

bool StreamPipeline::WaitWhileAhead() {
    const auto target = static_cast<int64_t>(params_.buffer_target_seconds * sample_rate_);
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_.load()) {
        int64_t ahead = fetched_end_.load(std::memory_order_relaxed) - params_.heard_sample();
        if (ahead < target) return true;
        // The listener's position moves without a notification: look again soon.
        cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return false;
}

bool StreamPipeline::Sleep(int ms) {
    std::unique_lock<std::mutex> lock(mu_);
    return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
}

}  // namespace tonearm::player
