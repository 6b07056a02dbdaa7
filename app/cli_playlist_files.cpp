// tonearm-cli playlist import and export: playlist files in and out of the
// replica. Parsing, writing and matching are sync/ code; this file reads and
// writes the files and asks the API about tracks.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/cli_playlist_files.h"
#include "app/cli_session.h"
#include "core/http_client.h"
#include "core/log.h"
#include "sync/playlist_files.h"
#include "sync/track_matcher.h"

namespace tonearm::cli {
namespace {

using sync::PlaylistFile;
using sync::PlaylistFileEntry;
using sync::PlaylistFormat;

constexpr std::uintmax_t kMaxFileBytes = 32u << 20;

int UsageError(const CliOptions& options, const std::string& message) {
    PrintError(options, message);
    return kExitUsage;
}

Result<std::string> ReadWholeFile(const std::string& path) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot read " + path + ": " + ec.message());
    if (size > kMaxFileBytes) return MakeError(ErrorCode::kInvalidArgument, path + " is too large");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in.good() && !in.eof()) return MakeError(ErrorCode::kIo, "cannot read " + path);
    return bytes.str();
}

// Writes bytes next to path and renames it over path.
Status ReplaceFile(const std::string& path, const std::string& bytes) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << bytes;
        out.flush();
        if (!out) return MakeError(ErrorCode::kIo, "cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        return MakeError(ErrorCode::kIo, "cannot replace " + path);
    }
    return Status::Ok();
}

// Resolves playlist file entries to catalog tracks, remembering searches.
class EntryResolver {
public:
    explicit EntryResolver(ApiClient* api) : api_(api) {}

    // The matching track id, "" for none; an Error only if the API failed.
    Result<std::string> Resolve(const PlaylistFileEntry& entry) {
        if (!entry.track_id.empty()) {
            Result<Track> track = api_->GetTrack(entry.track_id);
            if (track.ok()) return track->id;
            if (track.error().code != ErrorCode::kNotFound) return track.error();
        }
        for (const std::string& query : sync::MatchQueries(entry)) {
            Result<const std::vector<Track>*> found = Search(query);
            if (!found.ok()) return found.error();
            if (auto match = sync::BestMatch(entry, **found)) return match->id;
        }
        return std::string();
    }

private:
    Result<const std::vector<Track>*> Search(const std::string& query) {
        auto cached = searches_.find(query);
        if (cached != searches_.end()) return &cached->second;
        Result<Json> json = api_->GetJson("/v1/search?limit=100&q=" + UrlEncode(query));
        if (!json.ok()) return json.error().Wrap("search for " + log::Quote(query));
        Result<CatalogPage> page = CatalogPageFromJson(*json);
        if (!page.ok()) return page.error();
        return &(searches_[query] = std::move(page->items));
    }

    ApiClient* api_;
    std::map<std::string, std::vector<Track>> searches_;
};

Json UnmatchedEvent(size_t index, const PlaylistFileEntry& e) {
    Json event{{"event", "unmatched"}, {"index", index}, {"location", e.location}};
    if (!e.title.empty()) event["title"] = e.title;
    if (!e.artist.empty()) event["artist"] = e.artist;
    if (e.duration_ms >= 0) event["duration_ms"] = e.duration_ms;
    return event;
}

Result<PlaylistFormat> ChooseFormat(const std::optional<std::string>& flag, const std::string& path,
                                    const std::string* bytes) {
    if (flag) return sync::PlaylistFormatFromName(*flag);
    if (auto by_name = sync::PlaylistFormatFromPath(path)) return *by_name;
    if (bytes == nullptr) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "cannot tell the format from " + log::Quote(path) + "; pass --format");
    }
    return sync::SniffPlaylistFormat(*bytes).value_or(PlaylistFormat::kM3u);
}

// Creates the playlist and adds tracks in ops of at most kMaxEntriesPerOp.
Result<std::string> CreateWithTracks(sync::Replica& replica, const std::string& name,
                                     const std::vector<std::string>& tracks) {
    Result<sync::Op> created = replica.CreatePlaylist(name);
    if (!created.ok()) return created.error();
    for (size_t at = 0; at < tracks.size(); at += sync::kMaxEntriesPerOp) {
        const size_t end = std::min(tracks.size(), at + sync::kMaxEntriesPerOp);
        std::vector<std::string> chunk(tracks.begin() + at, tracks.begin() + end);
        Result<sync::Op> added = replica.AddTracks(created->playlist_id, chunk);
        if (!added.ok()) return added.error();
    }
    return created->playlist_id;
}

// Resolves every entry: the matched track ids in file order go to *tracks,
// an "unmatched" event per other entry to *unmatched. Fails if the API does.
Status MatchEntries(const PlaylistFile& file, ApiClient* api, std::vector<std::string>* tracks,
                    std::vector<Json>* unmatched) {
    EntryResolver resolver(api);
    for (size_t i = 0; i < file.entries.size(); ++i) {
        Result<std::string> track = resolver.Resolve(file.entries[i]);
        if (!track.ok()) return track.error();
        if (track->empty()) {
            unmatched->push_back(UnmatchedEvent(i, file.entries[i]));
        } else {
            tracks->push_back(*track);
        }
    }
    return Status::Ok();
}

