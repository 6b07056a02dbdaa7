// Status-bar labels of the offline side: the cache's figures, and whether
// the server answers.
//
// CacheStatusLabel shows "Cache 12.3 MiB (pinned 10.1 MiB) · free 40.2 GiB
// · limit 2.00 GiB" from an OfflineCache, with the entry counts and the
// cache folder in its tooltip. OfflineIndicator stays hidden while the
// server answers and otherwise says "Offline: playing from the cache ·
// retrying in N s", from a ConnectionMonitor. Both only show what their
// source holds. GUI thread only; the sources must outlive the labels.
#pragma once

#include <QLabel>
#include <QTimer>

namespace tonearm::ui {

class ConnectionMonitor;
class OfflineCache;

class CacheStatusLabel : public QLabel {
    Q_OBJECT

public:
    explicit CacheStatusLabel(OfflineCache* cache, QWidget* parent = nullptr);

private:
    void showState();

    OfflineCache* cache_;
};

class OfflineIndicator : public QLabel {
    Q_OBJECT

public:
    explicit OfflineIndicator(ConnectionMonitor* monitor, QWidget* parent = nullptr);

private:
    void showState();

    ConnectionMonitor* monitor_;
    QTimer countdown_;  // refreshes "retrying in N s" while offline
};

}  // namespace tonearm::ui
