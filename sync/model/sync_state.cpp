#include "sync/model/sync_state.h"

namespace tonearm::sync {
namespace {

Error Refuse(ErrorCode code, const Op& op, const std::string& why) {
    return MakeError(code, std::string(OpKindName(op.kind)) + " op '" + op.id + "': " + why);
}

bool IsOwnerOnly(OpKind kind) {
    return kind == OpKind::kShare || kind == OpKind::kUnshare || kind == OpKind::kSetCollaborative;
}

bool IsMembership(OpKind kind) { return kind == OpKind::kFollow || kind == OpKind::kUnfollow; }

}  // namespace

void SyncState::Apply(const Op& op) {
    if (IsLibraryOp(op.kind)) {
        auto it = libraries_.try_emplace(op.author, op.author).first;
        it->second.Apply(op);
        return;
    }
    auto it = playlists_.try_emplace(op.playlist_id, op.playlist_id).first;
    it->second.Apply(op);
}

Status SyncState::CheckOp(const Op& op, const std::string& user) const {
    Status shape = CheckOpShape(op);
    if (!shape) return shape;
    if (op.author != user) {
        return Refuse(ErrorCode::kForbidden, op,
                      "author '" + op.author + "' is not the signed-in user '" + user + "'");
    }
    if (IsLibraryOp(op.kind)) return Status::Ok();

    const Playlist* playlist = FindPlaylist(op.playlist_id);
    if (op.kind == OpKind::kCreatePlaylist) {
        if (playlist != nullptr && playlist->created()) {
            return Refuse(ErrorCode::kInvalidArgument, op,
                          "playlist '" + op.playlist_id + "' already exists");
        }
        return Status::Ok();
    }
    if (playlist == nullptr || !playlist->created()) {
        return Refuse(ErrorCode::kNotFound, op, "no playlist '" + op.playlist_id + "'");
    }
    return CheckPlaylistOp(op, *playlist, user);
}

Status SyncState::CheckPlaylistOp(const Op& op, const Playlist& playlist,
                                  const std::string& user) const {
    if (IsMembership(op.kind)) {
        if (op.user != user) {
            return Refuse(ErrorCode::kForbidden, op, "a user can only follow for themselves");
        }
        return Status::Ok();
    }
    if (IsOwnerOnly(op.kind)) {
        if (playlist.owner() != user) {
            return Refuse(ErrorCode::kForbidden, op, "only the owner may change sharing");
        }
        return Status::Ok();
    }
    if (!CanEdit(playlist, user)) {
        return Refuse(ErrorCode::kForbidden, op,
                      "user '" + user + "' may not edit playlist '" + playlist.id() + "'");
    }
    if (op.kind == OpKind::kAddEntries) {
        for (const NewEntry& e : op.entries) {
            if (playlist.FindEntry(e.entry_id) != nullptr) {
                return Refuse(ErrorCode::kInvalidArgument, op,
                              "entry id '" + e.entry_id + "' is already used");
            }
        }
    }
    if (op.kind == OpKind::kMoveEntry || op.kind == OpKind::kRemoveEntry) {
        const Entry* entry = playlist.FindEntry(op.entry_id);
        if (entry == nullptr || entry->track_id.empty()) {
            return Refuse(ErrorCode::kNotFound, op, "no entry '" + op.entry_id + "'");
        }
    }
    return Status::Ok();
}

const Playlist* SyncState::FindPlaylist(const std::string& playlist_id) const {
    auto it = playlists_.find(playlist_id);
    return it == playlists_.end() ? nullptr : &it->second;
}

const Library* SyncState::FindLibrary(const std::string& user) const {
    auto it = libraries_.find(user);
    return it == libraries_.end() ? nullptr : &it->second;
}

std::vector<const Playlist*> SyncState::PlaylistsVisibleTo(const std::string& user) const {
    std::vector<const Playlist*> visible;
    for (const auto& [id, playlist] : playlists_) {
        if (playlist.created() && CanRead(playlist, user)) visible.push_back(&playlist);
    }
    return visible;
}

bool SyncState::CanRead(const Playlist& playlist, const std::string& user) {
    return playlist.owner() == user || playlist.IsCollaborator(user) || playlist.IsFollower(user);
}

bool SyncState::CanEdit(const Playlist& playlist, const std::string& user) {
    if (playlist.owner() == user) return true;
    return playlist.collaborative() && playlist.IsCollaborator(user);
}

size_t SyncState::CollectTombstones(const Hlc& watermark) {
    size_t dropped = 0;
    for (auto& [id, playlist] : playlists_)
        dropped += playlist.CollectTombstones(watermark);
    return dropped;
}

Json SyncState::CanonicalJson() const {
    Json playlists = Json::object();
    for (const auto& [id, playlist] : playlists_)
        playlists[id] = playlist.CanonicalJson();
    Json libraries = Json::object();
    for (const auto& [user, library] : libraries_)
        libraries[user] = library.CanonicalJson();
    return Json{{"playlists", std::move(playlists)}, {"libraries", std::move(libraries)}};
}

bool ClampFutureStamp(Op* op, HybridClock* clamp_clock, int64_t now_ms) {
    if (op->stamp.wall_ms <= now_ms + kMaxClockDriftMs) return false;
    Hlc clamped = clamp_clock->Tick(now_ms + kMaxClockDriftMs);
    clamped.node = op->stamp.node;
    op->stamp = clamped;
    return true;
}

}  // namespace tonearm::sync
