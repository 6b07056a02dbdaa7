// AudioCache: complete variant files on disk, content-addressed by the
// variant's SHA-256 and verified against it before any byte is used.
//
// Layout under dir(): index.db (see cache_index.h), audio/<sha256>.ogg for
// verified entries, partial/<sha256>.part for downloads in progress. A file
// reaches its final name only by rename after it was fsynced and its whole
// SHA-256 matched, so a crash or a full disk never leaves a half entry under
// a final name; partial files are not entries and are never played.
//
// Size limit: set with SetLimit, else the default, 10 % of (free disk + what
// the cache holds) capped at kDefaultLimitCap. Unpinned entries are evicted
// least recently used first whenever the cache holds more than the limit;
// pinned entries are never evicted, and pinning refuses audio that would
// take pinned bytes beyond the limit.
//
// Thread-safe: one mutex guards the index connection. Several processes may
// share a folder (SQLite's locking). Every failure is an Error with context.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"
#include "player/cache_index.h"

namespace tonearm::player {

inline constexpr int64_t kDefaultLimitCap = int64_t{2} << 30;  // 2 GiB
inline constexpr double kDefaultLimitShare = 0.10;             // of free disk + cache

struct CacheStatus {
    int64_t used_bytes = 0;  // every entry, pinned or not
    int64_t pinned_bytes = 0;
    int64_t free_disk_bytes = 0;  // on the cache's file system
    int64_t limit_bytes = 0;
    bool limit_is_default = true;
    int64_t entries = 0;
    int64_t pinned_entries = 0;
    int64_t partial_bytes = 0;  // downloads in progress (not counted in used)
};

// The cache folder of a platform: $XDG_CACHE_HOME/tonearm, else
// ~/.cache/tonearm. Thread-safe.
std::string DefaultCacheDir();

class AudioCache {
public:
    // Opens or creates the cache in dir (creating the folders). Fails with kIo.
    static Result<std::unique_ptr<AudioCache>> Open(const std::string& dir);

    const std::string& dir() const { return dir_; }
    std::string EntryPath(const std::string& sha256) const;
    std::string PartialPath(const std::string& sha256) const;

    // The whole file of variant (of track_id), read and checked against the
    // variant's size and SHA-256. kNotFound when it is not cached; kCorrupt
    // when the file was damaged, truncated or deleted behind our back: the
    // entry is then evicted. On success the entry becomes the most recent.
    Result<std::string> ReadVerified(const std::string& track_id, const Variant& variant);
    // The indexed entry of track_id at kbps (newest version), unverified.
    Result<std::optional<CacheEntry>> FindEntry(const std::string& track_id, int kbps);
    // Every indexed entry, least recently used first, unverified.
    Result<std::vector<CacheEntry>> Entries();

    // Checks the finished partial file of variant, fsyncs it, renames it to
    // its entry path and indexes it, then evicts down to the limit. kCorrupt
    // (partial file removed) when its hash or size do not match.
    Status CommitPartial(const Manifest& manifest, const Variant& variant);

    // Keeps a variant file that playback fetched whole: checks its size and
    // SHA-256 (kCorrupt otherwise, nothing stored), writes it under a name of
    // its own in partial/, fsyncs, renames it to its entry path, indexes it
    // (unpinned, most recent), stores the manifest for offline play and
    // evicts down to the limit. A no-op when the entry exists already.
    Status StoreStreamed(const Manifest& manifest, const Variant& variant,
                         const std::string& bytes);
    // Manifests (signed URLs dropped) and track metadata, for offline play.
    Status StoreMetadata(const Manifest& manifest, const std::optional<Track>& track);
    Result<Manifest> LoadManifest(const std::string& track_id);  // kNotFound if absent
    Result<Track> LoadTrack(const std::string& track_id);        // kNotFound if absent

    Status ReplacePins(const std::string& source, const std::vector<CachePin>& pins);
    Result<std::vector<CachePin>> Pins();
    // The pinned sources and the quality each was pinned at (0 = best), so
    // a refresh can pin a playlist again after its tracks changed.
    Status RememberSource(const std::string& source, int kbps);
    Status ForgetSource(const std::string& source);
    Result<std::vector<std::pair<std::string, int>>> Sources();
    // Bytes the pins would hold with extra_bytes more pinned, against the
    // limit: kUnsupported with a clear message if that is over the limit.
    Status CheckPinFits(int64_t extra_bytes);

    // limit_bytes 0 restores the default.
    Status SetLimit(int64_t limit_bytes);
    Result<CacheStatus> GetStatus();
    // Evicts unpinned entries, least recently used first, until the cache
    // holds no more than the limit (or only pinned entries are left).
    Status EnforceLimit();
    // Removes unpinned entries and partial files of unpinned audio; with
    // include_pinned also the pins, their audio and every stored manifest.
    Status Clear(bool include_pinned);

private:
    AudioCache(std::string dir, std::unique_ptr<CacheIndex> index)
        : dir_(std::move(dir)), index_(std::move(index)) {}
    Result<int64_t> LimitLocked(int64_t used_bytes);
    Status EnforceLimitLocked();
    Status EvictLocked(const std::string& sha256);

    const std::string dir_;
    std::mutex mu_;
    std::unique_ptr<CacheIndex> index_;  // guarded by mu_
};

}  // namespace tonearm::player
