#include "ui/offline_cache.h"

#include "ui/offline_cache_shared.h"

#include "core/log.h"
#include "player/offline_pinning.h"

namespace tonearm::ui {
namespace {

constexpr char kLogCategory[] = "ui";
constexpr int kNoticeIntervalMs = 100;
constexpr int kRefreshIntervalMs = 10000;

}  // namespace

struct OfflineCache::PinTask {
    QString playlist_id;
    bool unpin = false;
    player::PinRequest request;
    std::shared_ptr<std::atomic<bool>> cancel;
};

OfflineCache::OfflineCache(QString dir, QObject* parent)
    : QObject(parent),
      dir_(dir.isEmpty() ? FromStd(player::DefaultCacheDir()) : std::move(dir)),
      shared_(std::make_shared<Shared>()) {
    shared_->dir = dir_.toStdString();
    pin_thread_.setObjectName(QStringLiteral("tonearm-pin"));
    query_thread_.setObjectName(QStringLiteral("tonearm-cache"));
    pin_worker_ = new QObject;
    query_worker_ = new QObject;
    pin_worker_->moveToThread(&pin_thread_);
    query_worker_->moveToThread(&query_thread_);
    connect(&pin_thread_, &QThread::finished, pin_worker_, &QObject::deleteLater);
    connect(&query_thread_, &QThread::finished, query_worker_, &QObject::deleteLater);
    pin_thread_.start();
    query_thread_.start();

    notice_timer_.setSingleShot(true);
    notice_timer_.setInterval(kNoticeIntervalMs);
    connect(&notice_timer_, &QTimer::timeout, this, &OfflineCache::availabilityChanged);
    refresh_timer_.setInterval(kRefreshIntervalMs);
    connect(&refresh_timer_, &QTimer::timeout, this, &OfflineCache::refresh);
    refresh_timer_.start();
    refresh();
}

OfflineCache::~OfflineCache() {
    for (const auto& flag : cancel_flags_)
        *flag = true;
    pin_thread_.quit();
    query_thread_.quit();
    pin_thread_.wait();
    query_thread_.wait();
}

void OfflineCache::setServer(const std::string& api_base_url, const std::string& token) {
    api_url_ = api_base_url;
    token_ = token;
}

void OfflineCache::setServerReachable(bool reachable) {
    if (availability_.server_reachable == reachable) return;
    availability_.server_reachable = reachable;
    emit availabilityChanged();
}

void OfflineCache::setParallelDownloads(int transfers) {
    parallel_ = qBound(1, transfers, player::kMaxPinTransfers);
}

void OfflineCache::pinPlaylist(const QString& playlist_id,
                               const std::vector<std::string>& track_ids, int kbps) {
    PinTask task;
    task.playlist_id = playlist_id;
    task.request.source = (kPlaylistSource + playlist_id).toStdString();
    task.request.track_ids = track_ids;
    task.request.kbps = kbps;
    task.request.api_base_url = api_url_;
    task.request.token = token_;
    task.request.transfers = parallel_;
    task.cancel = std::make_shared<std::atomic<bool>>(false);
    cancel_flags_.insert(playlist_id, task.cancel);
    runPin(task);
}

void OfflineCache::unpinPlaylist(const QString& playlist_id) {
    for (const auto& flag : cancel_flags_.values(playlist_id))
        *flag = true;
    PinTask task;
    task.playlist_id = playlist_id;
    task.unpin = true;
    task.request.source = (kPlaylistSource + playlist_id).toStdString();
    task.cancel = std::make_shared<std::atomic<bool>>(false);
    cancel_flags_.insert(playlist_id, task.cancel);
    ++unpinning_[playlist_id];
    availability_.pinned_playlists.remove(playlist_id);
    availability_.playlist_pins.remove(playlist_id);
    emit availabilityChanged();
    runPin(task);
}

void OfflineCache::runPin(const PinTask& task) {
    ++queued_pins_;
    std::shared_ptr<Shared> shared = shared_;
    QMetaObject::invokeMethod(
        pin_worker_,
        [this, shared, task] {
            QString message;
            int failed = -1;
            auto cache = shared->Get();
            if (!cache.ok()) {
                message = FromStd(cache.error().message);
            } else if (task.unpin) {
                player::AudioCache& c = **cache;
                Status dropped = c.ReplacePins(task.request.source, {});
                if (dropped.ok()) dropped = c.ForgetSource(task.request.source);
                if (dropped.ok()) dropped = c.EnforceLimit();
                failed = dropped.ok() ? 0 : -1;
                if (!dropped.ok()) message = FromStd(dropped.error().message);
            } else {
                failed = pinOnWorker(**cache, task, &message);
            }
            QMetaObject::invokeMethod(
                this,
                [this, task, failed, message] {
                    cancel_flags_.remove(task.playlist_id, task.cancel);
                    if (task.unpin && --unpinning_[task.playlist_id] == 0)
                        unpinning_.remove(task.playlist_id);
                    onPinDone(task.playlist_id, task.unpin, failed, message);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

int OfflineCache::pinOnWorker(player::AudioCache& cache, const PinTask& task, QString* message) {
    if (task.request.token.empty()) {
        *message = tr("Log in to make playlists available offline.");
        return -1;
    }
    if (Status kept = cache.RememberSource(task.request.source, task.request.kbps); !kept.ok()) {
        *message = FromStd(kept.error().message);
        return -1;
    }
    const QString playlist_id = task.playlist_id;
    QMetaObject::invokeMethod(
        this, [this, playlist_id] { onPinStarted(playlist_id); }, Qt::QueuedConnection);
    player::PinRequest request = task.request;
    request.cancel = task.cancel.get();
    auto summary = player::PinTracks(cache, request, [this](const player::PinEvent& e) {
        // Pin thread: copy what the GUI shows and return at once.
        QMetaObject::invokeMethod(
            this, [this, e] { onPinEvent(e); }, Qt::QueuedConnection);
    });
    if (!summary.ok()) {
        LOG_WARN(kLogCategory, "pin of " << log::Quote(task.request.source)
                                         << " failed: " << summary.error().message);
        *message = FromStd(summary.error().message);
        return -1;
    }
    *message = FromStd(summary->first_error);
    return static_cast<int>(summary->failed);
}

void OfflineCache::onPinStarted(const QString& playlist_id) {
    pinning_ = true;
    progress_ = PinProgress{};
    progress_.playlist_id = playlist_id;
    availability_.pinning_playlist = playlist_id;
    availability_.pin_percent = 0;
    availability_.track_percent.clear();
    emit pinProgressChanged();
    noticeAvailability();
}

void OfflineCache::onPinEvent(const player::PinEvent& e) {
    using Kind = player::PinEvent::Kind;
    const QString track = FromStd(e.track_id);
    progress_.tracks = static_cast<int>(e.count);
    progress_.bytes_done = e.overall_done;
    progress_.bytes_total = e.overall_total;
    availability_.pin_percent = progress_.percent();
    if (e.kind == Kind::kTrackDone || e.kind == Kind::kTrackFailed) {
        ++progress_.tracks_finished;
        availability_.track_percent.remove(track);
        if (e.kind == Kind::kTrackFailed) ++progress_.failed;
        if (e.kind == Kind::kTrackDone) availability_.cached_tracks.insert(track);
        refresh();
    } else if (e.track_total > 0) {
        availability_.track_percent.insert(track,
                                           static_cast<int>(e.track_done * 100 / e.track_total));
    }
    emit pinProgressChanged();
    noticeAvailability();
}

void OfflineCache::onPinDone(const QString& playlist_id, bool unpin, int failed,
                             const QString& message) {
    --queued_pins_;
    if (!unpin) {
        pinning_ = false;
        availability_.pinning_playlist.clear();
        availability_.pin_percent = -1;
        availability_.track_percent.clear();
        emit pinProgressChanged();
        emit pinFinished(playlist_id, failed, message);
    } else if (failed < 0) {
        emit errorOccurred(message);
    }
    noticeAvailability();
    refresh();
}

void OfflineCache::noticeAvailability() {
    if (!notice_timer_.isActive()) notice_timer_.start();
}

}  // namespace tonearm::ui
