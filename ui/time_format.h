// Formatting of durations and positions for display.
#pragma once

#include <QString>
#include <QtGlobal>

namespace tonearm::ui {

// "m:ss" below one hour, "h:mm:ss" from one hour on; negative input counts as
// zero. Pure function, any thread.
QString FormatDuration(qint64 milliseconds);

}  // namespace tonearm::ui
