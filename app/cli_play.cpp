// tonearm-cli play: streams one track through the real player engine.
//
// --seconds N stops after N seconds of audio taken by the device (counted in
// frames, so it also holds on sinks that do not pace, such as ALSA's null).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "app/cli_session.h"
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
            return {{"event", "buffer"}, {"seconds", e.buffer_seconds}};
        case PlayerEvent::Kind::kUnderrun: return {{"event", "underrun"}, {"count", e.underruns}};
        case PlayerEvent::Kind::kPosition:
            return {{"event", "position"},
                    {"seconds", e.sample_rate > 0 ? double(e.position_samples) / e.sample_rate : 0},
                    {"samples", e.position_samples},
                    {"duration_samples", e.duration_samples}};
        case PlayerEvent::Kind::kError:
            return {{"event", "error"}, {"message", e.message}, {"track", e.track_id}};
    }
    return {{"event", "unknown"}};
}

struct PlayArgs {
    std::string track;
    double seconds = -1;  // < 0: to the end
    double seek_seconds = 0;
    int quality = 0;  // 0: the best the tier allows
    double volume = 1.0;
};

std::optional<PlayArgs> ParsePlayArgs(const std::vector<std::string>& args, std::string* error) {
    ArgList list(args, {"--seconds", "--quality", "--volume", "--seek"}, {});
    if (!list.error().empty()) {
        *error = list.error();
        return std::nullopt;
    }
    if (list.positionals().size() != 1) {
        *error = "play needs exactly one TRACK (id or title)";
        return std::nullopt;
    }
    PlayArgs play;
    play.track = list.positionals()[0];
    auto number = [&](const char* name, double* out) {
        auto v = list.Value(name);
        if (!v) return true;
        auto n = ParseNumber(*v, error);
        if (!n || *n < 0) {
            *error = std::string(name) + ": '" + *v + "' must be a number >= 0";
            return false;
        }
        *out = *n;
        return true;
    };
    double quality = 0;
    if (!number("--seconds", &play.seconds) || !number("--seek", &play.seek_seconds) ||
        !number("--volume", &play.volume) || !number("--quality", &quality)) {
        return std::nullopt;
    }
    play.quality = static_cast<int>(quality);
    if (play.quality != 0 && play.quality != 96 && play.quality != 160 && play.quality != 320) {
        *error = "--quality must be 96, 160 or 320";
        return std::nullopt;
    }
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
    auto track = ResolveTrack(*client, play->track);
    if (!track && track.error().code == ErrorCode::kNetwork) {
        // Offline: the cache keeps the metadata of every pinned track.
        auto cache = player::AudioCache::Open(CacheDir(options));
        auto stored = cache ? (*cache)->LoadTrack(play->track) : Result<Track>(cache.error());
        if (!stored) {
            return PrintError(options, "cannot play: track '" + play->track +
                                           "' is not available offline (server unreachable)");
        }
        track = std::move(stored);
    }
    if (!track) return PrintError(options, "cannot play: " + track.error().message);

    player::PlayerConfig config;
    config.api_base_url = client->base_url();
    config.token = client->token();
    config.preferred_kbps = play->quality == 0 ? 320 : play->quality;
    config.volume = play->volume;
    if (play->seconds >= 0) {
        config.max_frames = static_cast<int64_t>(play->seconds * track->sample_rate);
    }
    config.cache_dir = CacheDir(options);

    EventQueue queue;
    PlaybackSession session(config, [&queue](const PlayerEvent& e) { queue.Push(e); });
    auto start = static_cast<int64_t>(play->seek_seconds * track->sample_rate);
    if (Status started = session.Play(track->id, start); !started) {
        return PrintError(options, "cannot start playback: " + started.error().message);
    }

    // Stop on the end of the track, an error, or after the asked audio
    // length; a wall-clock guard ends a playback that stalls for good.
    const int64_t frames_wanted =
        play->seconds < 0 ? -1 : static_cast<int64_t>(play->seconds * track->sample_rate);
    const double track_left = track->DurationSeconds() - play->seek_seconds;
    const auto guard = std::chrono::seconds(
        60 + static_cast<int64_t>(play->seconds < 0 ? track_left : play->seconds) * 2);
    int exit_code = kExitOk;
    double first_audio_ms = -1;
    bool done = false;
    while (!done) {
        for (const PlayerEvent& e : queue.Drain(std::chrono::milliseconds(50))) {
            PrintEvent(options, EventJson(e));
            if (e.kind == PlayerEvent::Kind::kFirstAudio) first_audio_ms = e.first_audio_ms;
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
        if (std::chrono::steady_clock::now() - asked > guard) {
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
    }
    PrintEvent(
        options,
        Json{{"event", "summary"},
             {"track", track->id},
             {"title", track->title},
             {"frames_played", snapshot.frames_played},
             {"seconds_played",
              track->sample_rate > 0 ? double(snapshot.frames_played) / track->sample_rate : 0.0},
             {"underruns", snapshot.underruns},
             {"kbps", snapshot.kbps},
             {"first_audio_ms", first_audio_ms}});
    return exit_code;
}

}  // namespace tonearm::cli
