// The window's offline side against a real tonearm-server of its own (one
// it can stop and start again on the same port): the cache status label,
// pinning a playlist from the sidebar, rows marked while the server is
// unreachable, playing from the cache meanwhile, and reconnecting.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QAction>
#include <QApplication>
#include <QBrush>
#include <QDir>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>

#include "core/api_client.h"
#include "player/audio_cache.h"
#include "sync/replica.h"
#include "sync/sync_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/catalog_model.h"
#include "ui/catalog_view.h"
#include "ui/connection_monitor.h"
#include "ui/desktop_client.h"
#include "ui/main_window.h"
#include "ui/offline_cache.h"
#include "ui/player_controller.h"
#include "ui/playlist_model.h"
#include "ui/playlist_panel.h"
#include "ui/playlist_sync.h"
#include "ui/server_session.h"
#include "ui/size_format.h"

namespace tonearm::ui {
namespace {

using testing::DoubleClickRow;
using testing::RowOfTitle;
using testing::WaitUntil;

const QStringList kTitles = {"Offline One", "Offline Two", "Offline Three"};

// Fast health checks, so a test sees the server go and come back in
// well under a second.
ConnectionTiming FastTiming() { return {300, 150, 600, 1000}; }

// A sine under noise: the encoder needs the noise to reach a realistic size.
testing::PcmBuffer NoisySine(double freq_hz, double seconds) {
    testing::PcmBuffer pcm = testing::MakeSine(freq_hz, seconds, 44100, 2, 0.4f);
    uint32_t noise = 7;
    for (float& sample : pcm.samples) {
        noise = noise * 1664525u + 1013904223u;
        sample += 0.2f * (static_cast<float>(noise >> 8) / (1 << 24) - 0.5f);
    }
    return pcm;
}

class OfflineUiTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        folder_ = new testing::TempDir;
        std::vector<std::string> paths;
        for (int i = 0; i < kTitles.size(); ++i) {
            paths.push_back(folder_->Join("offline-" + std::to_string(i) + ".ogg"));
            Status written =
                testing::WriteOggVorbis(paths.back(), NoisySine(300.0 + 150 * i, 15.0), 0.5f,
                                        {"TITLE=" + kTitles[i].toStdString(), "ARTIST=Cache"});
            ASSERT_TRUE(written.ok()) << written.error().message;
        }
        std::string output;
        Status ingested = testing::RunIngest(folder_->Join("data"), paths, &output);
        ASSERT_TRUE(ingested.ok()) << ingested.error().message << output;
    }
    static void TearDownTestSuite() {
        delete folder_;
        folder_ = nullptr;
    }

    void SetUp() override {
        QSettings().clear();
        StartServer({});
        ASSERT_NE(server_, nullptr);
        ForgetDeviceState();
        ApiClient api(server_->api_url());
        auto login = api.Login("demo", "demo");
        ASSERT_TRUE(login.ok());
        auto page = api.Tracks(0, 10);
        ASSERT_TRUE(page.ok());
        for (const Track& t : page->items)
            ids_[QString::fromStdString(t.title)] = t.id;
        ASSERT_EQ(ids_.size(), 3u);
        options_ = {server_->api_url(), login->token};
    }

    void TearDown() override { ForgetDeviceState(); }

    // The client keeps its replica and cache in the platform folders, which
    // the other UI tests share with their own server: start and leave them
    // empty.
    static void ForgetDeviceState() {
        QDir(PlaylistSync::defaultDataDir() + "/profiles").removeRecursively();
        auto cache = player::AudioCache::Open(player::DefaultCacheDir());
        ASSERT_TRUE(cache.ok());
        ASSERT_TRUE((*cache)->Clear(true).ok());
    }

    void StartServer(const std::vector<std::string>& args) {
        auto server = testing::ServerProcess::Start(folder_->Join("data"), args);
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = std::move(*server);
    }
    void StopServer() {
        stopped_url_ = server_->api_url();
        server_.reset();
    }
    // Starts the server again on the port StopServer() freed.
    void RestartServerOnSamePort() {
        StartServer({"--port", stopped_url_.substr(stopped_url_.rfind(':') + 1)});
        ASSERT_EQ(server_->api_url(), stopped_url_);
    }

