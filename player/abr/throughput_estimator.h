// Throughput estimators shared by the ABR controllers. Pure arithmetic, not
// thread-safe; each controller owns its own.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

namespace tonearm::player::abr {

// An exponentially weighted moving average whose samples carry a weight,
// usually their duration in seconds so that a long download counts more than
// a short one; the half-life is in the same unit. The estimate is corrected for the bias of
// a zero start, as in Shaka Player's estimator.
class Ewma {
public:
    explicit Ewma(double half_life);

    void Add(double weight, double value);
    // The estimate, or nullopt before the first sample.
    std::optional<double> Estimate() const;

private:
    double alpha_;
    double estimate_ = 0.0;
    double total_weight_ = 0.0;
};

// Two EWMAs of throughput with a fast and a slow half-life; the estimate is
// the lower of the two, so a drop shows at once and a rise only once it lasts.
class DualEwmaThroughput {
public:
    DualEwmaThroughput(double fast_half_life_seconds, double slow_half_life_seconds);

    // Adds bits_per_second measured over seconds.
    void Add(double seconds, double bits_per_second);
    // min(fast, slow) in bit/s, or nullopt before the first sample.
    std::optional<double> Estimate() const;
    std::optional<double> Fast() const { return fast_.Estimate(); }
    std::optional<double> Slow() const { return slow_.Estimate(); }

private:
    Ewma fast_;
    Ewma slow_;
};

// The last few throughput samples, for harmonic means (RobustMPC).
class ThroughputWindow {
public:
    explicit ThroughputWindow(size_t capacity) : capacity_(capacity) {}

    void Add(double bits_per_second);
    bool Empty() const { return samples_.empty(); }
    // Harmonic mean of the window in bit/s; requires !Empty().
    double HarmonicMean() const;

private:
    size_t capacity_;
    std::deque<double> samples_;
};

}  // namespace tonearm::player::abr
