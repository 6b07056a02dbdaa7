// Operations: the only way playlist and library state changes.
//
// Every operation carries a globally unique id, its author (a user name), and
// a hybrid-logical-clock stamp from the device that made it. Operations are
// immutable once created; the server may only re-stamp one whose clock ran
// too far ahead (see ClampFutureStamp). docs/sync.md describes the JSON form.
#pragma once

#include <compare>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"
#include "sync/model/hlc.h"

namespace tonearm::sync {

enum class OpKind {
    kCreatePlaylist,    // playlist_id, name, description
    kAddEntries,        // playlist_id, entries (one or more)
    kMoveEntry,         // playlist_id, entry_id, position_key
    kRemoveEntry,       // playlist_id, entry_id
    kRename,            // playlist_id, name
    kDescribe,          // playlist_id, description
    kSetCollaborative,  // playlist_id, collaborative
    kShare,             // playlist_id, user: make user a collaborator
    kUnshare,           // playlist_id, user
    kFollow,            // playlist_id, user (must be the author)
    kUnfollow,          // playlist_id, user (must be the author)
    kSaveTrack,         // track_id, into the author's library
    kUnsaveTrack,       // track_id, from the author's library
};

const char* OpKindName(OpKind kind);
Result<OpKind> OpKindFromName(const std::string& name);

// True for kSaveTrack and kUnsaveTrack, which touch a library, not a playlist.
bool IsLibraryOp(OpKind kind);

struct NewEntry {
    std::string entry_id;
    std::string track_id;
    std::string position_key;

    bool operator==(const NewEntry&) const = default;
};

struct Op {
    std::string id;
    OpKind kind = OpKind::kCreatePlaylist;
    std::string author;
    Hlc stamp;

    std::string playlist_id;
    std::vector<NewEntry> entries;
    std::string entry_id;
    std::string position_key;
    std::string name;
    std::string description;
    std::string user;
    std::string track_id;
    bool collaborative = false;

    bool operator==(const Op&) const = default;
};

// The order in which concurrent writes to one register resolve: the later
// stamp wins, and the op id settles the (theoretical) tie of equal stamps.
struct Stamp {
    Hlc hlc;
    std::string op_id;

    auto operator<=>(const Stamp&) const = default;
    bool operator==(const Stamp&) const = default;
};

inline Stamp StampOf(const Op& op) { return Stamp{op.stamp, op.id}; }

// The JSON form: only the fields the kind uses are written.
Json ToJson(const Op& op);

// Parses and checks the shape of one operation (fields present for its kind,
// ids non-empty, position keys well formed). Never throws; an error names the
// op id when it could be read.
Result<Op> OpFromJson(const Json& json);

// Checks what OpFromJson checks on an op built in memory.
Status CheckOpShape(const Op& op);

// A new op of kind by author, stamped by clock at physical_ms (the wall
// time), with an id derived from the stamp ("node-ms-counter"), unique
// because stamps are. The caller fills the kind's fields.
Op StartOp(OpKind kind, const std::string& author, HybridClock* clock, int64_t physical_ms);

// The id of the index-th entry of an add op: unique because op ids are.
std::string EntryIdFor(const Op& add, size_t index);

// Upper bound on entries in one kAddEntries op and on text field sizes.
inline constexpr size_t kMaxEntriesPerOp = 1000;
inline constexpr size_t kMaxTextBytes = 4096;

}  // namespace tonearm::sync
