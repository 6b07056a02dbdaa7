#include "ui/catalog_model.h"

#include <QApplication>
#include <QFont>
#include <QIcon>
#include <QPalette>
#include <QStyle>

#include "ui/time_format.h"

namespace tonearm::ui {
namespace {

qint64 DurationMs(const Track& track) {
    return static_cast<qint64>(track.DurationSeconds() * 1000.0);
}

QString FromStd(const std::string& text) { return QString::fromStdString(text); }

}  // namespace

CatalogModel::CatalogModel(QObject* parent) : QAbstractTableModel(parent) {}

int CatalogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(tracks_.size());
}

int CatalogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant CatalogModel::displayText(const Track& track, int column) const {
    switch (column) {
        case kTitle: return track.title.empty() ? FromStd(track.id) : FromStd(track.title);
        case kArtist: return track.artist.empty() ? tr("Unknown artist") : FromStd(track.artist);
        case kAlbum: return FromStd(track.album);
        case kLength: return FormatDuration(DurationMs(track));
        default: return {};
    }
}

QVariant CatalogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Track& track = trackAt(index.row());
    const QString id = FromStd(track.id);
    const bool playing = !playing_track_id_.isEmpty() && id == playing_track_id_;
    if (QVariant offline = offlineData(id, index.column(), role); offline.isValid()) {
        return offline;
    }

    switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole: return displayText(track, index.column());
        case kSortRole:
            if (index.column() == kLength) return DurationMs(track);
            return displayText(track, index.column()).toString().toCaseFolded();
        case kTrackIdRole: return id;
        case Qt::TextAlignmentRole:
            if (index.column() == kLength) {
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            }
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        case Qt::FontRole:
            if (playing) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case Qt::ForegroundRole:
            if (index.column() == kArtist && track.artist.empty()) {
                return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
            }
            return {};
        case Qt::DecorationRole:
            if (playing && index.column() == kTitle) {
                return QApplication::style()->standardIcon(QStyle::SP_MediaVolume);
            }
            return {};
        default: return {};
    }
}

QVariant CatalogModel::offlineData(const QString& track_id, int column, int role) const {
    const bool cached = cached_.contains(track_id);
    const bool unavailable = !server_reachable_ && !cached;
    switch (role) {
        case kCachedRole: return cached;
        case kUnavailableRole: return unavailable;
        case Qt::ToolTipRole:
            if (unavailable) return tr("Not available offline");
            if (cached && column == kTitle) return tr("Available offline");
            return {};
        case Qt::ForegroundRole:
            if (unavailable)
                return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
            return {};
        case Qt::DecorationRole:
            if (cached && column == kTitle && track_id != playing_track_id_) {
                return QApplication::style()->standardIcon(QStyle::SP_DriveHDIcon);
            }
            return {};
        default: return {};
    }
}

QVariant CatalogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (role == Qt::TextAlignmentRole) {
        return QVariant::fromValue((section == kLength ? Qt::AlignRight : Qt::AlignLeft) |
                                   Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole) return {};
    switch (section) {
        case kTitle: return tr("Title");
        case kArtist: return tr("Artist");
        case kAlbum: return tr("Album");
        case kLength: return tr("Length");
        default: return {};
    }
}

void CatalogModel::appendTracks(const std::vector<Track>& tracks) {
    if (tracks.empty()) return;
    const int first = rowCount();
    beginInsertRows(QModelIndex(), first, first + static_cast<int>(tracks.size()) - 1);
    tracks_.insert(tracks_.end(), tracks.begin(), tracks.end());
    endInsertRows();
}

void CatalogModel::clear() {
    if (tracks_.empty()) return;
    beginResetModel();
    tracks_.clear();
    endResetModel();
}

void CatalogModel::setPlayingTrackId(const QString& track_id) {
    if (track_id == playing_track_id_) return;
    const int old_row = rowOfTrack(playing_track_id_);
    playing_track_id_ = track_id;
    emitRowChanged(old_row);
    emitRowChanged(rowOfTrack(playing_track_id_));
}

void CatalogModel::setOfflineAvailability(const OfflineAvailability& availability) {
    if (availability.cached_tracks == cached_ &&
        availability.server_reachable == server_reachable_) {
        return;
    }
    cached_ = availability.cached_tracks;
    server_reachable_ = availability.server_reachable;
    if (!tracks_.empty()) {
        emit dataChanged(index(0, 0), index(rowCount() - 1, kColumnCount - 1));
    }
}

int CatalogModel::rowOfTrack(const QString& track_id) const {
    if (track_id.isEmpty()) return -1;
    for (size_t row = 0; row < tracks_.size(); ++row) {
        if (FromStd(tracks_[row].id) == track_id) return static_cast<int>(row);
    }
    return -1;
}

void CatalogModel::emitRowChanged(int row) {
    if (row < 0) return;
    emit dataChanged(index(row, 0), index(row, kColumnCount - 1));
}

}  // namespace tonearm::ui
