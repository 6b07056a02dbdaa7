#include "ui/time_format.h"

namespace tonearm::ui {

QString FormatDuration(qint64 milliseconds) {
    const qint64 total_seconds = qMax<qint64>(0, milliseconds) / 1000;
    const qint64 hours = total_seconds / 3600;
    const qint64 minutes = (total_seconds / 60) % 60;
    const qint64 seconds = total_seconds % 60;
    if (hours > 0) {
        return QStringLiteral("%1:%2:%3")
            .arg(hours)
            .arg(minutes, 2, 10, QLatin1Char('0'))
            .arg(seconds, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1:%2").arg(minutes).arg(seconds, 2, 10, QLatin1Char('0'));
}

}  // namespace tonearm::ui
