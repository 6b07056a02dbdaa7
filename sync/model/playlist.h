// Merge state of one playlist and of one listener's library.
//
// The state is a function of the set of operations applied, whatever their
// order or repetition: every field is either a last-writer-wins register
// (ordered by Stamp) or grows monotonically (entries, tombstones). Operations
// may arrive before the operation they refer to (a move before its add); they
// then leave an invisible placeholder that the late operation completes.
// Merge rules (docs/sync.md):
//   - an entry's position is an LWW register; a move writes a new key;
//   - removal is final: a removed entry stays removed whatever moves come
//     before or after, and entry ids are never reused, so re-adding a track
//     makes a new entry;
//   - name, description and the collaborative flag are LWW registers;
//   - collaborators and followers are sets with one LWW presence register
//     per user: the later of a concurrent add and remove decides.
// Plain values; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/wire.h"
#include "sync/model/op.h"
#include "sync/model/position_key.h"

namespace tonearm::sync {

template <typename T>
struct Lww {
    T value{};
    Stamp stamp;  // zero until first written

    // Takes value if stamp is later than the current one; true if it did.
    bool Offer(const T& v, const Stamp& s) {
        if (!(stamp < s)) return false;
        value = v;
        stamp = s;
        return true;
    }
};

struct Entry {
    std::string id;
    std::string track_id;  // empty while only a move/remove has arrived
    std::string added_by;
    Stamp added;  // stamp of the add op, zero until it arrives
    Lww<std::string> position;
    std::optional<Stamp> removed;  // the earliest remove seen

    bool visible() const { return !track_id.empty() && !removed.has_value(); }
};

// An entry as the UI shows it, in playlist order.
struct EntryView {
    std::string entry_id;
    std::string track_id;
    std::string position_key;
    std::string added_by;
};

class Playlist {
public:
    explicit Playlist(std::string id = {}) : id_(std::move(id)) {}

    // Applies a playlist op whose playlist_id is id(). Idempotent.
    void Apply(const Op& op);

    const std::string& id() const { return id_; }
    bool created() const { return created_.has_value(); }
    const std::string& owner() const { return owner_; }
    const std::string& name() const { return name_.value; }
    const std::string& description() const { return description_.value; }
    bool collaborative() const { return collaborative_.value; }
    std::vector<std::string> Collaborators() const;
    std::vector<std::string> Followers() const;
    bool IsCollaborator(const std::string& user) const;
    bool IsFollower(const std::string& user) const;

    // Visible entries sorted by (position key, entry id).
    std::vector<EntryView> Entries() const;
    const Entry* FindEntry(const std::string& entry_id) const;

    // Drops tombstones (and orphan placeholders) whose remove stamp is older
    // than watermark. Only safe once every replica has seen those removes;
    // see "Garbage collection" in docs/sync.md. Returns how many it dropped.
    size_t CollectTombstones(const Hlc& watermark);

    // Everything that determines merges, in a canonical form: two playlists
    // that saw the same ops produce equal JSON (and equal dump()).
    Json CanonicalJson() const;

    // Metadata and visible entries, for clients that only read.
    Json ViewJson() const;

private:
    void ApplyCreate(const Op& op);
    void ApplyAdd(const Op& op);
    Entry& EntryFor(const std::string& entry_id);

    std::string id_;
    std::optional<Stamp> created_;  // stamp of the create that counts
    std::string owner_;
    Lww<std::string> name_;
    Lww<std::string> description_;
    Lww<bool> collaborative_;
    std::map<std::string, Lww<bool>> collaborators_;
    std::map<std::string, Lww<bool>> followers_;
    std::map<std::string, Entry> entries_;
};

// A position key that places an entry at index of the visible order of
// playlist (0 = first, Entries().size() = last), leaving out moving_entry
// when a move is being planned. When the two neighbours share a key (two
// devices once chose the same one) the new key goes after both.
Result<std::string> PositionForIndex(const Playlist& playlist, size_t index,
                                     PositionKeyGenerator* keys,
                                     const std::string& moving_entry = {});

// count keys for a bulk insert at index, in order; see PositionForIndex.
Result<std::vector<std::string>> PositionsForIndex(const Playlist& playlist, size_t index,
                                                   size_t count, PositionKeyGenerator* keys);

// A listener's saved tracks: one LWW presence register per track.
class Library {
public:
    explicit Library(std::string user = {}) : user_(std::move(user)) {}

    // Applies kSaveTrack / kUnsaveTrack authored by user(). Idempotent.
    void Apply(const Op& op);

    const std::string& user() const { return user_; }
    bool Contains(const std::string& track_id) const;

    // Saved track ids, most recently saved first.
    std::vector<std::string> SavedTracks() const;

    Json CanonicalJson() const;

private:
    std::string user_;
    std::map<std::string, Lww<bool>> tracks_;
};

}  // namespace tonearm::sync
