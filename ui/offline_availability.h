// OfflineAvailability: what the offline cache holds and whether the server
// answers, as one value the item models are given to mark their rows.
//
// Filled by OfflineCache (tracks and pins) and the connection monitor (the
// server's reachability); the models keep a copy and never reach into the
// cache themselves. A plain value: copy it freely, on the GUI thread.
#pragma once

#include <QHash>
#include <QSet>
#include <QString>

namespace tonearm::ui {

struct OfflineAvailability {
    bool server_reachable = true;
    QSet<QString> cached_tracks;                  // a verified entry at some bitrate
    QSet<QString> pinned_tracks;                  // named by some pin
    QHash<QString, int> pinned_playlists;         // playlist id -> quality (kbps, 0 = best)
    QHash<QString, QSet<QString>> playlist_pins;  // playlist id -> the tracks it pins
    // While a pin runs: its playlist, its overall percentage, and the
    // percentage of each track it is downloading or about to download.
    QString pinning_playlist;
    int pin_percent = -1;
    QHash<QString, int> track_percent;

    bool isCached(const QString& track_id) const { return cached_tracks.contains(track_id); }
    // A row is unplayable only while the server is unreachable and the
    // cache lacks the track.
    bool isUnavailable(const QString& track_id) const {
        return !server_reachable && !isCached(track_id);
    }
};

}  // namespace tonearm::ui
