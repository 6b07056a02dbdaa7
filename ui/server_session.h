// ServerSession: the desktop client's connection to tonearm-server.
//
// ApiClient calls block, so every one of them runs on the session's own
// worker thread; results come back to the GUI thread as signals and land in
// the catalog model it owns. After a successful login the whole catalog is
// fetched page by page (one request in flight at a time), so the table fills
// incrementally while the window stays responsive.
//
// All public methods and all signals live on the GUI thread (the thread that
// created the object). A newer logIn() or reloadCatalog() supersedes older
// requests: answers that arrive for them later are dropped.
#pragma once

#include <QObject>
#include <QString>
#include <QThread>

#include "core/result.h"
#include "core/wire.h"

namespace tonearm::ui {

class CatalogModel;

class ServerSession : public QObject {
    Q_OBJECT

public:
    enum class State { kDisconnected, kLoggingIn, kLoggedIn, kFailed };

    // Tracks requested per GET /v1/tracks call.
    static constexpr int kPageSize = 100;

    explicit ServerSession(QObject* parent = nullptr);
    // Stops the worker thread; waits for a call in flight, which the HTTP
    // client's own timeouts bound.
    ~ServerSession() override;

    // Logs in to server_url (a missing "http://" is added) and then loads the
    // catalog. Failures arrive as loginFailed() / catalogFailed().
    void logIn(const QString& server_url, const QString& user, const QString& password);
    // After a failed login: logs in again with the same values. After a failed
    // catalog page: continues loading from the first missing page.
    void retry();
    // Drops the loaded catalog and fetches it again; only when logged in.
    void reloadCatalog();
    // While not logged in and the catalog is empty: shows tracks (the
    // offline cache's) as the catalog, so they can play until the server
    // answers; the next login replaces them. Returns whether it did.
    bool showCachedTracks(const std::vector<Track>& tracks);
    // The catalog holds the cached tracks of showCachedTracks().
    bool isShowingCachedTracks() const { return showing_cached_; }

    State state() const { return state_; }
    bool isCatalogComplete() const { return catalog_complete_; }
    QString serverUrl() const { return server_url_; }
    QString user() const { return user_; }
    Tier tier() const { return tier_; }
    // Bearer token of the current login; empty until loggedIn().
    const std::string& token() const { return token_; }
    // Owned by the session; never null.
    CatalogModel* catalog() const { return catalog_; }

signals:
    void loginStarted();
    void loggedIn();
    void loginFailed(const QString& message);
    // The catalog holds loaded of total tracks.
    void catalogProgress(qint64 loaded, qint64 total);
    void catalogComplete(qint64 total);
    void catalogFailed(const QString& message);

private:
    class Worker;

    // Runs work(worker) on the worker thread, then done(result) on the GUI
    // thread unless a newer request has started in between.
    template <typename Work, typename Done>
    void runOnWorker(Work work, Done done);

    void onLoginAnswer(const Result<LoginResult>& answer);
    void loadNextPage();
    void onCatalogPage(const Result<CatalogPage>& answer);
    QString describeError(const Error& error) const;

    QThread thread_;
    Worker* worker_ = nullptr;  // lives on thread_, deleted there when it ends
    CatalogModel* catalog_ = nullptr;
    quint64 generation_ = 0;  // bumped by every request that supersedes others
    State state_ = State::kDisconnected;
    bool catalog_complete_ = false;
    bool catalog_failed_ = false;
    bool showing_cached_ = false;
    QString server_url_;
    QString user_;
    QString password_;  // kept in memory only, for retry()
    Tier tier_ = Tier::kFree;
    std::string token_;
};

}  // namespace tonearm::ui
