// The play queue: which track plays now, which one follows, and what was
// played, under the repeat and shuffle modes.
//
// A pure model: no threads, no I/O, no clocks. Randomness comes only from the
// seed given to SetShuffle, through a PRNG defined in play_queue.cpp, so the
// same calls with the same seed give the same orders on every platform and
// standard library. Not thread-safe: one owner calls every method.
//
// Terms used below:
// - An item is one entry of the queue: a track id plus an item id that is
//   unique within this PlayQueue for its whole life (never reused, not even
//   after Clear), so two entries of the same track are told apart.
// - The play order is Items(): the original order (the context given to
//   SetTracks, with later inserts) or, with shuffle on, a permutation of it.
// - The cursor is a position in the play order. With a current item it is the
//   current item's index. Without one (nothing started yet, the queue ran to
//   its end, or the current item was removed) it is the index of the item that
//   Next or AdvanceAfterEnd would start, which may be Items().size().
//
// Invariants: every item is in the play order exactly once; the original and
// the play order hold the same items; with shuffle off they are equal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace tonearm::player {

// One entry of the queue; a value, copied out to callers.
struct QueueItem {
    int64_t item_id = 0;
    std::string track_id;

    friend bool operator==(const QueueItem&, const QueueItem&) = default;
};

enum class RepeatMode {
    kOff,  // the queue ends after its last item
    kOne,  // a track that ends plays again; Next still moves on
    kAll,  // after the last item the queue starts over (reshuffled if shuffling)
};

// What Previous chose.
struct PreviousStep {
    QueueItem item;
    // True when the current item is to be played again from its start (it
    // stays current and is not added to the history again); false when
    // another item (or, with no current item, the first) was started.
    bool restart = false;
};

class PlayQueue {
public:
    // Previous restarts the current item when playback is further into it
    // than this; at or below it goes to the item before.
    static constexpr int64_t kRestartThresholdMs = 3000;

    // History() keeps at most this many entries; the oldest go first.
    static constexpr size_t kHistoryLimit = 100;

    PlayQueue() = default;

    // Replaces the queue with ids (in that order, duplicates allowed) and
    // starts ids[start_index]. With shuffle on, the new items are shuffled
    // with the started one first. An empty ids empties the queue and starts
    // nothing. Fails with kInvalidArgument, leaving the queue untouched, when
    // ids is not empty and start_index >= ids.size().
    Status SetTracks(std::vector<std::string> ids, size_t start_index);

    // Adds track_id after the last item of the play order (and of the
    // original order). Returns the new item's id.
    int64_t Append(std::string track_id);

    // Adds track_id right after the current item, so it plays next, in both
    // the play and the original order. Without a current item it goes to the
    // cursor, so Next or AdvanceAfterEnd starts it. Returns the new item's id.
    int64_t InsertNext(std::string track_id);

    // Removes the item with item_id. Returns false when there is none.
    // Removing the current item leaves no current item; the cursor then points
    // at the item that followed it, so Next or AdvanceAfterEnd starts that one
    // and Previous the one before it.
    bool Remove(int64_t item_id);

    // Empties the queue. Keeps the history, the repeat and the shuffle mode.
    void Clear();

    // The items in play order; the reference is valid until the next
    // non-const call.
    const std::vector<QueueItem>& Items() const { return play_; }
    size_t Size() const { return play_.size(); }

    // The current item, or nullopt when there is none.
    std::optional<QueueItem> Current() const;
    // Index of the current item in Items(), or nullopt when there is none.
    std::optional<size_t> CurrentIndex() const;

    void SetRepeat(RepeatMode mode) { repeat_ = mode; }
    RepeatMode Repeat() const { return repeat_; }

    // on: shuffles with seed; the current item (if any) becomes the first of
    // the play order and stays current, the others follow in random order.
    // Without a current item all items are shuffled and the cursor goes to the
    // first. Calling it again while on reshuffles with the new seed.
    // off (seed unused): the play order becomes the original order again; the
    // current item stays current (or the cursor keeps pointing at the same
    // pending item). Calling it while off changes nothing.
    void SetShuffle(bool on, uint64_t seed);
    bool Shuffle() const { return shuffle_; }

    // Called when the current track played to its end. Starts and returns the
    // item that follows: the same item under repeat one; under repeat all the
    // first item after the last (with shuffle on, the first of a new order
    // drawn from the seed and the cycle number, which is never the item just
    // played when the queue has more than one item). Returns nullopt when the
    // queue is finished (repeat off, at the end) or empty; the cursor then
    // stays past the end with no current item.
    std::optional<QueueItem> AdvanceAfterEnd();

    // What AdvanceAfterEnd would return now, without changing anything (for
    // prefetching the next track). Equals the next AdvanceAfterEnd's answer
    // unless the queue is changed in between.
    std::optional<QueueItem> PeekAfterEnd() const;

    // The listener skipped forward. Starts and returns the next item even
    // under repeat one; wraps past the end (a new cycle, as AdvanceAfterEnd)
    // only under repeat all. Returns nullopt at the end otherwise (the queue is
    // then finished) or when the queue is empty.
    std::optional<QueueItem> Next();

    // The listener skipped back at position_ms into the current track. Further
    // in than kRestartThresholdMs: restarts the current item. Otherwise starts
    // the item before it; at the first item wraps to the last under repeat
    // all, else restarts the first. Without a current item starts the item
    // before the cursor (the first, or the last under repeat all, when there
    // is none). Returns nullopt only when the queue is empty.
    std::optional<PreviousStep> Previous(int64_t position_ms);

    // Starts the item with item_id and returns it, or returns nullopt (and
    // changes nothing) when there is none.
    std::optional<QueueItem> JumpTo(int64_t item_id);

    // Items started, oldest first, newest last, at most kHistoryLimit. Each
    // start (SetTracks, Next, Previous to another item, AdvanceAfterEnd,
    // JumpTo) adds one entry, also for an item that has since been removed.
    std::vector<QueueItem> History() const;

private:
    // Where a forward move lands: nowhere, at an index of the play order, or
    // at the start of a new cycle.
    struct Move {
        enum Kind { kNone, kAt, kNewCycle } kind = kNone;
        size_t index = 0;
    };

    Move PlanForward() const;
    Move PlanAfterEnd() const;
    std::optional<QueueItem> Apply(Move move);
    std::vector<QueueItem> NewCycleOrder(uint64_t round) const;
    std::vector<QueueItem> ShuffledWithFirst(std::optional<int64_t> first_item_id,
                                             uint64_t round) const;
    std::optional<int64_t> LastStartedItemId() const;
    std::optional<size_t> PlayIndexOf(int64_t item_id) const;
    std::optional<size_t> OriginalIndexOf(int64_t item_id) const;
    QueueItem MakeItem(std::string track_id);
    QueueItem StartAt(size_t index);

    std::vector<QueueItem> original_;  // context order, with inserts
    std::vector<QueueItem> play_;      // the play order; == original_ when !shuffle_
    size_t cursor_ = 0;                // see the file comment; <= play_.size()
    bool has_current_ = false;         // play_[cursor_] is current
    RepeatMode repeat_ = RepeatMode::kOff;
    bool shuffle_ = false;
    uint64_t seed_ = 0;
    uint64_t shuffle_round_ = 0;  // how many orders were drawn since SetShuffle(true)
    int64_t next_item_id_ = 1;
    std::deque<QueueItem> history_;  // newest at the back
};

}  // namespace tonearm::player
