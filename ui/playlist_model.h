// Item models over a snapshot of the playlist replica (PlaylistSync): the
// listener's playlists with their entry counts, and the entries of one.
// Both are filled by reset() from a sync::SyncState; they keep no pointer
// into it. GUI thread only.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <map>
#include <string>
#include <vector>

#include "core/wire.h"
#include "sync/model/sync_state.h"

namespace tonearm::ui {

class PlaylistListModel : public QAbstractListModel {
    Q_OBJECT

public:
    static constexpr int kPlaylistIdRole = Qt::UserRole + 1;  // QString
    static constexpr int kEntryCountRole = Qt::UserRole + 2;  // int

    using QAbstractListModel::QAbstractListModel;

    // Shows the created playlists user may read, by name.
    void reset(const sync::SyncState& state, const std::string& user);

    int rowCount(const QModelIndex& parent = {}) const override;
    // DisplayRole "Name (n)", plus the roles above.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    // The row of a playlist id, -1 if absent.
    int rowOf(const QString& playlist_id) const;

private:
    struct Row {
        QString id;
        QString name;
        int entries = 0;
    };
    std::vector<Row> rows_;
};

class PlaylistEntryModel : public QAbstractListModel {
    Q_OBJECT

public:
    static constexpr int kTrackIdRole = Qt::UserRole + 1;  // QString

    using QAbstractListModel::QAbstractListModel;

    // Shows the entries of playlist_id in playlist order (none if absent);
    // titles come from catalog (track id -> track) where it knows the track.
    void reset(const sync::SyncState& state, const QString& playlist_id,
               const std::map<std::string, Track>& catalog);

    int rowCount(const QModelIndex& parent = {}) const override;
    // DisplayRole "Title — Artist" (the track id for a track the catalog
    // lacks), plus kTrackIdRole.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    std::vector<std::pair<QString, QString>> rows_;  // (track id, text)
};

}  // namespace tonearm::ui
