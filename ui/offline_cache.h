// OfflineCache: the desktop client's handle on the offline audio cache
// (player::AudioCache) and on pinning playlists into it.
//
// The cache folder is the one PlayerController plays from. Pins and unpins
// run one after another on a worker thread ("tonearm-pin"); status reads run
// on a second one ("tonearm-cache"), so the figures stay current while a pin
// downloads. Results and progress come back to the GUI thread as signals,
// and what they say is kept here (status(), availability()) for models and
// widgets to read.
//
// All public methods and signals belong to the GUI thread. The destructor
// cancels a pin in progress and joins both threads; the download resumes
// at the next pin of that playlist.
#pragma once

#include <QHash>
#include <QMultiHash>
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/wire.h"
#include "player/audio_cache.h"
#include "player/offline_pinning.h"
#include "ui/offline_availability.h"

namespace tonearm::ui {

// The pin in progress, as the GUI shows it.
struct PinProgress {
    QString playlist_id;
    int tracks = 0;
    int tracks_finished = 0;  // done or failed
    int failed = 0;
    qint64 bytes_done = 0;  // of every pinned track, on disk
    qint64 bytes_total = 0;
    int percent() const {
        return bytes_total > 0 ? static_cast<int>(bytes_done * 100 / bytes_total) : 0;
    }
};

class OfflineCache : public QObject {
    Q_OBJECT

public:
    // dir empty: player::DefaultCacheDir(). The folder is opened on the
    // worker thread; an error there arrives as errorOccurred().
    explicit OfflineCache(QString dir = {}, QObject* parent = nullptr);
    ~OfflineCache() override;

    QString dir() const { return dir_; }

    // API and token for pins (from the session's login).
    void setServer(const std::string& api_base_url, const std::string& token);
    bool hasServer() const { return !token_.empty(); }
    // Shown in availability(); the server's reachability as last checked.
    void setServerReachable(bool reachable);
    // Concurrent transfers of the next pins, clamped to [1, 4].
    void setParallelDownloads(int transfers);
    int parallelDownloads() const { return parallel_; }

    // Pins the tracks of playlist_id (in order) at kbps (0: the best the
    // tier allows) and downloads them; runs after a pin in progress. The
    // playlist's earlier pins are replaced. Progress: pinProgressChanged();
    // the end: pinFinished().
    void pinPlaylist(const QString& playlist_id, const std::vector<std::string>& track_ids,
                     int kbps);
    // Drops the playlist's pins (its audio stays cached, but evictable);
    // cancels its pin if one runs.
    void unpinPlaylist(const QString& playlist_id);
    // Reads the status and the cached tracks again.
    void refresh();

    bool hasStatus() const { return has_status_; }
    const player::CacheStatus& status() const { return status_; }
    const OfflineAvailability& availability() const { return availability_; }
    // The stored records of the cached tracks (those pinned with a record),
    // as of the last status read.
    const std::vector<Track>& cachedTracks() const { return cached_tracks_; }
    bool isPinning() const { return pinning_; }
    // The running pin (or the last one, once finished).
    const PinProgress& pinProgress() const { return progress_; }
    bool isPinned(const QString& playlist_id) const {
        return availability_.pinned_playlists.contains(playlist_id);
    }
    // A pin or unpin of playlist_id is queued or running.
    bool hasPinQueued(const QString& playlist_id) const {
        return cancel_flags_.contains(playlist_id);
    }

signals:
    void statusChanged();
    // Coalesced: at most every 100 ms while a pin runs.
    void availabilityChanged();
    void pinProgressChanged();
    // failed tracks (their first error in message), or failed < 0 when the
    // pin could not start (message says why).
    void pinFinished(const QString& playlist_id, int failed, const QString& message);
    void errorOccurred(const QString& message);

private:
    struct Shared;
    struct Snapshot;
    struct PinTask;

    // Queues task on the pin thread.
    void runPin(const PinTask& task);
    // Pin thread: pins task's playlist; returns the failed tracks, or -1
    // with *message set when the pin could not start.
    int pinOnWorker(player::AudioCache& cache, const PinTask& task, QString* message);
    static Snapshot readSnapshot(player::AudioCache& cache);  // query thread

    void onPinStarted(const QString& playlist_id);
    void onPinEvent(const player::PinEvent& event);
    void onPinDone(const QString& playlist_id, bool unpin, int failed, const QString& message);
    void onSnapshot(const Snapshot& snapshot);
    void noticeAvailability();

    QString dir_;
    std::shared_ptr<Shared> shared_;  // the AudioCache, opened once, used by both threads
    QThread pin_thread_;
    QThread query_thread_;
    QObject* pin_worker_ = nullptr;  // live on their threads
    QObject* query_worker_ = nullptr;
    // Cancel flags of the queued and running pins, by playlist.
    QMultiHash<QString, std::shared_ptr<std::atomic<bool>>> cancel_flags_;
    QHash<QString, int> unpinning_;  // unpins queued or running, by playlist

    std::string api_url_;
    std::string token_;
    int parallel_ = 3;
    int queued_pins_ = 0;  // pins and unpins not finished yet
    bool pinning_ = false;
    PinProgress progress_;
    bool query_running_ = false;
    bool query_again_ = false;
    bool has_status_ = false;
    player::CacheStatus status_;
    OfflineAvailability availability_;
    std::vector<Track> cached_tracks_;
    QTimer notice_timer_;   // coalesces availabilityChanged()
    QTimer refresh_timer_;  // periodic re-read, for pins made by other processes
};

}  // namespace tonearm::ui
