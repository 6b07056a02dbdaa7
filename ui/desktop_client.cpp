#include "ui/desktop_client.h"

#include <QApplication>
#include <QSettings>

#include "ui/main_window.h"
#include "ui/mpris_service.h"
#include "ui/offline_cache.h"
#include "ui/player_controller.h"
#include "ui/playlist_panel.h"
#include "ui/playlist_sync.h"
#include "ui/server_session.h"

namespace tonearm::ui {

DesktopClient::DesktopClient(ClientOptions options, QObject* parent)
    : QObject(parent),
      options_(std::move(options)),
      session_(std::make_unique<ServerSession>()),
      player_(std::make_unique<PlayerController>()),
      mpris_(std::make_unique<MprisService>(player_.get())),
      offline_(std::make_unique<OfflineCache>(options_.cache_dir)),
      monitor_(std::make_unique<ConnectionMonitor>(options_.connection)),
      window_(std::make_unique<MainWindow>(session_.get(), player_.get(), offline_.get(),
                                           monitor_.get())) {
    offline_->setParallelDownloads(options_.pin_transfers);
    connectParts();
    connectOffline();
}

DesktopClient::~DesktopClient() = default;

void DesktopClient::connectParts() {
    connect(session_.get(), &ServerSession::loggedIn, player_.get(), [this] {
        player_->setServer(session_->serverUrl().toStdString(), session_->token());
        // Remembered for the login dialog of the next start; never the password.
        QSettings settings;
        settings.setValue(QStringLiteral("server/url"), session_->serverUrl());
        settings.setValue(QStringLiteral("server/user"), session_->user());
    });
    connect(player_.get(), &PlayerController::volumeChanged, this,
            [](double volume) { QSettings().setValue(QStringLiteral("player/volume"), volume); });
    connect(mpris_.get(), &MprisService::raiseRequested, window_.get(), [this] {
        window_->showNormal();
        window_->raise();
        window_->activateWindow();
    });
    connect(mpris_.get(), &MprisService::quitRequested, qApp, &QApplication::quit,
            Qt::QueuedConnection);
}

void DesktopClient::connectOffline() {
    connect(session_.get(), &ServerSession::loginStarted, monitor_.get(),
            [this] { monitor_->watch(session_->serverUrl()); });
    connect(session_.get(), &ServerSession::loggedIn, offline_.get(), [this] {
        offline_->setServer(session_->serverUrl().toStdString(), session_->token());
    });
    // A failed request may mean the server went away: ask it now.
    connect(session_.get(), &ServerSession::loginFailed, monitor_.get(),
            &ConnectionMonitor::checkNow);
    connect(session_.get(), &ServerSession::catalogFailed, monitor_.get(),
            &ConnectionMonitor::checkNow);
    connect(window_->playlistPanel()->playlistSync(), &PlaylistSync::syncFailed, monitor_.get(),
            &ConnectionMonitor::checkNow);
    connect(offline_.get(), &OfflineCache::pinFinished, monitor_.get(),
            [this](const QString&, int failed) {
                if (failed != 0) monitor_->checkNow();
            });
    // Started without the server: what the cache holds can still play.
    auto show_cached = [this] {
        if (monitor_->isReachable() || !session_->showCachedTracks(offline_->cachedTracks())) {
            return;
        }
        // No token yet: the player takes these tracks from the cache.
        if (player_->state() == PlayerController::State::kIdle)
            player_->setServer(session_->serverUrl().toStdString(), std::string());
    };
    // Whichever comes last: the failed login, the failed check, the status.
    connect(session_.get(), &ServerSession::loginFailed, this, show_cached);
    connect(offline_.get(), &OfflineCache::statusChanged, this, show_cached);
    connect(monitor_.get(), &ConnectionMonitor::reachabilityChanged, this,
            [this, show_cached](bool reachable) {
                offline_->setServerReachable(reachable);
                if (!reachable) {
                    show_cached();
                    return;
                }
                // Back: repeat what failed while it was away.
                const ServerSession::State state = session_->state();
                if (state == ServerSession::State::kFailed ||
                    (state == ServerSession::State::kLoggedIn && !session_->isCatalogComplete())) {
                    session_->retry();
                }
                window_->playlistPanel()->playlistSync()->syncNow();
            });
}

void DesktopClient::start() {
    QSettings settings;
    player_->setVolume(settings.value(QStringLiteral("player/volume"), 1.0).toDouble());
    if (options_.server_url.isEmpty() && options_.user.isEmpty()) {
        options_.server_url = settings.value(QStringLiteral("server/url")).toString();
        options_.user = settings.value(QStringLiteral("server/user")).toString();
    }
    window_->show();
    if (options_.mpris) mpris_->registerOnSessionBus();

    const bool has_credentials =
        !options_.server_url.isEmpty() && !options_.user.isEmpty() && !options_.password.isEmpty();
    if (has_credentials) {
        session_->logIn(options_.server_url, options_.user, options_.password);
        return;
    }
    window_->showLoginDialog(options_.server_url, options_.user);
}

}  // namespace tonearm::ui
