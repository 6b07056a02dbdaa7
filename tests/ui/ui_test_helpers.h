// Small helpers shared by the UI tests: bounded waits that keep the Qt event
// loop running, and reading or clicking rows of a table view.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QAbstractItemModel>
#include <QStringList>
#include <QTableView>
#include <QTest>
#include <QWindow>

namespace tonearm::testing {

// Spins the event loop until ready() holds or timeout_ms passed; returns
// whether ready() held.
template <typename Predicate>
bool WaitUntil(Predicate ready, int timeout_ms = 15000) {
    return QTest::qWaitFor(ready, timeout_ms);
}

// The display text of column in every row, top to bottom.
inline QStringList ColumnTexts(const QAbstractItemModel& model, int column) {
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row) {
        texts << model.index(row, column).data().toString();
    }
    return texts;
}

// The first row whose column 0 shows title, or -1.
inline int RowOfTitle(const QAbstractItemModel& model, const QString& title) {
    return static_cast<int>(ColumnTexts(model, 0).indexOf(title));
}

// Double-clicks the middle of row's first cell, as a listener would. The
// clicks go through the window system layer (QWindow), which turns the
// second press into a double-click event as a real platform does.
inline void DoubleClickRow(QTableView* view, int row) {
    const QRect cell = view->visualRect(view->model()->index(row, 0));
    QWidget* top = view->window();
    const QPoint at = view->viewport()->mapTo(top, cell.center());
    QTest::mouseDClick(top->windowHandle(), Qt::LeftButton, Qt::NoModifier, at);
}

inline  // A port on 127.0.0.1 that nothing listens on (bound, then released).
    int
    UnusedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

}  // namespace tonearm::testing
