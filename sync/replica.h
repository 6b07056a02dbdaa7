// The client's replica: the listener's playlists and library in a SQLite
// file, the op log they are built from, and the outbox of local edits the
// server has not acknowledged yet.
//
// Each local edit is checked with the shared merge rules, then written with
// its outbox row, the new clock value and the re-materialised playlist in one
// BEGIN IMMEDIATE transaction; the call returns only after that commit, so an
// edit the UI showed survives a crash or power loss (synchronous=FULL).
// Materialised tables (playlists, entries, library) are for readers such as
// the CLI; the in-memory SyncState is rebuilt from the op log at open.
//
// Thread-safe: one mutex guards the connection and the in-memory state, so
// the UI thread may edit while the sync thread pushes and pulls.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/sqlite_db.h"
#include "sync/model/hlc.h"
#include "sync/model/op.h"
#include "sync/model/position_key.h"
#include "sync/model/sync_state.h"

namespace tonearm::sync {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

struct ReplicaOptions {
    std::string path;  // the SQLite file; created if missing
    std::string user;  // the signed-in listener who authors edits
    int busy_timeout_ms = 5000;
    // Wall clock in ms; tests replace it to simulate skew and jumps.
    std::function<int64_t()> wall_clock = SystemWallMs;
};

// Current schema version (PRAGMA user_version) this code writes.
inline constexpr int64_t kReplicaSchemaVersion = 1;

class Replica {
public:
    // Opens or creates the replica and migrates its schema. Fails with kIo
    // for file or SQL trouble, kCorrupt if a stored op no longer parses, and
    // kUnsupported for a schema newer than kReplicaSchemaVersion or a file
    // that belongs to another user.
    static Result<std::unique_ptr<Replica>> Open(ReplicaOptions options);

    // Local edits. Each returns the recorded op, or the CheckOp error (the
    // edit is then not recorded) or a kIo error (nothing was committed).
    // index: position in the visible order; nullopt or past the end appends.
    Result<Op> CreatePlaylist(const std::string& name, const std::string& description = {});
    Result<Op> AddTracks(const std::string& playlist_id, const std::vector<std::string>& tracks,
                         std::optional<size_t> index = std::nullopt);
    Result<Op> MoveEntry(const std::string& playlist_id, const std::string& entry_id, size_t index);
    Result<Op> RemoveEntry(const std::string& playlist_id, const std::string& entry_id);
    Result<Op> Rename(const std::string& playlist_id, const std::string& name);
    Result<Op> Describe(const std::string& playlist_id, const std::string& description);
    Result<Op> SetCollaborative(const std::string& playlist_id, bool collaborative);
    Result<Op> Share(const std::string& playlist_id, const std::string& user, bool share);
    // Following works by id before this replica has seen the playlist: the
    // server decides, and then sends the playlist's history.
    Result<Op> Follow(const std::string& playlist_id, bool follow);
    Result<Op> SaveTrack(const std::string& track_id, bool save);

    // Sync side. The outbox, oldest first, at most limit ops.
    Result<std::vector<Op>> PendingOps(size_t limit);
    size_t PendingCount();

    // Records the server's answer to a push: acked ops leave the outbox,
    // rejected ones leave the outbox and the log and their effect is undone.
    Status ApplyPushAnswer(const std::vector<std::string>& acked,
                           const std::vector<std::string>& rejected);

    // Merges ops pulled from the server (the server's version replaces a
    // local op with the same id, e.g. when the server re-stamped it) and
    // stores the new cursor, all in one transaction.
    Status ApplyRemote(const std::vector<Op>& ops, const std::string& cursor);

    // The server's clock minus ours, learned at each sync; later stamps use
    // wall_clock() + offset so a device with a wrong clock stamps sensibly.
    // If the stored clock ran more than kMaxClockDriftMs ahead of corrected
    // time (the device clock was far ahead while offline), the replica takes
    // a fresh node id and restarts its clock: the server re-stamped those
    // earlier ops anyway, and the new node id keeps op ids unique. An
    // offset within a second of the stored one is ignored (jitter).
    Status SetClockOffset(int64_t offset_ms);

    // The device's own wall clock (ReplicaOptions::wall_clock), uncorrected.
    int64_t WallMs() const { return options_.wall_clock(); }

    std::string cursor();
    std::string node();
    Hlc clock();

    // A copy of the merged state (for reads that need more than the tables).
    SyncState Snapshot();

    // Canonical JSON of the merged state; equal across converged replicas.
    std::string CanonicalState();

    ~Replica();

private:
    Replica(ReplicaOptions options, std::unique_ptr<Database> db);
    Status Migrate();
    Status Load();
    // check_locally=false skips CheckOp (the server still checks).
    Result<Op> Record(Op op, bool check_locally = true);
    Op Start(OpKind kind, const std::string& playlist_id);
    Status Materialise(const std::string& playlist_id);
    Status MaterialiseLibrary();
    Status SaveMeta(const std::string& key, const std::string& value);
    Status StoreOp(const Op& op);
    void Rebuild();
    Status ReloadAfter(const Error& error);

    ReplicaOptions options_;
    std::mutex mu_;
    std::unique_ptr<Database> db_;        // guarded by mu_
    SyncState state_;                     // guarded by mu_
    std::map<std::string, Op> ops_;       // guarded by mu_; every op in the log, by id
    std::unique_ptr<HybridClock> clock_;  // guarded by mu_
    PositionKeyGenerator keys_;           // guarded by mu_
    int64_t clock_offset_ms_ = 0;         // guarded by mu_
    std::string cursor_;                  // guarded by mu_
};

}  // namespace tonearm::sync
