#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/catalog_model.h"
#include "ui/catalog_view.h"
#include "ui/error_banner.h"
#include "ui/login_dialog.h"
#include "ui/now_playing_bar.h"
#include "ui/player_controller.h"
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

MainWindow::MainWindow(ServerSession* session, PlayerController* player, QWidget* parent)
    : QMainWindow(parent), session_(session), player_(player) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Tonearm"));
    resize(1040, 660);

    setCentralWidget(buildCentralArea());
    buildMenus();
    buildStatusBar();
    connectSession();
    connectPlayer();
    updateConnectionLabel();
    updatePlaybackLabels();
    updateCatalogHints();
}

QWidget* MainWindow::buildCentralArea() {
    auto* area = new QWidget(this);
    auto* layout = new QVBoxLayout(area);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    banner_ = new ErrorBanner(area);
    connect(banner_, &ErrorBanner::retryRequested, this, &MainWindow::onRetry);
    connect(banner_, &ErrorBanner::logInRequested, this, [this] { showLoginDialog(); });

    auto* heading_row = new QHBoxLayout;
    heading_row->setContentsMargins(16, 12, 16, 8);
    auto* heading = new QLabel(tr("Library"), area);
    QFont heading_font = heading->font();
    heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4);
    heading_font.setBold(true);
    heading->setFont(heading_font);
    filter_edit_ = new QLineEdit(area);
    filter_edit_->setObjectName(QStringLiteral("filterEdit"));
    filter_edit_->setPlaceholderText(tr("Filter by title, artist or album"));
    filter_edit_->setClearButtonEnabled(true);
    filter_edit_->setMinimumWidth(280);
    count_label_ = new QLabel(area);
    count_label_->setForegroundRole(QPalette::PlaceholderText);
    heading_row->addWidget(heading);
    heading_row->addSpacing(8);
    heading_row->addWidget(count_label_, 0, Qt::AlignBottom);
    heading_row->addStretch();
    heading_row->addWidget(filter_edit_);

    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(session_->catalog());
    proxy_->setSortRole(CatalogModel::kSortRole);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setFilterKeyColumn(-1);
    connect(filter_edit_, &QLineEdit::textChanged, this, [this](const QString& text) {
        proxy_->setFilterFixedString(text);
        updateCatalogHints();
    });

    catalog_view_ = new CatalogView(area);
    catalog_view_->setModel(proxy_);
    catalog_view_->setSortingEnabled(true);
    catalog_view_->sortByColumn(-1, Qt::AscendingOrder);  // server order until a click
    QHeaderView* header = catalog_view_->horizontalHeader();
    header->setSectionResizeMode(CatalogModel::kTitle, QHeaderView::Stretch);
    header->resizeSection(CatalogModel::kArtist, 240);
    header->resizeSection(CatalogModel::kAlbum, 220);
    header->setSectionResizeMode(CatalogModel::kLength, QHeaderView::ResizeToContents);
    connect(catalog_view_, &QTableView::activated, this,
            [this](const QModelIndex& index) { playViewRow(index.row()); });

    now_playing_ = new NowPlayingBar(player_, area);

    layout->addWidget(banner_);
    layout->addLayout(heading_row);
    layout->addWidget(catalog_view_, 1);
    auto* rule = new QFrame(area);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Plain);
    rule->setForegroundRole(QPalette::Mid);
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

    auto* find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, filter_edit_, [this] { filter_edit_->setFocus(); });
    addAction(find);
}

void MainWindow::buildStatusBar() {
    connection_label_ = new QLabel(this);
    connection_label_->setObjectName(QStringLiteral("connectionLabel"));
    state_label_ = new QLabel(this);
    state_label_->setObjectName(QStringLiteral("stateLabel"));
    stream_label_ = new QLabel(this);
    stream_label_->setObjectName(QStringLiteral("streamLabel"));
    statusBar()->addWidget(connection_label_, 1);
    statusBar()->addPermanentWidget(state_label_);
    statusBar()->addPermanentWidget(stream_label_);
}

