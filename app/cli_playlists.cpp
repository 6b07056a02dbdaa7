// tonearm-cli commands for playlists, the library and sync. The profile
// folder holds the device's replica (replica.db); edits work offline and
// reach the server with `sync`, which then pins again the pinned playlists
// that changed (unless --no-pins): a track removed elsewhere is unpinned, a
// track added is downloaded.
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "app/cli_playlist_files.h"
#include "app/cli_session.h"
#include "sync/replica.h"
#include "sync/sync_client.h"

namespace tonearm::cli {
namespace {

using sync::Op;
using sync::Replica;

int UsageError(const CliOptions& options, const std::string& message) {
    PrintError(options, message);
    return kExitUsage;
}

Json PlaylistEvent(const sync::Playlist& p, bool with_entries) {
    Json event = p.ViewJson();
    event["event"] = "playlist";
    event["entry_count"] = event["entries"].size();
    if (!with_entries) event.erase("entries");
    return event;
}

Json OpEvent(const char* name, const Op& op) {
    Json event{{"event", name}, {"op", op.id}};
    if (!op.playlist_id.empty()) event["playlist"] = op.playlist_id;
    if (!op.entries.empty()) {
        Json entries = Json::array();
        for (const sync::NewEntry& e : op.entries) {
            entries.push_back({{"entry", e.entry_id}, {"track", e.track_id}});
        }
        event["entries"] = std::move(entries);
    }
    if (!op.entry_id.empty()) event["entry"] = op.entry_id;
    return event;
}

int Report(const CliOptions& options, const char* name, const Result<Op>& op) {
    if (!op.ok()) return PrintError(options, op.error().message);
    PrintEvent(options, OpEvent(name, *op));
    return kExitOk;
}

std::optional<size_t> ParseIndex(const std::string& text) {
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < 0) return std::nullopt;
    return static_cast<size_t>(value);
}

int Show(const CliOptions& options, Replica& replica, const std::string& playlist_id) {
    sync::SyncState state = replica.Snapshot();
    const sync::Playlist* p = state.FindPlaylist(playlist_id);
    if (p == nullptr || !p->created()) {
        return PrintError(options, "no playlist '" + playlist_id + "' on this device");
    }
    PrintEvent(options, PlaylistEvent(*p, true));
    return kExitOk;
}

int Share(const CliOptions& options, Replica& replica, const std::vector<std::string>& pos,
          bool revoke) {
    sync::SyncState state = replica.Snapshot();
    const sync::Playlist* p = state.FindPlaylist(pos[1]);
    if (!revoke && p != nullptr && p->created() && !p->collaborative()) {
        Result<Op> flag = replica.SetCollaborative(pos[1], true);
        if (!flag.ok()) return PrintError(options, flag.error().message);
    }
    return Report(options, revoke ? "unshared" : "shared", replica.Share(pos[1], pos[2], !revoke));
}

// The catalog id of a track named by id or title, as `play` takes it. With
// the server unreachable only what looks like an id (16 hex digits) is
// taken, unchecked; a title cannot be looked up then, and nothing is added.
std::optional<std::string> TrackIdFor(const CliOptions& options, const std::string& wanted,
                                      std::string* error) {
    auto client = MakeApiClient(options);
    if (!client) {
        *error = client.error().message;
        return std::nullopt;
    }
    auto track = ResolveTrack(*client, wanted);
    if (track) return track->id;
    const bool looks_like_id =
        wanted.size() == 16 && wanted.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (track.error().code == ErrorCode::kNetwork && looks_like_id) return wanted;
    *error = track.error().code == ErrorCode::kNetwork
                 ? "cannot look up '" + wanted + "' while the server is unreachable; give its id"
                 : "cannot add '" + wanted + "': " + track.error().message;
    return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<Replica>> OpenReplica(const CliOptions& options) {
    Result<SavedSession> session = LoadSession(options);
    if (!session.ok()) return session.error();
    if (session->user.empty()) {
        return MakeError(ErrorCode::kUnauthorized, "not logged in: run `tonearm-cli login` first");
    }
    sync::ReplicaOptions replica_options;
    replica_options.path = options.profile_dir + "/replica.db";
    replica_options.user = session->user;
    return Replica::Open(replica_options);
}

int RunPlaylists(const CliOptions& options, const std::vector<std::string>& args) {
    if (!args.empty()) return UsageError(options, "playlists takes no arguments");
    Result<std::unique_ptr<Replica>> replica = OpenReplica(options);
    if (!replica.ok()) return PrintError(options, replica.error().message);
    sync::SyncState state = (*replica)->Snapshot();
    Result<SavedSession> session = LoadSession(options);
    for (const sync::Playlist* p : state.PlaylistsVisibleTo(session->user)) {
        PrintEvent(options, PlaylistEvent(*p, false));
    }
    return kExitOk;
}

int RunPlaylist(const CliOptions& options, const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "import" || args[0] == "export")) {
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        return args[0] == "import" ? RunPlaylistImport(options, rest)
                                   : RunPlaylistExport(options, rest);
    }
    ArgList list(args, {"--description", "--at"}, {"--revoke", "--unfollow", "--ids"});
    if (!list.error().empty()) return UsageError(options, list.error());
    const std::vector<std::string>& pos = list.positionals();
    const std::string verb = pos.empty() ? "" : pos[0];
    auto need = [&](size_t count) { return pos.size() >= count; };
    if (!need(2)) {
        return UsageError(options,
                          "usage: playlist create NAME [--description D] | rename ID NAME | "
                          "describe ID TEXT | add ID TRACK... [--at N] [--ids] | move ID ENTRY N | "
                          "remove ID ENTRY | share ID USER [--revoke] | follow ID [--unfollow] | "
                          "show ID | import FILE [--name N] | export ID FILE [--format F]");
    }
    Result<std::unique_ptr<Replica>> opened = OpenReplica(options);
    if (!opened.ok()) return PrintError(options, opened.error().message);
    Replica& replica = **opened;

