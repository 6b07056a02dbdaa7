// Private to the player: the state behind PlaybackSession.
//
// One worker thread owns the playback: it runs the commands the public
// methods post, drives the device, replaces the StreamPipeline on Play and
// Seek, and emits every event. Members without a "guarded by" note belong to
// the worker thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/wire.h"
#include "player/audio_cache.h"
#include "player/audio_output.h"
#include "player/playback_session.h"
#include "player/ring_buffer.h"
#include "player/stream_pipeline.h"

namespace tonearm::player {

using SteadyTime = std::chrono::steady_clock::time_point;

// The variant choice: the best bitrate not above preferred, else the lowest.
int ChooseKbps(const Manifest& manifest, int preferred);

class PlaybackSession::Impl {
public:
    Impl(PlayerConfig config, EventSink sink);
    ~Impl();

    Status Play(const std::string& track_id, int64_t start_samples);
    void Pause() { Post(Command(Command::kPause)); }
    void Resume() { Post(Command(Command::kResume)); }
    void Stop() { Post(Command(Command::kStop)); }
    void Seek(int64_t position) { Post(Command(Command::kSeek, {}, position)); }
    void SetVolume(double volume);
    void SetToken(const std::string& token);
    std::string token() const;
    PlaybackSnapshot Snapshot() const;

private:
    struct Command {
        enum Kind { kPlay, kPause, kResume, kStop, kSeek, kQuit };
        explicit Command(Kind k, std::string id = {}, int64_t at = 0)
            : kind(k), track_id(std::move(id)), position(at) {}
        Kind kind;
        std::string track_id;
        int64_t position;
        SteadyTime issued = std::chrono::steady_clock::now();
    };

    void Post(Command command);
    void WorkerLoop();
    void Handle(const Command& command);
    void StartTrack(const Command& command);
    // Finds the manifest of track_id_ and sets kbps_ and local_file_: the
    // cache's verified copy when there is one, else the API's manifest for
    // streaming (after fetching a damaged cache entry again). Worker only.
    Result<Manifest> ResolveTrack();
    Result<Manifest> ResolveFromCache(bool* damaged);
    Status PrepareOutput();
    void SeekTo(int64_t position);
    void StartPipeline(int64_t start);
    void StopPipeline();
    void TearDown();
    void Fail(const std::string& message);

    void Tick();
    void TickBuffering(bool finished);
    void TickPlaying(bool finished);
    // Ends the track once its last frame has left the ring: kEnded when the
    // device took every sample up to the duration, else kError saying where
    // it stopped. Requires pipeline_ and manifest_.
    void FinishTrack();
    // Emits kFirstAudio and kUnderrun for what the callback did since the last call.
    void ReportDeviceEvents();
    void ReportProgress(SteadyTime now);
    void UpdateSnapshot();
    int64_t HeardSample() const;

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

    mutable std::mutex snapshot_mu_;
    PlaybackSnapshot snapshot_;  // guarded by snapshot_mu_

    // Read by the fetch thread through heard_sample.
    std::atomic<int64_t> seek_base_{0};

    PlaybackState state_ = PlaybackState::kIdle;
    bool paused_ = false;
    std::string track_id_;
    std::optional<Manifest> manifest_;
    std::unique_ptr<AudioCache> cache_;              // opened at the first Play, if configured
    std::shared_ptr<const std::string> local_file_;  // the cached file being played, or null
    int kbps_ = 0;
    std::unique_ptr<SpscRingBuffer<float>> ring_;
    std::unique_ptr<StreamPipeline> pipeline_;
    std::map<std::string, std::string> header_cache_;  // "id/version/kbps" -> header pages
    int64_t frames_before_seek_ = 0;
    int64_t url_refreshes_ = 0;
    int64_t reported_underruns_ = 0;
    bool first_audio_reported_ = false;
    SteadyTime play_issued_;
    SteadyTime next_report_;

    std::thread worker_;  // last: starts after everything above exists
};

}  // namespace tonearm::player
