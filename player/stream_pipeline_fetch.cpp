// The fetch thread of StreamPipeline: bitrate choice per chunk, range
// requests, manifest refresh, pacing.
#include <algorithm>
#include <chrono>
#include <thread>

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
// Audio buffered ahead of the listener that makes a failure worth waiting
// out rather than counting it towards giving up.
constexpr double kPatientBufferSeconds = 1.0;
constexpr size_t kLookaheadChunks = 10;  // chunk sizes a controller may plan over

using Clock = std::chrono::steady_clock;

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
    std::lock_guard<std::mutex> lock(mu_);
    if (!status.ok() && status.error().code != ErrorCode::kCancelled && !error_) {
        // The decoder goes on with what was fetched, so the listener hears
        // the buffered audio before the failure is reported (see error()).
        LOG_ERROR(kLog, "fetching " << log::Quote(params_.manifest.track_id)
                                    << " failed: " << status.error().message);
        error_ = status.error();
    }
    fetch_done_ = true;
    cv_.notify_all();
}

Status StreamPipeline::FetchAudio(HttpClient& http) {
    for (int kbps : params_.ladder_kbps) {
        const Variant* variant = FindVariant(params_.manifest, kbps);
        if (variant == nullptr || variant->seek_index.empty()) {
            return MakeError(ErrorCode::kProtocol,
                             "manifest variant " + std::to_string(kbps) + " has no seek index");
        }
    }
    const int64_t duration = params_.manifest.duration_samples;
    const auto min_samples = static_cast<int64_t>(params_.chunk_seconds * sample_rate_);
    int64_t next = std::min(params_.start_sample, duration);
    int rung = -1;
    size_t point = 0;  // of the current rung: where its next chunk starts
    fetched_end_.store(next, std::memory_order_relaxed);
    do {
        if (!WaitWhileAhead()) return MakeError(ErrorCode::kCancelled, "stopped");
        const double buffer =
            static_cast<double>(fetched_end_.load() - params_.heard_sample()) / sample_rate_;
        const int chosen = ChooseRung(rung, point, next);
        const int kbps = params_.ladder_kbps[chosen];
        const Variant& variant = *FindVariant(params_.manifest, kbps);
        const bool restart = chosen != rung;
        const size_t from = restart ? SeekPointFor(variant, next) : point;
        const Chunk chunk =
            ChunkFrom(variant, from, next, min_samples, params_.chunk_bytes, duration);
        const bool headers_known = params_.header_pages.count(kbps) > 0;
        const bool joined = restart && !headers_known && chunk.first_byte == variant.header_bytes;

        const auto sent = Clock::now();
        Status fetched = FetchChunk(http, kbps, chunk, restart, joined);
        if (!fetched.ok()) return fetched;
        const double seconds = std::chrono::duration<double>(Clock::now() - sent).count();
        const int64_t bytes = chunk.last_byte - (joined ? 0 : chunk.first_byte) + 1;
        if (params_.abr) params_.abr->OnChunkDownloaded({bytes, seconds, 0.0});
        if (seconds > 0) estimate_.Add(seconds, 8.0 * static_cast<double>(bytes) / seconds);

        ChunkReport report;
        report.first_sample = next;
        report.end_sample = chunk.end_granule;
        report.kbps = kbps;
        report.previous_kbps = rung < 0 ? 0 : params_.ladder_kbps[rung];
        report.bytes = bytes;
        report.seconds = seconds;
        report.buffer_seconds = std::max(buffer, 0.0);
        report.estimate_kbps = estimate_.Estimate().value_or(0.0) / 1000.0;
        {
            std::lock_guard<std::mutex> lock(mu_);
            reports_.push_back(report);
        }
        next = chunk.end_granule;
        point = chunk.end_point;
        rung = chosen;
        fetched_end_.store(next, std::memory_order_relaxed);
    } while (next < duration);
    return Status::Ok();
}