    // Another device creates a playlist of the titles and syncs it.
    std::string SeedPlaylist(const std::string& name, const QStringList& titles) {
        auto phone = sync::Replica::Open({phone_dir_.Join("phone.db"), "demo"});
        EXPECT_TRUE(phone.ok());
        const std::string id = (*phone)->CreatePlaylist(name)->playlist_id;
        std::vector<std::string> tracks;
        for (const QString& title : titles)
            tracks.push_back(ids_[title]);
        EXPECT_TRUE((*phone)->AddTracks(id, tracks).ok());
        sync::SyncClient client(phone->get(), options_);
        EXPECT_TRUE(client.Sync().ok());
        return id;
    }

    // Logs in to url, by default the running server's.
    std::unique_ptr<DesktopClient> StartClient(std::string url = {}) {
        ClientOptions options;
        options.server_url = QString::fromStdString(url.empty() ? server_->api_url() : url);
        options.user = QStringLiteral("demo");
        options.password = QStringLiteral("demo");
        options.mpris = false;
        options.connection = FastTiming();
        auto client = std::make_unique<DesktopClient>(options);
        client->start();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(client->window()));
        return client;
    }

    // Waits until the panel lists playlist id and selects it.
    static bool SelectPlaylist(PlaylistPanel* panel, const std::string& id) {
        const QString playlist = QString::fromStdString(id);
        if (!WaitUntil([&] { return panel->playlists()->rowOf(playlist) >= 0; }, 20000))
            return false;
        panel->playlistView()->setCurrentIndex(
            panel->playlists()->index(panel->playlists()->rowOf(playlist)));
        return panel->selectedPlaylist() == playlist;
    }

    // The catalog row (source model) of a title, data of role.
    static QVariant CatalogData(DesktopClient& client, const QString& title, int role) {
        QSortFilterProxyModel* proxy = client.window()->catalogProxy();
        return proxy->index(RowOfTitle(*proxy, title), 0).data(role);
    }

    static QString CacheLabel(DesktopClient& client) {
        return client.window()->findChild<QLabel*>("cacheStatusLabel")->text();
    }

    static player::CacheStatus DiskStatus() {
        auto cache = player::AudioCache::Open(player::DefaultCacheDir());
        if (!cache.ok()) return {};
        auto status = (*cache)->GetStatus();
        return status.ok() ? *status : player::CacheStatus{};
    }

    static testing::TempDir* folder_;
    std::unique_ptr<testing::ServerProcess> server_;
    std::string stopped_url_;
    testing::TempDir phone_dir_;
    sync::SyncOptions options_;
    std::map<QString, std::string> ids_;  // title -> track id
};

testing::TempDir* OfflineUiTest::folder_ = nullptr;

