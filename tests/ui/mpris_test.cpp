// The MPRIS service seen from another connection on the private session bus,
// as a desktop shell or playerctl would see it.
#include <gtest/gtest.h>

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusInterface>
#include <QDBusMetaType>
#include <QDBusPendingCall>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QSettings>
#include <QSlider>

#include "tests/ui/catalog_server.h"
#include "tests/ui/ui_test_environment.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/desktop_client.h"
#include "ui/main_window.h"
#include "ui/mpris_service.h"
#include "ui/now_playing_bar.h"
#include "ui/player_controller.h"
#include "ui/server_session.h"

namespace tonearm::ui {
namespace {

using testing::CatalogServer;
using testing::UiTestEnvironment;
using testing::WaitUntil;
using State = PlayerController::State;

const QString kService = QStringLiteral("org.mpris.MediaPlayer2.tonearm");
const QString kPath = QStringLiteral("/org/mpris/MediaPlayer2");
const QString kRootInterface = QStringLiteral("org.mpris.MediaPlayer2");
const QString kPlayerInterface = QStringLiteral("org.mpris.MediaPlayer2.Player");
const QString kPropertiesInterface = QStringLiteral("org.freedesktop.DBus.Properties");

}  // namespace

// Records the Player properties announced by PropertiesChanged.
class PropertiesProbe : public QObject {
    Q_OBJECT

public:
    QVariantMap last;

public slots:
    void onChanged(const QString& interface, const QVariantMap& changed, const QStringList&) {
        if (interface != kPlayerInterface) return;
        for (auto it = changed.begin(); it != changed.end(); ++it)
            last[it.key()] = it.value();
    }
};

namespace {

class MprisTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();  // no volume or server remembered from another test
        ASSERT_TRUE(UiTestEnvironment::Get().has_session_bus())
            << UiTestEnvironment::Get().bus_error();
        std::string error;
        testing::ServerProcess* server = CatalogServer::Get(&error);
        ASSERT_NE(server, nullptr) << error;

        ClientOptions options;
        options.server_url = QString::fromStdString(server->api_url());
        options.user = QStringLiteral("demo");
        options.password = QStringLiteral("demo");
        client_ = std::make_unique<DesktopClient>(options);
        client_->start();
        ASSERT_TRUE(WaitUntil([&] { return client_->session()->isCatalogComplete(); }, 20000));

        bus_ = std::make_unique<QDBusConnection>(
            QDBusConnection::connectToBus(QDBusConnection::SessionBus, "mpris-probe"));
        ASSERT_TRUE(bus_->isConnected()) << bus_->lastError().message().toStdString();
    }

    void TearDown() override {
        client_.reset();
        bus_.reset();
        QDBusConnection::disconnectFromBus("mpris-probe");
    }

    // Calls method on the service without blocking the event loop the
    // service itself needs; fails the test after 5 s.
    QDBusMessage Call(const QString& interface, const QString& method,
                      const QVariantList& args = {}) {
        QDBusMessage message = QDBusMessage::createMethodCall(kService, kPath, interface, method);
        message.setArguments(args);
        QDBusPendingCall pending = bus_->asyncCall(message, 5000);
        EXPECT_TRUE(WaitUntil([&] { return pending.isFinished(); }, 6000)) << method.toStdString();
        const QDBusMessage reply = pending.reply();
        EXPECT_NE(reply.type(), QDBusMessage::ErrorMessage)
            << method.toStdString() << ": " << reply.errorMessage().toStdString();
        return reply;
    }

    QVariant Get(const QString& interface, const QString& property) {
        const QDBusMessage reply =
            Call(kPropertiesInterface, QStringLiteral("Get"), {interface, property});
        if (reply.arguments().isEmpty()) return {};
        return reply.arguments().at(0).value<QDBusVariant>().variant();
    }

    QVariantMap Metadata() {
        return qdbus_cast<QVariantMap>(Get(kPlayerInterface, "Metadata").value<QDBusArgument>());
    }

