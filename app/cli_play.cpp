// tonearm-cli play: streams a queue of tracks through the real player engine.
//
// --seconds N stops after N seconds of audio taken by the device (counted in
// frames, so it also holds on sinks that do not pace, such as ALSA's null).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "app/cli_session.h"
#include "player/abr/abr_controller.h"
#include "player/audio_cache.h"
#include "player/playback_session.h"

namespace tonearm::cli {
namespace {

using player::PlaybackSession;
using player::PlaybackState;
using player::PlayerEvent;

// Collects engine events from worker threads for the main thread to print.
class EventQueue {
public:
    void Push(const PlayerEvent& event) {
        std::lock_guard lock(mutex_);
        events_.push_back(event);
        ready_.notify_one();
    }

    // Waits up to timeout for events and moves them all out.
    std::deque<PlayerEvent> Drain(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        ready_.wait_for(lock, timeout, [this] { return !events_.empty(); });
        std::deque<PlayerEvent> out;
        out.swap(events_);
        return out;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<PlayerEvent> events_;
};

double Seconds(int64_t samples, int rate) {
    return rate > 0 ? static_cast<double>(samples) / rate : 0.0;
}

Json EventJson(const PlayerEvent& e) {
    switch (e.kind) {
        case PlayerEvent::Kind::kState:
            return {
                {"event", "state"}, {"state", PlaybackStateName(e.state)}, {"track", e.track_id}};
        case PlayerEvent::Kind::kFirstAudio:
            return {{"event", "first_audio"}, {"ms", e.first_audio_ms}, {"track", e.track_id}};
        case PlayerEvent::Kind::kBitrate:
            return {{"event", "bitrate"}, {"kbps", e.kbps}, {"track", e.track_id}};
        case PlayerEvent::Kind::kBuffer:
            return {{"event", "buffer"},
                    {"seconds", e.buffer_seconds},
                    {"estimate_kbps", e.estimate_kbps},
                    {"track", e.track_id}};
        case PlayerEvent::Kind::kUnderrun: return {{"event", "underrun"}, {"count", e.underruns}};
        case PlayerEvent::Kind::kPosition:
            return {{"event", "position"},
                    {"seconds", Seconds(e.position_samples, e.sample_rate)},
                    {"samples", e.position_samples},
                    {"duration_samples", e.duration_samples},
                    {"track", e.track_id}};
        case PlayerEvent::Kind::kError:
            return {{"event", "error"}, {"message", e.message}, {"track", e.track_id}};
        case PlayerEvent::Kind::kTrackChanged:
            return {{"event", "track"},
                    {"track", e.track_id},
                    {"queue_index", e.queue_index},
                    {"gain_db", e.gain_db},
                    {"sample_rate", e.sample_rate},
                    {"duration_samples", e.duration_samples}};
        case PlayerEvent::Kind::kSwitch:
            return {{"event", "switch"},
                    {"from_kbps", e.previous_kbps},
                    {"to_kbps", e.kbps},
                    {"at_samples", e.position_samples},
                    {"buffer_seconds", e.buffer_seconds},
                    {"estimate_kbps", e.estimate_kbps},
                    {"track", e.track_id}};
        case PlayerEvent::Kind::kThroughput:
            return {{"event", "throughput"},
                    {"kbps", e.kbps},
                    {"chunk_kbps", e.chunk_kbps},
                    {"estimate_kbps", e.estimate_kbps},
                    {"buffer_seconds", e.buffer_seconds},
                    {"at_samples", e.position_samples},
                    {"track", e.track_id}};
    }
    return {{"event", "unknown"}};
}

// A track the cache knows only by its manifest (kept after streaming).
Result<Track> TrackFromCachedManifest(player::AudioCache& cache, const std::string& id) {
    auto manifest = cache.LoadManifest(id);
    if (!manifest) return manifest.error();
    Track track;
    track.id = manifest->track_id;
    track.version = manifest->version;
    track.title = manifest->track_id;
    track.sample_rate = manifest->sample_rate;
    track.channels = manifest->channels;
    track.duration_samples = manifest->duration_samples;
    return track;
}

struct PlayArgs {
    std::vector<std::string> tracks;
    double seconds = -1;  // < 0: to the end
    double seek_seconds = 0;
    int quality = 0;  // 0: automatic
    double volume = 1.0;
    std::string abr = "tonearm";
    bool normalize = true;
    double target_lufs = -14.0;
    double crossfade = 0.0;
    double buffer = 20.0;
    double chunk = 2.0;
    bool shuffle = false;
    uint64_t seed = 1;
    player::RepeatMode repeat = player::RepeatMode::kOff;
};

std::optional<PlayArgs> ParsePlayArgs(const std::vector<std::string>& args, std::string* error) {
    ArgList list(
        args,
        {"--seconds", "--quality", "--volume", "--seek", "--abr", "--normalize", "--target-lufs",
         "--crossfade", "--buffer", "--chunk-seconds", "--repeat", "--seed"},
        {"--shuffle"});
    if (!list.error().empty()) {
        *error = list.error();
        return std::nullopt;
    }
    if (list.positionals().empty()) {
        *error = "play needs at least one TRACK (id or title)";
        return std::nullopt;
    }
    PlayArgs play;
    play.tracks = list.positionals();
    auto number = [&](const char* name, double* out, bool may_be_negative = false) {
        auto v = list.Value(name);
        if (!v) return true;
        auto n = ParseNumber(*v, error);
        if (!n || (*n < 0 && !may_be_negative)) {
            *error = std::string(name) + ": '" + *v + "' must be a number" +
                     (may_be_negative ? "" : " >= 0");
            return false;
        }
        *out = *n;
        return true;
    };
    double seed = 1;
    if (!number("--seconds", &play.seconds) || !number("--seek", &play.seek_seconds) ||
        !number("--volume", &play.volume) || !number("--target-lufs", &play.target_lufs, true) ||
        !number("--crossfade", &play.crossfade) || !number("--buffer", &play.buffer) ||
        !number("--chunk-seconds", &play.chunk) || !number("--seed", &seed)) {
        return std::nullopt;
    }
    play.seed = static_cast<uint64_t>(seed);
    const std::string quality = list.Value("--quality").value_or("auto");
    if (quality == "96" || quality == "160" || quality == "320") {
        play.quality = std::stoi(quality);
    } else if (quality != "auto") {
        *error = "--quality must be auto, 96, 160 or 320";
        return std::nullopt;
    }
    play.abr = list.Value("--abr").value_or("tonearm");
    if (auto known = player::abr::MakeAbrController(play.abr); !known.ok()) {
        *error = "--abr: " + known.error().message;
        return std::nullopt;
    }
    const std::string normalize = list.Value("--normalize").value_or("on");
    if (normalize != "on" && normalize != "off") {
        *error = "--normalize must be on or off";
        return std::nullopt;
    }
    play.normalize = normalize == "on";
    const std::string repeat = list.Value("--repeat").value_or("off");
    if (repeat == "one") {
        play.repeat = player::RepeatMode::kOne;
    } else if (repeat == "all") {
        play.repeat = player::RepeatMode::kAll;
    } else if (repeat != "off") {
        *error = "--repeat must be off, one or all";
        return std::nullopt;
    }
    play.shuffle = list.Flag("--shuffle");
    return play;
}

}  // namespace

int RunPlay(const CliOptions& options, const std::vector<std::string>& args) {
    const auto asked = std::chrono::steady_clock::now();
    std::string error;
    auto play = ParsePlayArgs(args, &error);
    if (!play) {
        PrintError(options, error);
        return kExitUsage;
    }
    auto client = MakeApiClient(options);
    if (!client) return PrintError(options, client.error().message);
    if (client->token().empty()) return PrintError(options, "not logged in: run login first");
    std::vector<Track> tracks;
    for (const std::string& wanted : play->tracks) {
        auto track = ResolveTrack(*client, wanted);
        if (!track && track.error().code == ErrorCode::kNetwork) {
            // Offline: the cache keeps the metadata of every pinned track,
            // and the manifest of every track it kept after streaming it.
            auto cache = player::AudioCache::Open(CacheDir(options));
            auto stored = cache ? (*cache)->LoadTrack(wanted) : Result<Track>(cache.error());
            if (!stored && cache) stored = TrackFromCachedManifest(**cache, wanted);
            if (!stored) {
                return PrintError(options, "cannot play: track '" + wanted +
                                               "' is not available offline (server unreachable)");
            }
            track = std::move(stored);
        }
        if (!track) return PrintError(options, "cannot play: " + track.error().message);
        tracks.push_back(std::move(track.value()));
    }
    const Track& first = tracks.front();

    player::PlayerConfig config;
    config.api_base_url = client->base_url();
    config.token = client->token();
    config.preferred_kbps = play->quality;
    config.abr_algorithm = play->abr;
    config.volume = play->volume;
    config.buffer_target_seconds = play->buffer;
    config.chunk_seconds = play->chunk;
    config.normalisation.enabled = play->normalize;
    config.normalisation.target_lufs = play->target_lufs;
    config.crossfade_seconds = play->crossfade;
    // The device runs at the first track's rate; later ones are resampled.
    if (play->seconds >= 0) {
        config.max_frames = static_cast<int64_t>(play->seconds * first.sample_rate);
    }
    config.cache_dir = CacheDir(options);

    EventQueue queue;
    PlaybackSession session(config, [&queue](const PlayerEvent& e) { queue.Push(e); });
    session.SetRepeat(play->repeat);
    std::vector<std::string> ids;
    for (const Track& track : tracks)
        ids.push_back(track.id);
    auto start = static_cast<int64_t>(play->seek_seconds * first.sample_rate);
    if (Status started = session.PlayQueue(ids, 0, start); !started) {
        return PrintError(options, "cannot start playback: " + started.error().message);
    }
    if (play->shuffle) session.SetShuffle(true, play->seed);

    // Stop at the end of the queue, an error, or after the asked audio
    // length; a wall-clock guard ends a playback that stalls for good.
    const int64_t frames_wanted =
        play->seconds < 0 ? -1 : static_cast<int64_t>(play->seconds * first.sample_rate);
    double queue_left = -play->seek_seconds;
    for (const Track& track : tracks)
        queue_left += track.DurationSeconds();
    const bool endless = play->repeat != player::RepeatMode::kOff && play->seconds < 0;
    const double to_play = std::max(0.0, play->seconds < 0 ? queue_left : play->seconds);
    const auto guard = std::chrono::seconds(60 + static_cast<int64_t>(std::min(to_play, 1e7)) * 2);
    int exit_code = kExitOk;
    double first_audio_ms = -1;
    int64_t switches = 0;  // over the whole queue
    bool done = false;
    while (!done) {
        for (const PlayerEvent& e : queue.Drain(std::chrono::milliseconds(50))) {
            PrintEvent(options, EventJson(e));
            if (e.kind == PlayerEvent::Kind::kFirstAudio) first_audio_ms = e.first_audio_ms;
            if (e.kind == PlayerEvent::Kind::kSwitch) ++switches;
            if (e.kind == PlayerEvent::Kind::kError && e.state == PlaybackState::kError) {
                exit_code = kExitFailure;
                done = true;
            }
            if (e.kind == PlayerEvent::Kind::kState &&
                (e.state == PlaybackState::kEnded || e.state == PlaybackState::kError)) {
                exit_code = e.state == PlaybackState::kError ? kExitFailure : exit_code;
                done = true;
            }
        }
        auto snapshot = session.Snapshot();
        if (frames_wanted >= 0 && snapshot.frames_played >= frames_wanted) done = true;
        if (!endless && std::chrono::steady_clock::now() - asked > guard) {
            PrintError(options, "playback made no progress before the time limit");
            exit_code = kExitFailure;
            done = true;
        }
    }
    auto snapshot = session.Snapshot();
    session.Stop();
    // Events the session sent while the loop was ending (first audio on a
    // very short play, the stop itself) are still worth printing.
    for (const PlayerEvent& e : queue.Drain(std::chrono::milliseconds(200))) {
        PrintEvent(options, EventJson(e));
        if (e.kind == PlayerEvent::Kind::kFirstAudio) first_audio_ms = e.first_audio_ms;
        if (e.kind == PlayerEvent::Kind::kSwitch) ++switches;
    }
    Json history = Json::array();
    for (const std::string& id : snapshot.history)
        history.push_back(id);
    // The track heard last, with its own title.
    const Track* last = &first;
    for (const Track& track : tracks) {
        if (track.id == snapshot.track_id) last = &track;
    }
    PrintEvent(options, Json{{"event", "summary"},
                             {"track", last->id},
                             {"title", last->title},
                             {"frames_played", snapshot.frames_played},
                             {"seconds_played", Seconds(snapshot.frames_played, first.sample_rate)},
                             {"underruns", snapshot.underruns},
                             {"kbps", snapshot.kbps},
                             {"switches", switches},
                             {"history", history},
                             {"first_audio_ms", first_audio_ms}});
    return exit_code;
}

}  // namespace tonearm::cli