int StreamPipeline::ChooseRung(int current, size_t point, int64_t next) {
    const auto& ladder = params_.ladder_kbps;
    if (ladder.size() == 1) return 0;
    if (!params_.abr) return static_cast<int>(ladder.size()) - 1;

    abr::AbrContext context;
    context.ladder_kbps = ladder;
    context.current = current;
    context.buffer_seconds = std::max<double>(
        0.0, static_cast<double>(fetched_end_.load() - params_.heard_sample()) / sample_rate_);
    context.max_buffer_seconds = params_.buffer_target_seconds;
    context.chunk_seconds = params_.chunk_seconds;
    context.now_seconds = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();

    // Chunk k covers [edge[k], edge[k+1]) along the current rung's index (or
    // the top rung's before the first chunk); every rung is priced for the
    // same span.
    const int64_t duration = params_.manifest.duration_samples;
    const auto min_samples = static_cast<int64_t>(params_.chunk_seconds * sample_rate_);
    const Variant& guide =
        *FindVariant(params_.manifest, ladder[current < 0 ? ladder.size() - 1 : current]);
    size_t at = current < 0 ? SeekPointFor(guide, next) : point;
    int64_t from = next;
    for (size_t k = 0; k < kLookaheadChunks && from < duration; ++k) {
        const Chunk span = ChunkFrom(guide, at, from, min_samples, params_.chunk_bytes, duration);
        abr::UpcomingChunk upcoming;
        upcoming.seconds = static_cast<double>(span.end_granule - from) / sample_rate_;
        for (size_t r = 0; r < ladder.size(); ++r) {
            const Variant& variant = *FindVariant(params_.manifest, ladder[r]);
            int64_t bytes = BytesCovering(variant, from, span.end_granule);
            if (k == 0 && static_cast<int>(r) == current) {
                bytes = span.last_byte - span.first_byte + 1;
            } else if (k == 0 && params_.header_pages.count(ladder[r]) == 0) {
                bytes += variant.header_bytes;
            }
            upcoming.bytes.push_back(bytes);
        }
        context.upcoming.push_back(std::move(upcoming));
        from = span.end_granule;
        at = span.end_point;
        if (at >= guide.seek_index.size()) break;
    }
    context.queue_ends_after_upcoming = from >= duration;
    return std::clamp(params_.abr->ChooseRung(context), 0, static_cast<int>(ladder.size()) - 1);
}

Status StreamPipeline::FetchChunk(HttpClient& http, int kbps, const Chunk& chunk, bool restart,
                                  bool joined) {
    const Variant& variant = *FindVariant(params_.manifest, kbps);
    fetch_kbps_.store(kbps, std::memory_order_relaxed);
    next_audio_tag_ = Piece{false, kbps, restart, chunk.first_byte == variant.header_bytes, {}};
    if (restart) {
        auto known = params_.header_pages.find(kbps);
        if (known != params_.header_pages.end()) {
            Push(Piece{true, kbps, false, false, known->second});
        } else {
            headers_until_ = variant.header_bytes;
            header_collected_.clear();
            if (!joined && !params_.local_file) return FetchHeadersAndChunk(http, kbps, chunk);
            if (!joined) {
                Status status = FetchRange(http, kbps, 0, variant.header_bytes - 1);
                if (!status.ok()) return status.error().Wrap("cannot fetch the stream headers");
            }
        }
    }
    const int64_t first = joined ? 0 : chunk.first_byte;
    Status status = FetchRange(http, kbps, first, chunk.last_byte);
    if (!status.ok()) {
        return status.error().Wrap("cannot fetch bytes " + std::to_string(first) + "-" +
                                   std::to_string(chunk.last_byte) + " at " + std::to_string(kbps) +
                                   " kbit/s");
    }
    return Status::Ok();
}

