#include "ui/playlist_panel.h"

#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QToolButton>
#include <QVBoxLayout>
#include <map>

#include "ui/catalog_model.h"
#include "ui/offline_cache.h"
#include "ui/playlist_model.h"
#include "ui/playlist_sync.h"
#include "ui/server_session.h"

namespace tonearm::ui {

PlaylistPanel::PlaylistPanel(ServerSession* session, QWidget* parent, QString data_dir,
                             OfflineCache* offline)
    : QWidget(parent),
      session_(session),
      data_dir_(data_dir.isEmpty() ? PlaylistSync::defaultDataDir() : std::move(data_dir)),
      offline_(offline),
      sync_(new PlaylistSync(this)),
      playlists_(new PlaylistListModel(this)),
      entries_(new PlaylistEntryModel(this)) {
    auto* title = new QLabel(tr("Playlists"), this);
    auto* add = new QToolButton(this);
    add->setText(tr("+"));
    add->setToolTip(tr("New Playlist…"));
    connect(add, &QToolButton::clicked, this, &PlaylistPanel::newPlaylist);
    auto* header = new QHBoxLayout;
    header->addWidget(title, 1);
    header->addWidget(add);

    playlist_view_ = new QListView(this);
    playlist_view_->setObjectName(QStringLiteral("playlistView"));
    playlist_view_->setModel(playlists_);
    playlist_view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(playlist_view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                selected_ = current.data(PlaylistListModel::kPlaylistIdRole).toString();
                showEntries();
                showOfflineState();
            });
    pending_label_ = new QLabel(this);
    entry_view_ = new QListView(this);
    entry_view_->setObjectName(QStringLiteral("playlistEntryView"));
    entry_view_->setModel(entries_);
    entry_view_->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(header);
    layout->addWidget(playlist_view_, 1);
    layout->addLayout(buildOfflineControls());
    layout->addWidget(pending_label_);
    layout->addWidget(entry_view_, 2);

    connect(session_, &ServerSession::loggedIn, this, &PlaylistPanel::onLoggedIn);
    connect(session_, &ServerSession::catalogComplete, this, &PlaylistPanel::showEntries);
    connect(sync_, &PlaylistSync::changed, this, &PlaylistPanel::refresh);
    refresh();
}

void PlaylistPanel::onLoggedIn() {
    sync_->open(data_dir_, session_->serverUrl(), session_->user(), session_->token());
}

void PlaylistPanel::newPlaylist() {
    if (!sync_->isOpen()) return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New Playlist"), tr("Name:"),
                                               QLineEdit::Normal, tr("New playlist"), &ok);
    if (ok && !name.trimmed().isEmpty()) sync_->createPlaylist(name.trimmed());
}

void PlaylistPanel::refresh() {
    playlists_->reset(sync_->snapshot(), sync_->user().toStdString());
    const int row = playlists_->rowOf(selected_);
    if (row >= 0) playlist_view_->setCurrentIndex(playlists_->index(row));
    const size_t pending = sync_->pendingCount();
    if (!sync_->isOpen()) {
        pending_label_->setText(tr("Log in to see your playlists"));
    } else if (pending > 0) {
        pending_label_->setText(tr("%n change(s) waiting to sync", "", static_cast<int>(pending)));
    } else {
        pending_label_->setText(sync_->isSyncing() ? tr("Syncing…") : tr("All changes synced"));
    }
    showEntries();
    showOfflineState();
    if (!sync_->isSyncing()) repinChangedPlaylists();
}

void PlaylistPanel::showEntries() {
    std::map<std::string, Track> catalog;
    for (const Track& t : session_->catalog()->tracks())
        catalog.emplace(t.id, t);
    entries_->reset(sync_->snapshot(), selected_, catalog);
}

std::vector<std::string> PlaylistPanel::trackIdsOf(const QString& playlist_id) const {
    std::vector<std::string> ids;
    const sync::SyncState state = sync_->snapshot();
    const sync::Playlist* p = state.FindPlaylist(playlist_id.toStdString());
    if (p == nullptr || !p->created()) return ids;
    for (const sync::EntryView& e : p->Entries())
        ids.push_back(e.track_id);
    return ids;
}

}  // namespace tonearm::ui
