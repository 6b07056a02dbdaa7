// The server's playlists: one op log per playlist (and per library) in a
// SQLite file, the merged state in memory and as materialised rows, and the
// gate every pushed op passes (shared merge rules, sync/model).
//
// Batch rule: the ops of a push are judged one by one, in order, each against
// the state left by the ops before it. A rejected op is reported with its
// error and skipped; the rest of the batch still counts, and an op that
// depended on a rejected one fails its own check. An op id already in the
// log is acknowledged again without a second effect.
//
// Thread-safe: one mutex guards the connection and the state; WaitForChange
// blocks without holding it.
#pragma once

#include "core/sqlite_db.h"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"
#include "sync/model/hlc.h"
#include "sync/model/op.h"
#include "sync/model/sync_state.h"

namespace tonearm::server {

struct PushOutcome {
    std::vector<std::string> acked;
    std::vector<Json> rejected;  // {"op": id, "code": name, "error": message}
};

struct ChangeSet {
    std::vector<sync::Op> ops;
    int64_t cursor = 0;  // pass back to continue after these ops
    bool more = false;   // true if the limit cut the answer short
};

class PlaylistStore {
public:
    // Opens (creating if needed) the store at path and replays its log.
    // Fails with kIo, or kCorrupt for a stored op that does not parse.
    static Result<std::unique_ptr<PlaylistStore>> Open(const std::string& path);
    ~PlaylistStore();
    PlaylistStore(const PlaylistStore&) = delete;
    PlaylistStore& operator=(const PlaylistStore&) = delete;

    // Validates and records ops authored by user (see the batch rule above).
    // Fails only for a storage error, in which case nothing was recorded.
    Result<PushOutcome> Push(const std::string& user, const std::vector<Json>& ops, int64_t now_ms);

    // Ops user may read with log position > cursor, at most about limit, in
    // log order. A playlist user gained access to after cursor (by creating,
    // being shared or following it) comes with its whole earlier history, so
    // a fresh device (cursor 0) or a new collaborator gets the current state.
    // A cursor beyond the log (a store that was wiped) counts as 0.
    ChangeSet ChangesFor(const std::string& user, int64_t cursor, size_t limit);

    // Blocks up to timeout_ms until user has changes after cursor; returns
    // whether there are any. Returns early once Shutdown() was called.
    bool WaitForChange(const std::string& user, int64_t cursor, int timeout_ms);

    // Wakes every WaitForChange; call before stopping the HTTP server.
    void Shutdown();

    // The playlist as user may see it, kNotFound if it does not exist or
    // user may not read it.
    Result<Json> PlaylistView(const std::string& user, const std::string& playlist_id);
    // Every created playlist user may read, as views.
    Json PlaylistsOf(const std::string& user);

private:
    explicit PlaylistStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
    Status Load();
    Result<bool> PushOne(const std::string& user, const Json& raw, int64_t now_ms,
                         PushOutcome* outcome);
    Status StoreOp(const sync::Op& op);
    Status StoreViewLocked(const std::string& playlist_id);
    bool HasChangesLocked(const std::string& user, int64_t cursor) const;
    int64_t GrantSeqLocked(const std::string& user, const std::string& playlist_id) const;
    void IndexLocked(const sync::Op& op);
    bool RelevantLocked(const std::string& user, const sync::Op& op) const;

    std::mutex mu_;
    std::condition_variable changed_;
    std::unique_ptr<sqlite::Database> db_;  // guarded by mu_
    sync::SyncState state_;                 // guarded by mu_
    std::vector<sync::Op> log_;             // guarded by mu_; log_[i] has seq i + 1
    std::map<std::string, size_t> index_;   // guarded by mu_; op id -> log_ index
    std::map<std::string, std::vector<size_t>> by_playlist_;  // guarded by mu_
    // (user, playlist) -> seq of the latest op that gave user access (its
    // create, a share or a follow); guarded by mu_.
    std::map<std::pair<std::string, std::string>, int64_t> grants_;
    sync::HybridClock clamp_clock_{"server"};  // guarded by mu_
    bool shutdown_ = false;                    // guarded by mu_
};

}  // namespace tonearm::server
