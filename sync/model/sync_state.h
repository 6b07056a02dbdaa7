// All playlists and libraries one replica knows, and the rules for who may
// apply which operation. Shared by the client replica and tonearm-server.
//
// Apply() never fails: it is the merge, and every replica must accept every
// operation the server accepted. CheckOp() is the gate the server runs (and
// a client runs before recording a local edit): an op that fails it is
// rejected and never becomes part of any replica. Plain value; not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"
#include "sync/model/hlc.h"
#include "sync/model/op.h"
#include "sync/model/playlist.h"

namespace tonearm::sync {

class SyncState {
public:
    // Merges one op. Idempotent and order-independent.
    void Apply(const Op& op);

    // Returns OK if `user` may author op against the current state, otherwise
    // an error naming the op: kForbidden for permission (including an author
    // other than user), kNotFound for an unknown playlist or entry,
    // kInvalidArgument for a duplicate create or entry id or a bad shape.
    Status CheckOp(const Op& op, const std::string& user) const;

    // nullptr if no op touched that playlist; a playlist may exist without
    // being created() while only out-of-order ops have arrived.
    const Playlist* FindPlaylist(const std::string& playlist_id) const;
    const Library* FindLibrary(const std::string& user) const;

    // Created playlists that user owns, collaborates on or follows, by id.
    std::vector<const Playlist*> PlaylistsVisibleTo(const std::string& user) const;

    // True if user may read the playlist (owner, collaborator or follower).
    static bool CanRead(const Playlist& playlist, const std::string& user);
    // True if user may edit entries, name and description.
    static bool CanEdit(const Playlist& playlist, const std::string& user);

    // See Playlist::CollectTombstones.
    size_t CollectTombstones(const Hlc& watermark);

    // Canonical JSON of everything; equal for replicas that saw the same ops.
    Json CanonicalJson() const;

private:
    Status CheckPlaylistOp(const Op& op, const Playlist& playlist, const std::string& user) const;

    std::map<std::string, Playlist> playlists_;
    std::map<std::string, Library> libraries_;
};

// Server side: if op's stamp is more than kMaxClockDriftMs ahead of now_ms,
// replaces it by a stamp from clamp_clock (ticked at now_ms +
// kMaxClockDriftMs, keeping op's node) and returns true. clamp_clock keeps
// the clamped ops of one batch, and of later batches, in arrival order.
bool ClampFutureStamp(Op* op, HybridClock* clamp_clock, int64_t now_ms);

}  // namespace tonearm::sync
