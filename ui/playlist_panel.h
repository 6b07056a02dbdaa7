// PlaylistPanel: the playlist sidebar of the main window. Lists the
// listener's playlists with their entry counts, shows "N changes waiting to
// sync" while local edits have not reached the server, and the entries of
// the selected playlist. Opens the listener's replica (PlaylistSync) when the
// session logs in; "New Playlist…" records an edit and syncs.
//
// With an OfflineCache it also pins playlists: the button under the list
// and the list's context menu (with a choice of quality) make the selected
// playlist available offline or remove its offline copy, a progress bar
// shows the download, and the models mark pinned playlists, cached entries
// and, while the server is unreachable, entries that cannot play. After a
// sync changed a pinned playlist, it is pinned again (removed tracks are
// unpinned, added ones downloaded); a playlist the replica lacks is left
// alone, and nothing is pinned again before the first sync went through.
//
// GUI thread only. session (and offline, when given) must outlive the panel.
#pragma once

#include <QWidget>
#include <vector>

class QLabel;
class QLayout;
class QListView;
class QMenu;
class QProgressBar;
class QPushButton;

namespace tonearm::ui {

class OfflineCache;
class PlaylistEntryModel;
class PlaylistListModel;
class PlaylistSync;
class ServerSession;

class PlaylistPanel : public QWidget {
    Q_OBJECT

public:
    // data_dir holds the per-user profile folders; empty means
    // PlaylistSync::defaultDataDir(). offline may be null (no pinning).
    PlaylistPanel(ServerSession* session, QWidget* parent = nullptr, QString data_dir = {},
                  OfflineCache* offline = nullptr);

    PlaylistSync* playlistSync() const { return sync_; }
    PlaylistListModel* playlists() const { return playlists_; }
    PlaylistEntryModel* entries() const { return entries_; }
    QListView* playlistView() const { return playlist_view_; }
    QLabel* pendingLabel() const { return pending_label_; }
    QPushButton* pinButton() const { return pin_button_; }
    QProgressBar* pinProgressBar() const { return pin_progress_; }
    QLabel* pinLabel() const { return pin_label_; }
    // The id of the selected playlist, or "".
    QString selectedPlaylist() const { return selected_; }

    // Asks for a name and creates a playlist (also the "+" button).
    void newPlaylist();
    // Pins playlist_id at kbps (0: the best the tier allows); no-op without
    // an OfflineCache or an open replica.
    void pinPlaylist(const QString& playlist_id, int kbps);
    void unpinPlaylist(const QString& playlist_id);
    // The context menu of the playlist at row (caller owns it).
    QMenu* makeContextMenu(const QString& playlist_id);

private:
    QLayout* buildOfflineControls();
    void onLoggedIn();
    void refresh();
    void showEntries();
    void showOfflineState();
    void repinChangedPlaylists();
    std::vector<std::string> trackIdsOf(const QString& playlist_id) const;

    ServerSession* session_;
    QString data_dir_;
    OfflineCache* offline_;
    PlaylistSync* sync_;
    PlaylistListModel* playlists_;
    PlaylistEntryModel* entries_;
    QListView* playlist_view_ = nullptr;
    QListView* entry_view_ = nullptr;
    QLabel* pending_label_ = nullptr;
    QPushButton* pin_button_ = nullptr;
    QProgressBar* pin_progress_ = nullptr;
    QLabel* pin_label_ = nullptr;
    QString selected_;        // id of the selected playlist, kept across refreshes
    QString error_playlist_;  // the playlist whose last pin failed, shown with error_text_
    QString error_text_;
};

}  // namespace tonearm::ui
