// End-to-end tests of the desktop client on the offscreen platform: the real
// tonearm-server, the real engines and PortAudio into the paced ALSA sink.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QAction>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QToolButton>

#include "tests/ui/catalog_server.h"
#include "tests/ui/ui_test_environment.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/catalog_view.h"
#include "ui/desktop_client.h"
#include "ui/error_banner.h"
#include "ui/login_dialog.h"
#include "ui/main_window.h"
#include "ui/now_playing_bar.h"
#include "ui/player_controller.h"
#include "ui/server_session.h"

namespace tonearm::ui {
namespace {

using testing::CatalogServer;
using testing::ColumnTexts;
using testing::DoubleClickRow;
using testing::RowOfTitle;
using testing::UiTestEnvironment;
using testing::WaitUntil;
using State = PlayerController::State;

// Frames the sink takes per second of playback.
constexpr double kSinkFramesPerSecond =
    UiTestEnvironment::kSinkRate * UiTestEnvironment::kAudioSpeed;

class DesktopClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();  // no volume or server remembered from another test
        std::string error;
        server_ = CatalogServer::Get(&error);
        ASSERT_NE(server_, nullptr) << error;
    }

    std::unique_ptr<DesktopClient> StartClient(const QString& password,
                                               const std::string& url = {}) {
        ClientOptions options;
        options.server_url = QString::fromStdString(url.empty() ? server_->api_url() : url);
        options.user = QStringLiteral("demo");
        options.password = password;
        options.mpris = false;
        auto client = std::make_unique<DesktopClient>(options);
        client->start();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(client->window()));
        return client;
    }

    static bool WaitForCatalog(const DesktopClient& client) {
        return WaitUntil([&] { return client.session()->isCatalogComplete(); }, 20000);
    }

    static QString Banner(const DesktopClient& client) {
        return client.window()->errorBanner()->message();
    }

    // Double-clicks the row showing title and waits until it plays.
    static ::testing::AssertionResult PlayByDoubleClick(const DesktopClient& client,
                                                        const QString& title) {
        MainWindow* window = client.window();
        const int row = RowOfTitle(*window->catalogProxy(), title);
        if (row < 0) return ::testing::AssertionFailure() << "no row " << title.toStdString();
        DoubleClickRow(window->catalogView(), row);
        PlayerController* player = client.player();
        if (!WaitUntil([&] { return player->state() == State::kPlaying; }, 15000)) {
            return ::testing::AssertionFailure()
                   << "state " << player::PlaybackStateName(player->state()) << ", banner "
                   << Banner(client).toStdString();
        }
        return ::testing::AssertionSuccess();
    }

    testing::ServerProcess* server_ = nullptr;
};

TEST_F(DesktopClientTest, LogsInAtStartAndListsTheIngestedTracks) {
    auto client = StartClient(QStringLiteral("demo"));
    MainWindow* window = client->window();
    ASSERT_TRUE(WaitForCatalog(*client)) << Banner(*client).toStdString();

    QStringList titles = ColumnTexts(*window->catalogProxy(), 0);
    titles.sort();
    EXPECT_EQ(titles, QStringList({"Concert A", "High Whistle", "Low Hum"}));

    const int row = RowOfTitle(*window->catalogProxy(), QStringLiteral("Concert A"));
    ASSERT_GE(row, 0);
    QAbstractItemModel* view_model = window->catalogProxy();
    EXPECT_EQ(view_model->index(row, 1).data().toString(), "Test Tones");
    EXPECT_EQ(view_model->index(row, 2).data().toString(), "Generated Signals");
    EXPECT_EQ(view_model->index(row, 3).data().toString(), "0:12");

    EXPECT_TRUE(Banner(*client).isEmpty());
    EXPECT_TRUE(window->catalogView()->placeholderText().isEmpty());
    EXPECT_TRUE(window->findChild<QLabel*>("connectionLabel")->text().contains("demo"));
}

