// Formatting of byte counts for display.
#pragma once

#include <QString>
#include <QtGlobal>

namespace tonearm::ui {

// "512 B", "4.00 KiB", "12.3 MiB", "150 GiB": binary units, three
// significant digits from KiB on; negative input counts as zero. Pure
// function, any thread.
QString FormatBytes(qint64 bytes);

}  // namespace tonearm::ui