TEST_F(OfflineUiTest, PinButtonFillsTheCacheWithProgressToTheEnd) {
    const std::string playlist =
        SeedPlaylist("Train " + phone_dir_.path(), {kTitles[0], kTitles[1]});
    auto client = StartClient();
    ASSERT_TRUE(WaitUntil([&] { return client->session()->isCatalogComplete(); }, 20000));
    ASSERT_TRUE(WaitUntil([&] { return CacheLabel(*client).startsWith("Cache 0 B (pinned 0 B)"); }))
        << CacheLabel(*client).toStdString();
    EXPECT_TRUE(CacheLabel(*client).contains("· free ")) << CacheLabel(*client).toStdString();
    EXPECT_TRUE(CacheLabel(*client).contains("· limit " + FormatBytes(DiskStatus().limit_bytes)));

    PlaylistPanel* panel = client->window()->playlistPanel();
    ASSERT_TRUE(SelectPlaylist(panel, playlist));
    EXPECT_EQ(panel->pinButton()->text(), "Make Available Offline");
    OfflineCache* offline = client->offline();
    int most_percent = -1;
    bool bar_shown = false;
    QObject::connect(offline, &OfflineCache::pinProgressChanged, [&] {
        most_percent = std::max(most_percent, offline->pinProgress().percent());
        bar_shown |= panel->pinProgressBar()->isVisible();
    });
    QSignalSpy finished(offline, &OfflineCache::pinFinished);
    QTest::mouseClick(panel->pinButton(), Qt::LeftButton);
    ASSERT_TRUE(WaitUntil([&] { return finished.count() == 1; }, 30000));
    EXPECT_EQ(finished.at(0).at(1).toInt(), 0) << finished.at(0).at(2).toString().toStdString();

    const player::CacheStatus disk = DiskStatus();
    EXPECT_EQ(disk.pinned_entries, 2);
    EXPECT_EQ(most_percent, 100);
    EXPECT_TRUE(bar_shown);
    EXPECT_EQ(offline->pinProgress().bytes_done, disk.pinned_bytes);
    EXPECT_EQ(offline->pinProgress().tracks_finished, 2);
    EXPECT_FALSE(panel->pinProgressBar()->isVisible());
    ASSERT_TRUE(WaitUntil([&] {
        return CacheLabel(*client).contains("(pinned " + FormatBytes(disk.pinned_bytes) + ")");
    })) << CacheLabel(*client).toStdString();
    EXPECT_EQ(panel->pinButton()->text(), "Remove Offline Copy");
    EXPECT_EQ(panel->pinLabel()->text(), "Available offline: 2 of 2 tracks");
    const int row = panel->playlists()->rowOf(QString::fromStdString(playlist));
    EXPECT_TRUE(panel->playlists()->index(row).data(PlaylistListModel::kPinnedRole).toBool());
    EXPECT_TRUE(CatalogData(*client, kTitles[0], CatalogModel::kCachedRole).toBool());
    EXPECT_TRUE(CatalogData(*client, kTitles[1], CatalogModel::kCachedRole).toBool());
    EXPECT_FALSE(CatalogData(*client, kTitles[2], CatalogModel::kCachedRole).toBool());

    // Unpinning keeps the audio but releases it for eviction.
    QTest::mouseClick(panel->pinButton(), Qt::LeftButton);
    ASSERT_TRUE(WaitUntil([&] { return CacheLabel(*client).contains("(pinned 0 B)"); }))
        << CacheLabel(*client).toStdString();
    EXPECT_EQ(DiskStatus().pinned_entries, 0);
    EXPECT_EQ(DiskStatus().entries, 2);
    EXPECT_TRUE(WaitUntil([&] { return panel->pinButton()->text() == "Make Available Offline"; }))
        << panel->pinButton()->text().toStdString();
}

