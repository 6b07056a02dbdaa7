// AudioCache: the size limit, eviction, status and clearing.
#include <sys/statvfs.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "core/log.h"
#include "player/audio_cache.h"

namespace tonearm::player {
namespace {

namespace fs = std::filesystem;
constexpr char kLog[] = "cache";
constexpr char kLimitKey[] = "limit_bytes";

int64_t FreeDisk(const std::string& dir) {
    struct statvfs info {};
    if (::statvfs(dir.c_str(), &info) != 0) return 0;
    return static_cast<int64_t>(info.f_bavail) * static_cast<int64_t>(info.f_frsize);
}

int64_t PartialBytes(const std::string& dir, std::set<std::string>* names = nullptr) {
    int64_t total = 0;
    std::error_code ec;
    for (const auto& file : fs::directory_iterator(fs::path(dir) / "partial", ec)) {
        std::error_code size_ec;
        auto size = file.file_size(size_ec);
        if (!size_ec) total += static_cast<int64_t>(size);
        if (names != nullptr) names->insert(file.path().string());
    }
    return total;
}

}  // namespace

Result<int64_t> AudioCache::LimitLocked(int64_t used_bytes) {
    auto stored = index_->Setting(kLimitKey);
    if (!stored.ok()) return stored.error();
    if (stored->has_value() && !(*stored)->empty())
        return std::strtoll((*stored)->c_str(), nullptr, 10);
    const auto share =
        static_cast<int64_t>(kDefaultLimitShare * static_cast<double>(FreeDisk(dir_) + used_bytes));
    return std::min(share, kDefaultLimitCap);
}

Status AudioCache::SetLimit(int64_t limit_bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    Status set = limit_bytes > 0 ? index_->SetSetting(kLimitKey, std::to_string(limit_bytes))
                                 : index_->RemoveSetting(kLimitKey);
    if (!set.ok()) return set;
    return EnforceLimitLocked();
}

Result<CacheStatus> AudioCache::GetStatus() {
    std::lock_guard<std::mutex> lock(mu_);
    auto entries = index_->Entries();
    if (!entries.ok()) return entries.error();
    CacheStatus status;
    for (const CacheEntry& e : *entries) {
        status.used_bytes += e.size;
        status.entries += 1;
        if (e.pinned) {
            status.pinned_bytes += e.size;
            status.pinned_entries += 1;
        }
    }
    auto stored = index_->Setting(kLimitKey);
    if (!stored.ok()) return stored.error();
    status.limit_is_default = !stored->has_value() || (*stored)->empty();
    auto limit = LimitLocked(status.used_bytes);
    if (!limit.ok()) return limit.error();
    status.limit_bytes = *limit;
    status.free_disk_bytes = FreeDisk(dir_);
    status.partial_bytes = PartialBytes(dir_);
    return status;
}

Status AudioCache::CheckPinFits(int64_t extra_bytes) {
    auto status = GetStatus();
    if (!status.ok()) return status.error();
    if (status->pinned_bytes + extra_bytes > status->limit_bytes) {
        return MakeError(
            ErrorCode::kUnsupported,
            "pinned audio would take " + std::to_string(status->pinned_bytes + extra_bytes) +
                " bytes, over the cache limit of " + std::to_string(status->limit_bytes) +
                " bytes (raise it with `cache set-limit`)");
    }
    return Status::Ok();
}

Status AudioCache::EnforceLimit() {
    std::lock_guard<std::mutex> lock(mu_);
    return EnforceLimitLocked();
}

Status AudioCache::EnforceLimitLocked() {
    auto entries = index_->Entries();  // least recently used first
    if (!entries.ok()) return entries.error();
    int64_t used = 0;
    for (const CacheEntry& e : *entries)
        used += e.size;
    auto limit = LimitLocked(used);
    if (!limit.ok()) return limit.error();
    int evicted = 0;
    for (const CacheEntry& e : *entries) {
        if (used <= *limit) break;
        if (e.pinned) continue;
        if (Status gone = EvictLocked(e.sha256); !gone.ok()) return gone;
        used -= e.size;
        ++evicted;
    }
    if (evicted > 0) LOG_DEBUG(kLog, "evicted " << evicted << " entries to stay under the limit");
    return Status::Ok();
}

Status AudioCache::EvictLocked(const std::string& sha256) {
    std::error_code ec;
    fs::remove(EntryPath(sha256), ec);
    if (ec) {
        return MakeError(ErrorCode::kIo,
                         "cannot remove cache file '" + EntryPath(sha256) + "': " + ec.message());
    }
    return index_->RemoveEntry(sha256);
}

Status AudioCache::Clear(bool include_pinned) {
    std::lock_guard<std::mutex> lock(mu_);
    auto entries = index_->Entries();
    if (!entries.ok()) return entries.error();
    for (const CacheEntry& e : *entries) {
        if (e.pinned && !include_pinned) continue;
        if (Status gone = EvictLocked(e.sha256); !gone.ok()) return gone;
    }
    if (include_pinned) {
        if (Status cleared = index_->Clear(); !cleared.ok()) return cleared;
    }
    // Without include_pinned, partial downloads stay for the next resume.
    if (!include_pinned) return Status::Ok();
    std::set<std::string> partials;
    PartialBytes(dir_, &partials);
    for (const std::string& path : partials) {
        std::error_code ec;
        fs::remove(path, ec);
    }
    return Status::Ok();
}

}  // namespace tonearm::player
