#include "ui/player_controller.h"

#include <QDateTime>
#include <QRegularExpression>
#include <algorithm>

#include "core/log.h"
#include "player/audio_cache.h"

namespace tonearm::ui {
namespace {

constexpr char kLogCategory[] = "ui";
constexpr int kPollIntervalMs = 200;
// After a seek the engine may still report the old position for a moment;
// reports within this window are ignored so the slider does not jump back.
constexpr qint64 kSeekSettleMs = 400;

qint64 SamplesToMs(int64_t samples, int rate) {
    return rate > 0 ? static_cast<qint64>(samples * 1000 / rate) : 0;
}

// Engine messages name the signed CDN URL; the log keeps it, the window
// shows the reason only.
QString WithoutUrls(QString message) {
    static const QRegularExpression kUrl(QStringLiteral(R"(\s*\(?https?://[^\s)]*\)?)"));
    return message.remove(kUrl).trimmed();
}

}  // namespace

PlayerController::PlayerController(QObject* parent) : QObject(parent) {
    config_.normalisation.enabled = true;  // at -14 LUFS, with the limiter
    qRegisterMetaType<tonearm::player::PlaybackState>();
    poll_timer_.setInterval(kPollIntervalMs);
    connect(&poll_timer_, &QTimer::timeout, this, &PlayerController::pollSnapshot);
}

PlayerController::~PlayerController() { session_.reset(); }

bool PlayerController::isActive() const {
    return state_ == State::kPlaying || state_ == State::kBuffering;
}

void PlayerController::setServer(const std::string& api_base_url, const std::string& token) {
    if (session_ && api_base_url == config_.api_base_url) {
        config_.token = token;
        session_->SetToken(token);
        return;
    }
    session_.reset();
    config_.api_base_url = api_base_url;
    config_.token = token;
    if (state_ != State::kIdle) setState(State::kStopped);
}

void PlayerController::ensureSession() {
    if (session_) return;
    const quint64 generation = ++session_generation_;
    config_.volume = volume_;
    // Tracks pinned for offline (tonearm-cli offline pin) play from here
    // without the network.
    config_.cache_dir = player::DefaultCacheDir();
    auto sink = [this, generation](const player::PlayerEvent& event) {
        // Engine thread: copy the event onto the GUI thread and return.
        QMetaObject::invokeMethod(
            this,
            [this, generation, event]() {
                if (generation == session_generation_) handleEvent(event);
            },
            Qt::QueuedConnection);
    };
    session_ = std::make_unique<player::PlaybackSession>(config_, std::move(sink));
    session_->SetRepeat(repeat_);
}

void PlayerController::playQueue(std::vector<Track> queue, int index) {
    if (index < 0 || index >= static_cast<int>(queue.size())) return;
    queue_ = std::move(queue);
    index_ = index;
    startCurrentTrack(0);
}

void PlayerController::startCurrentTrack(qint64 start_ms) {
    if (!hasTrack()) return;
    const Track& track = currentTrack();
    sample_rate_ = track.sample_rate;
    duration_ms_ = static_cast<qint64>(track.DurationSeconds() * 1000.0);
    position_ms_ = start_ms;
    kbps_ = 0;
    emit trackChanged();
    emit positionChanged(position_ms_, duration_ms_);

    if (config_.api_base_url.empty()) {
        setState(State::kError);
        emit errorOccurred(tr("Not connected to a server"));
        return;
    }
    ensureSession();
    const int64_t start_samples = start_ms * sampleRate() / 1000;
    // The engine keeps the queue: it prefetches the next track and joins it
    // gaplessly, and reports each change of track.
    std::vector<std::string> ids;
    for (const Track& queued : queue_)
        ids.push_back(queued.id);
    Status started = session_->PlayQueue(ids, static_cast<size_t>(index_), start_samples);
    if (started.ok() && shuffle_) {
        session_->SetShuffle(true, static_cast<uint64_t>(QDateTime::currentMSecsSinceEpoch()));
    }
    if (!started.ok()) {
        LOG_WARN(kLogCategory,
                 "cannot start " << log::Quote(track.id) << ": " << started.error().message);
        setState(State::kError);
        emit errorOccurred(
            tr("Cannot start playback: %1").arg(QString::fromStdString(started.error().message)));
        return;
    }
    setState(State::kBuffering);
}

void PlayerController::togglePlayPause() {
    if (isActive()) {
        pause();
    } else {
        play();
    }
}

void PlayerController::play() {
    if (!hasTrack()) {
        emit playRequestedWithoutTrack();
        return;
    }
    if (isActive()) return;
    if (state_ == State::kPaused && session_) {
        session_->Resume();
        setState(State::kPlaying);
        return;
    }
    startCurrentTrack(state_ == State::kEnded ? 0 : position_ms_);
}

void PlayerController::pause() {
    if (!session_ || !isActive()) return;
    session_->Pause();
    setState(State::kPaused);
}

void PlayerController::stop() {
    if (!session_ || state_ == State::kIdle || state_ == State::kStopped) return;
    session_->Stop();
    position_ms_ = 0;
    setState(State::kStopped);
    emit positionChanged(position_ms_, duration_ms_);
}

void PlayerController::next() {
    if (!canGoNext()) return;
    if (!session_ || !isActive()) {
        ++index_;
        startCurrentTrack(0);
        return;
    }
    session_->Next();  // the engine answers with kTrackChanged
}

void PlayerController::previous() {
    if (!hasTrack()) return;
    if (!session_ || !isActive()) {
        if (!canGoPrevious()) return;
        --index_;
        startCurrentTrack(0);
        return;
    }
    session_->Previous();  // restarts, or goes back within the first 3 s
}

void PlayerController::adoptTrack(const player::PlayerEvent& event) {
    for (size_t i = 0; i < queue_.size(); ++i) {
        if (queue_[i].id != event.track_id) continue;
        index_ = static_cast<int>(i);
        if (event.sample_rate > 0) sample_rate_ = event.sample_rate;
        duration_ms_ = SamplesToMs(event.duration_samples, sampleRate());
        position_ms_ = 0;
        kbps_ = 0;
        emit trackChanged();
        emit positionChanged(position_ms_, duration_ms_);
        return;
    }
}

void PlayerController::seekMs(qint64 position_ms) {
    if (!session_ || !hasTrack()) return;
    position_ms = std::clamp<qint64>(position_ms, 0, duration_ms_);
    if (state_ == State::kStopped || state_ == State::kEnded || state_ == State::kError) {
        startCurrentTrack(position_ms);
    } else {
        session_->Seek(position_ms * sampleRate() / 1000);
    }
    position_ms_ = position_ms;
    since_seek_.start();
    emit positionChanged(position_ms_, duration_ms_);
    emit seeked(position_ms_);
}

void PlayerController::setVolume(double volume) {
    volume = std::clamp(volume, 0.0, 1.0);
    if (volume == volume_) return;
    volume_ = volume;
    if (session_) session_->SetVolume(volume_);
    emit volumeChanged(volume_);
}

void PlayerController::setCrossfadeSeconds(double seconds) {
    config_.crossfade_seconds = std::clamp(seconds, 0.0, 12.0);
    if (session_) session_->SetCrossfade(config_.crossfade_seconds);
    emit queueModesChanged();
}

void PlayerController::setNormalisation(bool on, double target_lufs) {
    config_.normalisation.enabled = on;
    config_.normalisation.target_lufs = std::clamp(target_lufs, -40.0, 0.0);
    if (session_) session_->SetNormalisation(config_.normalisation);
    emit queueModesChanged();
}

void PlayerController::setShuffle(bool on) {
    if (on == shuffle_) return;
    shuffle_ = on;
    // The seed only has to differ between sessions; the engine's shuffle is
    // reproducible for a given one.
    if (session_)
        session_->SetShuffle(on, static_cast<uint64_t>(QDateTime::currentMSecsSinceEpoch()));
    emit queueModesChanged();
}

void PlayerController::setRepeat(player::RepeatMode mode) {
    if (mode == repeat_) return;
    repeat_ = mode;
    if (session_) session_->SetRepeat(mode);
    emit queueModesChanged();
}

int PlayerController::sampleRate() const { return sample_rate_ > 0 ? sample_rate_ : 44100; }

void PlayerController::setState(State state) {
    if (state == state_) return;
    state_ = state;
    if (isActive()) {
        poll_timer_.start();
    } else {
        poll_timer_.stop();
    }
    emit stateChanged(state_);
}

void PlayerController::handleEvent(const player::PlayerEvent& event) {
    using Kind = player::PlayerEvent::Kind;
    if (event.kind == Kind::kTrackChanged && hasTrack() && event.track_id != currentTrack().id) {
        adoptTrack(event);
    }
    if (!hasTrack() || (!event.track_id.empty() && event.track_id != currentTrack().id)) return;
    switch (event.kind) {
        case Kind::kState: setState(event.state); break;
        case Kind::kTrackChanged:
            gain_db_ = event.gain_db;
            if (event.sample_rate > 0) sample_rate_ = event.sample_rate;
            break;
        case Kind::kThroughput:
            estimate_kbps_ = event.estimate_kbps;
            emit throughputChanged(estimate_kbps_);
            break;
        case Kind::kSwitch: emit bitrateSwitched(event.previous_kbps, event.kbps); break;
        case Kind::kBitrate:
            kbps_ = event.kbps;
            emit streamInfoChanged(kbps_, buffer_seconds_);
            break;
        case Kind::kBuffer:
            buffer_seconds_ = event.buffer_seconds;
            emit streamInfoChanged(kbps_, buffer_seconds_);
            break;
        case Kind::kUnderrun: underruns_ = event.underruns; break;
        case Kind::kPosition:
            applyPosition(event.position_samples, event.duration_samples, event.sample_rate);
            break;
        case Kind::kError:
            LOG_WARN(kLogCategory,
                     "playback of " << log::Quote(event.track_id) << " failed: " << event.message);
            emit errorOccurred(tr("Playback of “%1” stopped: %2")
                                   .arg(QString::fromStdString(currentTrack().title),
                                        WithoutUrls(QString::fromStdString(event.message))));
            break;
        case Kind::kFirstAudio: break;
    }
}

void PlayerController::applyPosition(int64_t position_samples, int64_t duration_samples,
                                     int sample_rate) {
    if (since_seek_.isValid() && since_seek_.elapsed() < kSeekSettleMs) return;
    if (sample_rate > 0) sample_rate_ = sample_rate;
    const qint64 position = SamplesToMs(position_samples, sampleRate());
    const qint64 duration =
        duration_samples > 0 ? SamplesToMs(duration_samples, sampleRate()) : duration_ms_;
    if (position == position_ms_ && duration == duration_ms_) return;
    position_ms_ = position;
    duration_ms_ = duration;
    emit positionChanged(position_ms_, duration_ms_);
}

void PlayerController::pollSnapshot() {
    if (!session_) return;
    const player::PlaybackSnapshot snapshot = session_->Snapshot();
    if (!hasTrack() || snapshot.track_id != currentTrack().id) return;
    applyPosition(snapshot.position_samples, snapshot.duration_samples, snapshot.sample_rate);
    if (snapshot.kbps != kbps_ || snapshot.buffer_seconds != buffer_seconds_) {
        kbps_ = snapshot.kbps;
        buffer_seconds_ = snapshot.buffer_seconds;
        emit streamInfoChanged(kbps_, buffer_seconds_);
    }
    underruns_ = snapshot.underruns;
}

}  // namespace tonearm::ui
