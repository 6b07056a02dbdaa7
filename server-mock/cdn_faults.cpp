#include "server-mock/cdn_faults.h"

#include <algorithm>

#include "core/log.h"

namespace tonearm::server {
namespace {

constexpr const char* kLog = "faults";

// The settings for a log line: a trace given inline appears as its length.
std::string Summary(const FaultSettings& settings) {
    Json json = FaultSettingsToJson(settings);
    if (json["trace"].is_array()) json["trace"] = std::to_string(json["trace"].size()) + " steps";
    return json.dump();
}

}  // namespace

int64_t FaultAction::CutPoint(int64_t body_bytes) const {
    int64_t cut = -1;
    if (reset_after_bytes > 0 && reset_after_bytes < body_bytes) cut = reset_after_bytes;
    if (cut_fraction >= 0.0 && body_bytes > 0) {
        const auto at = static_cast<int64_t>(cut_fraction * static_cast<double>(body_bytes));
        cut = cut < 0 ? at : std::min(cut, at);
    }
    return cut;
}

CdnFaults::CdnFaults(FaultSettings initial, int64_t url_ttl_seconds)
    : url_ttl_seconds_(url_ttl_seconds) {
    Update(initial, FaultChanges{true, true, true});
}

void CdnFaults::Update(const FaultSettings& settings, const FaultChanges& changes) {
    const Clock::time_point now = Clock::now();
    {
        std::lock_guard<std::mutex> lock(mu_);
        LinkShape shape;
        shape.cap_bytes_per_s = static_cast<double>(settings.bandwidth_kbps) * 1000.0 / 8.0;
        shape.trace = settings.trace;
        shape.trace_scale = settings.trace_scale;
        // The trace keeps its clock unless it was given anew.
        shape.trace_origin =
            changes.trace || trace_origin_ == Clock::time_point{} ? now : trace_origin_;
        trace_origin_ = shape.trace_origin;
        if (changes.seed) random_.seed(settings.fault_seed);
        if (changes.expiry) {
            expire_until_ = now + std::chrono::seconds(settings.expire_urls_for_s);
        }
        settings_ = settings;
        link_.SetShape(std::move(shape));
    }
    LOG_INFO(kLog, "CDN faults now " << Summary(Current()));
}

FaultSettings CdnFaults::Current() const {
    std::lock_guard<std::mutex> lock(mu_);
    FaultSettings current = settings_;
    auto left = std::chrono::ceil<std::chrono::seconds>(expire_until_ - Clock::now());
    current.expire_urls_for_s = std::max<int64_t>(0, left.count());
    return current;
}

FaultCounters CdnFaults::Counters() const {
    std::lock_guard<std::mutex> lock(mu_);
    return counters_;
}

FaultAction CdnFaults::Decide() {
    std::lock_guard<std::mutex> lock(mu_);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double error_draw = unit(random_);
    const double reset_draw = unit(random_);
    const double cut_draw = unit(random_);

    ++counters_.requests;
    FaultAction action;
    action.delay = std::chrono::milliseconds(settings_.latency_ms);
    if (error_draw < settings_.error_rate) {
        action.fail_status = settings_.error_status;
        ++counters_.injected_errors;
        return action;
    }
    action.reset_after_bytes = settings_.reset_after_bytes;
    if (reset_draw < settings_.reset_probability) action.cut_fraction = cut_draw;
    return action;
}

void CdnFaults::NoteCutBody() {
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.cut_bodies;
}

bool CdnFaults::UrlCountsAsExpired(int64_t expires_unix, int64_t now_unix) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (Clock::now() < expire_until_) return true;
    if (settings_.url_max_age_s <= 0) return false;
    const int64_t signed_at = expires_unix - url_ttl_seconds_;
    return now_unix - signed_at > settings_.url_max_age_s;
}

bool CdnFaults::Sleep(std::chrono::milliseconds delay) {
    std::unique_lock<std::mutex> lock(mu_);
    return !stop_cv_.wait_for(lock, delay, [this] { return stopped_; });
}

void CdnFaults::Shutdown() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopped_ = true;
        stop_cv_.notify_all();
    }
    link_.Shutdown();
}

}  // namespace tonearm::server
