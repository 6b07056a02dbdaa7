#include "player/variant_download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/api_client.h"
#include "core/http_client.h"
#include "core/log.h"
#include "player/range_answer.h"

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

// Fetches [at, end of file) into fd chunk by chunk.
Status FetchRest(int fd, const std::string& path, const Manifest& manifest, Variant variant,
                 int64_t at, const DownloadOptions& options, DownloadOutcome* outcome) {
    HttpClient http;
    if (options.cancel != nullptr) http.SetCancelFlag(options.cancel);
    int attempts = 0;
    while (at < variant.size) {
        if (Cancelled(options)) return MakeError(ErrorCode::kCancelled, "download cancelled");
        HttpRequest request;
        request.url = variant.url;
        request.range_first = at;
        request.range_last = std::min(variant.size, at + kDownloadChunkBytes) - 1;
        auto response = http.Perform(request);
        Error problem;
        if (response.ok() && response->status == 403) {
            auto renewed = RenewUrl(options, manifest, variant);
            if (!renewed.ok()) return renewed.error();
            variant = *renewed;
            continue;
        }
        if (response.ok()) {
            auto bytes = UsableRangeBytes(*response, at, request.range_last, variant.size);
            if (bytes.ok()) {
                if (Status wrote = AppendAll(fd, path, *bytes); !wrote.ok()) return wrote;
                at += static_cast<int64_t>(bytes->size());
                outcome->bytes_fetched += static_cast<int64_t>(bytes->size());
                attempts = 0;
                if (options.progress) {
                    options.progress({manifest.track_id, variant.kbps, at, variant.size,
                                      outcome->bytes_fetched});
                }
                continue;
            }
            problem = bytes.error();
            if (response->status == 404 || response->status == 410) return problem;
        } else {
            if (Cancelled(options)) return MakeError(ErrorCode::kCancelled, "download cancelled");
            problem = response.error();
        }
        if (++attempts >= kMaxAttempts) return problem.Wrap("giving up after retries");
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

Result<DownloadOutcome> DownloadVariant(AudioCache& cache, const Manifest& manifest, int kbps,
                                        const DownloadOptions& options) {
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
