#include "player/play_queue.h"

#include <algorithm>
#include <utility>

namespace tonearm::player {
namespace {

// splitmix64: tiny, fast, and fully specified, so an order drawn from a seed
// is the same with every compiler and standard library (the distributions of
// <random> are not).
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}

    uint64_t Next() {
        state_ += 0x9E3779B97F4A7C15ull;
        uint64_t z = state_;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, bound), bound > 0: draws below the largest multiple of
    // bound are accepted, so no value is favoured.
    uint64_t Below(uint64_t bound) {
        const uint64_t threshold = (0 - bound) % bound;
        for (;;) {
            const uint64_t r = Next();
            if (r >= threshold) return r % bound;
        }
    }

private:
    uint64_t state_;
};

// The generator for the round-th order drawn from seed: rounds of the same
// seed get unrelated streams.
SplitMix64 RoundGenerator(uint64_t seed, uint64_t round) {
    SplitMix64 mixer(round);
    return SplitMix64(seed ^ mixer.Next());
}

// Fisher-Yates over items[first, end).
void ShuffleTail(std::vector<QueueItem>& items, size_t first, SplitMix64& rng) {
    for (size_t i = items.size(); i > first + 1; --i) {
        const size_t j = first + static_cast<size_t>(rng.Below(i - first));
        std::swap(items[i - 1], items[j]);
    }
}

}  // namespace

Status PlayQueue::SetTracks(std::vector<std::string> ids, size_t start_index) {
    if (!ids.empty() && start_index >= ids.size()) {
        return MakeError(ErrorCode::kInvalidArgument, "start index " + std::to_string(start_index) +
                                                          " is past the " +
                                                          std::to_string(ids.size()) + " tracks");
    }

    original_.clear();
    for (std::string& id : ids)
        original_.push_back(MakeItem(std::move(id)));
    play_ = original_;
    cursor_ = 0;
    has_current_ = false;
    if (original_.empty()) return Status::Ok();

    cursor_ = start_index;
    if (shuffle_) {
        ++shuffle_round_;
        play_ = ShuffledWithFirst(original_[start_index].item_id, shuffle_round_);
        cursor_ = 0;
    }
    StartAt(cursor_);
    return Status::Ok();
}

int64_t PlayQueue::Append(std::string track_id) {
    // With no current item and the cursor past the end, the cursor now points
    // at the new item, so a finished queue resumes with it.
    QueueItem item = MakeItem(std::move(track_id));
    original_.push_back(item);
    play_.push_back(item);
    return item.item_id;
}

int64_t PlayQueue::InsertNext(std::string track_id) {
    QueueItem item = MakeItem(std::move(track_id));

    const size_t play_pos = has_current_ ? cursor_ + 1 : cursor_;
    size_t original_pos = original_.size();
    if (cursor_ < play_.size()) {
        original_pos = *OriginalIndexOf(play_[cursor_].item_id) + (has_current_ ? 1 : 0);
    }

    play_.insert(play_.begin() + static_cast<std::ptrdiff_t>(play_pos), item);
    original_.insert(original_.begin() + static_cast<std::ptrdiff_t>(original_pos), item);
    return item.item_id;
}

bool PlayQueue::Remove(int64_t item_id) {
    const std::optional<size_t> play_index = PlayIndexOf(item_id);
    if (!play_index) return false;

    original_.erase(original_.begin() + static_cast<std::ptrdiff_t>(*OriginalIndexOf(item_id)));
    play_.erase(play_.begin() + static_cast<std::ptrdiff_t>(*play_index));

    if (*play_index < cursor_) {
        --cursor_;
    } else if (*play_index == cursor_) {
        has_current_ = false;  // the cursor now points at the follower
    }
    return true;
}

void PlayQueue::Clear() {
    original_.clear();
    play_.clear();
    cursor_ = 0;
    has_current_ = false;
}

std::optional<QueueItem> PlayQueue::Current() const {
    if (!has_current_) return std::nullopt;
    return play_[cursor_];
}

std::optional<size_t> PlayQueue::CurrentIndex() const {
    if (!has_current_) return std::nullopt;
    return cursor_;
}

void PlayQueue::SetShuffle(bool on, uint64_t seed) {
    if (!on) {
        if (!shuffle_) return;
        shuffle_ = false;
        std::optional<int64_t> anchor;
        if (cursor_ < play_.size()) anchor = play_[cursor_].item_id;
        play_ = original_;
        cursor_ = anchor ? *OriginalIndexOf(*anchor) : play_.size();
        return;
    }

    shuffle_ = true;
    seed_ = seed;
    shuffle_round_ = 0;
    std::optional<int64_t> first;
    if (has_current_) first = play_[cursor_].item_id;
    play_ = ShuffledWithFirst(first, shuffle_round_);
    cursor_ = 0;
}

std::optional<QueueItem> PlayQueue::AdvanceAfterEnd() { return Apply(PlanAfterEnd()); }

