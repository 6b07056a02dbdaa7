// Local edits and the sync side of Replica (see replica.h).
#include <cstdlib>
#include <set>
#include <utility>

#include "core/crypto.h"
#include "core/log.h"
#include "sync/replica.h"

namespace tonearm::sync {
namespace {

constexpr int64_t kOffsetSlackMs = 1000;

Error NoPlaylist(const std::string& playlist_id) {
    return MakeError(ErrorCode::kNotFound, "no playlist '" + playlist_id + "'");
}

}  // namespace

Op Replica::Start(OpKind kind, const std::string& playlist_id) {
    Op op = StartOp(kind, options_.user, clock_.get(), options_.wall_clock() + clock_offset_ms_);
    op.playlist_id = playlist_id;
    return op;
}

Result<Op> Replica::Record(Op op, bool check_locally) {
    Status allowed = check_locally ? state_.CheckOp(op, options_.user) : CheckOpShape(op);
    if (!allowed) return allowed.error();

    Transaction tx(db_.get());
    Status s = tx.status();
    if (s) s = StoreOp(op);
    if (s) {
        Statement outbox(db_.get(), "INSERT INTO outbox(op_id) VALUES(?)");
        s = outbox.Bind(1, op.id).Run();
    }
    if (s) s = SaveMeta("hlc", ToJson(clock_->last()).dump());
    if (s) {
        state_.Apply(op);
        s = IsLibraryOp(op.kind) ? MaterialiseLibrary() : Materialise(op.playlist_id);
    }
    if (s) s = tx.Commit();
    if (!s) {
        Rebuild();  // the in-memory state must match what is on disk
        return s.error().Wrap("cannot record " + std::string(OpKindName(op.kind)));
    }
    ops_[op.id] = op;
    return op;
}

Result<Op> Replica::CreatePlaylist(const std::string& name, const std::string& description) {
    std::lock_guard<std::mutex> lock(mu_);
    Op op = Start(OpKind::kCreatePlaylist, {});
    op.playlist_id = "pl-" + op.id;
    op.name = name;
    op.description = description;
    return Record(std::move(op));
}

Result<Op> Replica::AddTracks(const std::string& playlist_id,
                              const std::vector<std::string>& tracks, std::optional<size_t> index) {
    std::lock_guard<std::mutex> lock(mu_);
    const Playlist* p = state_.FindPlaylist(playlist_id);
    if (p == nullptr || !p->created()) return NoPlaylist(playlist_id);
    const size_t at = index.value_or(p->Entries().size());
    Result<std::vector<std::string>> keys = PositionsForIndex(*p, at, tracks.size(), &keys_);
    if (!keys.ok()) return keys.error();
    Op op = Start(OpKind::kAddEntries, playlist_id);
    for (size_t i = 0; i < tracks.size(); ++i) {
        op.entries.push_back({EntryIdFor(op, i), tracks[i], (*keys)[i]});
    }
    return Record(std::move(op));
}

Result<Op> Replica::MoveEntry(const std::string& playlist_id, const std::string& entry_id,
                              size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    const Playlist* p = state_.FindPlaylist(playlist_id);
    if (p == nullptr || !p->created()) return NoPlaylist(playlist_id);
    Result<std::string> key = PositionForIndex(*p, index, &keys_, entry_id);
    if (!key.ok()) return key.error();
    Op op = Start(OpKind::kMoveEntry, playlist_id);
    op.entry_id = entry_id;
    op.position_key = *key;
    return Record(std::move(op));
}

Result<Op> Replica::RemoveEntry(const std::string& playlist_id, const std::string& entry_id) {
    std::lock_guard<std::mutex> lock(mu_);
    Op op = Start(OpKind::kRemoveEntry, playlist_id);
    op.entry_id = entry_id;
    return Record(std::move(op));
}

Result<Op> Replica::Rename(const std::string& playlist_id, const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    Op op = Start(OpKind::kRename, playlist_id);
    op.name = name;
    return Record(std::move(op));
}

Result<Op> Replica::Describe(const std::string& playlist_id, const std::string& description) {
    std::lock_guard<std::mutex> lock(mu_);
    Op op = Start(OpKind::kDescribe, playlist_id);
    op.description = description;
    return Record(std::move(op));
}

Result<Op> Replica::SetCollaborative(const std::string& playlist_id, bool collaborative) {
    std::lock_guard<std::mutex> lock(mu_);
    Op op = Start(OpKind::kSetCollaborative, playlist_id);
    op.collaborative = collaborative;
    return Record(std::move(op));
}

Result<Op> Replica::Share(const std::string& playlist_id, const std::string& user, bool share) {
    std::lock_guard<std::mutex> lock(mu_);
    Op op = Start(share ? OpKind::kShare : OpKind::kUnshare, playlist_id);
    op.user = user;
    return Record(std::move(op));
}

Result<Op> Replica::Follow(const std::string& playlist_id, bool follow) {
    std::lock_guard<std::mutex> lock(mu_);
    Op op = Start(follow ? OpKind::kFollow : OpKind::kUnfollow, playlist_id);
    op.user = options_.user;
    const Playlist* known = state_.FindPlaylist(playlist_id);
    return Record(std::move(op), known != nullptr && known->created());
}

Result<Op> Replica::SaveTrack(const std::string& track_id, bool save) {
    std::lock_guard<std::mutex> lock(mu_);
    Op op = Start(save ? OpKind::kSaveTrack : OpKind::kUnsaveTrack, {});
    op.track_id = track_id;
    return Record(std::move(op));
}

Result<std::vector<Op>> Replica::PendingOps(size_t limit) {
    std::lock_guard<std::mutex> lock(mu_);
    Statement query(db_.get(), "SELECT op_id FROM outbox ORDER BY seq LIMIT ?");
    query.Bind(1, static_cast<int64_t>(limit));
    std::vector<Op> ops;
    while (query.Step()) {
        auto it = ops_.find(query.Text(0));
        if (it != ops_.end()) ops.push_back(it->second);
    }
    if (!query.status()) return query.status().error();
    return ops;
}

size_t Replica::PendingCount() {
    std::lock_guard<std::mutex> lock(mu_);
    Statement query(db_.get(), "SELECT COUNT(*) FROM outbox");
    return query.Step() ? static_cast<size_t>(query.Int(0)) : 0;
}

Status Replica::ApplyPushAnswer(const std::vector<std::string>& acked,
                                const std::vector<std::string>& rejected) {
    std::lock_guard<std::mutex> lock(mu_);
    if (acked.empty() && rejected.empty()) return Status::Ok();  // a pull-only round
    Transaction tx(db_.get());
    Status s = tx.status();
    for (const std::string& id : acked) {
        if (!s) break;
        Statement drop(db_.get(), "DELETE FROM outbox WHERE op_id = ?");
        s = drop.Bind(1, id).Run();
    }
    std::set<std::string> touched;
    bool library = false;
    for (const std::string& id : rejected) {
        auto it = ops_.find(id);
        if (!s || it == ops_.end()) continue;
        Statement drop_outbox(db_.get(), "DELETE FROM outbox WHERE op_id = ?");
        Statement drop_op(db_.get(), "DELETE FROM ops WHERE id = ?");
        s = drop_outbox.Bind(1, id).Run();
        if (s) s = drop_op.Bind(1, id).Run();
        touched.insert(it->second.playlist_id);
        library |= IsLibraryOp(it->second.kind);
        LOG_WARN("sync", "server rejected " << OpKindName(it->second.kind) << " op "
                                            << log::Quote(id) << "; undoing it");
    }
    if (touched.empty() && !library) {  // nothing to undo
        if (s) s = tx.Commit();
        if (!s) return s.error().Wrap("cannot record push answer");
        return s;
    }

    // Undoing needs the state without the rejected ops: rebuild it (rare).
    std::map<std::string, Op> kept = ops_;
    for (const std::string& id : rejected)
        kept.erase(id);
    std::swap(ops_, kept);
    Rebuild();
    for (const std::string& pid : touched) {
        if (s && !pid.empty()) s = Materialise(pid);
    }
    if (s && library) s = MaterialiseLibrary();
    if (s) s = tx.Commit();
    if (!s) {
        std::swap(ops_, kept);
        Rebuild();
        return s.error().Wrap("cannot record push answer");
    }
    return s;
}

Status Replica::ApplyRemote(const std::vector<Op>& ops, const std::string& cursor) {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t physical = options_.wall_clock() + clock_offset_ms_;
    std::set<std::string> touched;
    bool library = false, replaced = false;
    Transaction tx(db_.get());
    Status s = tx.status();
    for (const Op& op : ops) {
        if (!s) break;
        clock_->Observe(op.stamp, physical);
        auto it = ops_.find(op.id);
        if (it != ops_.end() && it->second == op) continue;
        replaced |= it != ops_.end();
        ops_[op.id] = op;
        s = StoreOp(op);
        if (IsLibraryOp(op.kind)) {
            library = true;
        } else {
            touched.insert(op.playlist_id);
        }
    }
    if (replaced) {
        Rebuild();
    } else {
        for (const Op& op : ops)
            state_.Apply(op);
    }
    for (const std::string& pid : touched) {
        if (s) s = Materialise(pid);
    }
    if (s && library) s = MaterialiseLibrary();
    if (s) s = SaveMeta("hlc", ToJson(clock_->last()).dump());
    if (s) s = SaveMeta("cursor", cursor);
    if (s) s = tx.Commit();
    if (!s) {
        tx.Rollback();
        return ReloadAfter(s.error().Wrap("cannot merge pulled ops"));
    }
    cursor_ = cursor;
    return s;
}

Status Replica::ReloadAfter(const Error& error) {
    // Call after rolling back: makes memory match the file again.
    Status reloaded = Load();
    if (!reloaded) LOG_ERROR("sync", "cannot reload replica: " << reloaded.error().message);
    return error;
}

Status Replica::SetClockOffset(int64_t offset_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t corrected = options_.wall_clock() + offset_ms;
    const bool restart = clock_->last().wall_ms > corrected + kMaxClockDriftMs;
    // Offsets measured round after round differ by network jitter; a
    // change below kOffsetSlackMs is not worth a synchronous commit.
    if (!restart && std::llabs(offset_ms - clock_offset_ms_) < kOffsetSlackMs) {
        return Status::Ok();
    }
    Transaction tx(db_.get());
    Status s = tx.status();
    if (s) s = SaveMeta("clock_offset_ms", std::to_string(offset_ms));
    std::unique_ptr<HybridClock> fresh;
    if (s && restart) {
        fresh = std::make_unique<HybridClock>(crypto::RandomHex(6));
        s = SaveMeta("node", fresh->node());
        if (s) s = SaveMeta("hlc", ToJson(fresh->last()).dump());
    }
    if (s) s = tx.Commit();
    if (!s) return s.error().Wrap("cannot store clock offset");
    clock_offset_ms_ = offset_ms;
    if (fresh) {
        LOG_WARN("sync", "device clock ran " << (clock_->last().wall_ms - corrected) / 1000
                                             << " s ahead; restarting the replica clock");
        clock_ = std::move(fresh);
    }
    return s;
}

}  // namespace tonearm::sync