TEST_F(OfflineUiTest, StoppedServerGreysUncachedRowsAndTheWindowReconnects) {
    const std::string playlist =
        SeedPlaylist("Flight " + phone_dir_.path(), {kTitles[0], kTitles[2]});
    auto client = StartClient();
    ASSERT_TRUE(WaitUntil([&] { return client->session()->isCatalogComplete(); }, 20000));
    PlaylistPanel* panel = client->window()->playlistPanel();
    ASSERT_TRUE(SelectPlaylist(panel, playlist));

    // Pinned at 96 kbps from the context menu.
    std::unique_ptr<QMenu> menu(panel->makeContextMenu(QString::fromStdString(playlist)));
    auto* pin_menu = menu->findChild<QMenu*>("pinMenu");
    ASSERT_NE(pin_menu, nullptr);
    QAction* low = nullptr;
    for (QAction* action : pin_menu->actions())
        low = action->text() == "96 kbps" ? action : low;
    ASSERT_NE(low, nullptr);
    QSignalSpy finished(client->offline(), &OfflineCache::pinFinished);
    low->trigger();
    ASSERT_TRUE(WaitUntil([&] { return finished.count() == 1; }, 30000));
    ASSERT_EQ(finished.at(0).at(1).toInt(), 0) << finished.at(0).at(2).toString().toStdString();
    ASSERT_TRUE(WaitUntil(
        [&] { return CatalogData(*client, kTitles[2], CatalogModel::kCachedRole).toBool(); }));
    EXPECT_EQ(
        client->offline()->availability().pinned_playlists.value(QString::fromStdString(playlist)),
        96);

    auto* indicator = client->window()->findChild<QLabel*>("offlineIndicator");
    auto* connection = client->window()->findChild<QLabel*>("connectionLabel");
    ASSERT_NE(indicator, nullptr);
    EXPECT_FALSE(indicator->isVisible());
    StopServer();
    ASSERT_TRUE(WaitUntil([&] { return indicator->isVisible(); }, 10000));
    EXPECT_TRUE(indicator->text().startsWith("Offline: playing from the cache"))
        << indicator->text().toStdString();
    EXPECT_TRUE(connection->text().contains("does not answer")) << connection->text().toStdString();

    // Rows: the uncached track greyed with its reason, the pinned ones not.
    ASSERT_TRUE(WaitUntil(
        [&] { return CatalogData(*client, kTitles[1], CatalogModel::kUnavailableRole).toBool(); }));
    EXPECT_EQ(CatalogData(*client, kTitles[1], Qt::ToolTipRole).toString(),
              "Not available offline");
    EXPECT_EQ(CatalogData(*client, kTitles[1], Qt::ForegroundRole).value<QBrush>().color(),
              QApplication::palette().color(QPalette::Disabled, QPalette::Text));
    for (const QString& title : {kTitles[0], kTitles[2]}) {
        EXPECT_FALSE(CatalogData(*client, title, CatalogModel::kUnavailableRole).toBool());
        EXPECT_EQ(CatalogData(*client, title, Qt::ToolTipRole).toString(), "Available offline");
    }
    PlaylistEntryModel* entries = panel->entries();
    ASSERT_EQ(entries->rowCount(), 2);
    EXPECT_FALSE(entries->index(0).data(PlaylistEntryModel::kUnavailableRole).toBool());
    EXPECT_TRUE(entries->index(1).data(PlaylistEntryModel::kCachedRole).toBool());

    // A cached track plays meanwhile, from the cache.
    PlayerController* player = client->player();
    DoubleClickRow(client->window()->catalogView(),
                   RowOfTitle(*client->window()->catalogProxy(), kTitles[2]));
    ASSERT_TRUE(
        WaitUntil([&] { return player->state() == PlayerController::State::kPlaying; }, 15000))
        << player::PlaybackStateName(player->state());
    EXPECT_TRUE(WaitUntil([&] { return player->positionMs() >= 500; }, 10000))
        << "position " << player->positionMs();
    EXPECT_TRUE(WaitUntil([&] { return player->kbps() == 96; }, 5000)) << player->kbps();
    player->stop();

    // Back on the same port: the window notices by itself.
    RestartServerOnSamePort();
    ASSERT_TRUE(WaitUntil([&] { return !indicator->isVisible(); }, 10000))
        << indicator->text().toStdString();
    EXPECT_TRUE(client->connectionMonitor()->isReachable());
    EXPECT_TRUE(connection->text().startsWith("demo on ")) << connection->text().toStdString();
    ASSERT_TRUE(WaitUntil([&] {
        return !CatalogData(*client, kTitles[1], CatalogModel::kUnavailableRole).toBool();
    }));
    EXPECT_EQ(CatalogData(*client, kTitles[1], Qt::ToolTipRole).toString(), kTitles[1]);
}

TEST_F(OfflineUiTest, PinnedPlaylistFollowsAnEditFromAnotherDevice) {
    const std::string playlist = SeedPlaylist("Walk " + phone_dir_.path(), {kTitles[0]});
    auto client = StartClient();
    PlaylistPanel* panel = client->window()->playlistPanel();
    ASSERT_TRUE(SelectPlaylist(panel, playlist));
    ASSERT_TRUE(WaitUntil([&] { return panel->playlistSync()->hasSynced(); }));
    QSignalSpy finished(client->offline(), &OfflineCache::pinFinished);
    panel->pinPlaylist(QString::fromStdString(playlist), 0);
    ASSERT_TRUE(WaitUntil([&] { return finished.count() == 1; }, 30000));

    // The phone adds a track; the window's next sync pins it too.
    auto phone = sync::Replica::Open({phone_dir_.Join("phone.db"), "demo"});
    ASSERT_TRUE(phone.ok());
    ASSERT_TRUE((*phone)->AddTracks(playlist, {ids_[kTitles[1]]}).ok());
    sync::SyncClient phone_sync(phone->get(), options_);
    ASSERT_TRUE(phone_sync.Sync().ok());
    panel->playlistSync()->syncNow();
    ASSERT_TRUE(WaitUntil([&] { return finished.count() == 2; }, 30000));
    EXPECT_EQ(finished.at(1).at(1).toInt(), 0) << finished.at(1).at(2).toString().toStdString();
    ASSERT_TRUE(WaitUntil(
        [&] { return CatalogData(*client, kTitles[1], CatalogModel::kCachedRole).toBool(); }));
    EXPECT_EQ(DiskStatus().pinned_entries, 2);
    EXPECT_EQ(panel->pinLabel()->text(), "Available offline: 2 of 2 tracks");
}