TEST_F(DesktopClientTest, PlaybackMenuSetsCrossfadeAndLoudnessAndKeepsThem) {
    auto client = StartClient(QStringLiteral("demo"));
    ASSERT_TRUE(WaitForCatalog(*client));
    MainWindow* window = client->window();
    PlayerController* player = client->player();
    auto* crossfade = window->findChild<QMenu*>("crossfadeMenu");
    auto* loudness = window->findChild<QMenu*>("loudnessMenu");
    ASSERT_NE(crossfade, nullptr);
    ASSERT_NE(loudness, nullptr);
    const auto pick = [](QMenu* menu, const QString& text) {
        for (QAction* action : menu->actions()) {
            if (action->text() == text) {
                action->trigger();
                return action->isChecked();
            }
        }
        return false;
    };
    EXPECT_EQ(player->crossfadeSeconds(), 0.0);
    EXPECT_TRUE(player->normalising());
    EXPECT_EQ(player->targetLufs(), -14.0);

    ASSERT_TRUE(pick(crossfade, "5 s"));
    EXPECT_EQ(player->crossfadeSeconds(), 5.0);
    ASSERT_TRUE(pick(loudness, "Quiet (-19 LUFS)"));
    EXPECT_TRUE(player->normalising());
    EXPECT_EQ(player->targetLufs(), -19.0);
    EXPECT_EQ(QSettings().value("player/crossfade").toDouble(), 5.0);
    EXPECT_EQ(QSettings().value("player/target_lufs").toDouble(), -19.0);
    ASSERT_TRUE(pick(loudness, "Off"));
    EXPECT_FALSE(player->normalising());
    EXPECT_FALSE(QSettings().value("player/normalise").toBool());
    // Back to the defaults for the tests after this one.
    ASSERT_TRUE(pick(crossfade, "Off (gapless)"));
    ASSERT_TRUE(pick(loudness, "Normal (-14 LUFS)"));
}

TEST_F(DesktopClientTest, TypingInTheFilterNarrowsTheTable) {
    auto client = StartClient(QStringLiteral("demo"));
    ASSERT_TRUE(WaitForCatalog(*client));
    MainWindow* window = client->window();
    auto* filter = window->findChild<QLineEdit*>("filterEdit");
    ASSERT_NE(filter, nullptr);

    QTest::keyClicks(filter, "signal choir");
    EXPECT_EQ(ColumnTexts(*window->catalogProxy(), 0), QStringList{"High Whistle"});
    EXPECT_EQ(window->findChild<QLabel*>("trackCountLabel")->text(), "1 of 3 tracks");

    QTest::keyClicks(filter, "zzz");
    EXPECT_EQ(window->catalogProxy()->rowCount(), 0);
    EXPECT_TRUE(window->catalogView()->placeholderText().contains("No tracks match"));
    filter->clear();
    EXPECT_EQ(window->catalogProxy()->rowCount(), 3);
    EXPECT_EQ(window->findChild<QLabel*>("trackCountLabel")->text(), "3 tracks");
}

TEST_F(DesktopClientTest, LoginDialogOfTheNextStartRemembersServerAndUser) {
    {
        auto client = StartClient(QStringLiteral("demo"));
        ASSERT_TRUE(WaitUntil(
            [&] { return client->session()->state() == ServerSession::State::kLoggedIn; }));
    }
    DesktopClient client(ClientOptions{});
    client.start();
    LoginDialog* dialog = client.window()->loginDialog();
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(WaitUntil([&] { return dialog->isVisible(); }, 5000));
    EXPECT_EQ(dialog->findChild<QLineEdit*>("serverEdit")->text(),
              QString::fromStdString(server_->api_url()));
    EXPECT_EQ(dialog->findChild<QLineEdit*>("userEdit")->text(), "demo");
    EXPECT_TRUE(dialog->findChild<QLineEdit*>("passwordEdit")->text().isEmpty());
    EXPECT_EQ(client.session()->state(), ServerSession::State::kDisconnected);
}

TEST_F(DesktopClientTest, DoubleClickPlaysTheTrackAndPauseHoldsIt) {
    auto client = StartClient(QStringLiteral("demo"));
    ASSERT_TRUE(WaitForCatalog(*client)) << Banner(*client).toStdString();
    PlayerController* player = client->player();
    NowPlayingBar* bar = client->window()->nowPlayingBar();
    testing::PacedAudioSink& sink = UiTestEnvironment::Get().audio();
    const int64_t loud_before = sink.loud_frames();

    ASSERT_TRUE(PlayByDoubleClick(*client, QStringLiteral("Concert A")));
    EXPECT_EQ(player->currentTrack().title, "Concert A");
    EXPECT_EQ(bar->findChild<QLabel*>("nowPlayingTitle")->text(), "Concert A");
    ASSERT_TRUE(WaitUntil([&] { return player->positionMs() >= 1000; }, 10000))
        << "position " << player->positionMs();
    EXPECT_GT(player->kbps(), 0);
    EXPECT_TRUE(client->window()->findChild<QLabel*>("streamLabel")->text().contains("kbps"));

    QTest::mouseClick(bar->playPauseButton(), Qt::LeftButton);
    ASSERT_TRUE(WaitUntil([&] { return player->state() == State::kPaused; }, 5000));
    QTest::qWait(300);  // reports sent before the pause took effect
    const qint64 paused_at = player->positionMs();
    const int64_t frames_at_pause = sink.frames();
    QTest::qWait(1000);
    EXPECT_EQ(player->state(), State::kPaused);
    EXPECT_EQ(player->positionMs(), paused_at);
    // Only what sat in the pipe and the device buffer may still trickle out.
    EXPECT_LT(sink.frames() - frames_at_pause, kSinkFramesPerSecond / 2);

    QTest::mouseClick(bar->playPauseButton(), Qt::LeftButton);
    ASSERT_TRUE(WaitUntil([&] { return player->positionMs() > paused_at + 500; }, 10000))
        << "state " << player::PlaybackStateName(player->state());
    // The sine reached the device: at least a second of it above -18 dBFS.
    EXPECT_GT(sink.loud_frames() - loud_before, UiTestEnvironment::kSinkRate);
    EXPECT_TRUE(Banner(*client).isEmpty()) << Banner(*client).toStdString();
}

