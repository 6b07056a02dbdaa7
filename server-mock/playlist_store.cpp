#include "server-mock/playlist_store.h"

#include <chrono>
#include <set>
#include <utility>

#include "core/log.h"

namespace tonearm::server {

using sqlite::Statement;
namespace {

constexpr const char* kLog = "playlists";

const char kSchema[] = R"sql(
    CREATE TABLE IF NOT EXISTS playlist_ops(
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
        playlist_id TEXT NOT NULL, author TEXT NOT NULL, json TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS playlist_ops_by_playlist ON playlist_ops(playlist_id, seq);
    CREATE TABLE IF NOT EXISTS playlist_views(id TEXT PRIMARY KEY, owner TEXT NOT NULL,
                                              view_json TEXT NOT NULL);
)sql";

Json Rejection(const std::string& op_id, const Error& error) {
    return Json{{"op", op_id}, {"code", ErrorCodeName(error.code)}, {"error", error.message}};
}

}  // namespace

Result<std::unique_ptr<PlaylistStore>> PlaylistStore::Open(const std::string& path) {
    auto db = sqlite::Database::Open(path, 10000);
    if (!db.ok()) return db.error();
    std::unique_ptr<PlaylistStore> store(new PlaylistStore(std::move(db.value())));
    // An acknowledged op must survive power loss: the client drops it from
    // its outbox on the ack (Database::Open sets synchronous=FULL).
    Status s = store->db_->Exec(kSchema);
    std::lock_guard<std::mutex> lock(store->mu_);
    if (s) s = store->Load();
    if (!s) return s.error().Wrap("cannot open playlist store " + path);
    return store;
}

PlaylistStore::~PlaylistStore() = default;

Status PlaylistStore::Load() {
    Statement query(db_.get(), "SELECT json FROM playlist_ops ORDER BY seq");
    while (query.Step()) {
        Result<Json> json = ParseJson(query.Text(0));
        Result<sync::Op> op = json.ok() ? sync::OpFromJson(*json) : Result<sync::Op>(json.error());
        if (!op.ok()) return MakeError(ErrorCode::kCorrupt, "stored op: " + op.error().message);
        clamp_clock_.Observe(op->stamp, op->stamp.wall_ms);
        state_.Apply(*op);
        IndexLocked(*op);
    }
    return query.status();
}

Result<PushOutcome> PlaylistStore::Push(const std::string& user, const std::vector<Json>& ops,
                                        int64_t now_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    const size_t log_size = log_.size();
    PushOutcome outcome;
    Status s = db_->Exec("BEGIN IMMEDIATE");
    for (size_t i = 0; s && i < ops.size(); ++i) {
        Result<bool> one = PushOne(user, ops[i], now_ms, &outcome);
        if (!one.ok()) s = one.error();
    }
    // Each touched playlist's view is written once per batch, not per op.
    std::set<std::string> touched;
    for (size_t i = log_size; i < log_.size(); ++i)
        touched.insert(log_[i].playlist_id);
    for (auto it = touched.begin(); s && it != touched.end(); ++it)
        s = StoreViewLocked(*it);
    if (s) s = db_->Exec("COMMIT");
    if (!s) {
        (void)db_->Exec("ROLLBACK");
        // Forget what this batch added in memory; the file never saw it.
        std::vector<sync::Op> kept(log_.begin(), log_.begin() + log_size);
        log_.clear();
        index_.clear();
        by_playlist_.clear();
        grants_.clear();
        state_ = sync::SyncState();
        for (const sync::Op& op : kept) {
            state_.Apply(op);
            IndexLocked(op);
        }
        return s.error().Wrap("cannot record pushed ops");
    }
    if (log_.size() > log_size) changed_.notify_all();
    return outcome;
}

Result<bool> PlaylistStore::PushOne(const std::string& user, const Json& raw, int64_t now_ms,
                                    PushOutcome* outcome) {
    Result<sync::Op> parsed = sync::OpFromJson(raw);
    if (!parsed.ok()) {
        std::string id;
        if (raw.is_object() && raw.contains("id") && raw["id"].is_string()) {
            id = raw["id"].get<std::string>();
        }
        outcome->rejected.push_back(Rejection(id, parsed.error()));
        return false;
    }
    sync::Op op = std::move(*parsed);
    if (auto known = index_.find(op.id); known != index_.end()) {
        if (log_[known->second].author == user) {
            outcome->acked.push_back(op.id);  // a retry of an op already recorded
        } else {
            outcome->rejected.push_back(
                Rejection(op.id, MakeError(ErrorCode::kInvalidArgument, "op id is already taken")));
        }
        return false;
    }
    if (sync::ClampFutureStamp(&op, &clamp_clock_, now_ms)) {
        LOG_INFO(kLog, "re-stamped op " << log::Quote(op.id) << " from a clock running ahead");
    }
    Status allowed = state_.CheckOp(op, user);
    if (!allowed) {
        outcome->rejected.push_back(Rejection(op.id, allowed.error()));
        return false;
    }
    Status stored = StoreOp(op);
    if (!stored) return stored.error();
    state_.Apply(op);
    IndexLocked(op);
    outcome->acked.push_back(op.id);
    return true;
}

Status PlaylistStore::StoreViewLocked(const std::string& playlist_id) {
    const sync::Playlist* playlist = state_.FindPlaylist(playlist_id);
    if (playlist == nullptr || !playlist->created()) return Status::Ok();
    Statement view(db_.get(),
                   "INSERT INTO playlist_views(id, owner, view_json) VALUES(?, ?, ?) "
                   "ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, "
                   "view_json = excluded.view_json");
    return view.Bind(1, playlist->id())
        .Bind(2, playlist->owner())
        .Bind(3, playlist->ViewJson().dump())
        .Run();
}

Status PlaylistStore::StoreOp(const sync::Op& op) {
    Statement insert(db_.get(),
                     "INSERT INTO playlist_ops(id, playlist_id, author, json) VALUES(?, ?, ?, ?)");
    return insert.Bind(1, op.id)
        .Bind(2, op.playlist_id)
        .Bind(3, op.author)
        .Bind(4, sync::ToJson(op).dump())
        .Run();
}

bool PlaylistStore::RelevantLocked(const std::string& user, const sync::Op& op) const {
    if (sync::IsLibraryOp(op.kind)) return op.author == user;
    const sync::Playlist* p = state_.FindPlaylist(op.playlist_id);
    return p != nullptr && p->created() && sync::SyncState::CanRead(*p, user);
}

void PlaylistStore::IndexLocked(const sync::Op& op) {
    const size_t index = log_.size();
    index_[op.id] = index;
    by_playlist_[op.playlist_id].push_back(index);
    const bool grants = op.kind == sync::OpKind::kCreatePlaylist ||
                        op.kind == sync::OpKind::kShare || op.kind == sync::OpKind::kFollow;
    if (grants) {
        const std::string& user = op.kind == sync::OpKind::kCreatePlaylist ? op.author : op.user;
        grants_[{user, op.playlist_id}] = static_cast<int64_t>(index) + 1;
    }
    log_.push_back(op);
}

int64_t PlaylistStore::GrantSeqLocked(const std::string& user,
                                      const std::string& playlist_id) const {
    auto it = grants_.find({user, playlist_id});
    return it == grants_.end() ? 0 : it->second;
}

ChangeSet PlaylistStore::ChangesFor(const std::string& user, int64_t cursor, size_t limit) {
    std::lock_guard<std::mutex> lock(mu_);
    ChangeSet changes;
    // A cursor past the end comes from another (or a wiped) store: start over.
    const int64_t size = static_cast<int64_t>(log_.size());
    changes.cursor = cursor < 0 || cursor > size ? 0 : cursor;
    const int64_t start = changes.cursor;
    for (size_t i = static_cast<size_t>(start); i < log_.size(); ++i) {
        if (changes.ops.size() >= limit) {
            changes.more = true;
            break;
        }
        changes.cursor = static_cast<int64_t>(i) + 1;
        if (RelevantLocked(user, log_[i])) changes.ops.push_back(log_[i]);
    }
    // Backfill playlists whose access began inside the answered range.
    for (const sync::Playlist* p : state_.PlaylistsVisibleTo(user)) {
        const int64_t grant = GrantSeqLocked(user, p->id());
        if (grant <= start || grant > changes.cursor) continue;
        for (size_t index : by_playlist_.at(p->id())) {
            if (static_cast<int64_t>(index) >= start) break;
            changes.ops.push_back(log_[index]);
        }
    }
    return changes;
}

bool PlaylistStore::HasChangesLocked(const std::string& user, int64_t cursor) const {
    for (size_t i = static_cast<size_t>(std::max<int64_t>(0, cursor)); i < log_.size(); ++i) {
        if (RelevantLocked(user, log_[i])) return true;
    }
    return false;
}

bool PlaylistStore::WaitForChange(const std::string& user, int64_t cursor, int timeout_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return shutdown_ || HasChangesLocked(user, cursor); });
    return HasChangesLocked(user, cursor);
}

void PlaylistStore::Shutdown() {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
    changed_.notify_all();
}

Result<Json> PlaylistStore::PlaylistView(const std::string& user, const std::string& playlist_id) {
    std::lock_guard<std::mutex> lock(mu_);
    const sync::Playlist* p = state_.FindPlaylist(playlist_id);
    if (p == nullptr || !p->created() || !sync::SyncState::CanRead(*p, user)) {
        return MakeError(ErrorCode::kNotFound, "no playlist '" + playlist_id + "'");
    }
    return p->ViewJson();
}

Json PlaylistStore::PlaylistsOf(const std::string& user) {
    std::lock_guard<std::mutex> lock(mu_);
    Json views = Json::array();
    for (const sync::Playlist* p : state_.PlaylistsVisibleTo(user))
        views.push_back(p->ViewJson());
    return views;
}

}  // namespace tonearm::server
