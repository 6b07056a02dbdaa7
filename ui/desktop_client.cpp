#include "ui/desktop_client.h"

#include <QApplication>
#include <QSettings>

#include "ui/main_window.h"
#include "ui/mpris_service.h"
#include "ui/player_controller.h"
#include "ui/server_session.h"

namespace tonearm::ui {

DesktopClient::DesktopClient(ClientOptions options, QObject* parent)
    : QObject(parent),
      options_(std::move(options)),
      session_(std::make_unique<ServerSession>()),
      player_(std::make_unique<PlayerController>()),
      mpris_(std::make_unique<MprisService>(player_.get())),
      window_(std::make_unique<MainWindow>(session_.get(), player_.get())) {
    connectParts();
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
