// Item models over a snapshot of the playlist replica (PlaylistSync): the
// listener's playlists with their entry counts, and the entries of one.
// Both are filled by reset() from a sync::SyncState; they keep no pointer
// into it. setOfflineAvailability() adds what the offline cache holds (a
// copy as well): pinned playlists and their download, cached entries, and
// entries that cannot play while the server is unreachable. GUI thread only.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <map>
#include <string>
#include <vector>

#include "core/wire.h"
#include "sync/model/sync_state.h"
#include "ui/offline_availability.h"

namespace tonearm::ui {

class PlaylistListModel : public QAbstractListModel {
    Q_OBJECT

public:
    static constexpr int kPlaylistIdRole = Qt::UserRole + 1;  // QString
    static constexpr int kEntryCountRole = Qt::UserRole + 2;  // int
    static constexpr int kPinnedRole = Qt::UserRole + 3;      // bool
    // The percentage of its download while the playlist is being pinned,
    // else -1 (int).
    static constexpr int kPinPercentRole = Qt::UserRole + 4;

    using QAbstractListModel::QAbstractListModel;

    // Shows the created playlists user may read, by name.
    void reset(const sync::SyncState& state, const std::string& user);
    void setOfflineAvailability(const OfflineAvailability& availability);

    int rowCount(const QModelIndex& parent = {}) const override;
    // DisplayRole "Name (n)", an icon and a tooltip on pinned playlists,
    // plus the roles above.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    // The row of a playlist id, -1 if absent.
    int rowOf(const QString& playlist_id) const;

private:
    QVariant pinData(const QString& playlist_id, int role) const;

    struct Row {
        QString id;
        QString name;
        int entries = 0;
    };
    std::vector<Row> rows_;
    OfflineAvailability offline_;
};

class PlaylistEntryModel : public QAbstractListModel {
    Q_OBJECT

public:
    static constexpr int kTrackIdRole = Qt::UserRole + 1;  // QString
    static constexpr int kCachedRole = Qt::UserRole + 2;   // bool
    // The server is unreachable and the cache lacks the track (bool).
    static constexpr int kUnavailableRole = Qt::UserRole + 3;

    using QAbstractListModel::QAbstractListModel;

    // Shows the entries of playlist_id in playlist order (none if absent);
    // titles come from catalog (track id -> track) where it knows the track.
    void reset(const sync::SyncState& state, const QString& playlist_id,
               const std::map<std::string, Track>& catalog);
    void setOfflineAvailability(const OfflineAvailability& availability);

    int rowCount(const QModelIndex& parent = {}) const override;
    // DisplayRole "Title — Artist" (the track id for a track the catalog
    // lacks), followed by " · n %" while the track downloads; an icon on
    // cached entries; greyed with the tooltip "Not available offline" when
    // unavailable; plus the roles above.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    QVariant offlineData(const QString& track_id, int role) const;

    std::vector<std::pair<QString, QString>> rows_;  // (track id, text)
    OfflineAvailability offline_;
};

}  // namespace tonearm::ui
