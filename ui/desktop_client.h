// DesktopClient: assembles the desktop application from its parts (server
// session, player, offline cache, connection monitor, main window, MPRIS)
// and wires them to each other. When the connection monitor finds the
// server answering again after it did not, the client reconnects by
// itself: a failed login or catalog page is retried and the playlists sync.
//
// GUI thread only. Owns every part; destroys the window first and the
// engine-facing parts last, so no widget outlives what it shows.
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "player/offline_pinning.h"
#include "ui/connection_monitor.h"

namespace tonearm::ui {

class MainWindow;
class MprisService;
class OfflineCache;
class PlayerController;
class ServerSession;

struct ClientOptions {
    QString server_url;  // may be empty: the login dialog asks for it
    QString user;        // with password: log in at start without asking
    QString password;
    bool mpris = true;  // register on the session bus
    // The offline cache; empty: player::DefaultCacheDir(), where the player
    // looks for cached tracks too.
    QString cache_dir;
    int pin_transfers = player::kDefaultPinTransfers;  // concurrent downloads of a pin
    ConnectionTiming connection;                       // health checks of the server
};

class DesktopClient : public QObject {
    Q_OBJECT

public:
    explicit DesktopClient(ClientOptions options, QObject* parent = nullptr);
    ~DesktopClient() override;

    // Shows the main window, registers MPRIS, then logs in with the options'
    // credentials or, lacking them, opens the login dialog. Call once.
    void start();

    MainWindow* window() const { return window_.get(); }
    ServerSession* session() const { return session_.get(); }
    PlayerController* player() const { return player_.get(); }
    MprisService* mpris() const { return mpris_.get(); }
    OfflineCache* offline() const { return offline_.get(); }
    ConnectionMonitor* connectionMonitor() const { return monitor_.get(); }

private:
    void connectParts();
    void connectOffline();

    ClientOptions options_;
    // Declaration order is destruction order reversed: keep the window last.
    std::unique_ptr<ServerSession> session_;
    std::unique_ptr<PlayerController> player_;
    std::unique_ptr<MprisService> mpris_;
    std::unique_ptr<OfflineCache> offline_;
    std::unique_ptr<ConnectionMonitor> monitor_;
    std::unique_ptr<MainWindow> window_;
};

}  // namespace tonearm::ui
