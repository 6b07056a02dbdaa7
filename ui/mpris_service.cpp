#include "ui/mpris_service.h"

#include <QCoreApplication>
#include <QDBusMessage>
#include <QVariantMap>

#include "core/log.h"
#include "ui/mpris_adaptors.h"
#include "ui/player_controller.h"

namespace tonearm::ui {
namespace {

constexpr char kLogCategory[] = "ui";
constexpr char kPlayerInterface[] = "org.mpris.MediaPlayer2.Player";

}  // namespace

MprisService::MprisService(PlayerController* player, QObject* parent)
    : QObject(parent), player_(player), bus_(QString()) {
    new MprisRootAdaptor(this);
    player_adaptor_ = new MprisPlayerAdaptor(this, player_);
    flush_timer_.setSingleShot(true);
    flush_timer_.setInterval(0);
    connect(&flush_timer_, &QTimer::timeout, this, &MprisService::sendPropertiesChanged);
    connectPlayer();
}

MprisService::~MprisService() {
    if (!isRegistered()) return;
    bus_.unregisterObject(QLatin1String(kObjectPath));
    bus_.unregisterService(service_name_);
}

bool MprisService::registerOnSessionBus() {
    if (isRegistered()) return true;
    bus_ = QDBusConnection::sessionBus();
    if (!bus_.isConnected()) {
        LOG_INFO(kLogCategory, "no D-Bus session bus; running without MPRIS ("
                                   << bus_.lastError().message().toStdString() << ")");
        return false;
    }
    if (!bus_.registerObject(QLatin1String(kObjectPath), this, QDBusConnection::ExportAdaptors)) {
        LOG_WARN(kLogCategory,
                 "cannot export the MPRIS object: " << bus_.lastError().message().toStdString());
        return false;
    }

    QString name = QLatin1String(kServiceName);
    if (!bus_.registerService(name)) {
        name += QStringLiteral(".instance%1").arg(QCoreApplication::applicationPid());
        if (!bus_.registerService(name)) {
            LOG_WARN(kLogCategory, "cannot claim an MPRIS bus name: "
                                       << bus_.lastError().message().toStdString());
            bus_.unregisterObject(QLatin1String(kObjectPath));
            return false;
        }
    }
    service_name_ = name;
    LOG_INFO(kLogCategory, "MPRIS registered as " << log::Quote(name.toStdString()));
    return true;
}

void MprisService::connectPlayer() {
    const QStringList status_props{QStringLiteral("PlaybackStatus"), QStringLiteral("CanPlay"),
                                   QStringLiteral("CanPause"), QStringLiteral("CanSeek")};
    connect(player_, &PlayerController::stateChanged, this,
            [this, status_props] { markChanged(status_props); });
    connect(player_, &PlayerController::trackChanged, this, [this, status_props] {
        announced_duration_ms_ = player_->durationMs();
        markChanged(status_props + QStringList{QStringLiteral("Metadata"),
                                               QStringLiteral("CanGoNext"),
                                               QStringLiteral("CanGoPrevious")});
    });
    connect(player_, &PlayerController::volumeChanged, this,
            [this] { markChanged({QStringLiteral("Volume")}); });
    connect(player_, &PlayerController::positionChanged, this, [this](qint64, qint64 duration_ms) {
        // The exact length may only be known once streaming starts.
        if (duration_ms == announced_duration_ms_) return;
        announced_duration_ms_ = duration_ms;
        markChanged({QStringLiteral("Metadata")});
    });
    connect(player_, &PlayerController::seeked, this, [this](qint64 position_ms) {
        emit player_adaptor_->Seeked(qlonglong(position_ms) * 1000);
    });
}

void MprisService::markChanged(const QStringList& properties) {
    for (const QString& name : properties)
        changed_.insert(name);
    if (!flush_timer_.isActive()) flush_timer_.start();
}

void MprisService::sendPropertiesChanged() {
    if (changed_.isEmpty() || !isRegistered()) {
        changed_.clear();
        return;
    }
    QVariantMap values;
    for (const QString& name : std::as_const(changed_)) {
        values.insert(name, player_adaptor_->property(name.toLatin1().constData()));
    }
    changed_.clear();

    QDBusMessage signal = QDBusMessage::createSignal(
        QLatin1String(kObjectPath), QStringLiteral("org.freedesktop.DBus.Properties"),
        QStringLiteral("PropertiesChanged"));
    signal << QLatin1String(kPlayerInterface) << values << QStringList();
    bus_.send(signal);
}

}  // namespace tonearm::ui
