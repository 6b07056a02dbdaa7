// OfflineCache's status side: reading the cache on the query thread.
#include "core/log.h"
#include "ui/offline_cache.h"
#include "ui/offline_cache_shared.h"

namespace tonearm::ui {
namespace {

constexpr char kLogCategory[] = "ui";

}  // namespace

// What one status read found, handed from the query thread to the GUI.
struct OfflineCache::Snapshot {
    QString error;
    player::CacheStatus status;
    QSet<QString> cached;
    QSet<QString> pinned;
    QHash<QString, int> playlists;
    QHash<QString, QSet<QString>> playlist_pins;
    std::vector<Track> tracks;  // stored records of the cached tracks
};

void OfflineCache::refresh() {
    if (query_running_) {
        query_again_ = true;
        return;
    }
    query_running_ = true;
    std::shared_ptr<Shared> shared = shared_;
    QMetaObject::invokeMethod(
        query_worker_,
        [this, shared] {
            Snapshot snapshot;
            auto cache = shared->Get();
            if (cache.ok()) {
                snapshot = readSnapshot(**cache);
            } else {
                snapshot.error = FromStd(cache.error().message);
            }
            QMetaObject::invokeMethod(
                this, [this, snapshot] { onSnapshot(snapshot); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void OfflineCache::onSnapshot(const Snapshot& snapshot) {
    query_running_ = false;
    if (snapshot.error.isEmpty()) {
        has_status_ = true;
        status_ = snapshot.status;
        availability_.cached_tracks = snapshot.cached;
        availability_.pinned_tracks = snapshot.pinned;
        availability_.pinned_playlists = snapshot.playlists;
        availability_.playlist_pins = snapshot.playlist_pins;
        cached_tracks_ = snapshot.tracks;
        // The snapshot may predate an unpin still queued or running.
        for (const QString& playlist_id : unpinning_.keys()) {
            availability_.pinned_playlists.remove(playlist_id);
            availability_.playlist_pins.remove(playlist_id);
        }
        emit statusChanged();
        // Status and marks change together; only progress is coalesced.
        notice_timer_.stop();
        emit availabilityChanged();
    } else {
        LOG_WARN(kLogCategory, snapshot.error.toStdString());
        emit errorOccurred(snapshot.error);
    }
    if (query_again_) {
        query_again_ = false;
        refresh();
    }
}

OfflineCache::Snapshot OfflineCache::readSnapshot(player::AudioCache& cache) {
    Snapshot snapshot;
    auto status = cache.GetStatus();
    auto entries = cache.Entries();
    auto pins = cache.Pins();
    auto sources = cache.Sources();
    if (!status.ok() || !entries.ok() || !pins.ok() || !sources.ok()) {
        const Error& error = !status.ok()    ? status.error()
                             : !entries.ok() ? entries.error()
                             : !pins.ok()    ? pins.error()
                                             : sources.error();
        snapshot.error = FromStd(error.message);
        return snapshot;
    }
    snapshot.status = *status;
    for (const player::CacheEntry& entry : *entries) {
        if (snapshot.cached.contains(FromStd(entry.track_id))) continue;
        snapshot.cached.insert(FromStd(entry.track_id));
        if (auto track = cache.LoadTrack(entry.track_id); track.ok())
            snapshot.tracks.push_back(*track);
    }
    for (const player::CachePin& pin : *pins) {
        snapshot.pinned.insert(FromStd(pin.track_id));
        const QString source = FromStd(pin.source);
        if (source.startsWith(kPlaylistSource)) {
            snapshot.playlist_pins[source.mid(kPlaylistSource.size())].insert(
                FromStd(pin.track_id));
        }
    }
    for (const auto& [source, kbps] : *sources) {
        const QString name = FromStd(source);
        if (name.startsWith(kPlaylistSource))
            snapshot.playlists.insert(name.mid(kPlaylistSource.size()), kbps);
    }
    return snapshot;
}

}  // namespace tonearm::ui
