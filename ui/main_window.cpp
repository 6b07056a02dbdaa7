#include "ui/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/catalog_model.h"
#include "ui/connection_monitor.h"
#include "ui/error_banner.h"
#include "ui/library_pane.h"
#include "ui/login_dialog.h"
#include "ui/now_playing_bar.h"
#include "ui/offline_cache.h"
#include "ui/offline_status_labels.h"
#include "ui/player_controller.h"
#include "ui/playlist_panel.h"
#include "ui/server_session.h"

namespace tonearm::ui {
namespace {

QString StateText(PlayerController::State state) {
    switch (state) {
        case PlayerController::State::kIdle: return QObject::tr("Ready");
        case PlayerController::State::kBuffering: return QObject::tr("Buffering…");
        case PlayerController::State::kPlaying: return QObject::tr("Playing");
        case PlayerController::State::kPaused: return QObject::tr("Paused");
        case PlayerController::State::kStopped: return QObject::tr("Stopped");
        case PlayerController::State::kEnded: return QObject::tr("Finished");
        case PlayerController::State::kError: return QObject::tr("Playback failed");
    }
    return {};
}

}  // namespace

MainWindow::MainWindow(ServerSession* session, PlayerController* player, OfflineCache* offline,
                       ConnectionMonitor* monitor, QWidget* parent)
    : QMainWindow(parent),
      session_(session),
      player_(player),
      offline_(offline),
      monitor_(monitor) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Tonearm"));
    resize(1040, 660);

    setCentralWidget(buildCentralArea());
    buildMenus();
    buildStatusBar();
    connectSession();
    connectPlayer();
    connectOffline();
    restoreLayout();
    updateConnectionLabel();
    updatePlaybackLabels();
}

QWidget* MainWindow::buildCentralArea() {
    auto* area = new QWidget(this);
    auto* layout = new QVBoxLayout(area);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    banner_ = new ErrorBanner(area);
    connect(banner_, &ErrorBanner::retryRequested, this, &MainWindow::onRetry);
    connect(banner_, &ErrorBanner::logInRequested, this, [this] { showLoginDialog(); });

    library_ = new LibraryPane(session_, area);
    connect(library_, &LibraryPane::rowActivated, this, &MainWindow::playViewRow);

    auto* rule = new QFrame(area);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Plain);
    rule->setForegroundRole(QPalette::Mid);
    now_playing_ = new NowPlayingBar(player_, area);

    auto* split = new QSplitter(Qt::Horizontal, area);
    playlist_panel_ = new PlaylistPanel(session_, split, {}, offline_);
    split->addWidget(playlist_panel_);
    split->addWidget(library_);
    split->setStretchFactor(1, 1);

    layout->addWidget(banner_);
    layout->addWidget(split, 1);
    layout->addWidget(rule);
    layout->addWidget(now_playing_);
    return area;
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Log In…"), this, [this] { showLoginDialog(); });
    QAction* reload =
        file->addAction(tr("&Reload Catalog"), session_, &ServerSession::reloadCatalog);
    reload->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* playback = menuBar()->addMenu(tr("&Playback"));
    QAction* toggle =
        playback->addAction(tr("&Play / Pause"), player_, &PlayerController::togglePlayPause);
    toggle->setShortcut(Qt::CTRL | Qt::Key_Space);
    QAction* stop = playback->addAction(tr("&Stop"), player_, &PlayerController::stop);
    stop->setShortcut(Qt::CTRL | Qt::Key_Period);
    playback->addSeparator();
    QAction* next = playback->addAction(tr("&Next Track"), player_, &PlayerController::next);
    next->setShortcut(Qt::CTRL | Qt::Key_Right);
    QAction* previous =
        playback->addAction(tr("P&revious Track"), player_, &PlayerController::previous);
    previous->setShortcut(Qt::CTRL | Qt::Key_Left);
    playback->addSeparator();
    buildPlaybackSettingsMenus(playback);

    auto* find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, library_, &LibraryPane::focusFilter);
    addAction(find);
}