// A variant started away from its first page needs its header pages and a
// chunk that are not adjacent: both requests go out at once (a seek or a
// switch then costs one round trip, not two), and the bytes are handed on
// in file order once both have arrived.
Status StreamPipeline::FetchHeadersAndChunk(HttpClient& http, int kbps, const Chunk& chunk) {
    const Variant& variant = *FindVariant(params_.manifest, kbps);
    std::string headers;
    Status header_status;
    std::thread side([&] {
        HttpClient side_http;
        side_http.SetCancelFlag(&stop_);
        header_status = FetchRange(side_http, kbps, 0, variant.header_bytes - 1,
                                   [&headers](int64_t, std::string bytes) { headers += bytes; });
    });
    std::string body;
    Status status = FetchRange(http, kbps, chunk.first_byte, chunk.last_byte,
                               [&body](int64_t, std::string bytes) { body += bytes; });
    side.join();
    if (!header_status.ok()) return header_status.error().Wrap("cannot fetch the stream headers");
    if (!status.ok()) {
        return status.error().Wrap("cannot fetch bytes " + std::to_string(chunk.first_byte) + "-" +
                                   std::to_string(chunk.last_byte) + " at " + std::to_string(kbps) +
                                   " kbit/s");
    }
    Deliver(0, std::move(headers));
    Deliver(chunk.first_byte, std::move(body));
    return Status::Ok();
}

