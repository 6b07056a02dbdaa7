#include "player/audio_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/crypto.h"
#include "core/log.h"

namespace tonearm::player {
namespace {

namespace fs = std::filesystem;
constexpr char kLog[] = "cache";

Error IoError(const std::string& what, int err) {
    return MakeError(ErrorCode::kIo, what + ": " + std::strerror(err));
}

// Reads the whole file; kNotFound if it does not exist.
Result<std::string> ReadWholeFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return MakeError(ErrorCode::kNotFound, "no file '" + path + "'");
        return IoError("cannot open '" + path + "'", errno);
    }
    std::string bytes;
    char buffer[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            return IoError("cannot read '" + path + "'", err);
        }
        if (n == 0) break;
        bytes.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return bytes;
}

Status FsyncPath(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return IoError("cannot open '" + path + "' to sync it", errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return IoError("cannot sync '" + path + "'", err);
    return Status::Ok();
}

}  // namespace

std::string DefaultCacheDir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
        return std::string(xdg) + "/tonearm";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return std::string(home) + "/.cache/tonearm";
    }
    return ".tonearm-cache";
}

Result<std::unique_ptr<AudioCache>> AudioCache::Open(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "audio", ec);
    if (!ec) fs::create_directories(fs::path(dir) / "partial", ec);
    if (ec) {
        return MakeError(ErrorCode::kIo,
                         "cannot create cache folder '" + dir + "': " + ec.message());
    }
    auto index = CacheIndex::Open(dir + "/index.db");
    if (!index.ok()) return index.error();
    return std::unique_ptr<AudioCache>(new AudioCache(dir, std::move(index.value())));
}

std::string AudioCache::EntryPath(const std::string& sha256) const {
    return dir_ + "/audio/" + sha256 + ".ogg";
}

std::string AudioCache::PartialPath(const std::string& sha256) const {
    return dir_ + "/partial/" + sha256 + ".part";
}

Result<std::string> AudioCache::ReadVerified(const std::string& track_id, const Variant& variant) {
    std::lock_guard<std::mutex> lock(mu_);
    auto entry = index_->FindEntry(track_id, variant.kbps);
    if (!entry.ok()) return entry.error();
    const bool indexed = entry->has_value() && (*entry)->sha256 == variant.sha256;
    auto bytes = ReadWholeFile(EntryPath(variant.sha256));
    if (!bytes.ok() && bytes.error().code == ErrorCode::kNotFound && !indexed) {
        return MakeError(ErrorCode::kNotFound, "track " + log::Quote(track_id) + " at " +
                                                   std::to_string(variant.kbps) +
                                                   " kbps is not cached");
    }
    std::string problem;
    if (!bytes.ok()) {
        problem = bytes.error().message;
    } else if (static_cast<int64_t>(bytes->size()) != variant.size) {
        problem = "holds " + std::to_string(bytes->size()) + " bytes, the manifest says " +
                  std::to_string(variant.size);
    } else if (crypto::Sha256Hex(*bytes) != variant.sha256) {
        problem = "its SHA-256 does not match the manifest";
    }
    if (!problem.empty()) {
        LOG_WARN(kLog, "evicting damaged entry of " << log::Quote(track_id) << ": " << problem);
        (void)EvictLocked(variant.sha256);
        return MakeError(ErrorCode::kCorrupt, "cached copy of track " + log::Quote(track_id) +
                                                  " was damaged (" + problem + ") and evicted");
    }
    if (!indexed) {
        // A verified file the index forgot (e.g. a crash between rename and
        // insert): take it back in.
        Status put =
            index_->PutEntry({variant.sha256, track_id, 0, variant.kbps, variant.size, 0, false});
        if (!put.ok()) return put.error();
    } else if (Status touched = index_->Touch(variant.sha256); !touched.ok()) {
        return touched.error();
    }
    return bytes;
}

Result<std::optional<CacheEntry>> AudioCache::FindEntry(const std::string& track_id, int kbps) {
    std::lock_guard<std::mutex> lock(mu_);
    return index_->FindEntry(track_id, kbps);
}

Result<std::vector<CacheEntry>> AudioCache::Entries() {
    std::lock_guard<std::mutex> lock(mu_);
    return index_->Entries();
}

Status AudioCache::CommitPartial(const Manifest& manifest, const Variant& variant) {
    const std::string partial = PartialPath(variant.sha256);
    auto bytes = ReadWholeFile(partial);
    if (!bytes.ok()) return bytes.error().Wrap("cannot check the download");
    if (static_cast<int64_t>(bytes->size()) != variant.size ||
        crypto::Sha256Hex(*bytes) != variant.sha256) {
        std::error_code ec;
        fs::remove(partial, ec);
        return MakeError(ErrorCode::kCorrupt, "downloaded file of track " +
                                                  log::Quote(manifest.track_id) +
                                                  " does not match the manifest's SHA-256");
    }
    if (Status synced = FsyncPath(partial, O_RDONLY); !synced.ok()) return synced;
    const std::string final_path = EntryPath(variant.sha256);
    if (::rename(partial.c_str(), final_path.c_str()) != 0) {
        return IoError("cannot move the download to '" + final_path + "'", errno);
    }
    if (Status synced = FsyncPath(dir_ + "/audio", O_RDONLY | O_DIRECTORY); !synced.ok()) {
        return synced;
    }
    std::lock_guard<std::mutex> lock(mu_);
    Status put = index_->PutEntry({variant.sha256, manifest.track_id, manifest.version,
                                   variant.kbps, variant.size, 0, false});
    if (!put.ok()) return put;
    return EnforceLimitLocked();
}

