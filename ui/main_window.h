// MainWindow: the catalog table, the error banner, the now-playing bar and
// the status bar, over a ServerSession and a PlayerController it does not
// own (both must outlive the window).
//
// GUI thread only. The window shows every failure of the session and the
// player in its banner (with Retry / Log In), never in a blocking dialog.
#pragma once

#include <QMainWindow>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;

namespace tonearm::ui {

class CatalogView;
class ErrorBanner;
class LoginDialog;
class NowPlayingBar;
class PlayerController;
class ServerSession;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    MainWindow(ServerSession* session, PlayerController* player, QWidget* parent = nullptr);

    // Opens the login dialog prefilled with the values (or, when empty, with
    // the session's current ones); does not block.
    void showLoginDialog(const QString& server_url = {}, const QString& user = {});
    // Plays the track shown at row of the (sorted, filtered) view, queueing
    // the rows below it in the order on screen.
    void playViewRow(int row);

    CatalogView* catalogView() const { return catalog_view_; }
    QSortFilterProxyModel* catalogProxy() const { return proxy_; }
    ErrorBanner* errorBanner() const { return banner_; }
    NowPlayingBar* nowPlayingBar() const { return now_playing_; }
    // Null until showLoginDialog() was first called.
    LoginDialog* loginDialog() const { return login_dialog_; }

private:
    // What the banner's Retry button repeats.
    enum class Failure { kNone, kSession, kPlayback };

    QWidget* buildCentralArea();
    void buildMenus();
    void buildStatusBar();
    void connectSession();
    void connectPlayer();

    void showFailure(Failure failure, const QString& message);
    void onRetry();
    void updateConnectionLabel();
    void updatePlaybackLabels();
    void updateCatalogHints();

    ServerSession* session_;
    PlayerController* player_;
    QSortFilterProxyModel* proxy_ = nullptr;
    CatalogView* catalog_view_ = nullptr;
    QLabel* count_label_ = nullptr;
    QLineEdit* filter_edit_ = nullptr;
    ErrorBanner* banner_ = nullptr;
    NowPlayingBar* now_playing_ = nullptr;
    LoginDialog* login_dialog_ = nullptr;
    QLabel* connection_label_ = nullptr;
    QLabel* state_label_ = nullptr;
    QLabel* stream_label_ = nullptr;
    Failure failure_ = Failure::kNone;
};

}  // namespace tonearm::ui
