// LibraryPane: the catalog part of the main window: a heading with the track
// count, the filter field and the sortable track table, with hints in place
// of an empty table ("Loading the catalog…", "No tracks match …").
//
// GUI thread only. Shows the session's catalog model through its own
// sort/filter proxy; the session must outlive the pane.
#pragma once

#include <QWidget>
#include <vector>

#include "core/wire.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;

namespace tonearm::ui {

class CatalogView;
class ServerSession;

class LibraryPane : public QWidget {
    Q_OBJECT

public:
    explicit LibraryPane(ServerSession* session, QWidget* parent = nullptr);

    CatalogView* view() const { return view_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    void focusFilter();

    // The tracks in the order on screen (sorted and filtered).
    std::vector<Track> visibleTracks() const;
    // The view row of the current (keyboard) item, or -1.
    int currentRow() const;

    QByteArray saveHeaderState() const;
    void restoreHeaderState(const QByteArray& state);

signals:
    // A row was double-clicked or Enter was pressed on it (view row).
    void rowActivated(int row);

private:
    QLayout* buildHeading();
    void buildView();
    void updateHints();

    ServerSession* session_;
    QSortFilterProxyModel* proxy_ = nullptr;
    CatalogView* view_ = nullptr;
    QLineEdit* filter_edit_ = nullptr;
    QLabel* count_label_ = nullptr;
    qint64 announced_total_ = 0;  // as the server said while loading
};

}  // namespace tonearm::ui