TEST_F(DesktopClientTest, DraggingThePositionSliderSeeksWhenReleased) {
    auto client = StartClient(QStringLiteral("demo"));
    ASSERT_TRUE(WaitForCatalog(*client));
    PlayerController* player = client->player();
    ASSERT_TRUE(PlayByDoubleClick(*client, QStringLiteral("High Whistle")));
    ASSERT_TRUE(WaitUntil([&] { return player->positionMs() >= 500; }, 10000));

    QSlider* slider = client->window()->nowPlayingBar()->positionSlider();
    const QPoint grip(slider->width() * 3 / 4, slider->height() / 2);
    QTest::mousePress(slider, Qt::LeftButton, Qt::NoModifier, grip);
    ASSERT_TRUE(slider->isSliderDown());
    const int held = slider->value();
    const qint64 position_at_press = player->positionMs();
    ASSERT_TRUE(WaitUntil([&] { return player->positionMs() > position_at_press + 300; }, 5000));
    EXPECT_EQ(slider->value(), held) << "position reports moved the slider under the pointer";

    QTest::mouseRelease(slider, Qt::LeftButton, Qt::NoModifier, grip);
    EXPECT_GE(player->positionMs(), held);
    QTest::qWait(600);  // the engine reports from the new position
    EXPECT_EQ(player->currentTrack().title, "High Whistle");
    EXPECT_GE(player->positionMs(), held);
    EXPECT_LT(player->positionMs(), held + 3000);
}

TEST_F(DesktopClientTest, WrongPasswordShowsAnErrorAndTheLoginDialogRecovers) {
    auto client = StartClient(QStringLiteral("not-the-password"));
    MainWindow* window = client->window();
    ASSERT_TRUE(WaitUntil([&] { return !Banner(*client).isEmpty(); }, 10000));
    EXPECT_TRUE(Banner(*client).contains("wrong user name or password"))
        << Banner(*client).toStdString();
    EXPECT_EQ(client->session()->state(), ServerSession::State::kFailed);
    EXPECT_TRUE(window->catalogView()->placeholderText().contains("Not connected"));

    QTest::mouseClick(window->errorBanner()->findChild<QPushButton*>("logInButton"),
                      Qt::LeftButton);
    LoginDialog* dialog = window->loginDialog();
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(WaitUntil([&] { return dialog->isVisible(); }, 5000));
    EXPECT_EQ(dialog->findChild<QLineEdit*>("userEdit")->text(), "demo");
    EXPECT_EQ(dialog->findChild<QLineEdit*>("serverEdit")->text(),
              QString::fromStdString(server_->api_url()));

    QTest::keyClicks(dialog->findChild<QLineEdit*>("passwordEdit"), "demo");
    QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    ASSERT_TRUE(WaitForCatalog(*client)) << Banner(*client).toStdString();
    EXPECT_FALSE(dialog->isVisible());
    EXPECT_TRUE(Banner(*client).isEmpty());
    EXPECT_EQ(window->catalogProxy()->rowCount(), 3);
}

TEST_F(DesktopClientTest, UnreachableServerShowsAnErrorAndRetryTriesAgain) {
    const std::string url = "http://127.0.0.1:" + std::to_string(testing::UnusedPort());
    auto client = StartClient(QStringLiteral("demo"), url);
    ASSERT_TRUE(WaitUntil([&] { return Banner(*client).contains("Cannot reach"); }, 10000))
        << Banner(*client).toStdString();
    EXPECT_TRUE(Banner(*client).contains(QString::fromStdString(url)));

    QSignalSpy attempts(client->session(), &ServerSession::loginStarted);
    QTest::mouseClick(client->window()->errorBanner()->findChild<QPushButton*>("retryButton"),
                      Qt::LeftButton);
    EXPECT_EQ(attempts.count(), 1);
    ASSERT_TRUE(WaitUntil([&] { return Banner(*client).contains("Cannot reach"); }, 10000));
    EXPECT_EQ(client->session()->state(), ServerSession::State::kFailed);
}

}  // namespace
}  // namespace tonearm::ui
