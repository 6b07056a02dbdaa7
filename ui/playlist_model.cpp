#include "ui/playlist_model.h"

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
    return {};
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
    if (role == Qt::DisplayRole) return text;
    if (role == kTrackIdRole) return id;
    return {};
}

}  // namespace tonearm::ui
