// PlaylistPanel: the playlist sidebar of the main window. Lists the
// listener's playlists with their entry counts, shows "N changes waiting to
// sync" while local edits have not reached the server, and the entries of
// the selected playlist. Opens the listener's replica (PlaylistSync) when the
// session logs in; "New Playlist…" records an edit and syncs.
// GUI thread only. session must outlive the panel.
#pragma once

#include <QWidget>

class QLabel;
class QListView;

namespace tonearm::ui {

class PlaylistEntryModel;
class PlaylistListModel;
class PlaylistSync;
class ServerSession;

class PlaylistPanel : public QWidget {
    Q_OBJECT

public:
    // data_dir holds the per-user profile folders; empty means
    // PlaylistSync::defaultDataDir().
    PlaylistPanel(ServerSession* session, QWidget* parent = nullptr, QString data_dir = {});

    PlaylistSync* playlistSync() const { return sync_; }
    PlaylistListModel* playlists() const { return playlists_; }
    PlaylistEntryModel* entries() const { return entries_; }
    QListView* playlistView() const { return playlist_view_; }
    QLabel* pendingLabel() const { return pending_label_; }

    // Asks for a name and creates a playlist (also the "+" button).
    void newPlaylist();

private:
    void onLoggedIn();
    void refresh();
    void showEntries();

    ServerSession* session_;
    QString data_dir_;
    PlaylistSync* sync_;
    PlaylistListModel* playlists_;
    PlaylistEntryModel* entries_;
    QListView* playlist_view_ = nullptr;
    QListView* entry_view_ = nullptr;
    QLabel* pending_label_ = nullptr;
    QString selected_;  // id of the selected playlist, kept across refreshes
};

}  // namespace tonearm::ui
