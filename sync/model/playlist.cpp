#include "sync/model/playlist.h"

#include <algorithm>

namespace tonearm::sync {
namespace {

Json StampJson(const Stamp& s) { return Json{{"hlc", ToJson(s.hlc)}, {"op", s.op_id}}; }

template <typename T>
Json RegisterJson(const Lww<T>& r) {
    return Json{{"value", r.value}, {"stamp", StampJson(r.stamp)}};
}

std::vector<std::string> PresentMembers(const std::map<std::string, Lww<bool>>& set) {
    std::vector<std::string> users;
    for (const auto& [user, present] : set) {
        if (present.value) users.push_back(user);
    }
    return users;
}

bool IsPresent(const std::map<std::string, Lww<bool>>& set, const std::string& user) {
    auto it = set.find(user);
    return it != set.end() && it->second.value;
}

Json MembersJson(const std::map<std::string, Lww<bool>>& set) {
    Json json = Json::object();
    for (const auto& [user, present] : set)
        json[user] = RegisterJson(present);
    return json;
}

}  // namespace

void Playlist::Apply(const Op& op) {
    const Stamp stamp = StampOf(op);
    switch (op.kind) {
        case OpKind::kCreatePlaylist: ApplyCreate(op); break;
        case OpKind::kAddEntries: ApplyAdd(op); break;
        case OpKind::kMoveEntry:
            EntryFor(op.entry_id).position.Offer(op.position_key, stamp);
            break;
        case OpKind::kRemoveEntry: {
            Entry& entry = EntryFor(op.entry_id);
            if (!entry.removed || stamp < *entry.removed) entry.removed = stamp;
            break;
        }
        case OpKind::kRename: name_.Offer(op.name, stamp); break;
        case OpKind::kDescribe: description_.Offer(op.description, stamp); break;
        case OpKind::kSetCollaborative: collaborative_.Offer(op.collaborative, stamp); break;
        case OpKind::kShare: collaborators_[op.user].Offer(true, stamp); break;
        case OpKind::kUnshare: collaborators_[op.user].Offer(false, stamp); break;
        case OpKind::kFollow: followers_[op.user].Offer(true, stamp); break;
        case OpKind::kUnfollow: followers_[op.user].Offer(false, stamp); break;
        case OpKind::kSaveTrack:
        case OpKind::kUnsaveTrack: break;  // library ops never reach a playlist
    }
}

void Playlist::ApplyCreate(const Op& op) {
    const Stamp stamp = StampOf(op);
    // Playlist ids are unique, so there is one create; should two ever meet,
    // the earlier one names the owner on every replica alike.
    if (!created_ || stamp < *created_) {
        created_ = stamp;
        owner_ = op.author;
    }
    name_.Offer(op.name, stamp);
    description_.Offer(op.description, stamp);
}

void Playlist::ApplyAdd(const Op& op) {
    const Stamp stamp = StampOf(op);
    for (const NewEntry& e : op.entries) {
        Entry& entry = EntryFor(e.entry_id);
        if (entry.track_id.empty() || stamp < entry.added) {
            entry.track_id = e.track_id;
            entry.added_by = op.author;
            entry.added = stamp;
        }
        entry.position.Offer(e.position_key, stamp);
    }
}

Entry& Playlist::EntryFor(const std::string& entry_id) {
    Entry& entry = entries_[entry_id];
    entry.id = entry_id;
    return entry;
}

std::vector<std::string> Playlist::Collaborators() const { return PresentMembers(collaborators_); }
std::vector<std::string> Playlist::Followers() const { return PresentMembers(followers_); }
bool Playlist::IsCollaborator(const std::string& u) const { return IsPresent(collaborators_, u); }
bool Playlist::IsFollower(const std::string& u) const { return IsPresent(followers_, u); }

std::vector<EntryView> Playlist::Entries() const {
    std::vector<EntryView> views;
    for (const auto& [id, entry] : entries_) {
        if (entry.visible()) {
            views.push_back({id, entry.track_id, entry.position.value, entry.added_by});
        }
    }
    std::sort(views.begin(), views.end(), [](const EntryView& a, const EntryView& b) {
        if (a.position_key != b.position_key) return a.position_key < b.position_key;
        return a.entry_id < b.entry_id;
    });
    return views;
}

const Entry* Playlist::FindEntry(const std::string& entry_id) const {
    auto it = entries_.find(entry_id);
    return it == entries_.end() ? nullptr : &it->second;
}

size_t Playlist::CollectTombstones(const Hlc& watermark) {
    return std::erase_if(entries_, [&](const auto& item) {
        const Entry& entry = item.second;
        return entry.removed && entry.removed->hlc < watermark;
    });
}

Json Playlist::CanonicalJson() const {
    Json entries = Json::object();
    for (const auto& [id, e] : entries_) {
        entries[id] = Json{{"track", e.track_id},
                           {"added_by", e.added_by},
                           {"added", StampJson(e.added)},
                           {"position", RegisterJson(e.position)},
                           {"removed", e.removed ? StampJson(*e.removed) : Json()}};
    }
    return Json{{"id", id_},
                {"created", created_ ? StampJson(*created_) : Json()},
                {"owner", owner_},
                {"name", RegisterJson(name_)},
                {"description", RegisterJson(description_)},
                {"collaborative", RegisterJson(collaborative_)},
                {"collaborators", MembersJson(collaborators_)},
                {"followers", MembersJson(followers_)},
                {"entries", std::move(entries)}};
}

Json Playlist::ViewJson() const {
    Json entries = Json::array();
    for (const EntryView& e : Entries()) {
        entries.push_back({{"entry", e.entry_id},
                           {"track", e.track_id},
                           {"key", e.position_key},
                           {"added_by", e.added_by}});
    }
    return Json{{"id", id_},
                {"owner", owner_},
                {"name", name()},
                {"description", description()},
                {"collaborative", collaborative()},
                {"collaborators", Collaborators()},
                {"followers", Followers()},
                {"entries", std::move(entries)}};
}

namespace {

// The bounds of the gap at index among the visible keys, skipping one entry.
std::pair<std::string, std::string> GapAt(const Playlist& playlist, size_t index,
                                          const std::string& skip) {
    std::vector<std::string> keys;
    for (const EntryView& e : playlist.Entries()) {
        if (e.entry_id != skip) keys.push_back(e.position_key);
    }
    index = std::min(index, keys.size());
    std::string before = index > 0 ? keys[index - 1] : std::string();
    std::string after;
    for (size_t i = index; i < keys.size(); ++i) {
        if (keys[i] > before) {
            after = keys[i];
            break;
        }
    }
    return {before, after};
}

}  // namespace

Result<std::string> PositionForIndex(const Playlist& playlist, size_t index,
                                     PositionKeyGenerator* keys, const std::string& moving_entry) {
    auto [before, after] = GapAt(playlist, index, moving_entry);
    return keys->Between(before, after);
}

Result<std::vector<std::string>> PositionsForIndex(const Playlist& playlist, size_t index,
                                                   size_t count, PositionKeyGenerator* keys) {
    auto [before, after] = GapAt(playlist, index, {});
    return keys->ManyBetween(before, after, count);
}

void Library::Apply(const Op& op) {
    if (op.kind == OpKind::kSaveTrack) tracks_[op.track_id].Offer(true, StampOf(op));
    if (op.kind == OpKind::kUnsaveTrack) tracks_[op.track_id].Offer(false, StampOf(op));
}

bool Library::Contains(const std::string& track_id) const { return IsPresent(tracks_, track_id); }

std::vector<std::string> Library::SavedTracks() const {
    std::vector<std::pair<Stamp, std::string>> saved;
    for (const auto& [track, present] : tracks_) {
        if (present.value) saved.emplace_back(present.stamp, track);
    }
    std::sort(saved.begin(), saved.end(), [](const auto& a, const auto& b) { return b < a; });
    std::vector<std::string> ids;
    for (auto& item : saved)
        ids.push_back(std::move(item.second));
    return ids;
}

Json Library::CanonicalJson() const {
    return Json{{"user", user_}, {"tracks", MembersJson(tracks_)}};
}

}  // namespace tonearm::sync
