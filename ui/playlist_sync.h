// PlaylistSync: the signed-in listener's playlist replica for the GUI and
// the sync that keeps it current.
//
// The replica is a SQLite file in a per-user profile folder under the data
// folder (<data>/profiles/<user>/replica.db). Syncs run on a worker thread
// owned by this object, once when the replica opens and after every edit;
// an edit made while a sync runs is picked up by one more sync after it.
// All public methods and signals belong to the GUI thread.
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <memory>
#include <string>

#include "sync/model/sync_state.h"
#include "sync/replica.h"
#include "sync/sync_client.h"

namespace tonearm::ui {

class PlaylistSync : public QObject {
    Q_OBJECT

public:
    explicit PlaylistSync(QObject* parent = nullptr);
    // Cancels a sync in progress and joins the worker thread.
    ~PlaylistSync() override;

    // Opens (creating if needed) user's replica under data_dir and starts a
    // sync against server_url with token. Replaces a replica opened before.
    // Returns false, and emits syncFailed(), if the file cannot be opened.
    bool open(const QString& data_dir, const QString& server_url, const QString& user,
              const std::string& token);
    bool isOpen() const { return replica_ != nullptr; }

    // A copy of the merged state; empty until open() succeeded.
    sync::SyncState snapshot() const;
    // Local edits the server has not acknowledged yet.
    size_t pendingCount() const;
    QString user() const { return user_; }
    bool isSyncing() const { return syncing_; }
    // A sync since open() went through: the replica holds the server's view.
    bool hasSynced() const { return synced_; }

    // Records a new playlist and syncs; false (and syncFailed()) on error.
    bool createPlaylist(const QString& name);
    // Starts a sync now, or right after the one in progress.
    void syncNow();

    // The default data folder (QStandardPaths::AppDataLocation).
    static QString defaultDataDir();

signals:
    // After open(), each edit and each finished sync: re-read snapshot().
    void changed();
    void syncFailed(const QString& message);

private:
    void onSyncDone(const QString& error);

    std::unique_ptr<sync::Replica> replica_;  // thread-safe; used by both threads
    sync::SyncOptions options_;               // GUI thread; copied into each sync
    QString user_;
    QThread thread_;
    QObject* worker_ = nullptr;  // lives on thread_, runs the syncs
    std::atomic<bool> cancel_{false};
    bool syncing_ = false;
    bool synced_ = false;
    bool again_ = false;
};

}  // namespace tonearm::ui
