#include "ui/playlist_sync.h"

#include <QDir>
#include <QStandardPaths>

#include "sync/sync_client.h"

namespace tonearm::ui {

PlaylistSync::PlaylistSync(QObject* parent) : QObject(parent) {
    worker_ = new QObject;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

PlaylistSync::~PlaylistSync() {
    cancel_ = true;
    thread_.quit();
    thread_.wait();
}

QString PlaylistSync::defaultDataDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

bool PlaylistSync::open(const QString& data_dir, const QString& server_url, const QString& user,
                        const std::string& token) {
    const QString folder = data_dir + "/profiles/" + user;
    if (!QDir().mkpath(folder)) {
        emit syncFailed(tr("Cannot create %1").arg(folder));
        return false;
    }
    Result<std::unique_ptr<sync::Replica>> replica =
        sync::Replica::Open({(folder + "/replica.db").toStdString(), user.toStdString()});
    if (!replica.ok()) {
        emit syncFailed(QString::fromStdString(replica.error().message));
        return false;
    }
    // A sync still running holds the old replica: let it finish first.
    cancel_ = true;
    QMetaObject::invokeMethod(
        worker_, [] {}, Qt::BlockingQueuedConnection);
    cancel_ = false;
    replica_ = std::move(*replica);
    synced_ = false;
    user_ = user;
    options_.base_url = server_url.toStdString();
    options_.token = token;
    emit changed();
    syncNow();
    return true;
}

sync::SyncState PlaylistSync::snapshot() const {
    return replica_ ? replica_->Snapshot() : sync::SyncState();
}

size_t PlaylistSync::pendingCount() const { return replica_ ? replica_->PendingCount() : 0; }

bool PlaylistSync::createPlaylist(const QString& name) {
    if (!replica_) return false;
    Result<sync::Op> op = replica_->CreatePlaylist(name.toStdString());
    if (!op.ok()) {
        emit syncFailed(QString::fromStdString(op.error().message));
        return false;
    }
    emit changed();
    syncNow();
    return true;
}

void PlaylistSync::syncNow() {
    if (!replica_) return;
    if (syncing_) {
        again_ = true;
        return;
    }
    syncing_ = true;
    sync::Replica* replica = replica_.get();
    const sync::SyncOptions options = options_;
    QMetaObject::invokeMethod(worker_, [this, replica, options] {
        sync::SyncClient client(replica, options);
        client.SetCancelFlag(&cancel_);
        Result<sync::SyncReport> report = client.Sync();
        const QString error =
            report.ok() ? QString() : QString::fromStdString(report.error().message);
        QMetaObject::invokeMethod(
            this, [this, error] { onSyncDone(error); }, Qt::QueuedConnection);
    });
}

void PlaylistSync::onSyncDone(const QString& error) {
    syncing_ = false;
    synced_ |= error.isEmpty();
    if (!error.isEmpty()) emit syncFailed(error);
    emit changed();
    if (again_) {
        again_ = false;
        syncNow();
    }
}

}  // namespace tonearm::ui
