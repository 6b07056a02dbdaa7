// Private to the player: the state behind PlaybackSession.
//
// One worker thread owns the playback: it runs the commands the public
// methods post, keeps the queue, loads tracks (the current one and the
// prefetched next), feeds them to the renderer, drives the device, and emits
// every event. Members without a "guarded by" note belong to the worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/wire.h"
#include "player/audio_cache.h"
#include "player/audio_output.h"
#include "player/play_queue.h"
#include "player/playback_session.h"
#include "player/renderer.h"
#include "player/ring_buffer.h"
#include "player/stream_pipeline.h"

namespace tonearm::player {

using SteadyTime = std::chrono::steady_clock::time_point;

// The variant choice for a fixed bitrate: the best not above preferred, else
// the lowest.
int ChooseKbps(const Manifest& manifest, int preferred);

// Where a track's audio comes from.
struct TrackSource {
    Manifest manifest;
    std::vector<int> ladder;                        // rungs the fetcher may use
    std::shared_ptr<const std::string> local_file;  // the verified cached file, or null
};

// One track of the queue being played or prefetched.
struct LoadedTrack {
    uint64_t voice = 0;  // the renderer's id for it
    QueueItem item;
    TrackSource source;
    int64_t start = 0;
    double gain_db = 0.0;
    std::unique_ptr<SpscRingBuffer<float>> ring;  // decoded frames at the track's rate
    std::unique_ptr<StreamPipeline> pipeline;
    std::atomic<int64_t> heard{0};  // what the listener has reached; read by the fetch thread
    int heard_kbps = 0;
    std::deque<std::pair<int64_t, int>> rung_changes;  // (sample, kbps) not heard yet
    int64_t switches = 0;
    double estimate_kbps = 0.0;
    int64_t url_refreshes = 0;
    std::optional<FinishedVoice> finished;  // set when the renderer let go of it
};

class PlaybackSession::Impl {
public:
    Impl(PlayerConfig config, EventSink sink);
    ~Impl();

    Status PlayQueue(std::vector<std::string> ids, size_t index, int64_t start_samples);
    void Pause() { Post(Command(Command::kPause)); }
    void Resume() { Post(Command(Command::kResume)); }
    void Stop() { Post(Command(Command::kStop)); }
    void Seek(int64_t position) { Post(Command(Command::kSeek, {}, position)); }
    void Next() { Post(Command(Command::kNext)); }
    void Previous() { Post(Command(Command::kPrevious)); }
    void Append(const std::string& id) { Post(Command(Command::kAppend, {id})); }
    void SetRepeat(RepeatMode mode) {
        Post(Command(Command::kRepeat, {}, static_cast<int64_t>(mode)));
    }
    void SetShuffle(bool on, uint64_t seed);
    void SetCrossfade(double seconds);
    void SetNormalisation(const NormalisationSettings& settings);
    NormalisationSettings normalisation() const;
    void SetVolume(double volume);
    void SetToken(const std::string& token);
    std::string token() const;
    PlaybackSnapshot Snapshot() const;

private:
    struct Command {
        enum Kind {
            kPlay,
            kPause,
            kResume,
            kStop,
            kSeek,
            kNext,
            kPrevious,
            kAppend,
            kRepeat,
            kShuffle,
            kQuit
        };
        explicit Command(Kind k, std::vector<std::string> ids = {}, int64_t at = 0,
                         size_t index = 0)
            : kind(k), track_ids(std::move(ids)), position(at), start_index(index) {}
        Kind kind;
        std::vector<std::string> track_ids;
        int64_t position;
        size_t start_index;
        uint64_t seed = 0;
        SteadyTime issued = std::chrono::steady_clock::now();
    };

    void Post(Command command);
    void WorkerLoop();
    void Handle(const Command& command);
    void HandleQueueCommand(const Command& command);

