#include "ui/mpris_adaptors.h"

#include "ui/mpris_service.h"
#include "ui/player_controller.h"

namespace tonearm::ui {
namespace {

// D-Bus object paths allow [A-Za-z0-9_] per element; anything else in a
// track id is written as _XX (hex), which keeps distinct ids distinct.
QString PathElement(const std::string& id) {
    QString out;
    for (unsigned char c : id) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out += QLatin1Char(static_cast<char>(c));
        } else {
            out += QStringLiteral("_%1").arg(c, 2, 16, QLatin1Char('0'));
        }
    }
    return out.isEmpty() ? QStringLiteral("_") : out;
}

}  // namespace

QDBusObjectPath MprisTrackPath(const PlayerController& player) {
    if (!player.hasTrack()) {
        return QDBusObjectPath(QStringLiteral("/org/mpris/MediaPlayer2/TrackList/NoTrack"));
    }
    return QDBusObjectPath(QStringLiteral("/org/tonearm/track/") +
                           PathElement(player.currentTrack().id));
}

MprisRootAdaptor::MprisRootAdaptor(MprisService* service)
    : QDBusAbstractAdaptor(service), service_(service) {}

void MprisRootAdaptor::Raise() { emit service_->raiseRequested(); }

void MprisRootAdaptor::Quit() { emit service_->quitRequested(); }

MprisPlayerAdaptor::MprisPlayerAdaptor(MprisService* service, PlayerController* player)
    : QDBusAbstractAdaptor(service), player_(player) {}

QString MprisPlayerAdaptor::playbackStatus() const {
    switch (player_->state()) {
        case PlayerController::State::kBuffering:
        case PlayerController::State::kPlaying: return QStringLiteral("Playing");
        case PlayerController::State::kPaused: return QStringLiteral("Paused");
        default: return QStringLiteral("Stopped");
    }
}

QVariantMap MprisPlayerAdaptor::metadata() const {
    QVariantMap map;
    map.insert(QStringLiteral("mpris:trackid"), QVariant::fromValue(MprisTrackPath(*player_)));
    if (!player_->hasTrack()) return map;

    const Track& track = player_->currentTrack();
    map.insert(QStringLiteral("mpris:length"), qlonglong(player_->durationMs()) * 1000);
    map.insert(QStringLiteral("xesam:title"),
               QString::fromStdString(track.title.empty() ? track.id : track.title));
    if (!track.artist.empty()) {
        map.insert(QStringLiteral("xesam:artist"),
                   QStringList{QString::fromStdString(track.artist)});
    }
    if (!track.album.empty()) {
        map.insert(QStringLiteral("xesam:album"), QString::fromStdString(track.album));
    }
    if (track.track_number > 0) map.insert(QStringLiteral("xesam:trackNumber"), track.track_number);
    return map;
}

double MprisPlayerAdaptor::volume() const { return player_->volume(); }

void MprisPlayerAdaptor::setVolume(double volume) { player_->setVolume(volume); }

qlonglong MprisPlayerAdaptor::position() const { return qlonglong(player_->positionMs()) * 1000; }

bool MprisPlayerAdaptor::canGoNext() const { return player_->canGoNext(); }

bool MprisPlayerAdaptor::canGoPrevious() const { return player_->canGoPrevious(); }

// Play with nothing loaded starts the selected (or first) catalog track.
bool MprisPlayerAdaptor::canPlay() const { return true; }

bool MprisPlayerAdaptor::canPause() const { return player_->hasTrack(); }

bool MprisPlayerAdaptor::canSeek() const {
    return player_->hasTrack() && player_->durationMs() > 0;
}

void MprisPlayerAdaptor::Next() { player_->next(); }

void MprisPlayerAdaptor::Previous() { player_->previous(); }

void MprisPlayerAdaptor::Pause() { player_->pause(); }

void MprisPlayerAdaptor::PlayPause() { player_->togglePlayPause(); }

void MprisPlayerAdaptor::Stop() { player_->stop(); }

void MprisPlayerAdaptor::Play() { player_->play(); }

void MprisPlayerAdaptor::Seek(qlonglong offset_us) {
    if (!canSeek()) return;
    const qint64 target_ms = player_->positionMs() + offset_us / 1000;
    // The specification treats a seek past the end as a request for the next track.
    if (target_ms >= player_->durationMs()) {
        if (player_->canGoNext()) player_->next();
        return;
    }
    player_->seekMs(qMax<qint64>(0, target_ms));
}

void MprisPlayerAdaptor::SetPosition(const QDBusObjectPath& track_id, qlonglong position_us) {
    if (!canSeek() || track_id != MprisTrackPath(*player_)) return;
    if (position_us < 0 || position_us / 1000 > player_->durationMs()) return;
    player_->seekMs(position_us / 1000);
}

void MprisPlayerAdaptor::OpenUri(const QString& uri) {
    Q_UNUSED(uri);
    // No URI schemes are supported (SupportedUriSchemes is empty).
}

}  // namespace tonearm::ui
