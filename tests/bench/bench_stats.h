// Small statistics helpers for the benchmark programs.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace tonearm::bench {

// The q-quantile (0..1) of values by linear interpolation; 0 when empty.
inline double Quantile(std::vector<double> values, double q) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    double index = q * static_cast<double>(values.size() - 1);
    size_t lower = static_cast<size_t>(std::floor(index));
    size_t upper = std::min(lower + 1, values.size() - 1);
    double fraction = index - static_cast<double>(lower);
    return values[lower] + (values[upper] - values[lower]) * fraction;
}

inline double Median(const std::vector<double>& values) { return Quantile(values, 0.5); }

}  // namespace tonearm::bench