TEST_F(OfflineUiTest, StartedWithoutTheServerPlaysTheCacheAndLogsInWhenItAnswers) {
    const std::string playlist =
        SeedPlaylist("Away " + phone_dir_.path(), {kTitles[0], kTitles[1]});
    {
        auto first = StartClient();
        PlaylistPanel* panel = first->window()->playlistPanel();
        ASSERT_TRUE(SelectPlaylist(panel, playlist));
        QSignalSpy finished(first->offline(), &OfflineCache::pinFinished);
        panel->pinPlaylist(QString::fromStdString(playlist), 96);
        ASSERT_TRUE(WaitUntil([&] { return finished.count() == 1; }, 30000));
        ASSERT_EQ(finished.at(0).at(1).toInt(), 0);
    }
    StopServer();

    auto client = StartClient(stopped_url_);
    QSortFilterProxyModel* rows = client->window()->catalogProxy();
    ASSERT_TRUE(WaitUntil([&] { return rows->rowCount() == 2; }, 10000)) << rows->rowCount();
    EXPECT_TRUE(client->session()->isShowingCachedTracks());
    EXPECT_EQ(client->window()->findChild<QLabel*>("trackCountLabel")->text(),
              "2 tracks in the offline cache");
    EXPECT_TRUE(RowOfTitle(*rows, kTitles[0]) >= 0 && RowOfTitle(*rows, kTitles[1]) >= 0);
    PlayerController* player = client->player();
    DoubleClickRow(client->window()->catalogView(), RowOfTitle(*rows, kTitles[1]));
    ASSERT_TRUE(WaitUntil([&] { return player->positionMs() >= 500; }, 15000))
        << player::PlaybackStateName(player->state());
    player->stop();

    RestartServerOnSamePort();
    ASSERT_TRUE(WaitUntil(
        [&] {
            return client->session()->state() == ServerSession::State::kLoggedIn &&
                   client->session()->isCatalogComplete() && rows->rowCount() == 3;
        },
        15000));
    EXPECT_FALSE(client->session()->isShowingCachedTracks());
}

TEST(ConnectionMonitorTest, FailedChecksBackOffDoublingUpToTheCap) {
    ConnectionMonitor monitor({5000, 200, 700, 500});
    QSignalSpy changes(&monitor, &ConnectionMonitor::reachabilityChanged);
    std::vector<int> delays;
    QObject::connect(&monitor, &ConnectionMonitor::checked, [&](bool reachable) {
        EXPECT_FALSE(reachable);
        delays.push_back(monitor.msUntilNextCheck());
    });
    monitor.watch(QStringLiteral("http://127.0.0.1:%1").arg(testing::UnusedPort()));
    ASSERT_TRUE(WaitUntil([&] { return delays.size() >= 4; }, 10000));
    EXPECT_EQ(changes.count(), 1) << "one change to unreachable, not one per check";
    EXPECT_FALSE(monitor.isReachable());
    // QTimer's coarse timers may fire up to 5 % late, and remainingTime()
    // says so.
    const int expected[] = {200, 400, 700, 700};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_LE(delays[i], expected[i] * 21 / 20) << "check " << i;
        EXPECT_GT(delays[i], expected[i] - 100) << "check " << i;
    }
    EXPECT_GE(monitor.failedChecks(), 4);
}

}  // namespace
}  // namespace tonearm::ui