Status StreamPipeline::FetchRange(HttpClient& http, int kbps, int64_t first, int64_t last,
                                  const RangeSink& sink) {
    const RangeSink& deliver =
        sink ? sink
             : RangeSink([this](int64_t at, std::string bytes) { Deliver(at, std::move(bytes)); });
    if (params_.local_file) {
        const auto size = static_cast<int64_t>(params_.local_file->size());
        if (first < 0 || last >= size || first > last) {
            return MakeError(ErrorCode::kCorrupt, "range outside the cached file");
        }
        deliver(first, params_.local_file->substr(static_cast<size_t>(first),
                                                  static_cast<size_t>(last - first + 1)));
        return Status::Ok();
    }
    int64_t next = first;
    int attempts = 0;   // failures while the listener's buffer is low
    int failures = 0;   // every failure since the last progress, for the backoff
    int refreshes = 0;  // fresh URLs refused in a row
    while (next <= last) {
        if (stop_.load()) return MakeError(ErrorCode::kCancelled, "stopped");
        Manifest manifest = this->manifest();
        const Variant* variant = FindVariant(manifest, kbps);
        HttpRequest request;
        request.url = variant->url;
        request.range_first = next;
        request.range_last = last;
        request.keep_partial = true;  // a cut connection keeps what arrived
        auto response = http.Perform(request);

        Error problem;
        if (!response.ok()) {
            if (response.error().code == ErrorCode::kCancelled || stop_.load()) {
                return MakeError(ErrorCode::kCancelled, "stopped");
            }
            problem = response.error();
        } else if (response->status == 403) {
            // Expired or refused: a fresh manifest at once; refused again,
            // fresh ones with a backoff for as long as the buffer lasts.
            if (++refreshes > kMaxRefreshesInARow && !Patient()) {
                return MakeError(ErrorCode::kForbidden, "CDN refuses fresh URLs too", 403);
            }
            if (refreshes > 1 && !Sleep(Backoff(refreshes - 1))) {
                return MakeError(ErrorCode::kCancelled, "stopped");
            }
            Status refreshed = RefreshUrl();
            if (refreshed.ok()) continue;
            if (refreshed.error().code != ErrorCode::kNetwork) {
                return refreshed.error().Wrap("URL expired and refresh failed");
            }
            problem = refreshed.error().Wrap("URL expired and the API is unreachable");
        } else if (response->status == 404 || response->status == 410 || response->status == 416) {
            return MakeError(ErrorCode::kProtocol,
                             "CDN answered HTTP " + std::to_string(response->status),
                             response->status);
        } else {
            auto bytes = UsableRangeBytes(*response, next, last, variant->size);
            if (bytes.ok() && !bytes->empty()) {
                const int64_t at = next;
                next += static_cast<int64_t>(bytes->size());
                attempts = 0;
                failures = 0;
                refreshes = 0;
                deliver(at, std::move(bytes.value()));
                if (response->truncated) retries_.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            problem = bytes.ok() ? Error{ErrorCode::kNetwork, "empty answer", 0} : bytes.error();
        }

        // With audio buffered, a failure costs nothing the listener hears:
        // keep trying (with a backoff) until the buffer is nearly spent, then
        // give up after a few more attempts.
        retries_.fetch_add(1, std::memory_order_relaxed);
        if (!Patient() && ++attempts >= kMaxAttempts) {
            return problem.Wrap("giving up after retries");
        }
        LOG_WARN(kLog, "range " << next << "-" << last << " failed, retrying: " << problem.message);
        if (!Sleep(Backoff(++failures))) return MakeError(ErrorCode::kCancelled, "stopped");
    }
    return Status::Ok();
}

bool StreamPipeline::Patient() const {
    const int64_t ahead = fetched_end_.load(std::memory_order_relaxed) - params_.heard_sample();
    return static_cast<double>(ahead) >= kPatientBufferSeconds * sample_rate_;
}

int StreamPipeline::Backoff(int failures) {
    return std::min(kMaxBackoffMs, kFirstBackoffMs << std::min(failures - 1, 8));
}

// Bytes below headers_until_ are the variant's header pages and become one
// header piece; the rest are audio, the first piece of a chunk carrying the
// chunk's restart tag.
std::optional<std::pair<int, std::string>> StreamPipeline::TakeWholeFile() {
    for (auto& [kbps, bytes] : whole_) {
        const Variant* variant = FindVariant(params_.manifest, kbps);
        if (variant != nullptr && static_cast<int64_t>(bytes.size()) == variant->size) {
            return std::make_pair(kbps, std::move(bytes));
        }
    }
    return std::nullopt;
}

void StreamPipeline::KeepWhole(int kbps, int64_t at, const std::string& bytes) {
    if (std::find(broken_.begin(), broken_.end(), kbps) != broken_.end()) return;
    std::string& kept = whole_[kbps];
    if (at != static_cast<int64_t>(kept.size())) {
        broken_.push_back(kbps);
        whole_.erase(kbps);
        return;
    }
    kept += bytes;
}

void StreamPipeline::Deliver(int64_t at, std::string bytes) {
    if (params_.keep_whole_file && !params_.local_file) KeepWhole(next_audio_tag_.kbps, at, bytes);
    if (at < headers_until_) {
        auto take = static_cast<size_t>(
            std::min<int64_t>(headers_until_ - at, static_cast<int64_t>(bytes.size())));
        header_collected_.append(bytes, 0, take);
        bytes.erase(0, take);
        if (at + static_cast<int64_t>(take) == headers_until_) {
            headers_until_ = 0;
            const int kbps = next_audio_tag_.kbps;
            params_.header_pages[kbps] = header_collected_;
            {
                std::lock_guard<std::mutex> lock(mu_);
                header_pages_[kbps] = header_collected_;
            }
            Push(Piece{true, kbps, false, false, std::move(header_collected_)});
            header_collected_.clear();
        }
    }
    if (bytes.empty()) return;
    Piece piece = next_audio_tag_;
    piece.bytes = std::move(bytes);
    next_audio_tag_.restart = false;
    Push(std::move(piece));
}

Status StreamPipeline::RefreshUrl() {
    ApiClient api(params_.api_base_url);
    api.SetToken(params_.token());
    auto fresh = api.GetManifest(params_.manifest.track_id);
    if (!fresh.ok()) return fresh.error().Wrap("cannot refresh the manifest");

    for (int kbps : params_.ladder_kbps) {
        const Variant* old_variant = FindVariant(params_.manifest, kbps);
        const Variant* new_variant = FindVariant(*fresh, kbps);
        if (new_variant == nullptr || new_variant->sha256 != old_variant->sha256 ||
            new_variant->size != old_variant->size) {
            return MakeError(ErrorCode::kProtocol, "the variant changed while playing");
        }
    }
    refreshes_.fetch_add(1, std::memory_order_relaxed);
    LOG_INFO(kLog, "refreshed the URLs of " << log::Quote(params_.manifest.track_id));
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
