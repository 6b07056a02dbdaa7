// MprisService: publishes the player on the D-Bus session bus under the
// MPRIS 2 name org.mpris.MediaPlayer2.tonearm, so desktop shells, media keys
// and tools like playerctl can see and drive it.
//
// GUI thread only. Property changes are collected and sent as one
// org.freedesktop.DBus.Properties.PropertiesChanged signal per turn of the
// event loop; a seek also emits Seeked. The service does not own the player.
#pragma once

#include <QDBusConnection>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

namespace tonearm::ui {

class MprisPlayerAdaptor;
class PlayerController;

class MprisService : public QObject {
    Q_OBJECT

public:
    static constexpr char kObjectPath[] = "/org/mpris/MediaPlayer2";
    static constexpr char kServiceName[] = "org.mpris.MediaPlayer2.tonearm";

    explicit MprisService(PlayerController* player, QObject* parent = nullptr);
    ~MprisService() override;  // releases the bus name

    // Exports the object and claims kServiceName (or, when another instance
    // holds it, kServiceName + ".instance<pid>" as MPRIS allows). Returns
    // false, after one log line, when there is no session bus or the export
    // fails; the application then simply runs without MPRIS.
    bool registerOnSessionBus();

    bool isRegistered() const { return !service_name_.isEmpty(); }
    // The bus name claimed, or "" when not registered.
    QString serviceName() const { return service_name_; }

signals:
    void raiseRequested();
    void quitRequested();

private:
    void connectPlayer();
    void markChanged(const QStringList& properties);
    void sendPropertiesChanged();

    PlayerController* player_;
    MprisPlayerAdaptor* player_adaptor_ = nullptr;  // owned by this object (Qt parent)
    QDBusConnection bus_;
    QString service_name_;
    QSet<QString> changed_;             // Player properties awaiting PropertiesChanged
    qint64 announced_duration_ms_ = 0;  // mpris:length last sent, in ms
    QTimer flush_timer_;
};

}  // namespace tonearm::ui
