// tonearm-cli offline pin|unpin|status|refresh: audio kept for offline play.
//
// --max-rate BYTES limits the download speed (bytes per second, all
// transfers together), for metered connections; --parallel N (1-4, default
// 3) sets how many tracks download at once. A PLAYLIST is pinned from the
// device's playlist replica (run `sync` first for the server's latest);
// anything else is taken as a track id. Pinning a source again (or
// `refresh`, which does it for every pinned source) pins its current
// tracks: a track removed from the playlist is unpinned, and downloads that
// stopped resume from the bytes already on disk. `sync` calls
// RefreshChangedPins after it pulled, which does the same for the pinned
// playlists that changed.

#include <cstdlib>

#include "app/cli_session.h"
#include "player/audio_cache.h"
#include "player/offline_pinning.h"
#include "sync/replica.h"

namespace tonearm::cli {
namespace {

using player::AudioCache;
using player::PinEvent;

// The playlist's track ids in order, or nullopt when the replica does not
// know a playlist with this id.
Result<std::optional<std::vector<std::string>>> PlaylistTracks(const CliOptions& options,
                                                               const std::string& id) {
    Result<SavedSession> session = LoadSession(options);
    if (!session.ok()) return session.error();
    sync::ReplicaOptions replica_options;
    replica_options.path = options.profile_dir + "/replica.db";
    replica_options.user = session->user;
    auto replica = sync::Replica::Open(replica_options);
    if (!replica.ok()) return replica.error().Wrap("cannot open the playlist replica");
    sync::SyncState state = (*replica)->Snapshot();
    const sync::Playlist* playlist = state.FindPlaylist(id);
    if (playlist == nullptr || !playlist->created())
        return std::optional<std::vector<std::string>>();
    std::vector<std::string> tracks;
    for (const sync::EntryView& entry : playlist->Entries())
        tracks.push_back(entry.track_id);
    return std::optional<std::vector<std::string>>(std::move(tracks));
}

Json PinEventJson(const PinEvent& e) {
    static const char* kNames[] = {"track_started", "progress", "track_done", "track_failed"};
    Json json{{"event", kNames[static_cast<int>(e.kind)]},
              {"track", e.track_id},
              {"kbps", e.kbps},
              {"index", e.index},
              {"count", e.count},
              {"track_done", e.track_done},
              {"track_total", e.track_total},
              {"overall_done", e.overall_done},
              {"overall_total", e.overall_total}};
    if (e.kind == PinEvent::Kind::kTrackDone) {
        json["fetched"] = e.fetched;
        json["already_cached"] = e.already_cached;
    }
    if (e.kind == PinEvent::Kind::kTrackFailed) json["message"] = e.message;
    return json;
}

Status DropSource(AudioCache& cache, const std::string& source) {
    Status dropped = cache.ReplacePins(source, {});
    if (dropped.ok()) dropped = cache.ForgetSource(source);
    return dropped;
}

// How a pin downloads.
struct Transfer {
    int64_t max_rate = 0;  // bytes per second, all transfers together; 0: unlimited
    int transfers = player::kDefaultPinTransfers;
};

// Pins the tracks of playlist (when it has a value; else the track id) at
// kbps and prints the events.
int PinTracksOf(const CliOptions& options, AudioCache& cache, const std::string& id,
                const std::optional<std::vector<std::string>>& playlist, int kbps,
                const Transfer& transfer) {
    auto client = MakeApiClient(options);
    if (!client) return PrintError(options, client.error().message);
    if (client->token().empty()) return PrintError(options, "not logged in: run login first");

    player::PinRequest request;
    request.source = (playlist.has_value() ? "playlist:" : "track:") + id;
    request.track_ids = playlist.has_value() ? *playlist : std::vector<std::string>{id};
    request.kbps = kbps;
    request.api_base_url = client->base_url();
    request.token = client->token();
    request.max_bytes_per_second = transfer.max_rate;
    request.transfers = transfer.transfers;
    if (Status kept = cache.RememberSource(request.source, kbps); !kept.ok()) {
        return PrintError(options, kept.error().message);
    }
    PrintEvent(options, Json{{"event", "pin_started"},
                             {"source", request.source},
                             {"tracks", request.track_ids.size()}});
    auto summary = player::PinTracks(
        cache, request, [&](const PinEvent& e) { PrintEvent(options, PinEventJson(e)); });
    // A single track that could not be pinned at all is not kept as a
    // source: there is nothing to refresh later (an unknown id, above all).
    const bool nothing_pinned =
        !playlist.has_value() && (!summary.ok() || summary->failed == summary->tracks);
    if (nothing_pinned) (void)DropSource(cache, request.source);
    if (!summary.ok()) return PrintError(options, summary.error().message);
    PrintEvent(options, Json{{"event", "pinned"},
                             {"source", request.source},
                             {"tracks", summary->tracks},
                             {"downloaded", summary->downloaded},
                             {"already_cached", summary->already_cached},
                             {"failed", summary->failed},
                             {"bytes_fetched", summary->bytes_fetched},
                             {"bytes_total", summary->bytes_total}});
    if (summary->failed > 0) return PrintError(options, summary->first_error);
    return kExitOk;
}

// Pins id: the playlist of that id in the replica, else the track.
int PinSource(const CliOptions& options, AudioCache& cache, const std::string& id, int kbps,
              const Transfer& transfer) {
    auto playlist = PlaylistTracks(options, id);
    if (!playlist.ok()) return PrintError(options, playlist.error().message);
    return PinTracksOf(options, cache, id, *playlist, kbps, transfer);
}

int Unpin(const CliOptions& options, AudioCache& cache, const std::string& id) {
    for (const std::string& source : {"playlist:" + id, "track:" + id}) {
        Status unpinned = DropSource(cache, source);
        if (!unpinned.ok()) return PrintError(options, unpinned.error().message);
    }
    if (Status trimmed = cache.EnforceLimit(); !trimmed.ok()) {
        return PrintError(options, trimmed.error().message);
    }
    PrintEvent(options, Json{{"event", "unpinned"}, {"id", id}});
    return kExitOk;
}

int ShowStatus(const CliOptions& options, AudioCache& cache) {
    auto sources = cache.Sources();
    auto pins = cache.Pins();
    if (!sources.ok() || !pins.ok()) {
        return PrintError(options, (!sources.ok() ? sources.error() : pins.error()).message);
    }
    for (const auto& [source, kbps] : *sources) {
        int64_t tracks = 0, cached = 0;
        for (const player::CachePin& pin : *pins) {
            if (pin.source != source) continue;
            ++tracks;
            auto entry = cache.FindEntry(pin.track_id, pin.kbps);
            const bool present = entry.ok() && entry->has_value();
            cached += present ? 1 : 0;
            PrintEvent(options, Json{{"event", "offline_track"},
                                     {"source", source},
                                     {"track", pin.track_id},
                                     {"kbps", pin.kbps},
                                     {"state", present ? "cached" : "missing"}});
        }
        PrintEvent(options, Json{{"event", "offline_source"},
                                 {"source", source},
                                 {"quality", kbps},
                                 {"tracks", tracks},
                                 {"cached", cached}});
    }
    return PrintCacheStatus(options, cache);
}

// Pins every pinned source again; with only_changed, only the playlists
// whose tracks differ from their pins or whose audio is missing. A pinned
// playlist the replica no longer has (deleted on another device) is
// unpinned.
int RefreshSources(const CliOptions& options, AudioCache& cache, bool only_changed,
                   const Transfer& transfer) {
    auto sources = cache.Sources();
    if (!sources.ok()) return PrintError(options, sources.error().message);
    int exit_code = kExitOk;
    for (const auto& [source, kbps] : *sources) {
        const bool is_playlist = source.rfind("playlist:", 0) == 0;
        const std::string id = source.substr(source.find(':') + 1);
        if (!is_playlist && only_changed) continue;
        std::optional<std::vector<std::string>> tracks;
        if (is_playlist) {
            auto found = PlaylistTracks(options, id);
            if (!found.ok()) return PrintError(options, found.error().message);
            if (!found->has_value()) {
                if (Status dropped = DropSource(cache, source); !dropped.ok())
                    return PrintError(options, dropped.error().message);
                PrintEvent(options, Json{{"event", "unpinned"}, {"id", id}, {"reason", "deleted"}});
                continue;
            }
            tracks = **found;
        }
        if (only_changed) {
            auto changed = player::PinsNeedRefresh(cache, source, *tracks);
            if (!changed.ok()) return PrintError(options, changed.error().message);
            if (!*changed) {
                PrintEvent(options, Json{{"event", "pin_unchanged"}, {"source", source}});
                continue;
            }
        }
        if (PinTracksOf(options, cache, id, tracks, kbps, transfer) != kExitOk)
            exit_code = kExitFailure;
    }
    return exit_code;
}

// --parallel N, within [1, kMaxPinTransfers]; nullopt when out of range.
std::optional<int> ParseTransfers(const ArgList& list) {
    const auto text = list.Value("--parallel");
    if (!text) return player::kDefaultPinTransfers;
    const int n = std::atoi(text->c_str());
    if (n < 1 || n > player::kMaxPinTransfers) return std::nullopt;
    return n;
}

}  // namespace

int RefreshChangedPins(const CliOptions& options) {
    auto cache = AudioCache::Open(CacheDir(options));
    if (!cache.ok()) return PrintError(options, cache.error().message);
    return RefreshSources(options, **cache, true, Transfer{});
}

int RunOffline(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {"--quality", "--max-rate", "--parallel"}, {});
    const auto& pos = list.positionals();
    if (!list.error().empty() || pos.empty()) {
        PrintError(options, list.error().empty() ? "offline needs pin, unpin, status or refresh"
                                                 : list.error());
        return kExitUsage;
    }
    int kbps = 0;
    if (auto quality = list.Value("--quality")) {
        kbps = std::atoi(quality->c_str());
        if (kbps != 96 && kbps != 160 && kbps != 320) {
            PrintError(options, "--quality must be 96, 160 or 320");
            return kExitUsage;
        }
    }
    Transfer transfer;
    transfer.max_rate = std::atoll(list.Value("--max-rate").value_or("0").c_str());
    const std::optional<int> transfers = ParseTransfers(list);
    if (!transfers) {
        PrintError(options, "--parallel must be 1 to " + std::to_string(player::kMaxPinTransfers));
        return kExitUsage;
    }
    transfer.transfers = *transfers;
    auto cache = AudioCache::Open(CacheDir(options));
    if (!cache.ok()) return PrintError(options, cache.error().message);
    if (pos[0] == "pin" && pos.size() == 2) {
        return PinSource(options, **cache, pos[1], kbps, transfer);
    }
    if (pos[0] == "unpin" && pos.size() == 2) return Unpin(options, **cache, pos[1]);
    if (pos[0] == "status" && pos.size() == 1) return ShowStatus(options, **cache);
    if (pos[0] == "refresh" && pos.size() == 1) {
        return RefreshSources(options, **cache, false, transfer);
    }
    PrintError(options, "offline needs pin ID, unpin ID, status or refresh");
    return kExitUsage;
}

}  // namespace tonearm::cli