Status AudioCache::StoreStreamed(const Manifest& manifest, const Variant& variant,
                                 const std::string& bytes) {
    if (static_cast<int64_t>(bytes.size()) != variant.size ||
        crypto::Sha256Hex(bytes) != variant.sha256) {
        return MakeError(ErrorCode::kCorrupt, "streamed file of track " +
                                                  log::Quote(manifest.track_id) +
                                                  " does not match the manifest's SHA-256");
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        auto existing = index_->FindEntry(manifest.track_id, variant.kbps);
        if (existing.ok() && existing->has_value() && (*existing)->sha256 == variant.sha256) {
            return Status::Ok();
        }
    }
    // Its own name: a pin may be downloading the same variant into its
    // partial file at this moment.
    const std::string temporary =
        dir_ + "/partial/" + variant.sha256 + ".streamed." + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return IoError("cannot create '" + temporary + "'", errno);
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int saved = errno;
            ::close(fd);
            ::unlink(temporary.c_str());
            return IoError("cannot write '" + temporary + "'", saved);
        }
        written += static_cast<size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!synced) {
        ::unlink(temporary.c_str());
        return IoError("cannot sync '" + temporary + "'", saved);
    }
    const std::string final_path = EntryPath(variant.sha256);
    if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
        const int rename_errno = errno;
        ::unlink(temporary.c_str());
        return IoError("cannot move the streamed file to '" + final_path + "'", rename_errno);
    }
    if (Status dir_synced = FsyncPath(dir_ + "/audio", O_RDONLY | O_DIRECTORY); !dir_synced.ok()) {
        return dir_synced;
    }
    if (Status stored = StoreMetadata(manifest, std::nullopt); !stored.ok()) return stored;
    std::lock_guard<std::mutex> lock(mu_);
    Status put = index_->PutEntry({variant.sha256, manifest.track_id, manifest.version,
                                   variant.kbps, variant.size, 0, false});
    if (!put.ok()) return put;
    return EnforceLimitLocked();
}

Status AudioCache::StoreMetadata(const Manifest& manifest, const std::optional<Track>& track) {
    Manifest stored = manifest;
    for (Variant& v : stored.variants) {
        v.url.clear();
        v.url_expires = 0;
    }
    std::lock_guard<std::mutex> lock(mu_);
    std::string track_json = track ? ToJson(*track).dump() : std::string();
    if (!track) {
        auto existing = index_->FindMetadata(manifest.track_id);
        if (existing.ok() && existing->has_value()) track_json = (*existing)->second;
    }
    return index_->PutMetadata(manifest.track_id, ToJson(stored).dump(), track_json);
}

Result<Manifest> AudioCache::LoadManifest(const std::string& track_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = index_->FindMetadata(track_id);
    if (!found.ok()) return found.error();
    if (!found->has_value()) {
        return MakeError(ErrorCode::kNotFound, "no stored manifest for " + log::Quote(track_id));
    }
    auto json = ParseJson((*found)->first);
    if (!json.ok()) return json.error().Wrap("stored manifest");
    return ManifestFromJson(*json);
}

Result<Track> AudioCache::LoadTrack(const std::string& track_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = index_->FindMetadata(track_id);
    if (!found.ok()) return found.error();
    if (!found->has_value() || (*found)->second.empty()) {
        return MakeError(ErrorCode::kNotFound, "no stored metadata for " + log::Quote(track_id));
    }
    auto json = ParseJson((*found)->second);
    if (!json.ok()) return json.error().Wrap("stored track");
    return TrackFromJson(*json);
}

Status AudioCache::ReplacePins(const std::string& source, const std::vector<CachePin>& pins) {
    std::lock_guard<std::mutex> lock(mu_);
    return index_->ReplacePins(source, pins);
}

Result<std::vector<CachePin>> AudioCache::Pins() {
    std::lock_guard<std::mutex> lock(mu_);
    return index_->Pins();
}

Status AudioCache::RememberSource(const std::string& source, int kbps) {
    std::lock_guard<std::mutex> lock(mu_);
    return index_->SetSetting("source:" + source, std::to_string(kbps));
}

Status AudioCache::ForgetSource(const std::string& source) {
    std::lock_guard<std::mutex> lock(mu_);
    return index_->RemoveSetting("source:" + source);
}

Result<std::vector<std::pair<std::string, int>>> AudioCache::Sources() {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = index_->SettingsWithPrefix("source:");
    if (!found.ok()) return found.error();
    std::vector<std::pair<std::string, int>> sources;
    for (const auto& [key, value] : *found) {
        sources.emplace_back(key.substr(7), std::atoi(value.c_str()));
    }
    return sources;
}

}  // namespace tonearm::player
