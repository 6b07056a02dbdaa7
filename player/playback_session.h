// PlaybackSession: streams one track at a time from the CDN to the audio device.
//
// Threads: the caller's thread (control), a fetch thread (libcurl ranges), a
// decode thread (libvorbis) and PortAudio's callback, which only reads a
// lock-free ring buffer. All public methods are safe to call from any one
// control thread; they never block on the network. Events are delivered to
// the EventSink from the session's own worker threads (never from the audio
// callback), one at a time; a sink must return quickly and must not call back
// into the session synchronously. Snapshot() is updated before each event is
// delivered, so a caller that reads it on receiving an event sees at least
// the session that event describes.
//
// kEnded means the device took every sample from the start (or seek)
// position to the track's duration, and kFirstAudio (if any sample was
// audible) came before it. A track whose audio stops short of its duration
// ends in kError with a message saying where and why, never in kEnded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace tonearm::player {

enum class PlaybackState { kIdle, kBuffering, kPlaying, kPaused, kStopped, kEnded, kError };
const char* PlaybackStateName(PlaybackState state);

struct PlayerEvent {
    enum class Kind {
        kState,       // state changed; see state
        kFirstAudio,  // first audible sample reached the device; see first_audio_ms
        kBitrate,     // variant in use; see kbps
        kBuffer,      // periodic buffer report; see buffer_seconds
        kUnderrun,    // the callback ran dry; see underruns (running total)
        kPosition,    // periodic position report
        kError,       // see message; state becomes kError when fatal
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
    std::string message;
};

struct PlayerConfig {
    std::string api_base_url;  // tonearm-server API base, e.g. http://127.0.0.1:8080
    std::string token;         // bearer token from login
    int preferred_kbps = 160;  // clamped to the best variant the manifest offers
    size_t chunk_bytes = 64 * 1024;
    double buffer_target_seconds = 8.0;  // decode-ahead the fetcher aims for
    double volume = 1.0;                 // linear gain 0..1
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
    int64_t frames_played = 0;    // frames the device took since Play()
    int64_t url_refreshes = 0;    // signed URLs renewed after a 403, this track
    int64_t decode_warnings = 0;  // damaged pages or packets skipped since the last seek
};

class PlaybackSession {
public:
    using EventSink = std::function<void(const PlayerEvent&)>;

    PlaybackSession(PlayerConfig config, EventSink sink);
    ~PlaybackSession();  // stops playback and joins every thread
    PlaybackSession(const PlaybackSession&) = delete;
    PlaybackSession& operator=(const PlaybackSession&) = delete;

    // Starts playing track_id from the start (or from start_samples), replacing
    // whatever played before. Returns at once; progress and failures arrive as
    // events. Fails synchronously only when the audio device cannot be opened.
    Status Play(const std::string& track_id, int64_t start_samples = 0);
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
