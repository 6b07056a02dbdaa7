#include "player/variant_download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "core/api_client.h"
#include "core/http_client.h"
#include "core/http_range.h"
#include "core/log.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "cache";
constexpr int kMaxAttempts = 6;

bool Cancelled(const DownloadOptions& options) {
    return options.cancel != nullptr && options.cancel->load();
}

// Appends bytes to fd; kIo naming the file (e.g. "No space left on device").
Status AppendAll(int fd, const std::string& path, const std::string& bytes) {
    size_t written = 0;
    while (written < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            return MakeError(ErrorCode::kIo,
                             "cannot write cache file '" + path + "': " + std::strerror(errno));
        }
        written += static_cast<size_t>(n);
    }
    return Status::Ok();
}

Result<Variant> RenewUrl(const DownloadOptions& options, const Manifest& manifest,
                         const Variant& old_variant) {
    ApiClient api(options.api_base_url);
    api.SetToken(options.token);
    auto fresh = api.GetManifest(manifest.track_id);
    if (!fresh.ok()) return fresh.error().Wrap("cannot renew the download URL");
    const Variant* v = fresh->FindVariant(old_variant.kbps);
    if (v == nullptr || v->sha256 != old_variant.sha256) {
        return MakeError(ErrorCode::kProtocol, "the variant changed during the download");
    }
    return *v;
}

// One streamed answer to "bytes=at-": what it wrote and why it stopped.
struct StreamedAnswer {
    int64_t written = 0;
    Status write_status = Status::Ok();  // a failed write (e.g. a full disk)
    bool refused = false;                // the head did not fit the request
};

// Streams [at, end of file) into fd as it arrives, once the answer's head
// proves its body starts exactly at byte at (206 with a matching
// Content-Range, or a 200 whose first at bytes are skipped).
Result<HttpResponse> StreamOnce(HttpClient& http, int fd, const std::string& path,
                                const std::string& url, const Variant& variant, int64_t at,
                                const DownloadOptions& options, const std::string& track_id,
                                DownloadOutcome* outcome, StreamedAnswer* answer) {
    HttpRequest request;
    request.url = url;
    request.range_first = at;
    request.range_last = variant.size - 1;
    request.timeout_ms = 0;  // a long download; the low-speed guard still applies
    int64_t skip = -1;       // bytes of the body before byte at; -1 until the head is checked
    int64_t next_report = at + kDownloadChunkBytes;
    return http.PerformStreamingWithHead(request, [&](const HttpResponse& head, const char* data,
                                                      size_t size) {
        if (skip < 0) {
            auto range = ParseContentRange(head.Header("content-range"));
            if (head.status == 206 && range && range->first == at && range->total == variant.size) {
                skip = 0;
            } else if (head.status == 200) {
                skip = at;
            } else {
                answer->refused = true;
                return false;
            }
        }
        const auto take_from = static_cast<size_t>(std::min<int64_t>(skip, size));
        skip -= static_cast<int64_t>(take_from);
        std::string bytes(data + take_from, size - take_from);
        const int64_t room = variant.size - (at + answer->written);
        if (static_cast<int64_t>(bytes.size()) > room) bytes.resize(static_cast<size_t>(room));
        answer->write_status = AppendAll(fd, path, bytes);
        if (!answer->write_status.ok()) return false;
        answer->written += static_cast<int64_t>(bytes.size());
        outcome->bytes_fetched += static_cast<int64_t>(bytes.size());
        const int64_t done = at + answer->written;
        if (options.progress && (done >= next_report || done == variant.size)) {
            next_report = done + kDownloadChunkBytes;
            options.progress({track_id, variant.kbps, done, variant.size, outcome->bytes_fetched});
        }
        // Holding the sink back slows the sender through TCP's window.
        if (options.pacer != nullptr) options.pacer->Take(static_cast<int64_t>(bytes.size()));
        return !Cancelled(options);
    });
}