void MainWindow::connectSession() {
    connect(session_, &ServerSession::loginStarted, this, [this] {
        banner_->clear();
        failure_ = Failure::kNone;
        updateConnectionLabel();
        updateCatalogHints();
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
        updateCatalogHints();
    });
    connect(session_, &ServerSession::catalogProgress, this, [this](qint64 loaded, qint64 total) {
        statusBar()->showMessage(tr("Loading catalog… %1 of %2 tracks").arg(loaded).arg(total));
        updateCatalogHints();
    });
    connect(session_, &ServerSession::catalogComplete, this, [this](qint64 total) {
        statusBar()->showMessage(tr("%n track(s) in the catalog", nullptr, int(total)), 5000);
        if (failure_ == Failure::kSession) banner_->clear();
        updateCatalogHints();
    });
    connect(session_, &ServerSession::catalogFailed, this, [this](const QString& message) {
        showFailure(Failure::kSession, tr("Could not load the catalog. %1").arg(message));
        updateCatalogHints();
    });
}

void MainWindow::connectPlayer() {
    connect(player_, &PlayerController::stateChanged, this, &MainWindow::updatePlaybackLabels);
    connect(player_, &PlayerController::streamInfoChanged, this, &MainWindow::updatePlaybackLabels);
    connect(player_, &PlayerController::trackChanged, this, [this] {
        if (failure_ == Failure::kPlayback) banner_->clear();
        updatePlaybackLabels();
    });
    connect(player_, &PlayerController::playRequestedWithoutTrack, this, [this] {
        const QModelIndex current = catalog_view_->currentIndex();
        playViewRow(current.isValid() ? current.row() : 0);
    });
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
    if (row < 0 || row >= proxy_->rowCount()) return;
    std::vector<Track> queue;
    queue.reserve(static_cast<size_t>(proxy_->rowCount()));
    for (int r = 0; r < proxy_->rowCount(); ++r) {
        const QModelIndex source = proxy_->mapToSource(proxy_->index(r, 0));
        queue.push_back(session_->catalog()->trackAt(source.row()));
    }
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
            connection_label_->setText(
                tr("%1 on %2 (%3)")
                    .arg(session_->user(), host, QString::fromLatin1(TierName(session_->tier()))));
            break;
        case ServerSession::State::kFailed:
            connection_label_->setText(tr("Not connected to %1").arg(host));
            break;
    }
}

void MainWindow::updateCatalogHints() {
    const int total = session_->catalog()->rowCount();
    count_label_->setText(total > 0 ? tr("%n track(s)", nullptr, total) : QString());

    QString hint;
    if (total > 0) {
        if (proxy_->rowCount() == 0) hint = tr("No tracks match “%1”.").arg(filter_edit_->text());
    } else {
        switch (session_->state()) {
            case ServerSession::State::kDisconnected:
            case ServerSession::State::kFailed:
                hint = tr("Not connected. Log in to a Tonearm server to see its catalog.");
                break;
            case ServerSession::State::kLoggingIn: hint = tr("Connecting…"); break;
            case ServerSession::State::kLoggedIn:
                hint = session_->isCatalogComplete()
                           ? tr("The server has no tracks yet.\nAdd some with "
                                "“tonearm-server ingest”.")
                           : tr("Loading the catalog…");
                break;
        }
    }
    catalog_view_->setPlaceholderText(hint);
}

void MainWindow::updatePlaybackLabels() {
    state_label_->setText(StateText(player_->state()));
    session_->catalog()->setPlayingTrackId(
        player_->hasTrack() ? QString::fromStdString(player_->currentTrack().id) : QString());
    if (player_->kbps() <= 0) {
        stream_label_->clear();
        return;
    }
    stream_label_->setText(
        tr("%1 kbps · buffer %2 s").arg(player_->kbps()).arg(player_->bufferSeconds(), 0, 'f', 1));
}

}  // namespace tonearm::ui