    // Loading (playback_session_cache.cpp): the manifest of a track and the
    // ladder or the cached file; blocking, worker only.
    Result<TrackSource> ResolveTrack(const std::string& track_id);
    Result<TrackSource> ResolveFromCache(const std::string& track_id, bool* damaged);
    AudioCache* Cache();
    // A LoadedTrack for item from start, its pipeline running; or an error.
    // known: the track's source when it is loaded already (a seek).
    Result<std::unique_ptr<LoadedTrack>> Load(const QueueItem& item, int64_t start,
                                              std::optional<TrackSource> known);
    void StartPipeline(LoadedTrack& track);
    void StopPipeline(LoadedTrack& track);
    void KeepInCache(const LoadedTrack& track, std::pair<int, std::string> whole);
    VoiceParams VoiceOf(LoadedTrack& track) const;

    // Starts item at start from silence: every other track dropped, the
    // device (re)opened at the track's rate.
    void HardStart(const QueueItem& item, int64_t start, SteadyTime issued,
                   std::optional<TrackSource> known);
    void SkipTo(const std::optional<QueueItem>& item, SteadyTime issued);
    std::optional<std::pair<QueueItem, TrackSource>> FindPlayable(std::optional<QueueItem> item,
                                                                  bool by_next);
    void SeekTo(int64_t position);
    void TearDown();
    void Fail(const std::string& message);

    // Worker ticks (playback_session_tick.cpp).
    void Tick();
    void FollowTimeline();
    void Prefetch();
    void TickBuffering();
    void TickPlaying();
    // Ends the queue once the renderer has drained and the device played all.
    void FinishQueue();
    void ReportDeviceEvents();
    void ReportChunks();
    void ReportProgress(SteadyTime now);
    void CollectRetired();
    void UpdateSnapshot();

    void SetState(PlaybackState state);
    void Emit(PlayerEvent event);
    PlayerEvent MakeEvent(PlayerEvent::Kind kind) const;

    const PlayerConfig config_;
    const EventSink sink_;
    AudioOutput output_;  // control methods: worker thread only

    mutable std::mutex token_mu_;
    std::string token_;  // guarded by token_mu_

    std::mutex command_mu_;
    std::condition_variable command_cv_;
    std::deque<Command> commands_;  // guarded by command_mu_
    std::atomic<double> crossfade_seconds_;
    mutable std::mutex settings_mu_;
    NormalisationSettings normalisation_;  // guarded by settings_mu_

    mutable std::mutex snapshot_mu_;
    PlaybackSnapshot snapshot_;  // guarded by snapshot_mu_

    PlaybackState state_ = PlaybackState::kIdle;
    bool paused_ = false;
    player::PlayQueue queue_;
    std::unique_ptr<AudioCache> cache_;            // opened at the first load, if configured
    std::vector<std::future<void>> cache_writes_;  // streamed files being stored
    bool cache_tried_ = false;
    std::unique_ptr<SpscRingBuffer<float>> device_ring_;
    size_t ahead_frames_ = 0;  // rendered frames the device ring holds at most
    std::unique_ptr<Renderer> renderer_;
    std::unique_ptr<LoadedTrack> current_;
    std::unique_ptr<LoadedTrack> next_;                   // prefetched, queued in the renderer
    bool prefetch_failed_ = false;                        // for this current_: do not try again
    std::vector<std::unique_ptr<LoadedTrack>> retiring_;  // fading out or heard to the end
    std::map<std::string, std::string> header_cache_;     // "id/version/kbps" -> header pages
    std::shared_ptr<void> abr_;  // the session's bitrate controller, shared by the pipelines
    uint64_t next_voice_ = 1;
    int64_t frames_before_reset_ = 0;  // device frames of earlier Resets, for max_frames
    int64_t reported_underruns_ = 0;
    bool first_audio_reported_ = false;
    SteadyTime play_issued_;
    SteadyTime next_report_;

    std::thread worker_;  // last: starts after everything above exists
};

}  // namespace tonearm::player