    if (verb == "create") {
        return Report(options, "playlist_created",
                      replica.CreatePlaylist(pos[1], list.Value("--description").value_or("")));
    }
    if (verb == "show") return Show(options, replica, pos[1]);
    if (verb == "follow") {
        const bool follow = !list.Flag("--unfollow");
        return Report(options, follow ? "followed" : "unfollowed", replica.Follow(pos[1], follow));
    }
    if (verb == "rename" && need(3))
        return Report(options, "renamed", replica.Rename(pos[1], pos[2]));
    if (verb == "describe" && need(3)) {
        return Report(options, "described", replica.Describe(pos[1], pos[2]));
    }
    if (verb == "add" && need(3)) {
        std::optional<size_t> at;
        if (auto text = list.Value("--at")) {
            at = ParseIndex(*text);
            if (!at) return UsageError(options, "--at needs a position (0 = first)");
        }
        // TRACK is an id or a title, looked up in the catalog; --ids takes
        // the arguments as ids as they are (scripts, or no server at hand).
        std::vector<std::string> tracks;
        std::string error;
        for (auto it = pos.begin() + 2; it != pos.end(); ++it) {
            auto id = list.Flag("--ids") ? std::optional<std::string>(*it)
                                         : TrackIdFor(options, *it, &error);
            if (!id) return PrintError(options, error);
            tracks.push_back(*id);
        }
        return Report(options, "entries_added", replica.AddTracks(pos[1], tracks, at));
    }
    if (verb == "move" && need(4)) {
        std::optional<size_t> to = ParseIndex(pos[3]);
        if (!to) return UsageError(options, "move needs a position (0 = first)");
        return Report(options, "moved", replica.MoveEntry(pos[1], pos[2], *to));
    }
    if (verb == "remove" && need(3)) {
        return Report(options, "removed", replica.RemoveEntry(pos[1], pos[2]));
    }
    if (verb == "share" && need(3)) return Share(options, replica, pos, list.Flag("--revoke"));
    return UsageError(options, "unknown or incomplete playlist command '" + verb + "'");
}

int RunLibrary(const CliOptions& options, const std::vector<std::string>& args) {
    const std::string verb = args.empty() ? "" : args[0];
    Result<std::unique_ptr<Replica>> replica = OpenReplica(options);
    if (!replica.ok()) return PrintError(options, replica.error().message);
    if ((verb == "save" || verb == "unsave") && args.size() == 2) {
        return Report(options, verb == "save" ? "saved" : "unsaved",
                      (*replica)->SaveTrack(args[1], verb == "save"));
    }
    if (verb == "list" && args.size() == 1) {
        Result<SavedSession> session = LoadSession(options);
        sync::SyncState state = (*replica)->Snapshot();
        const sync::Library* library = state.FindLibrary(session->user);
        Json tracks = library != nullptr ? Json(library->SavedTracks()) : Json::array();
        PrintEvent(options, Json{{"event", "library"}, {"tracks", tracks}});
        return kExitOk;
    }
    return UsageError(options, "usage: library save TRACK | unsave TRACK | list");
}

// After a sync: the pinned playlists follow the replica. Nothing to do (and
// no cache folder created) on a device that never pinned anything.
int RefreshPinsAfterSync(const CliOptions& options) {
    std::error_code ec;
    if (!std::filesystem::exists(CacheDir(options) + "/index.db", ec)) return kExitOk;
    return RefreshChangedPins(options);
}

int RunSync(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {"--watch"}, {"--no-pins"});
    if (!list.error().empty()) return UsageError(options, list.error());
    Result<std::unique_ptr<Replica>> replica = OpenReplica(options);
    if (!replica.ok()) return PrintError(options, replica.error().message);
    Result<SavedSession> session = LoadSession(options);
    sync::SyncOptions sync_options;
    sync_options.base_url = options.server.empty() ? session->server : options.server;
    sync_options.token = session->token;
    if (sync_options.base_url.empty()) return UsageError(options, "sync needs --server URL");
    sync::SyncClient client(replica->get(), sync_options);

    const double watch = list.Value("--watch") ? std::atof(list.Value("--watch")->c_str()) : 0;
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(watch * 1000));
    int exit_code = kExitOk;
    for (;;) {
        Result<sync::SyncReport> report = client.Sync();
        if (!report.ok()) return PrintError(options, report.error().message);
        Json rejected = Json::array();
        for (const sync::RejectedOp& r : report->rejected) {
            rejected.push_back({{"op", r.op_id}, {"error", r.error}});
        }
        PrintEvent(options, Json{{"event", "synced"},
                                 {"pushed", report->pushed},
                                 {"acked", report->acked},
                                 {"pulled", report->pulled},
                                 {"rejected", rejected},
                                 {"pending", (*replica)->PendingCount()},
                                 {"cursor", (*replica)->cursor()}});
        // A pin that failed is reported; the sync itself went through.
        if (!list.Flag("--no-pins") && RefreshPinsAfterSync(options) != kExitOk) {
            exit_code = kExitFailure;
        }
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(
            until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return exit_code;
        Result<bool> changed =
            client.WaitForChanges(static_cast<int>(std::min<int64_t>(left.count(), 25)));
        if (!changed.ok()) return PrintError(options, changed.error().message);
    }
}

}  // namespace tonearm::cli
