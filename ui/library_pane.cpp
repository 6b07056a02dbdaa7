#include "ui/library_pane.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

#include "ui/catalog_model.h"
#include "ui/catalog_view.h"
#include "ui/server_session.h"

namespace tonearm::ui {
namespace {

QString TrackCount(qint64 count) {
    return count == 1 ? QObject::tr("1 track") : QObject::tr("%1 tracks").arg(count);
}

}  // namespace

LibraryPane::LibraryPane(ServerSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(buildHeading());
    buildView();
    layout->addWidget(view_, 1);

    connect(session_, &ServerSession::loginStarted, this, &LibraryPane::updateHints);
    connect(session_, &ServerSession::loginFailed, this, &LibraryPane::updateHints);
    connect(session_, &ServerSession::catalogProgress, this, [this](qint64, qint64 total) {
        announced_total_ = total;
        updateHints();
    });
    connect(session_, &ServerSession::catalogComplete, this, &LibraryPane::updateHints);
    connect(session_, &ServerSession::catalogFailed, this, &LibraryPane::updateHints);
    updateHints();
}

QLayout* LibraryPane::buildHeading() {
    auto* row = new QHBoxLayout;
    row->setContentsMargins(16, 12, 16, 8);
    auto* heading = new QLabel(tr("Library"), this);
    QFont heading_font = heading->font();
    heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4);
    heading_font.setBold(true);
    heading->setFont(heading_font);
    count_label_ = new QLabel(this);
    count_label_->setObjectName(QStringLiteral("trackCountLabel"));
    count_label_->setForegroundRole(QPalette::PlaceholderText);
    filter_edit_ = new QLineEdit(this);
    filter_edit_->setObjectName(QStringLiteral("filterEdit"));
    filter_edit_->setPlaceholderText(tr("Filter by title, artist or album"));
    filter_edit_->setClearButtonEnabled(true);
    filter_edit_->setMinimumWidth(280);

    row->addWidget(heading);
    row->addSpacing(8);
    row->addWidget(count_label_, 0, Qt::AlignBottom);
    row->addStretch();
    row->addWidget(filter_edit_);
    return row;
}

void LibraryPane::buildView() {
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(session_->catalog());
    proxy_->setSortRole(CatalogModel::kSortRole);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setFilterKeyColumn(-1);
    connect(filter_edit_, &QLineEdit::textChanged, this, [this](const QString& text) {
        proxy_->setFilterFixedString(text);
        updateHints();
    });

    view_ = new CatalogView(this);
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->sortByColumn(-1, Qt::AscendingOrder);  // server order until a header click
    QHeaderView* header = view_->horizontalHeader();
    header->setSectionResizeMode(CatalogModel::kTitle, QHeaderView::Stretch);
    header->resizeSection(CatalogModel::kArtist, 240);
    header->resizeSection(CatalogModel::kAlbum, 220);
    header->setSectionResizeMode(CatalogModel::kLength, QHeaderView::ResizeToContents);
    connect(view_, &QTableView::activated, this,
            [this](const QModelIndex& index) { emit rowActivated(index.row()); });
}

void LibraryPane::focusFilter() {
    filter_edit_->setFocus();
    filter_edit_->selectAll();
}

std::vector<Track> LibraryPane::visibleTracks() const {
    std::vector<Track> tracks;
    tracks.reserve(static_cast<size_t>(proxy_->rowCount()));
    for (int row = 0; row < proxy_->rowCount(); ++row) {
        const QModelIndex source = proxy_->mapToSource(proxy_->index(row, 0));
        tracks.push_back(session_->catalog()->trackAt(source.row()));
    }
    return tracks;
}

int LibraryPane::currentRow() const {
    const QModelIndex current = view_->currentIndex();
    return current.isValid() ? current.row() : -1;
}

QByteArray LibraryPane::saveHeaderState() const { return view_->horizontalHeader()->saveState(); }

void LibraryPane::restoreHeaderState(const QByteArray& state) {
    if (!state.isEmpty()) view_->horizontalHeader()->restoreState(state);
}

void LibraryPane::updateHints() {
    const int total = session_->catalog()->rowCount();
    const int shown = proxy_->rowCount();
    if (total > 0 && session_->isShowingCachedTracks()) {
        count_label_->setText(tr("%1 in the offline cache").arg(TrackCount(total)));
    } else if (total > 0 && !session_->isCatalogComplete()) {
        count_label_->setText(tr("loading… %1 of %2").arg(total).arg(announced_total_));
    } else if (total > 0 && shown < total) {
        count_label_->setText(tr("%1 of %2").arg(shown).arg(TrackCount(total)));
    } else {
        count_label_->setText(total > 0 ? TrackCount(total) : QString());
    }

    QString hint;
    if (total > 0 && shown == 0) {
        hint = tr("No tracks match “%1”.").arg(filter_edit_->text());
    } else if (total == 0 && session_->state() == ServerSession::State::kLoggingIn) {
        hint = tr("Connecting…");
    } else if (total == 0 && session_->state() == ServerSession::State::kLoggedIn) {
        hint = session_->isCatalogComplete()
                   ? tr("The server has no tracks yet.\nAdd some with “tonearm-server ingest”.")
                   : tr("Loading the catalog…");
    } else if (total == 0) {
        hint = tr("Not connected. Log in to a Tonearm server to see its catalog.");
    }
    view_->setPlaceholderText(hint);
}

}  // namespace tonearm::ui
