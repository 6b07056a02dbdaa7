#include "sync/model/op.h"

#include <array>
#include <utility>

#include "sync/model/position_key.h"

namespace tonearm::sync {
namespace {

struct KindName {
    OpKind kind;
    const char* name;
};

constexpr std::array<KindName, 13> kKindNames = {{
    {OpKind::kCreatePlaylist, "create"},
    {OpKind::kAddEntries, "add"},
    {OpKind::kMoveEntry, "move"},
    {OpKind::kRemoveEntry, "remove"},
    {OpKind::kRename, "rename"},
    {OpKind::kDescribe, "describe"},
    {OpKind::kSetCollaborative, "set_collaborative"},
    {OpKind::kShare, "share"},
    {OpKind::kUnshare, "unshare"},
    {OpKind::kFollow, "follow"},
    {OpKind::kUnfollow, "unfollow"},
    {OpKind::kSaveTrack, "save"},
    {OpKind::kUnsaveTrack, "unsave"},
}};

bool UsesEntryId(OpKind k) { return k == OpKind::kMoveEntry || k == OpKind::kRemoveEntry; }
bool UsesName(OpKind k) { return k == OpKind::kCreatePlaylist || k == OpKind::kRename; }
bool UsesDescription(OpKind k) { return k == OpKind::kCreatePlaylist || k == OpKind::kDescribe; }
bool UsesUser(OpKind k) {
    return k == OpKind::kShare || k == OpKind::kUnshare || k == OpKind::kFollow ||
           k == OpKind::kUnfollow;
}

// True if text is well-formed UTF-8 (JSON output requires it).
bool IsUtf8(const std::string& text) {
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const size_t length = c < 0x80           ? 1
                              : (c >> 5) == 0x6  ? 2
                              : (c >> 4) == 0xE  ? 3
                              : (c >> 3) == 0x1E ? 4
                                                 : 0;
        if (length == 0 || i + length > text.size()) return false;
        for (size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        }
        i += length;
    }
    return true;
}

bool AllUtf8(const Op& op) {
    for (const std::string* field : {&op.id, &op.author, &op.playlist_id, &op.entry_id, &op.name,
                                     &op.description, &op.user, &op.track_id, &op.stamp.node}) {
        if (!IsUtf8(*field)) return false;
    }
    for (const NewEntry& e : op.entries) {
        if (!IsUtf8(e.entry_id) || !IsUtf8(e.track_id)) return false;
    }
    return true;
}

Error Invalid(const std::string& op_id, const std::string& what) {
    return MakeError(ErrorCode::kProtocol, "op '" + op_id + "': " + what);
}

// Reads an optional string field; a present field of another type is an error.
Status ReadString(const Json& json, const char* key, std::string* out) {
    auto it = json.find(key);
    if (it == json.end() || it->is_null()) return Status::Ok();
    if (!it->is_string()) {
        return MakeError(ErrorCode::kProtocol, std::string("field '") + key + "' is not a string");
    }
    *out = it->get<std::string>();
    return Status::Ok();
}

Result<std::vector<NewEntry>> ReadEntries(const Json& json) {
    auto it = json.find("entries");
    if (it == json.end() || !it->is_array()) {
        return MakeError(ErrorCode::kProtocol, "field 'entries' is missing or not an array");
    }
    std::vector<NewEntry> entries;
    for (const Json& item : *it) {
        if (!item.is_object()) return MakeError(ErrorCode::kProtocol, "entry is not an object");
        NewEntry e;
        for (auto [key, out] : {std::pair{"id", &e.entry_id}, std::pair{"track", &e.track_id},
                                std::pair{"key", &e.position_key}}) {
            Status s = ReadString(item, key, out);
            if (!s) return s.error().Wrap("entry");
        }
        entries.push_back(std::move(e));
    }
    return entries;
}

Status ReadFields(const Json& json, Op* op) {
    for (auto [key, out] :
         {std::pair{"id", &op->id}, std::pair{"author", &op->author},
          std::pair{"playlist", &op->playlist_id}, std::pair{"entry", &op->entry_id},
          std::pair{"key", &op->position_key}, std::pair{"name", &op->name},
          std::pair{"description", &op->description}, std::pair{"user", &op->user},
          std::pair{"track", &op->track_id}}) {
        Status s = ReadString(json, key, out);
        if (!s) return s;
    }
    auto collab = json.find("collaborative");
    if (collab != json.end()) {
        if (!collab->is_boolean()) {
            return MakeError(ErrorCode::kProtocol, "field 'collaborative' is not a boolean");
        }
        op->collaborative = collab->get<bool>();
    }
    return Status::Ok();
}

}  // namespace

const char* OpKindName(OpKind kind) {
    for (const KindName& k : kKindNames) {
        if (k.kind == kind) return k.name;
    }
    return "unknown";
}

Result<OpKind> OpKindFromName(const std::string& name) {
    for (const KindName& k : kKindNames) {
        if (name == k.name) return k.kind;
    }
    return MakeError(ErrorCode::kProtocol, "unknown op kind '" + name + "'");
}

