#include "player/abr/throughput_estimator.h"

#include <algorithm>
#include <cmath>

namespace tonearm::player::abr {

Ewma::Ewma(double half_life) : alpha_(std::exp(std::log(0.5) / half_life)) {}

void Ewma::Add(double weight, double value) {
    const double adjusted_alpha = std::pow(alpha_, weight);
    estimate_ = value * (1.0 - adjusted_alpha) + adjusted_alpha * estimate_;
    total_weight_ += weight;
}

std::optional<double> Ewma::Estimate() const {
    if (total_weight_ <= 0.0) return std::nullopt;
    // Without this correction the average would lean towards its zero start.
    const double zero_factor = 1.0 - std::pow(alpha_, total_weight_);
    return estimate_ / zero_factor;
}

DualEwmaThroughput::DualEwmaThroughput(double fast_half_life_seconds, double slow_half_life_seconds)
    : fast_(fast_half_life_seconds), slow_(slow_half_life_seconds) {}

void DualEwmaThroughput::Add(double seconds, double bits_per_second) {
    fast_.Add(seconds, bits_per_second);
    slow_.Add(seconds, bits_per_second);
}

std::optional<double> DualEwmaThroughput::Estimate() const {
    auto fast = fast_.Estimate();
    auto slow = slow_.Estimate();
    if (!fast || !slow) return std::nullopt;
    return std::min(*fast, *slow);
}

void ThroughputWindow::Add(double bits_per_second) {
    samples_.push_back(bits_per_second);
    while (samples_.size() > capacity_)
        samples_.pop_front();
}

double ThroughputWindow::HarmonicMean() const {
    double inverse_sum = 0.0;
    for (double s : samples_)
        inverse_sum += 1.0 / s;
    return static_cast<double>(samples_.size()) / inverse_sum;
}

}  // namespace tonearm::player::abr
