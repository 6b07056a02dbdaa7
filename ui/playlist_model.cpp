#include "ui/playlist_model.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <algorithm>

namespace tonearm::ui {

void PlaylistListModel::reset(const sync::SyncState& state, const std::string& user) {
    beginResetModel();
    rows_.clear();
    for (const sync::Playlist* p : state.PlaylistsVisibleTo(user)) {
        rows_.push_back({QString::fromStdString(p->id()), QString::fromStdString(p->name()),
                         static_cast<int>(p->Entries().size())});
    }
    std::stable_sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
        return QString::localeAwareCompare(a.name, b.name) < 0;
    });
    endResetModel();
}

int PlaylistListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant PlaylistListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Row& row = rows_[static_cast<size_t>(index.row())];
    if (role == Qt::DisplayRole) return tr("%1 (%2)").arg(row.name).arg(row.entries);
    if (role == kPlaylistIdRole) return row.id;
    if (role == kEntryCountRole) return row.entries;
    return pinData(row.id, role);
}

QVariant PlaylistListModel::pinData(const QString& playlist_id, int role) const {
    const bool pinned = offline_.pinned_playlists.contains(playlist_id);
    const int percent = offline_.pinning_playlist == playlist_id ? offline_.pin_percent : -1;
    switch (role) {
        case kPinnedRole: return pinned;
        case kPinPercentRole: return percent;
        case Qt::DecorationRole:
            if (percent >= 0) return QApplication::style()->standardIcon(QStyle::SP_ArrowDown);
            if (pinned) return QApplication::style()->standardIcon(QStyle::SP_DriveHDIcon);
            return {};
        case Qt::ToolTipRole: {
            if (percent >= 0) return tr("Downloading for offline use: %1 %").arg(percent);
            if (!pinned) return {};
            const int kbps = offline_.pinned_playlists.value(playlist_id);
            return kbps > 0 ? tr("Available offline (%1 kbps)").arg(kbps)
                            : tr("Available offline (best quality)");
        }
        default: return {};
    }
}

void PlaylistListModel::setOfflineAvailability(const OfflineAvailability& availability) {
    offline_ = availability;
    if (!rows_.empty()) emit dataChanged(index(0), index(rowCount() - 1));
}

int PlaylistListModel::rowOf(const QString& playlist_id) const {
    for (size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].id == playlist_id) return static_cast<int>(i);
    }
    return -1;
}

void PlaylistEntryModel::reset(const sync::SyncState& state, const QString& playlist_id,
                               const std::map<std::string, Track>& catalog) {
    beginResetModel();
    rows_.clear();
    const sync::Playlist* p = state.FindPlaylist(playlist_id.toStdString());
    if (p != nullptr && p->created()) {
        for (const sync::EntryView& e : p->Entries()) {
            const QString id = QString::fromStdString(e.track_id);
            auto track = catalog.find(e.track_id);
            const QString text =
                track == catalog.end()
                    ? id
                    : QString::fromStdString(track->second.title + " — " + track->second.artist);
            rows_.emplace_back(id, text);
        }
    }
    endResetModel();
}

int PlaylistEntryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant PlaylistEntryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const auto& [id, text] = rows_[static_cast<size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        auto downloading = offline_.track_percent.find(id);
        if (downloading == offline_.track_percent.end()) return text;
        return tr("%1 · %2 %").arg(text).arg(*downloading);
    }
    if (role == kTrackIdRole) return id;
    return offlineData(id, role);
}

QVariant PlaylistEntryModel::offlineData(const QString& track_id, int role) const {
    const bool cached = offline_.isCached(track_id);
    const bool unavailable = offline_.isUnavailable(track_id);
    switch (role) {
        case kCachedRole: return cached;
        case kUnavailableRole: return unavailable;
        case Qt::ToolTipRole:
            if (unavailable) return tr("Not available offline");
            return cached ? tr("Available offline") : QVariant();
        case Qt::ForegroundRole:
            if (unavailable)
                return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
            return {};
        case Qt::DecorationRole:
            if (cached) return QApplication::style()->standardIcon(QStyle::SP_DriveHDIcon);
            return {};
        default: return {};
    }
}

void PlaylistEntryModel::setOfflineAvailability(const OfflineAvailability& availability) {
    offline_ = availability;
    if (!rows_.empty()) emit dataChanged(index(0), index(rowCount() - 1));
}

}  // namespace tonearm::ui
