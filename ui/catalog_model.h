// CatalogModel: the server's track catalog as a Qt table model.
//
// Rows are tonearm::Track values in the order they were appended (the
// server's order); sorting and filtering belong to a QSortFilterProxyModel on
// top, which uses kSortRole. GUI thread only. The model owns its tracks.
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "core/wire.h"
#include "ui/offline_availability.h"

namespace tonearm::ui {

class CatalogModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { kTitle = 0, kArtist, kAlbum, kLength, kColumnCount };
    // Role for sorting: case-folded display text, or the length in
    // milliseconds (qint64) for kLength.
    static constexpr int kSortRole = Qt::UserRole + 1;
    // Role returning the track id as a QString, for any column.
    static constexpr int kTrackIdRole = Qt::UserRole + 2;
    // Role returning whether the cache holds the track (bool), any column.
    static constexpr int kCachedRole = Qt::UserRole + 3;
    // Role returning whether the row cannot play now (bool): the server is
    // unreachable and the cache lacks the track. Such rows are greyed, with
    // the tooltip "Not available offline".
    static constexpr int kUnavailableRole = Qt::UserRole + 4;

    explicit CatalogModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Appends one page of tracks (rows inserted in one batch).
    void appendTracks(const std::vector<Track>& tracks);
    // Removes every row, e.g. before reloading the catalog.
    void clear();

    // The track at a source-model row; row must be in [0, rowCount()).
    const Track& trackAt(int row) const { return tracks_[static_cast<size_t>(row)]; }
    const std::vector<Track>& tracks() const { return tracks_; }

    // Marks the row of track_id as playing (bold, with an icon); "" for none.
    void setPlayingTrackId(const QString& track_id);
    // Marks cached tracks (an icon by the title) and, while the server is
    // unreachable, greys the tracks the cache lacks.
    void setOfflineAvailability(const OfflineAvailability& availability);

private:
    QVariant displayText(const Track& track, int column) const;
    QVariant offlineData(const QString& track_id, int column, int role) const;
    int rowOfTrack(const QString& track_id) const;
    void emitRowChanged(int row);

    std::vector<Track> tracks_;
    QString playing_track_id_;
    QSet<QString> cached_;
    bool server_reachable_ = true;
};

}  // namespace tonearm::ui