// Crossfade length and loudness target: exclusive choices, kept in the
// settings and applied to the player (from the next track on).
void MainWindow::buildPlaybackSettingsMenus(QMenu* playback) {
    QSettings settings;
    player_->setCrossfadeSeconds(
        settings.value(QStringLiteral("player/crossfade"), 0.0).toDouble());
    player_->setNormalisation(
        settings.value(QStringLiteral("player/normalise"), true).toBool(),
        settings.value(QStringLiteral("player/target_lufs"), -14.0).toDouble());

    QMenu* crossfade = playback->addMenu(tr("&Crossfade"));
    crossfade->setObjectName(QStringLiteral("crossfadeMenu"));
    auto* fades = new QActionGroup(crossfade);
    for (int seconds : {0, 2, 5, 8, 12}) {
        QAction* action =
            crossfade->addAction(seconds == 0 ? tr("Off (gapless)") : tr("%1 s").arg(seconds));
        action->setCheckable(true);
        action->setChecked(qRound(player_->crossfadeSeconds()) == seconds);
        fades->addAction(action);
        connect(action, &QAction::triggered, this, [this, seconds] {
            player_->setCrossfadeSeconds(seconds);
            QSettings().setValue(QStringLiteral("player/crossfade"), seconds);
        });
    }

    QMenu* loudness = playback->addMenu(tr("&Loudness"));
    loudness->setObjectName(QStringLiteral("loudnessMenu"));
    auto* levels = new QActionGroup(loudness);
    const std::vector<std::pair<QString, double>> choices = {{tr("Off"), 0.0},
                                                             {tr("Loud (-11 LUFS)"), -11.0},
                                                             {tr("Normal (-14 LUFS)"), -14.0},
                                                             {tr("Quiet (-19 LUFS)"), -19.0}};
    for (const auto& [label, target] : choices) {
        QAction* action = loudness->addAction(label);
        action->setCheckable(true);
        const bool off = target == 0.0;
        action->setChecked(off ? !player_->normalising()
                               : player_->normalising() && player_->targetLufs() == target);
        levels->addAction(action);
        connect(action, &QAction::triggered, this, [this, off, target = target] {
            player_->setNormalisation(!off, off ? -14.0 : target);
            QSettings stored;
            stored.setValue(QStringLiteral("player/normalise"), !off);
            if (!off) stored.setValue(QStringLiteral("player/target_lufs"), target);
        });
    }
}

void MainWindow::buildStatusBar() {
    connection_label_ = new QLabel(this);
    connection_label_->setObjectName(QStringLiteral("connectionLabel"));
    state_label_ = new QLabel(this);
    state_label_->setObjectName(QStringLiteral("stateLabel"));
    stream_label_ = new QLabel(this);
    stream_label_->setObjectName(QStringLiteral("streamLabel"));
    if (monitor_ != nullptr) statusBar()->addWidget(new OfflineIndicator(monitor_, this));
    statusBar()->addWidget(connection_label_, 1);
    if (offline_ != nullptr) statusBar()->addPermanentWidget(new CacheStatusLabel(offline_, this));
    statusBar()->addPermanentWidget(state_label_);
    statusBar()->addPermanentWidget(stream_label_);
}

void MainWindow::connectOffline() {
    if (offline_ != nullptr) {
        connect(offline_, &OfflineCache::availabilityChanged, this,
                [this] { session_->catalog()->setOfflineAvailability(offline_->availability()); });
        session_->catalog()->setOfflineAvailability(offline_->availability());
    }
    if (monitor_ != nullptr) {
        connect(monitor_, &ConnectionMonitor::reachabilityChanged, this,
                &MainWindow::updateConnectionLabel);
    }
}

CatalogView* MainWindow::catalogView() const { return library_->view(); }

QSortFilterProxyModel* MainWindow::catalogProxy() const { return library_->proxy(); }

void MainWindow::restoreLayout() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    library_->restoreHeaderState(
        settings.value(QStringLiteral("window/catalog_header")).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/catalog_header"), library_->saveHeaderState());
    QMainWindow::closeEvent(event);
}

