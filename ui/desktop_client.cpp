#include "ui/desktop_client.h"

#include <QApplication>

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
    connect(session_.get(), &ServerSession::loggedIn, player_.get(),
            [this] { player_->setServer(session_->serverUrl().toStdString(), session_->token()); });
    connect(mpris_.get(), &MprisService::raiseRequested, window_.get(), [this] {
        window_->showNormal();
        window_->raise();
        window_->activateWindow();
    });
    connect(mpris_.get(), &MprisService::quitRequested, qApp, &QApplication::quit,
            Qt::QueuedConnection);
}

void DesktopClient::start() {
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