bool IsLibraryOp(OpKind kind) { return kind == OpKind::kSaveTrack || kind == OpKind::kUnsaveTrack; }

Op StartOp(OpKind kind, const std::string& author, HybridClock* clock, int64_t physical_ms) {
    Op op;
    op.kind = kind;
    op.author = author;
    op.stamp = clock->Tick(physical_ms);
    op.id = op.stamp.node + "-" + std::to_string(op.stamp.wall_ms) + "-" +
            std::to_string(op.stamp.counter);
    return op;
}

std::string EntryIdFor(const Op& add, size_t index) { return add.id + "." + std::to_string(index); }

Json ToJson(const Op& op) {
    Json json{{"id", op.id},
              {"kind", OpKindName(op.kind)},
              {"author", op.author},
              {"stamp", ToJson(op.stamp)}};
    if (!IsLibraryOp(op.kind)) json["playlist"] = op.playlist_id;
    if (op.kind == OpKind::kAddEntries) {
        Json entries = Json::array();
        for (const NewEntry& e : op.entries) {
            entries.push_back({{"id", e.entry_id}, {"track", e.track_id}, {"key", e.position_key}});
        }
        json["entries"] = std::move(entries);
    }
    if (UsesEntryId(op.kind)) json["entry"] = op.entry_id;
    if (op.kind == OpKind::kMoveEntry) json["key"] = op.position_key;
    if (UsesName(op.kind)) json["name"] = op.name;
    if (UsesDescription(op.kind)) json["description"] = op.description;
    if (UsesUser(op.kind)) json["user"] = op.user;
    if (IsLibraryOp(op.kind)) json["track"] = op.track_id;
    if (op.kind == OpKind::kSetCollaborative) json["collaborative"] = op.collaborative;
    return json;
}

Status CheckOpShape(const Op& op) {
    if (op.id.empty()) return MakeError(ErrorCode::kProtocol, "op without an id");
    if (!AllUtf8(op)) return MakeError(ErrorCode::kProtocol, "op with text that is not UTF-8");
    if (op.author.empty()) return Invalid(op.id, "no author");
    if (op.stamp.node.empty()) return Invalid(op.id, "no stamp");
    if (!IsLibraryOp(op.kind) && op.playlist_id.empty()) return Invalid(op.id, "no playlist");
    if (op.name.size() > kMaxTextBytes || op.description.size() > kMaxTextBytes) {
        return Invalid(op.id, "text longer than " + std::to_string(kMaxTextBytes) + " bytes");
    }
    if (op.kind == OpKind::kAddEntries) {
        if (op.entries.empty() || op.entries.size() > kMaxEntriesPerOp) {
            return Invalid(op.id,
                           "add needs 1 to " + std::to_string(kMaxEntriesPerOp) + " entries");
        }
        for (const NewEntry& e : op.entries) {
            if (e.entry_id.empty() || e.track_id.empty()) {
                return Invalid(op.id, "entry without id or track");
            }
            if (!IsValidPositionKey(e.position_key)) {
                return Invalid(op.id, "entry '" + e.entry_id + "' has a malformed position key");
            }
        }
    }
    if (UsesEntryId(op.kind) && op.entry_id.empty()) return Invalid(op.id, "no entry");
    if (op.kind == OpKind::kMoveEntry && !IsValidPositionKey(op.position_key)) {
        return Invalid(op.id, "malformed position key");
    }
    if (UsesUser(op.kind) && op.user.empty()) return Invalid(op.id, "no user");
    if (IsLibraryOp(op.kind) && op.track_id.empty()) return Invalid(op.id, "no track");
    return Status::Ok();
}

Result<Op> OpFromJson(const Json& json) {
    if (!json.is_object()) return MakeError(ErrorCode::kProtocol, "op is not a JSON object");
    Op op;
    Status fields = ReadFields(json, &op);
    if (!fields) return fields.error().Wrap("op '" + op.id + "'");

    auto kind = json.find("kind");
    if (kind == json.end() || !kind->is_string()) return Invalid(op.id, "no kind");
    Result<OpKind> parsed_kind = OpKindFromName(kind->get<std::string>());
    if (!parsed_kind.ok()) return parsed_kind.error().Wrap("op '" + op.id + "'");
    op.kind = *parsed_kind;

    auto stamp = json.find("stamp");
    if (stamp == json.end()) return Invalid(op.id, "no stamp");
    Result<Hlc> hlc = HlcFromJson(*stamp);
    if (!hlc.ok()) return hlc.error().Wrap("op '" + op.id + "'");
    op.stamp = std::move(*hlc);

    if (op.kind == OpKind::kAddEntries) {
        Result<std::vector<NewEntry>> entries = ReadEntries(json);
        if (!entries.ok()) return entries.error().Wrap("op '" + op.id + "'");
        op.entries = std::move(*entries);
    }
    Status shape = CheckOpShape(op);
    if (!shape) return shape.error();
    return op;
}

}  // namespace tonearm::sync
