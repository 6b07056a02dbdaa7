// PlayerController: the GUI's handle on the streaming engine.
//
// Wraps one player::PlaybackSession (which owns the play queue, the prefetch
// and the gapless joins) and the tracks of that queue, turns the engine's
// events (which arrive on its worker threads) into Qt signals on the GUI
// thread, and keeps the last known state so widgets and MPRIS can read it at
// any time. Positions are in milliseconds here; the engine counts samples.
//
// GUI thread only, for every method and signal. The controller owns the
// engine session; nothing it calls blocks on the network.
#pragma once

#include <QElapsedTimer>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>
#include <vector>

#include "core/wire.h"
#include "player/playback_session.h"

Q_DECLARE_METATYPE(tonearm::player::PlaybackState)

namespace tonearm::ui {

class PlayerController : public QObject {
    Q_OBJECT

public:
    using State = player::PlaybackState;

    explicit PlayerController(QObject* parent = nullptr);
    ~PlayerController() override;  // stops playback and joins the engine's threads

    // Server and token for the next plays. Another server replaces the engine
    // session (stopping playback); the same server only hands over the token.
    void setServer(const std::string& api_base_url, const std::string& token);

    // Plays queue[index] from the start and keeps the queue for next(),
    // previous() and for moving on when a track ends. Ignored when index is
    // out of range; failures arrive as errorOccurred().
    void playQueue(std::vector<Track> queue, int index);
    // Pauses while playing or buffering; otherwise as play().
    void togglePlayPause();
    // Resumes, or starts the current track again; with an empty queue emits
    // playRequestedWithoutTrack() so the window can pick something.
    void play();
    void pause();
    void stop();
    // Step through the queue; no-ops at its ends (see canGoNext()).
    void next();
    void previous();
    // Seeks within the current track; clamped to [0, duration].
    void seekMs(qint64 position_ms);
    // Linear gain, clamped to [0, 1]; kept for sessions created later.
    void setVolume(double volume);
    // Queue modes, kept for sessions created later; the engine applies them
    // to the queue it plays (shuffle keeps the current track).
    void setShuffle(bool on);
    void setRepeat(player::RepeatMode mode);
    // Crossfade between tracks (0: gapless) and loudness normalisation
    // (target in LUFS); kept for sessions created later.
    void setCrossfadeSeconds(double seconds);
    void setNormalisation(bool on, double target_lufs = -14.0);
    double crossfadeSeconds() const { return config_.crossfade_seconds; }
    bool normalising() const { return config_.normalisation.enabled; }
    double targetLufs() const { return config_.normalisation.target_lufs; }
    bool shuffle() const { return shuffle_; }
    player::RepeatMode repeat() const { return repeat_; }

    State state() const { return state_; }
    bool hasTrack() const { return index_ >= 0; }
    // The track being played; only valid while hasTrack().
    const Track& currentTrack() const { return queue_[static_cast<size_t>(index_)]; }
    qint64 positionMs() const { return position_ms_; }
    qint64 durationMs() const { return duration_ms_; }
    double volume() const { return volume_; }
    int kbps() const { return kbps_; }
    double bufferSeconds() const { return buffer_seconds_; }
    qint64 underruns() const { return underruns_; }
    double estimateKbps() const { return estimate_kbps_; }  // smoothed network throughput
    double gainDb() const { return gain_db_; }              // loudness normalisation of the track
    bool canGoNext() const {
        return index_ >= 0 && (index_ + 1 < static_cast<int>(queue_.size()) || shuffle_ ||
                               repeat_ == player::RepeatMode::kAll);
    }
    // Previous restarts the track when it is past its first seconds.
    bool canGoPrevious() const { return hasTrack(); }
    bool isActive() const;  // playing or buffering

signals:
    void stateChanged(tonearm::player::PlaybackState state);
    void trackChanged();
    void positionChanged(qint64 position_ms, qint64 duration_ms);
    // A seek was requested (by any caller); position_ms is the target.
    void seeked(qint64 position_ms);
    // Variant in use or buffer level changed.
    void streamInfoChanged(int kbps, double buffer_seconds);
    void volumeChanged(double volume);
    void queueModesChanged();
    // A chunk arrived; estimate_kbps is the smoothed throughput.
    void throughputChanged(double estimate_kbps);
    // The fetcher moved to another bitrate (heard a few seconds later).
    void bitrateSwitched(int from_kbps, int to_kbps);
    void errorOccurred(const QString& message);
    void playRequestedWithoutTrack();

private:
    void ensureSession();
    void startCurrentTrack(qint64 start_ms);
    void handleEvent(const player::PlayerEvent& event);
    // The engine moved on to event.track_id: make it the current track.
    void adoptTrack(const player::PlayerEvent& event);
    void applyPosition(int64_t position_samples, int64_t duration_samples, int sample_rate);
    void pollSnapshot();
    void setState(State state);
    int sampleRate() const;

    player::PlayerConfig config_;
    std::unique_ptr<player::PlaybackSession> session_;
    quint64 session_generation_ = 0;  // events of replaced sessions are dropped
    std::vector<Track> queue_;
    int index_ = -1;
    State state_ = State::kIdle;
    qint64 position_ms_ = 0;
    qint64 duration_ms_ = 0;
    int kbps_ = 0;
    double buffer_seconds_ = 0.0;
    qint64 underruns_ = 0;
    double estimate_kbps_ = 0.0;
    double gain_db_ = 0.0;
    double volume_ = 1.0;
    bool shuffle_ = false;
    player::RepeatMode repeat_ = player::RepeatMode::kOff;
    int sample_rate_ = 0;       // of the current track, once known
    QTimer poll_timer_;         // reads the engine's snapshot while active
    QElapsedTimer since_seek_;  // position reports right after a seek are stale
};

}  // namespace tonearm::ui