    std::unique_ptr<DesktopClient> client_;
    std::unique_ptr<QDBusConnection> bus_;
};

TEST_F(MprisTest, OwnsTheWellKnownNameAndDescribesItself) {
    ASSERT_TRUE(client_->mpris()->isRegistered());
    EXPECT_EQ(client_->mpris()->serviceName(), kService);
    EXPECT_TRUE(bus_->interface()->isServiceRegistered(kService).value());
    EXPECT_EQ(Get(kRootInterface, "Identity").toString(), "Tonearm");
    EXPECT_EQ(Get(kRootInterface, "DesktopEntry").toString(), "tonearm");
    EXPECT_EQ(Get(kPlayerInterface, "PlaybackStatus").toString(), "Stopped");
    EXPECT_TRUE(Get(kPlayerInterface, "CanControl").toBool());
}

TEST_F(MprisTest, PlayPauseAndPropertiesFollowThePlayer) {
    PlayerController* player = client_->player();
    PropertiesProbe probe;
    ASSERT_TRUE(bus_->connect(kService, kPath, kPropertiesInterface, "PropertiesChanged", &probe,
                              SLOT(onChanged(QString, QVariantMap, QStringList))));

    // Play with nothing loaded starts the first track of the catalog.
    Call(kPlayerInterface, "Play");
    ASSERT_TRUE(WaitUntil([&] { return player->state() == State::kPlaying; }, 15000))
        << player::PlaybackStateName(player->state());
    const Track& track = player->currentTrack();
    EXPECT_EQ(Get(kPlayerInterface, "PlaybackStatus").toString(), "Playing");
    ASSERT_TRUE(WaitUntil([&] { return probe.last.value("PlaybackStatus") == "Playing"; }, 5000));

    const QVariantMap metadata = Metadata();
    EXPECT_EQ(metadata.value("xesam:title").toString(), QString::fromStdString(track.title));
    EXPECT_EQ(metadata.value("xesam:artist").toStringList(),
              QStringList{QString::fromStdString(track.artist)});
    EXPECT_EQ(metadata.value("xesam:album").toString(), QString::fromStdString(track.album));
    EXPECT_NEAR(metadata.value("mpris:length").toLongLong(), track.DurationSeconds() * 1e6, 2e3);
    const QString track_path = metadata.value("mpris:trackid").value<QDBusObjectPath>().path();
    EXPECT_TRUE(track_path.startsWith("/org/tonearm/track/")) << track_path.toStdString();

    Call(kPlayerInterface, "PlayPause");
    ASSERT_TRUE(WaitUntil([&] { return player->state() == State::kPaused; }, 5000));
    ASSERT_TRUE(WaitUntil([&] { return probe.last.value("PlaybackStatus") == "Paused"; }, 5000));
    EXPECT_EQ(Get(kPlayerInterface, "PlaybackStatus").toString(), "Paused");

    Call(kPlayerInterface, "SetPosition",
         {QVariant::fromValue(QDBusObjectPath(track_path)), qlonglong(2'000'000)});
    EXPECT_EQ(player->positionMs(), 2000);
    EXPECT_EQ(Get(kPlayerInterface, "Position").toLongLong(), 2'000'000);
}

TEST_F(MprisTest, VolumeWrittenOverTheBusReachesThePlayerAndTheSlider) {
    const QDBusMessage reply =
        Call(kPropertiesInterface, "Set",
             {kPlayerInterface, QStringLiteral("Volume"), QVariant::fromValue(QDBusVariant(0.25))});
    ASSERT_TRUE(WaitUntil([&] { return client_->player()->volume() == 0.25; }, 5000));
    EXPECT_EQ(client_->window()->nowPlayingBar()->volumeSlider()->value(), 25);
    EXPECT_DOUBLE_EQ(Get(kPlayerInterface, "Volume").toDouble(), 0.25);
}

}  // namespace
}  // namespace tonearm::ui

#include "mpris_test.moc"
