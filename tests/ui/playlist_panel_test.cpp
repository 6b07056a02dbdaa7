// The playlist sidebar against the real tonearm-server: it lists what
// another device synced, counts local edits until the worker thread's sync
// has pushed them, and shows the selected playlist's entries by title.
#include <gtest/gtest.h>

#include <QLabel>
#include <QListView>

#include "core/api_client.h"
#include "sync/replica.h"
#include "sync/sync_client.h"
#include "tests/support/temp_dir.h"
#include "tests/ui/catalog_server.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/catalog_model.h"
#include "ui/playlist_model.h"
#include "ui/playlist_panel.h"
#include "ui/playlist_sync.h"
#include "ui/server_session.h"

namespace tonearm::ui {
namespace {

using testing::WaitUntil;

class PlaylistPanelTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string error;
        server_ = testing::CatalogServer::Get(&error);
        ASSERT_NE(server_, nullptr) << error;
        ApiClient api(server_->api_url());
        Result<LoginResult> login = api.Login("demo", "demo");
        ASSERT_TRUE(login.ok()) << login.error().message;
        options_ = {server_->api_url(), login->token};
        Result<CatalogPage> page = api.Tracks(0, 10);
        ASSERT_TRUE(page.ok() && page->items.size() >= 2);
        catalog_ = page->items;
        auto phone = sync::Replica::Open({device_.Join("phone.db"), "demo"});
        ASSERT_TRUE(phone.ok());
        phone_ = std::move(*phone);
    }

    // Syncs the other device; returns how many ops it pulled.
    size_t SyncPhone() {
        sync::SyncClient client(phone_.get(), options_);
        Result<sync::SyncReport> report = client.Sync();
        EXPECT_TRUE(report.ok()) << report.error().message;
        return report.ok() ? report->pulled : 0;
    }

    static QStringList Rows(const QAbstractItemModel& model) {
        return testing::ColumnTexts(model, 0);
    }

    testing::ServerProcess* server_ = nullptr;
    testing::TempDir device_, data_;
    sync::SyncOptions options_;
    std::unique_ptr<sync::Replica> phone_;
    std::vector<Track> catalog_;
};

TEST_F(PlaylistPanelTest, ShowsSyncedPlaylistsPendingEditsAndEntries) {
    const std::vector<Track>& tracks = catalog_;
    const std::string seeded = phone_->CreatePlaylist("Seeded " + data_.path())->playlist_id;
    ASSERT_TRUE(phone_->AddTracks(seeded, {tracks[1].id, tracks[0].id}).ok());
    SyncPhone();

    ServerSession session;
    PlaylistPanel panel(&session, nullptr, QString::fromStdString(data_.path()));
    EXPECT_EQ(panel.pendingLabel()->text(), "Log in to see your playlists");
    session.logIn(QString::fromStdString(server_->api_url()), "demo", "demo");
    const QString seeded_row = QString::fromStdString("Seeded " + data_.path() + " (2)");
    ASSERT_TRUE(WaitUntil([&] { return Rows(*panel.playlists()).contains(seeded_row); }))
        << Rows(*panel.playlists()).join(", ").toStdString();
    ASSERT_TRUE(WaitUntil([&] { return session.isCatalogComplete(); }));

    // A local edit counts as waiting until the worker's sync pushed it.
    ASSERT_TRUE(panel.playlistSync()->createPlaylist("Made in the GUI"));
    EXPECT_EQ(panel.pendingLabel()->text(), "1 change(s) waiting to sync");
    ASSERT_TRUE(WaitUntil([&] { return panel.pendingLabel()->text() == "All changes synced"; }));
    EXPECT_TRUE(Rows(*panel.playlists()).contains("Made in the GUI (0)"));
    SyncPhone();
    bool phone_has_it = false;
    for (const sync::Playlist* p : phone_->Snapshot().PlaylistsVisibleTo("demo"))
        phone_has_it |= p->name() == "Made in the GUI";
    EXPECT_TRUE(phone_has_it);

    const int row = panel.playlists()->rowOf(QString::fromStdString(seeded));
    ASSERT_GE(row, 0);
    panel.playlistView()->setCurrentIndex(panel.playlists()->index(row));
    ASSERT_EQ(panel.entries()->rowCount(), 2);
    EXPECT_EQ(panel.entries()->index(0).data(PlaylistEntryModel::kTrackIdRole).toString(),
              QString::fromStdString(tracks[1].id));
    EXPECT_TRUE(panel.entries()->index(0).data().toString().startsWith(
        QString::fromStdString(tracks[1].title)));
}

}  // namespace
}  // namespace tonearm::ui
