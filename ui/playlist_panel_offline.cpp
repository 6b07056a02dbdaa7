// PlaylistPanel's offline part: pinning the selected playlist, its
// progress, and pinning again after a sync changed a pinned playlist.
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

#include "ui/offline_cache.h"
#include "ui/playlist_model.h"
#include "ui/playlist_panel.h"
#include "ui/playlist_sync.h"
#include "ui/size_format.h"

namespace tonearm::ui {
namespace {

const QString kQualityKey = QStringLiteral("offline/quality");

}  // namespace

QLayout* PlaylistPanel::buildOfflineControls() {
    pin_button_ = new QPushButton(this);
    pin_button_->setObjectName(QStringLiteral("pinButton"));
    pin_progress_ = new QProgressBar(this);
    pin_progress_->setObjectName(QStringLiteral("pinProgress"));
    pin_progress_->setRange(0, 100);
    pin_label_ = new QLabel(this);
    pin_label_->setObjectName(QStringLiteral("pinLabel"));
    pin_label_->setWordWrap(true);
    pin_label_->setForegroundRole(QPalette::PlaceholderText);

    auto* box = new QVBoxLayout;
    box->addWidget(pin_button_);
    box->addWidget(pin_progress_);
    box->addWidget(pin_label_);
    pin_progress_->hide();
    if (offline_ == nullptr) {
        pin_button_->hide();
        pin_label_->hide();
        return box;
    }

    connect(pin_button_, &QPushButton::clicked, this, [this] {
        if (offline_->isPinned(selected_)) {
            unpinPlaylist(selected_);
        } else {
            pinPlaylist(selected_, QSettings().value(kQualityKey, 0).toInt());
        }
    });
    playlist_view_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(playlist_view_, &QListView::customContextMenuRequested, this, [this](QPoint at) {
        const QModelIndex index = playlist_view_->indexAt(at);
        if (!index.isValid()) return;
        QMenu* menu = makeContextMenu(index.data(PlaylistListModel::kPlaylistIdRole).toString());
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(playlist_view_->viewport()->mapToGlobal(at));
    });
    auto show_availability = [this] {
        playlists_->setOfflineAvailability(offline_->availability());
        entries_->setOfflineAvailability(offline_->availability());
        showOfflineState();
    };
    connect(offline_, &OfflineCache::availabilityChanged, this, show_availability);
    connect(offline_, &OfflineCache::pinProgressChanged, this, &PlaylistPanel::showOfflineState);
    connect(offline_, &OfflineCache::pinFinished, this,
            [this](const QString& playlist_id, int failed, const QString& message) {
                error_playlist_ = failed != 0 ? playlist_id : QString();
                error_text_ =
                    failed < 0
                        ? tr("Could not pin: %1").arg(message)
                        : tr("%n track(s) could not be downloaded: %1", "", failed).arg(message);
                showOfflineState();
            });
    show_availability();
    return box;
}

QMenu* PlaylistPanel::makeContextMenu(const QString& playlist_id) {
    auto* menu = new QMenu(this);
    if (offline_ == nullptr || playlist_id.isEmpty()) return menu;
    QMenu* pin = menu->addMenu(offline_->isPinned(playlist_id) ? tr("Pin Again at Quality")
                                                               : tr("Make Available Offline"));
    pin->setObjectName(QStringLiteral("pinMenu"));
    const int default_kbps = QSettings().value(kQualityKey, 0).toInt();
    const std::pair<int, QString> choices[] = {
        {0, tr("Best Quality")}, {320, tr("320 kbps")}, {160, tr("160 kbps")}, {96, tr("96 kbps")}};
    for (const auto& [kbps, text] : choices) {
        const int chosen = kbps;
        QAction* action = pin->addAction(text, this, [this, playlist_id, chosen] {
            QSettings().setValue(kQualityKey, chosen);
            pinPlaylist(playlist_id, chosen);
        });
        action->setCheckable(true);
        action->setChecked(kbps == default_kbps);
    }
    QAction* unpin = menu->addAction(tr("Remove Offline Copy"), this,
                                     [this, playlist_id] { unpinPlaylist(playlist_id); });
    unpin->setEnabled(offline_->isPinned(playlist_id));
    return menu;
}

void PlaylistPanel::pinPlaylist(const QString& playlist_id, int kbps) {
    if (offline_ == nullptr || !sync_->isOpen() || playlist_id.isEmpty()) return;
    error_playlist_.clear();
    offline_->pinPlaylist(playlist_id, trackIdsOf(playlist_id), kbps);
    showOfflineState();
}

void PlaylistPanel::unpinPlaylist(const QString& playlist_id) {
    if (offline_ == nullptr || playlist_id.isEmpty()) return;
    error_playlist_.clear();
    offline_->unpinPlaylist(playlist_id);
    showOfflineState();
}

void PlaylistPanel::showOfflineState() {
    if (offline_ == nullptr) return;
    const bool pinned = offline_->isPinned(selected_);
    pin_button_->setEnabled(!selected_.isEmpty() && sync_->isOpen());
    pin_button_->setText(pinned ? tr("Remove Offline Copy") : tr("Make Available Offline"));

    const PinProgress& progress = offline_->pinProgress();
    pin_progress_->setVisible(offline_->isPinning());
    if (offline_->isPinning()) {
        pin_progress_->setValue(progress.percent());
        pin_label_->setText(
            tr("Downloading for offline use: %1 of %2 tracks · %3 of %4")
                .arg(progress.tracks_finished)
                .arg(progress.tracks)
                .arg(FormatBytes(progress.bytes_done), FormatBytes(progress.bytes_total)));
        return;
    }
    if (!error_playlist_.isEmpty() && error_playlist_ == selected_) {
        pin_label_->setText(error_text_);
        return;
    }
    if (!pinned) {
        pin_label_->clear();
        return;
    }
    const std::vector<std::string> ids = trackIdsOf(selected_);
    QSet<QString> tracks;
    for (const std::string& id : ids)
        tracks.insert(QString::fromStdString(id));
    int cached = 0;
    for (const QString& id : tracks)
        cached += offline_->availability().isCached(id) ? 1 : 0;
    pin_label_->setText(tr("Available offline: %1 of %2 tracks").arg(cached).arg(tracks.size()));
}

void PlaylistPanel::repinChangedPlaylists() {
    // Only against the server's view: a replica not synced yet would unpin
    // what another device pinned.
    if (offline_ == nullptr || !offline_->hasStatus() || !offline_->hasServer() ||
        !sync_->hasSynced() || !offline_->availability().server_reachable) {
        return;
    }
    const OfflineAvailability& offline = offline_->availability();
    const sync::SyncState state = sync_->snapshot();
    for (auto it = offline.pinned_playlists.begin(); it != offline.pinned_playlists.end(); ++it) {
        const sync::Playlist* playlist = state.FindPlaylist(it.key().toStdString());
        if (offline_->hasPinQueued(it.key()) || playlist == nullptr || !playlist->created()) {
            continue;
        }
        const std::vector<std::string> ids = trackIdsOf(it.key());
        QSet<QString> wanted;
        for (const std::string& id : ids)
            wanted.insert(QString::fromStdString(id));
        const QSet<QString> pinned = offline.playlist_pins.value(it.key());
        bool complete = true;
        for (const QString& id : pinned)
            complete &= offline.isCached(id);
        if (wanted != pinned || !complete) offline_->pinPlaylist(it.key(), ids, it.value());
    }
}

}  // namespace tonearm::ui