void MainWindow::connectSession() {
    connect(session_, &ServerSession::loginStarted, this, [this] {
        banner_->clear();
        failure_ = Failure::kNone;
        updateConnectionLabel();
    });
    connect(session_, &ServerSession::loggedIn, this, [this] {
        if (login_dialog_ != nullptr) login_dialog_->accept();
        updateConnectionLabel();
    });
    connect(session_, &ServerSession::loginFailed, this, [this](const QString& message) {
        if (login_dialog_ != nullptr && login_dialog_->isVisible()) {
            login_dialog_->showError(message);
        }
        showFailure(Failure::kSession, message);
        updateConnectionLabel();
    });
    connect(session_, &ServerSession::catalogComplete, this, [this] {
        if (failure_ == Failure::kSession) banner_->clear();
    });
    connect(session_, &ServerSession::catalogFailed, this, [this](const QString& message) {
        showFailure(Failure::kSession, tr("Could not load the catalog. %1").arg(message));
    });
}

void MainWindow::connectPlayer() {
    connect(player_, &PlayerController::stateChanged, this, &MainWindow::updatePlaybackLabels);
    connect(player_, &PlayerController::streamInfoChanged, this, &MainWindow::updatePlaybackLabels);
    connect(player_, &PlayerController::throughputChanged, this, &MainWindow::updatePlaybackLabels);
    connect(player_, &PlayerController::trackChanged, this, [this] {
        if (failure_ == Failure::kPlayback) banner_->clear();
        updatePlaybackLabels();
    });
    connect(player_, &PlayerController::playRequestedWithoutTrack, this,
            [this] { playViewRow(qMax(0, library_->currentRow())); });
    connect(player_, &PlayerController::errorOccurred, this,
            [this](const QString& message) { showFailure(Failure::kPlayback, message); });
}

void MainWindow::showLoginDialog(const QString& server_url, const QString& user) {
    if (login_dialog_ == nullptr) {
        login_dialog_ = new LoginDialog(this);
        connect(login_dialog_, &LoginDialog::submitted, session_, &ServerSession::logIn);
    }
    login_dialog_->setValues(server_url.isEmpty() ? session_->serverUrl() : server_url,
                             user.isEmpty() ? session_->user() : user);
    login_dialog_->open();
}

void MainWindow::playViewRow(int row) {
    std::vector<Track> queue = library_->visibleTracks();
    if (row < 0 || row >= static_cast<int>(queue.size())) return;
    player_->playQueue(std::move(queue), row);
}

void MainWindow::showFailure(Failure failure, const QString& message) {
    failure_ = failure;
    ErrorBanner::Actions actions = ErrorBanner::kRetry;
    if (failure == Failure::kSession) actions |= ErrorBanner::kLogIn;
    banner_->showError(message, actions);
}

void MainWindow::onRetry() {
    banner_->clear();
    if (failure_ == Failure::kSession) session_->retry();
    if (failure_ == Failure::kPlayback) player_->play();
    failure_ = Failure::kNone;
}

void MainWindow::updateConnectionLabel() {
    const QString host = QUrl(session_->serverUrl()).authority();
    switch (session_->state()) {
        case ServerSession::State::kDisconnected:
            connection_label_->setText(tr("Not connected"));
            break;
        case ServerSession::State::kLoggingIn:
            connection_label_->setText(tr("Connecting to %1…").arg(host));
            break;
        case ServerSession::State::kLoggedIn:
            if (monitor_ != nullptr && !monitor_->isReachable()) {
                connection_label_->setText(tr("%1 does not answer").arg(host));
                break;
            }
            connection_label_->setText(
                tr("%1 on %2 (%3)")
                    .arg(session_->user(), host, QString::fromLatin1(TierName(session_->tier()))));
            break;
        case ServerSession::State::kFailed:
            connection_label_->setText(tr("Not connected to %1").arg(host));
            break;
    }
}

void MainWindow::updatePlaybackLabels() {
    state_label_->setText(StateText(player_->state()));
    // A track that failed to start is not marked as playing in the table.
    const bool marked = player_->hasTrack() && player_->state() != PlayerController::State::kError;
    session_->catalog()->setPlayingTrackId(
        marked ? QString::fromStdString(player_->currentTrack().id) : QString());
    if (player_->kbps() <= 0 || player_->state() == PlayerController::State::kError) {
        stream_label_->clear();
        return;
    }
    QString text =
        tr("%1 kbps · buffer %2 s").arg(player_->kbps()).arg(player_->bufferSeconds(), 0, 'f', 1);
    if (player_->estimateKbps() > 0) {
        text += tr(" · network %1 kbps").arg(qRound(player_->estimateKbps()));
    }
    stream_label_->setText(text);
}

}  // namespace tonearm::ui
