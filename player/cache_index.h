// Private to the player: the SQLite index of the audio cache.
//
// One file (index.db, WAL mode, synchronous=FULL) holds the verified entries
// with their sizes and LRU stamps, the pins, the stored manifests and track
// metadata, and the settings (the size limit). Writes use BEGIN IMMEDIATE so
// several tonearm processes may share a cache folder.
//
// Not thread-safe: AudioCache's mutex guards the one connection. Every
// failure is a kIo Error carrying SQLite's message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/sqlite_db.h"

namespace tonearm::player {

// One verified, complete variant file in the cache.
struct CacheEntry {
    std::string sha256;  // the content address: the file is audio/<sha256>.ogg
    std::string track_id;
    int version = 0;
    int kbps = 0;
    int64_t size = 0;
    int64_t last_used = 0;  // LRU stamp from a counter, larger is more recent
    bool pinned = false;    // some pin names this track at this bitrate
};

// A request to keep a track at a bitrate offline; source says who asked for
// it ("track" or "playlist:<id>"), so a playlist's pins can be replaced whole.
struct CachePin {
    std::string source;
    std::string track_id;
    int kbps = 0;
};

class CacheIndex {
public:
    // Opens or creates the index at path. Fails with kIo.
    static Result<std::unique_ptr<CacheIndex>> Open(const std::string& path);
    ~CacheIndex();
    CacheIndex(const CacheIndex&) = delete;
    CacheIndex& operator=(const CacheIndex&) = delete;

    // Inserts or replaces an entry and makes it the most recently used.
    Status PutEntry(const CacheEntry& entry);
    // The newest version of track_id at kbps, if indexed.
    Result<std::optional<CacheEntry>> FindEntry(const std::string& track_id, int kbps);
    Status Touch(const std::string& sha256);
    Status RemoveEntry(const std::string& sha256);
    // Every entry, least recently used first, with pinned set.
    Result<std::vector<CacheEntry>> Entries();

    // Replaces every pin of source with pins (same source field expected).
    Status ReplacePins(const std::string& source, const std::vector<CachePin>& pins);
    Result<std::vector<CachePin>> Pins();

    // Manifest and track metadata as JSON text, keyed by track id.
    Status PutMetadata(const std::string& track_id, const std::string& manifest_json,
                       const std::string& track_json);
    // {manifest_json, track_json} (track_json may be empty), or nullopt.
    Result<std::optional<std::pair<std::string, std::string>>> FindMetadata(
        const std::string& track_id);

    Result<std::optional<std::string>> Setting(const std::string& key);
    Status SetSetting(const std::string& key, const std::string& value);
    Status RemoveSetting(const std::string& key);
    // Every (key, value) whose key starts with prefix, by key.
    Result<std::vector<std::pair<std::string, std::string>>> SettingsWithPrefix(
        const std::string& prefix);
    Status Clear();  // removes every entry, pin and stored manifest

private:
    explicit CacheIndex(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
    std::unique_ptr<sqlite::Database> db_;
};

}  // namespace tonearm::player