// The playlist as a file, with each track's metadata from the API; a track
// the catalog no longer has is written without it (and reported).
Result<PlaylistFile> FileOf(const CliOptions& options, const sync::Playlist& playlist,
                            ApiClient* api) {
    PlaylistFile file;
    file.title = playlist.name();
    std::map<std::string, Track> known;
    for (const sync::EntryView& e : playlist.Entries()) {
        auto it = known.find(e.track_id);
        if (it == known.end()) {
            Result<Track> track = api->GetTrack(e.track_id);
            if (!track.ok() && track.error().code != ErrorCode::kNotFound) return track.error();
            if (!track.ok())
                PrintEvent(options, {{"event", "unknown_track"}, {"track", e.track_id}});
            it = known.emplace(e.track_id, track.ok() ? *track : Track{}).first;
        }
        const Track& t = it->second;
        PlaylistFileEntry out;
        out.track_id = e.track_id;
        out.title = t.title;
        out.artist = t.artist;
        out.album = t.album;
        if (t.sample_rate > 0) out.duration_ms = t.duration_samples * 1000 / t.sample_rate;
        file.entries.push_back(std::move(out));
    }
    return file;
}

}  // namespace

int RunPlaylistImport(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {"--name", "--format"}, {});
    if (!list.error().empty()) return UsageError(options, list.error());
    if (list.positionals().size() != 1) {
        return UsageError(options, "usage: playlist import FILE [--name N] [--format F]");
    }
    const std::string path = list.positionals()[0];
    Result<std::string> bytes = ReadWholeFile(path);
    if (!bytes.ok()) return PrintError(options, bytes.error().message);
    Result<PlaylistFormat> format = ChooseFormat(list.Value("--format"), path, &*bytes);
    if (!format.ok()) return UsageError(options, format.error().message);
    Result<PlaylistFile> file = sync::ParsePlaylistFile(*bytes, *format);
    if (!file.ok()) return PrintError(options, path + ": " + file.error().message);

    Result<ApiClient> api = MakeApiClient(options);
    if (!api.ok()) return PrintError(options, api.error().message);
    std::vector<std::string> tracks;
    std::vector<Json> unmatched;
    Status matched = MatchEntries(*file, &*api, &tracks, &unmatched);
    if (!matched) return PrintError(options, "cannot match entries: " + matched.error().message);

    Result<std::unique_ptr<sync::Replica>> replica = OpenReplica(options);
    if (!replica.ok()) return PrintError(options, replica.error().message);
    std::string name = list.Value("--name").value_or(file->title);
    if (name.empty()) name = sync::LocationStem(path);
    Result<std::string> playlist = CreateWithTracks(**replica, name, tracks);
    if (!playlist.ok()) return PrintError(options, playlist.error().message);
    for (const Json& event : unmatched)
        PrintEvent(options, event);
    PrintEvent(options, Json{{"event", "imported"},
                             {"playlist", *playlist},
                             {"name", name},
                             {"format", sync::PlaylistFormatName(*format)},
                             {"entries", file->entries.size()},
                             {"matched", tracks.size()},
                             {"unmatched", unmatched.size()}});
    return kExitOk;
}

int RunPlaylistExport(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {"--format"}, {});
    if (!list.error().empty()) return UsageError(options, list.error());
    if (list.positionals().size() != 2) {
        return UsageError(options, "usage: playlist export PLAYLIST FILE [--format F]");
    }
    const std::string& playlist_id = list.positionals()[0];
    const std::string& path = list.positionals()[1];
    Result<PlaylistFormat> format = ChooseFormat(list.Value("--format"), path, nullptr);
    if (!format.ok()) return UsageError(options, format.error().message);

    Result<std::unique_ptr<sync::Replica>> replica = OpenReplica(options);
    if (!replica.ok()) return PrintError(options, replica.error().message);
    sync::SyncState state = (*replica)->Snapshot();
    const sync::Playlist* p = state.FindPlaylist(playlist_id);
    if (p == nullptr || !p->created()) {
        return PrintError(options, "no playlist '" + playlist_id + "' on this device");
    }
    Result<ApiClient> api = MakeApiClient(options);
    if (!api.ok()) return PrintError(options, api.error().message);

    Result<PlaylistFile> file = FileOf(options, *p, &*api);
    if (!file.ok()) return PrintError(options, "cannot look up tracks: " + file.error().message);
    Status written = ReplaceFile(path, sync::WritePlaylistFile(*file, *format));
    if (!written) return PrintError(options, written.error().message);
    PrintEvent(options, Json{{"event", "exported"},
                             {"playlist", playlist_id},
                             {"file", path},
                             {"format", sync::PlaylistFormatName(*format)},
                             {"entries", file->entries.size()}});
    return kExitOk;
}

}  // namespace tonearm::cli