// Fetches [at, end of file) into fd, retrying and renewing the URL.
Status FetchRest(int fd, const std::string& path, const Manifest& manifest, Variant variant,
                 int64_t at, const DownloadOptions& options, DownloadOutcome* outcome) {
    HttpClient http;
    if (options.cancel != nullptr) http.SetCancelFlag(options.cancel);
    int attempts = 0;
    while (at < variant.size) {
        if (Cancelled(options)) return MakeError(ErrorCode::kCancelled, "download cancelled");
        StreamedAnswer answer;
        auto response = StreamOnce(http, fd, path, variant.url, variant, at, options,
                                   manifest.track_id, outcome, &answer);
        at += answer.written;
        if (!answer.write_status.ok()) return answer.write_status;
        if (answer.written > 0) attempts = 0;
        if (at >= variant.size) break;
        if (Cancelled(options)) return MakeError(ErrorCode::kCancelled, "download cancelled");

        Error problem =
            response.ok() ? MakeError(ErrorCode::kProtocol, "unusable answer") : response.error();
        const int status = response.ok() ? response->status : 0;
        if (answer.refused && status == 403) {
            auto renewed = RenewUrl(options, manifest, variant);
            if (!renewed.ok()) return renewed.error();
            variant = *renewed;
            continue;
        }
        if (answer.refused) {
            problem = MakeError(ErrorCode::kProtocol, "CDN answered HTTP " + std::to_string(status),
                                status);
            if (status == 404 || status == 410 || status == 416) return problem;
        }
        if (++attempts >= kMaxAttempts) return problem.Wrap("giving up after retries");
        LOG_WARN(kLog, "download of " << log::Quote(manifest.track_id) << " stopped at " << at
                                      << ", resuming: " << problem.message);
        std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempts));
    }
    return Status::Ok();
}

// Opens the partial file for appending; a file longer than the variant
// cannot be a prefix of it and starts again empty.
Result<int> OpenPartial(const std::string& path, int64_t size, int64_t* held) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return MakeError(ErrorCode::kIo,
                         "cannot open cache file '" + path + "': " + std::strerror(errno));
    }
    struct stat info {};
    *held = ::fstat(fd, &info) == 0 ? static_cast<int64_t>(info.st_size) : 0;
    if (*held > size && ::ftruncate(fd, 0) == 0) *held = 0;
    ::lseek(fd, *held, SEEK_SET);
    return fd;
}

}  // namespace

void TransferPacer::Take(int64_t bytes) {
    if (rate_ <= 0 || bytes <= 0) return;
    std::chrono::steady_clock::time_point until;
    {
        std::lock_guard<std::mutex> lock(mu_);
        // Time nobody used is not saved up for a burst later.
        const auto now = std::chrono::steady_clock::now();
        if (next_ < now) next_ = now;
        next_ += std::chrono::microseconds(bytes * 1000000 / rate_);
        until = next_;
    }
    std::this_thread::sleep_until(until);
}

Result<DownloadOutcome> DownloadVariant(AudioCache& cache, const Manifest& manifest, int kbps,
                                        const DownloadOptions& given) {
    DownloadOptions options = given;
    std::unique_ptr<TransferPacer> own_pacer;
    if (options.pacer == nullptr && options.max_bytes_per_second > 0) {
        own_pacer = std::make_unique<TransferPacer>(options.max_bytes_per_second);
        options.pacer = own_pacer.get();
    }
    const Variant* variant = manifest.FindVariant(kbps);
    if (variant == nullptr) {
        return MakeError(ErrorCode::kNotFound, "track " + log::Quote(manifest.track_id) +
                                                   " has no " + std::to_string(kbps) +
                                                   " kbps variant");
    }
    DownloadOutcome outcome;
    auto cached = cache.ReadVerified(manifest.track_id, *variant);
    if (cached.ok()) {
        outcome.already_cached = true;
        return outcome;
    }
    const std::string path = cache.PartialPath(variant->sha256);
    for (int round = 0; round < 2; ++round) {
        int64_t held = 0;
        auto fd = OpenPartial(path, variant->size, &held);
        if (!fd.ok()) return fd.error();
        if (round == 0) outcome.resumed_from = held;
        Status fetched = FetchRest(*fd, path, manifest, *variant, held, options, &outcome);
        if (fetched.ok() && ::fsync(*fd) != 0) {
            fetched = MakeError(ErrorCode::kIo,
                                "cannot sync cache file '" + path + "': " + std::strerror(errno));
        }
        ::close(*fd);
        if (!fetched.ok()) {
            if (fetched.error().code == ErrorCode::kIo) ::unlink(path.c_str());
            return fetched.error().Wrap("cannot download track " + log::Quote(manifest.track_id));
        }
        Status committed = cache.CommitPartial(manifest, *variant);
        if (committed.ok()) return outcome;
        if (committed.error().code != ErrorCode::kCorrupt) return committed.error();
        LOG_WARN(kLog, committed.error().message << "; downloading it again");
    }
    return MakeError(ErrorCode::kCorrupt, "track " + log::Quote(manifest.track_id) +
                                              " does not match its manifest after two downloads");
}

}  // namespace tonearm::player
