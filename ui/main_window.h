// MainWindow: the catalog table, the playlist sidebar, the error banner,
// the now-playing bar and the status bar, over a ServerSession and a
// PlayerController, and optionally an OfflineCache and a ConnectionMonitor,
// that it does not own (all must outlive the window). With the last two the
// status bar shows the cache's figures and an offline indicator, and the
// table greys the tracks that cannot play while the server is unreachable.
//
// GUI thread only. The window shows every failure of the session and the
// player in its banner (with Retry / Log In), never in a blocking dialog.
#pragma once

#include <QMainWindow>

class QLabel;
class QMenu;
class QSortFilterProxyModel;

namespace tonearm::ui {

class CatalogView;
class ConnectionMonitor;
class ErrorBanner;
class LibraryPane;
class LoginDialog;
class NowPlayingBar;
class OfflineCache;
class PlayerController;
class PlaylistPanel;
class ServerSession;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    MainWindow(ServerSession* session, PlayerController* player, OfflineCache* offline = nullptr,
               ConnectionMonitor* monitor = nullptr, QWidget* parent = nullptr);

    // Opens the login dialog prefilled with the values (or, when empty, with
    // the session's current ones); does not block.
    void showLoginDialog(const QString& server_url = {}, const QString& user = {});
    // Plays the track shown at row of the (sorted, filtered) view; the rows
    // on screen become the queue, so next and previous follow the view.
    void playViewRow(int row);

    CatalogView* catalogView() const;
    QSortFilterProxyModel* catalogProxy() const;
    ErrorBanner* errorBanner() const { return banner_; }
    NowPlayingBar* nowPlayingBar() const { return now_playing_; }
    PlaylistPanel* playlistPanel() const { return playlist_panel_; }
    // Null until showLoginDialog() was first called.
    LoginDialog* loginDialog() const { return login_dialog_; }

protected:
    // Saves the window geometry and the table's column layout.
    void closeEvent(QCloseEvent* event) override;

private:
    // What the banner's Retry button repeats.
    enum class Failure { kNone, kSession, kPlayback };

    QWidget* buildCentralArea();
    void buildMenus();
    void buildPlaybackSettingsMenus(QMenu* playback);
    void buildStatusBar();
    void restoreLayout();
    void connectSession();
    void connectPlayer();
    void connectOffline();

    void showFailure(Failure failure, const QString& message);
    void onRetry();
    void updateConnectionLabel();
    void updatePlaybackLabels();

    ServerSession* session_;
    PlayerController* player_;
    OfflineCache* offline_;
    ConnectionMonitor* monitor_;
    LibraryPane* library_ = nullptr;
    PlaylistPanel* playlist_panel_ = nullptr;
    ErrorBanner* banner_ = nullptr;
    NowPlayingBar* now_playing_ = nullptr;
    LoginDialog* login_dialog_ = nullptr;
    QLabel* connection_label_ = nullptr;
    QLabel* state_label_ = nullptr;
    QLabel* stream_label_ = nullptr;
    Failure failure_ = Failure::kNone;
};

}  // namespace tonearm::ui
