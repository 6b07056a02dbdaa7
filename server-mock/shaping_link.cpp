#include "server-mock/shaping_link.h"

#include <algorithm>

namespace tonearm::server {
namespace {

using Seconds = std::chrono::duration<double>;

constexpr auto kSlice = std::chrono::milliseconds(20);  // longest single wait
constexpr double kBurstSeconds = 0.05;                  // bucket capacity at the current rate
constexpr double kChunkSeconds = 0.025;                 // data per paced write
constexpr size_t kMinChunkBytes = 256;
// Debt left by a chunk sent at a higher rate is forgiven beyond this much time at the
// current rate (or one smallest chunk), so a rate drop applies within ~100 ms.
constexpr double kMaxDebtSeconds = 0.1;

}  // namespace

void ShapedLink::SetShape(LinkShape shape) {
    std::lock_guard<std::mutex> lock(mu_);
    const Clock::time_point now = Clock::now();
    RefillLocked(now);  // what accrued so far accrued at the old rate
    shape_ = std::move(shape);
    if (shape_.limited()) {
        const double rate = RateAtLocked(now);
        tokens_ = std::clamp(tokens_, -std::max(rate * kMaxDebtSeconds, double(kMinChunkBytes)),
                             rate * kBurstSeconds);
    } else {
        tokens_ = 0.0;
    }
    cv_.notify_all();
}

std::optional<double> ShapedLink::RateNow() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!shape_.limited()) return std::nullopt;
    return RateAtLocked(Clock::now());
}

size_t ShapedLink::ChunkBytes(size_t max_bytes) const {
    std::optional<double> rate = RateNow();
    if (!rate) return max_bytes;
    const double chunk = std::max(*rate * kChunkSeconds, double(kMinChunkBytes));
    return std::min(max_bytes, static_cast<size_t>(chunk));
}

bool ShapedLink::Acquire(size_t bytes) {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopped_) return false;
    if (!shape_.limited()) return true;

    const uint64_t ticket = next_ticket_++;
    queue_.push_back(ticket);
    while (true) {
        if (stopped_ || !shape_.limited()) {
            LeaveQueueLocked(ticket);
            return !stopped_;
        }
        if (queue_.front() != ticket) {
            cv_.wait_for(lock, kSlice);
            continue;
        }
        const Clock::time_point now = Clock::now();
        RefillLocked(now);
        const double rate = RateAtLocked(now);
        if (tokens_ >= 0.0 && rate > 0.0) {
            tokens_ -= static_cast<double>(bytes);
            LeaveQueueLocked(ticket);
            return true;
        }
        auto wait = std::chrono::duration_cast<Clock::duration>(kSlice);
        if (rate > 0.0 && tokens_ < 0.0) {
            wait = std::min(wait,
                            std::chrono::duration_cast<Clock::duration>(Seconds(-tokens_ / rate)));
        }
        cv_.wait_for(lock, wait);
    }
}

void ShapedLink::Shutdown() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
}

double ShapedLink::RateAtLocked(Clock::time_point now) const {
    double rate = shape_.cap_bytes_per_s > 0.0 ? shape_.cap_bytes_per_s : 0.0;
    if (!shape_.trace.empty()) {
        const double elapsed = Seconds(now - shape_.trace_origin).count();
        const double traced = TraceBytesPerSecond(shape_.trace, shape_.trace_scale, elapsed);
        rate = rate > 0.0 ? std::min(rate, traced) : traced;
    }
    return rate;
}

void ShapedLink::RefillLocked(Clock::time_point now) {
    if (refilled_ == Clock::time_point{}) refilled_ = now;
    const double elapsed = Seconds(now - refilled_).count();
    refilled_ = now;
    if (!shape_.limited()) return;
    // The rate of this moment stands for the whole interval: writers refill
    // at least every slice while they wait, so a trace step is off by < 20 ms.
    const double rate = RateAtLocked(now);
    tokens_ = std::min(tokens_ + rate * elapsed, rate * kBurstSeconds);
    tokens_ = std::max(tokens_, -std::max(rate * kMaxDebtSeconds, double(kMinChunkBytes)));
}

void ShapedLink::LeaveQueueLocked(uint64_t ticket) {
    auto it = std::find(queue_.begin(), queue_.end(), ticket);
    if (it != queue_.end()) queue_.erase(it);
    cv_.notify_all();
}

}  // namespace tonearm::server
