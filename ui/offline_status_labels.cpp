#include "ui/offline_status_labels.h"

#include "ui/connection_monitor.h"
#include "ui/offline_cache.h"
#include "ui/size_format.h"

namespace tonearm::ui {

CacheStatusLabel::CacheStatusLabel(OfflineCache* cache, QWidget* parent)
    : QLabel(parent), cache_(cache) {
    setObjectName(QStringLiteral("cacheStatusLabel"));
    connect(cache_, &OfflineCache::statusChanged, this, &CacheStatusLabel::showState);
    showState();
}

void CacheStatusLabel::showState() {
    if (!cache_->hasStatus()) {
        setText(tr("Cache: reading…"));
        return;
    }
    const player::CacheStatus& s = cache_->status();
    setText(tr("Cache %1 (pinned %2) · free %3 · limit %4")
                .arg(FormatBytes(s.used_bytes), FormatBytes(s.pinned_bytes),
                     FormatBytes(s.free_disk_bytes), FormatBytes(s.limit_bytes)));
    setToolTip(tr("%1 cached tracks, %2 pinned for offline use\nLimit: %3\nFolder: %4")
                   .arg(s.entries)
                   .arg(s.pinned_entries)
                   .arg(s.limit_is_default ? tr("the default (10 % of free disk, at most 2 GiB)")
                                           : tr("set by the listener"))
                   .arg(cache_->dir()));
}

OfflineIndicator::OfflineIndicator(ConnectionMonitor* monitor, QWidget* parent)
    : QLabel(parent), monitor_(monitor) {
    setObjectName(QStringLiteral("offlineIndicator"));
    setStyleSheet(
        QStringLiteral("QLabel { padding: 0 8px; border-radius: 3px;"
                       " background: palette(highlight);"
                       " color: palette(highlighted-text); }"));
    setToolTip(
        tr("The server does not answer. Tracks in the offline cache still play; "
           "the connection comes back by itself."));
    countdown_.setInterval(1000);
    connect(&countdown_, &QTimer::timeout, this, &OfflineIndicator::showState);
    connect(monitor_, &ConnectionMonitor::checked, this, &OfflineIndicator::showState);
    connect(monitor_, &ConnectionMonitor::reachabilityChanged, this, &OfflineIndicator::showState);
    showState();
}

void OfflineIndicator::showState() {
    const bool offline = monitor_->isWatching() && !monitor_->isReachable();
    setVisible(offline);
    if (!offline) {
        countdown_.stop();
        return;
    }
    if (!countdown_.isActive()) countdown_.start();
    const int next_ms = monitor_->msUntilNextCheck();
    setText(
        next_ms < 0
            ? tr("Offline: playing from the cache · checking…")
            : tr("Offline: playing from the cache · retrying in %1 s").arg((next_ms + 999) / 1000));
}

}  // namespace tonearm::ui
