// DATA/server.db: the catalog, users and session tokens (SQLite, WAL mode).
//
// One connection per ServerDatabase, serialised by its mutex: every method
// may be called from any thread. Writes use BEGIN IMMEDIATE so a concurrent
// ingest and server never meet SQLITE_BUSY mid-transaction (busy_timeout
// covers the wait for the write lock). Other modules may open their own
// connections to the same file for their own tables.
#pragma once

#include "core/sqlite_db.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"

namespace tonearm::server {

// A catalog row: the public Track plus where it came from.
struct TrackRecord {
    Track track;
    std::string source_path;    // canonical absolute path at ingest time
    std::string source_sha256;  // content hash that defines the version
};

// An ingested version that a newer one replaced.
struct StaleVersion {
    std::string track_id;
    int version = 0;
    int64_t replaced_at = 0;  // unix seconds when the current version was ingested
};

// A signed-in listener.
struct AuthUser {
    std::string name;
    Tier tier = Tier::kFree;
};

class ServerDatabase {
public:
    // Opens (creating if needed) the database at path and its schema.
    // Fails with kIo.
    static Result<std::unique_ptr<ServerDatabase>> Open(const std::string& path);
    ~ServerDatabase();
    ServerDatabase(const ServerDatabase&) = delete;
    ServerDatabase& operator=(const ServerDatabase&) = delete;

    const std::string& path() const { return path_; }

    // Catalog. FindTrack returns nullopt for an unknown id.
    Result<std::optional<TrackRecord>> FindTrack(const std::string& id);
    // Inserts or replaces the row of record.track.id and records its version.
    Status PutTrack(const TrackRecord& record);
    // Ordered by artist, album, track number, title (case-insensitive), id.
    Result<CatalogPage> ListTracks(int64_t offset, int64_t limit);
    // Tracks whose title, artist or album contains query (case-insensitive
    // for ASCII), in catalog order.
    Result<CatalogPage> SearchTracks(const std::string& query, int64_t offset, int64_t limit);
    // Every version ever ingested that is not the current one of its track.
    Result<std::vector<StaleVersion>> StaleVersions();

    // Users. CreateUser fails with kInvalidArgument if the name is taken.
    Status CreateUser(const std::string& name, const std::string& password, Tier tier);
    Result<bool> UserExists(const std::string& name);
    // Returns the user if the password matches, nullopt otherwise. Runs
    // PBKDF2 outside the lock.
    Result<std::optional<AuthUser>> CheckPassword(const std::string& name,
                                                  const std::string& password);

    // Tokens are stored as their SHA-256, never in clear. StoreToken also
    // deletes the tokens that have expired.
    Status StoreToken(const std::string& token, const std::string& user, int64_t expires_unix);
    Result<std::optional<AuthUser>> UserForToken(const std::string& token, int64_t now_unix);

private:
    ServerDatabase(std::unique_ptr<sqlite::Database> db, std::string path)
        : db_(std::move(db)), path_(std::move(path)) {}
    Status CreateSchema();
    Result<CatalogPage> QueryPage(const char* count_sql, const char* page_sql,
                                  const std::string& pattern, int64_t offset, int64_t limit);

    std::mutex mu_;
    std::unique_ptr<sqlite::Database> db_;  // guarded by mu_
    const std::string path_;
};

}  // namespace tonearm::server