std::optional<QueueItem> PlayQueue::PeekAfterEnd() const {
    const Move move = PlanAfterEnd();
    switch (move.kind) {
        case Move::kNone: return std::nullopt;
        case Move::kAt: return play_[move.index];
        case Move::kNewCycle:
            if (!shuffle_) return play_.front();
            return NewCycleOrder(shuffle_round_ + 1).front();
    }
    return std::nullopt;
}

std::optional<QueueItem> PlayQueue::Next() { return Apply(PlanForward()); }

std::optional<PreviousStep> PlayQueue::Previous(int64_t position_ms) {
    if (play_.empty()) return std::nullopt;

    const size_t last = play_.size() - 1;
    if (!has_current_) {
        const size_t target = cursor_ > 0 ? cursor_ - 1 : (repeat_ == RepeatMode::kAll ? last : 0);
        return PreviousStep{StartAt(target), false};
    }

    size_t target = cursor_;
    if (position_ms <= kRestartThresholdMs) {
        if (cursor_ > 0) {
            target = cursor_ - 1;
        } else if (repeat_ == RepeatMode::kAll) {
            target = last;
        }
    }
    if (target == cursor_) return PreviousStep{play_[cursor_], true};
    return PreviousStep{StartAt(target), false};
}

std::optional<QueueItem> PlayQueue::JumpTo(int64_t item_id) {
    const std::optional<size_t> index = PlayIndexOf(item_id);
    if (!index) return std::nullopt;
    return StartAt(*index);
}

std::vector<QueueItem> PlayQueue::History() const {
    return std::vector<QueueItem>(history_.begin(), history_.end());
}

PlayQueue::Move PlayQueue::PlanForward() const {
    if (play_.empty()) return {};
    const size_t next = has_current_ ? cursor_ + 1 : cursor_;
    if (next < play_.size()) return {Move::kAt, next};
    if (repeat_ == RepeatMode::kAll) return {Move::kNewCycle, 0};
    return {};
}

PlayQueue::Move PlayQueue::PlanAfterEnd() const {
    if (has_current_ && repeat_ == RepeatMode::kOne) return {Move::kAt, cursor_};
    return PlanForward();
}

std::optional<QueueItem> PlayQueue::Apply(Move move) {
    switch (move.kind) {
        case Move::kNone:
            has_current_ = false;
            cursor_ = play_.size();
            return std::nullopt;
        case Move::kAt: return StartAt(move.index);
        case Move::kNewCycle:
            if (shuffle_) {
                ++shuffle_round_;
                play_ = NewCycleOrder(shuffle_round_);
            }
            return StartAt(0);
    }
    return std::nullopt;
}

std::vector<QueueItem> PlayQueue::NewCycleOrder(uint64_t round) const {
    std::vector<QueueItem> order = original_;
    SplitMix64 rng = RoundGenerator(seed_, round);
    ShuffleTail(order, 0, rng);

    // Swapping the item just played away from the front with a uniformly
    // chosen other position keeps the orders that remain equally likely.
    const std::optional<int64_t> avoid = LastStartedItemId();
    if (avoid && order.size() > 1 && order.front().item_id == *avoid) {
        const size_t other = 1 + static_cast<size_t>(rng.Below(order.size() - 1));
        std::swap(order.front(), order[other]);
    }
    return order;
}

std::vector<QueueItem> PlayQueue::ShuffledWithFirst(std::optional<int64_t> first_item_id,
                                                    uint64_t round) const {
    std::vector<QueueItem> order = original_;
    size_t fixed = 0;
    if (first_item_id) {
        const auto first =
            order.begin() + static_cast<std::ptrdiff_t>(*OriginalIndexOf(*first_item_id));
        std::rotate(order.begin(), first, first + 1);
        fixed = 1;
    }
    SplitMix64 rng = RoundGenerator(seed_, round);
    ShuffleTail(order, fixed, rng);
    return order;
}

std::optional<int64_t> PlayQueue::LastStartedItemId() const {
    // Every start goes through StartAt, so the newest history entry is the
    // current item, or the item played last when there is none.
    if (history_.empty()) return std::nullopt;
    return history_.back().item_id;
}

std::optional<size_t> PlayQueue::PlayIndexOf(int64_t item_id) const {
    for (size_t i = 0; i < play_.size(); ++i) {
        if (play_[i].item_id == item_id) return i;
    }
    return std::nullopt;
}

std::optional<size_t> PlayQueue::OriginalIndexOf(int64_t item_id) const {
    for (size_t i = 0; i < original_.size(); ++i) {
        if (original_[i].item_id == item_id) return i;
    }
    return std::nullopt;
}

QueueItem PlayQueue::MakeItem(std::string track_id) {
    return QueueItem{next_item_id_++, std::move(track_id)};
}

QueueItem PlayQueue::StartAt(size_t index) {
    cursor_ = index;
    has_current_ = true;
    history_.push_back(play_[index]);
    if (history_.size() > kHistoryLimit) history_.pop_front();
    return play_[index];
}

}  // namespace tonearm::player
