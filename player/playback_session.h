// PlaybackSession: the streaming engine. Plays a queue of tracks from the CDN
// (or the offline cache) to the audio device, choosing each chunk's bitrate
// to the network, joining tracks gaplessly (or with a crossfade), and
// normalising loudness.
//
// Threads: the caller's thread (control), a session worker, per track a
// fetch thread (libcurl ranges) and a decode thread (libvorbis), a renderer
// thread (gain, resampling, crossfade, limiter; renderer.h), and PortAudio's
// callback, which only reads a lock-free ring buffer. All public methods are safe to call from any
// one control thread; they never block on the network. Events are delivered to the EventSink from
// the session's own worker threads (never from the audio callback), one at a time; a sink must
// return quickly and must not call back into the session synchronously. Snapshot() is updated
// before each event is delivered, so a caller that reads it on receiving an event sees at least the
// session that event describes.
//
// kEnded means the queue ran out and the device took every sample of the last
// track from its start (or seek) position to its duration, and kFirstAudio
// (if any sample was audible) came before it. A track whose audio stops short
// of its duration ends in kError with a message saying where and why, never
// in kEnded. The next track of the queue is fetched while the current one
// finishes (prefetch), and kTrackChanged marks the moment the listener hears
// it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "player/loudness.h"
#include "player/play_queue.h"

namespace tonearm::player {

enum class PlaybackState { kIdle, kBuffering, kPlaying, kPaused, kStopped, kEnded, kError };
const char* PlaybackStateName(PlaybackState state);

struct PlayerEvent {
    enum class Kind {
        kState,         // state changed; see state
        kFirstAudio,    // first audible sample reached the device; see first_audio_ms
        kBitrate,       // variant in use; see kbps
        kBuffer,        // periodic buffer report; see buffer_seconds
        kUnderrun,      // the callback ran dry; see underruns (running total)
        kPosition,      // periodic position report
        kError,         // see message; state becomes kError when fatal
        kTrackChanged,  // the listener now hears track_id (queue_index); see gain_db
        kSwitch,        // the fetcher changed rung: previous_kbps -> kbps from position_samples
        kThroughput,    // a chunk arrived: chunk_kbps measured, estimate_kbps, buffer_seconds
    };
    Kind kind = Kind::kState;
    PlaybackState state = PlaybackState::kIdle;
    std::string track_id;
    int kbps = 0;
    double buffer_seconds = 0.0;
    int64_t underruns = 0;
    int64_t position_samples = 0;
    int64_t duration_samples = 0;
    int sample_rate = 0;
    double first_audio_ms = 0.0;  // since Play() was called
    int previous_kbps = 0;
    double estimate_kbps = 0.0;  // smoothed throughput
    double chunk_kbps = 0.0;     // throughput of the last chunk
    double gain_db = 0.0;        // normalisation gain of the track
    int64_t queue_index = -1;    // of track_id in the play order
    std::string message;
};

struct PlayerConfig {
    std::string api_base_url;  // tonearm-server API base, e.g. http://127.0.0.1:8080
    std::string token;         // bearer token from login
    // 0: automatic, the bitrate controller picks every chunk's rung among the
    // variants the manifest offers (the server leaves out those above the
    // tier). Else a fixed bitrate: the best variant not above it, or the lowest.
    int preferred_kbps = 0;
    std::string abr_algorithm = "tonearm";  // see player/abr/abr_controller.h
    double chunk_seconds = 2.0;             // audio per range request
    size_t chunk_bytes = 512 * 1024;        // and at most about this many bytes
    double buffer_target_seconds = 20.0;    // audio fetched ahead of the listener
    double volume = 1.0;                    // linear gain 0..1
    // Decoded audio needed before the device starts, and again after the
    // ring ran dry (a stall); capped at buffer_target_seconds.
    double start_buffer_seconds = 0.5;
    // The offline cache folder (see audio_cache.h), or empty for none. With
    // a cache, a track whose stored manifest and verified file are there
    // plays without the network; a damaged entry is evicted and fetched
    // again when the server answers; with the server unreachable, an
    // uncached track fails with "not available offline".
    std::string cache_dir;
    // Frames per channel the device may play from Play() on; beyond that it
    // plays silence. < 0: no limit. Lets a caller play exactly N seconds even
    // on a sink that does not pace (ALSA's null or file plugins).
    int64_t max_frames = -1;
    // Loudness normalisation from the manifest's EBU R128 measurement, with a
    // limiter on the output whenever it is on. Off unless enabled here; the
    // CLI and the GUI enable it at -14 LUFS by default.
    NormalisationSettings normalisation{.enabled = false};
    // Crossfade between tracks, on joins and on manual skips; 0 is gapless.
    double crossfade_seconds = 0.0;
};

struct PlaybackSnapshot {
    PlaybackState state = PlaybackState::kIdle;
    std::string track_id;
    int kbps = 0;
    int sample_rate = 0;
    int64_t position_samples = 0;  // of the track, as heard
    int64_t duration_samples = 0;
    double buffer_seconds = 0.0;
    int64_t underruns = 0;
    int64_t frames_played = 0;     // frames the device took since Play()
    int64_t url_refreshes = 0;     // signed URLs renewed after a 403, this track
    int64_t decode_warnings = 0;   // damaged pages or packets skipped since the last seek
    int fetch_kbps = 0;            // rung of the chunk being fetched
    double estimate_kbps = 0.0;    // smoothed throughput
    int64_t switches = 0;          // rung changes, this track
    double gain_db = 0.0;          // normalisation gain of the track
    std::vector<QueueItem> queue;  // play order
    int64_t queue_index = -1;      // of the track heard, -1 when none
    RepeatMode repeat = RepeatMode::kOff;
    bool shuffle = false;
    std::vector<std::string> history;  // track ids started, newest last
};

class PlaybackSession {
public:
    using EventSink = std::function<void(const PlayerEvent&)>;

    PlaybackSession(PlayerConfig config, EventSink sink);
    ~PlaybackSession();  // stops playback and joins every thread
    PlaybackSession(const PlaybackSession&) = delete;
    PlaybackSession& operator=(const PlaybackSession&) = delete;

    // Starts playing track_id from the start (or from start_samples), replacing
    // whatever played before (the queue becomes this one track). Returns at
    // once; progress and failures arrive as events. Fails synchronously only
    // when the audio device cannot be opened.
    Status Play(const std::string& track_id, int64_t start_samples = 0);
    // Replaces the queue with track_ids and plays item start_index (from
    // start_samples). Fails like Play, or with kInvalidArgument for an empty
    // list or an index out of range.
    Status PlayQueue(std::vector<std::string> track_ids, size_t start_index,
                     int64_t start_samples = 0);
    void Append(const std::string& track_id);  // to the end of the queue
    void Next();      // the next item (crossfading when set); stops at the end
    void Previous();  // restart, or the item before when within 3 s of the start
    void SetRepeat(RepeatMode mode);
    void SetShuffle(bool on, uint64_t seed);
    void SetCrossfade(double seconds);  // from the next join or skip on
    // Loudness normalisation for tracks loaded from now on (the next track,
    // the next play or seek); the limiter follows at the next play or seek.
    void SetNormalisation(const NormalisationSettings& settings);
    void Pause();
    void Resume();
    void Stop();
    // Seeks within the current track; position in samples per channel.
    void Seek(int64_t position_samples);
    void SetVolume(double volume);
    void SetToken(const std::string& token);

    PlaybackSnapshot Snapshot() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tonearm::player
