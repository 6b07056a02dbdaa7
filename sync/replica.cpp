#include "sync/replica.h"

#include <cstdlib>
#include <set>
#include <utility>

#include "core/crypto.h"
#include "core/log.h"

namespace tonearm::sync {
namespace {

constexpr const char* kLog = "sync";

// Schema steps; entry i migrates user_version i to i + 1.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE ops(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                     json TEXT NOT NULL);
    CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, op_id TEXT NOT NULL UNIQUE);
    CREATE TABLE playlists(id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL,
                           description TEXT NOT NULL, collaborative INTEGER NOT NULL,
                           view_json TEXT NOT NULL);
    CREATE TABLE entries(playlist_id TEXT NOT NULL, entry_id TEXT NOT NULL,
                         track_id TEXT NOT NULL, position_key TEXT NOT NULL,
                         added_by TEXT NOT NULL, PRIMARY KEY(playlist_id, entry_id));
    CREATE INDEX entries_order ON entries(playlist_id, position_key, entry_id);
    CREATE TABLE library(track_id TEXT PRIMARY KEY, rank INTEGER NOT NULL);
    )sql",
};
static_assert(std::size(kMigrations) == kReplicaSchemaVersion);

Result<std::string> ReadMeta(Database* db, const std::string& key) {
    Statement query(db, "SELECT value FROM meta WHERE key = ?");
    query.Bind(1, key);
    if (query.Step()) return query.Text(0);
    if (!query.status().ok()) return query.status().error();
    return std::string();
}

}  // namespace

Replica::Replica(ReplicaOptions options, std::unique_ptr<Database> db)
    : options_(std::move(options)), db_(std::move(db)), keys_(std::random_device{}()) {}

Replica::~Replica() = default;

Result<std::unique_ptr<Replica>> Replica::Open(ReplicaOptions options) {
    Result<std::unique_ptr<Database>> db = Database::Open(options.path, options.busy_timeout_ms);
    if (!db.ok()) return db.error();
    std::unique_ptr<Replica> replica(new Replica(std::move(options), std::move(*db)));
    std::lock_guard<std::mutex> lock(replica->mu_);
    Status migrated = replica->Migrate();
    if (!migrated) return migrated.error().Wrap("cannot migrate replica");
    Status loaded = replica->Load();
    if (!loaded) return loaded.error().Wrap("cannot load replica");
    return replica;
}

Status Replica::Migrate() {
    Result<int64_t> version = db_->UserVersion();
    if (!version.ok()) return version.error();
    if (*version > kReplicaSchemaVersion) {
        return MakeError(ErrorCode::kUnsupported, "schema version " + std::to_string(*version) +
                                                      " is newer than " +
                                                      std::to_string(kReplicaSchemaVersion));
    }
    for (int64_t v = *version; v < kReplicaSchemaVersion; ++v) {
        Transaction tx(db_.get());
        if (!tx.status()) return tx.status();
        Status step = db_->Exec(kMigrations[v]);
        if (!step) return step;
        Status bump = db_->Exec("PRAGMA user_version = " + std::to_string(v + 1));
        if (!bump) return bump;
        Status done = tx.Commit();
        if (!done) return done;
        LOG_INFO(kLog, "replica schema migrated to version " << v + 1);
    }
    return Status::Ok();
}

Status Replica::Load() {
    Transaction tx(db_.get());
    if (!tx.status()) return tx.status();
    Result<std::string> user = ReadMeta(db_.get(), "user");
    Result<std::string> node = ReadMeta(db_.get(), "node");
    Result<std::string> hlc = ReadMeta(db_.get(), "hlc");
    Result<std::string> cursor = ReadMeta(db_.get(), "cursor");
    Result<std::string> offset = ReadMeta(db_.get(), "clock_offset_ms");
    for (const auto* r : {&user, &node, &hlc, &cursor, &offset}) {
        if (!r->ok()) return r->error();
    }
    if (!user->empty() && *user != options_.user) {
        return MakeError(ErrorCode::kUnsupported, "replica belongs to user " + log::Quote(*user));
    }
    if (node->empty()) *node = crypto::RandomHex(6);
    Hlc last;
    if (!hlc->empty()) {
        Result<Json> json = ParseJson(*hlc);
        Result<Hlc> parsed = json.ok() ? HlcFromJson(*json) : Result<Hlc>(json.error());
        if (!parsed.ok()) return parsed.error().Wrap("stored clock");
        last = *parsed;
    }
    clock_ = std::make_unique<HybridClock>(*node, last);
    cursor_ = *cursor;
    clock_offset_ms_ = std::strtoll(offset->c_str(), nullptr, 10);

    ops_.clear();
    Statement query(db_.get(), "SELECT json FROM ops ORDER BY seq");
    while (query.Step()) {
        Result<Json> json = ParseJson(query.Text(0));
        Result<Op> op = json.ok() ? OpFromJson(*json) : Result<Op>(json.error());
        if (!op.ok()) return MakeError(ErrorCode::kCorrupt, "stored op: " + op.error().message);
        ops_[op->id] = std::move(*op);
    }
    if (!query.status()) return query.status();
    Rebuild();

    for (auto [key, value] : {std::pair{"user", options_.user}, std::pair{"node", *node}}) {
        Status s = SaveMeta(key, value);
        if (!s) return s;
    }
    return tx.Commit();
}

void Replica::Rebuild() {
    state_ = SyncState();
    for (const auto& [id, op] : ops_)
        state_.Apply(op);
}

Status Replica::SaveMeta(const std::string& key, const std::string& value) {
    Statement upsert(db_.get(),
                     "INSERT INTO meta(key, value) VALUES(?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    return upsert.Bind(1, key).Bind(2, value).Run();
}

Status Replica::StoreOp(const Op& op) {
    Statement upsert(db_.get(),
                     "INSERT INTO ops(id, json) VALUES(?, ?) "
                     "ON CONFLICT(id) DO UPDATE SET json = excluded.json");
    return upsert.Bind(1, op.id).Bind(2, ToJson(op).dump()).Run();
}

Status Replica::Materialise(const std::string& playlist_id) {
    Statement drop_entries(db_.get(), "DELETE FROM entries WHERE playlist_id = ?");
    Statement drop_playlist(db_.get(), "DELETE FROM playlists WHERE id = ?");
    Status s = drop_entries.Bind(1, playlist_id).Run();
    if (s) s = drop_playlist.Bind(1, playlist_id).Run();
    if (!s) return s;

    const Playlist* p = state_.FindPlaylist(playlist_id);
    if (p == nullptr || !p->created() || !SyncState::CanRead(*p, options_.user)) return s;
    Statement row(db_.get(),
                  "INSERT INTO playlists(id, owner, name, description, collaborative, view_json) "
                  "VALUES(?, ?, ?, ?, ?, ?)");
    s = row.Bind(1, p->id())
            .Bind(2, p->owner())
            .Bind(3, p->name())
            .Bind(4, p->description())
            .Bind(5, int64_t{p->collaborative()})
            .Bind(6, p->ViewJson().dump())
            .Run();
    for (const EntryView& e : p->Entries()) {
        if (!s) return s;
        Statement entry(db_.get(),
                        "INSERT INTO entries(playlist_id, entry_id, track_id, position_key, "
                        "added_by) VALUES(?, ?, ?, ?, ?)");
        s = entry.Bind(1, p->id())
                .Bind(2, e.entry_id)
                .Bind(3, e.track_id)
                .Bind(4, e.position_key)
                .Bind(5, e.added_by)
                .Run();
    }
    return s;
}

Status Replica::MaterialiseLibrary() {
    Status s = db_->Exec("DELETE FROM library");
    const Library* library = state_.FindLibrary(options_.user);
    if (!s || library == nullptr) return s;
    int64_t rank = 0;
    for (const std::string& track : library->SavedTracks()) {
        Statement row(db_.get(), "INSERT INTO library(track_id, rank) VALUES(?, ?)");
        s = row.Bind(1, track).Bind(2, rank++).Run();
        if (!s) return s;
    }
    return s;
}

std::string Replica::cursor() {
    std::lock_guard<std::mutex> lock(mu_);
    return cursor_;
}

std::string Replica::node() {
    std::lock_guard<std::mutex> lock(mu_);
    return clock_->node();
}

Hlc Replica::clock() {
    std::lock_guard<std::mutex> lock(mu_);
    return clock_->last();
}

SyncState Replica::Snapshot() {
    std::lock_guard<std::mutex> lock(mu_);
    return state_;
}

std::string Replica::CanonicalState() {
    std::lock_guard<std::mutex> lock(mu_);
    return state_.CanonicalJson().dump();
}

}  // namespace tonearm::sync
