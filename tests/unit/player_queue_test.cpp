// The play queue: order under each repeat mode, skipping, shuffle, history,
// and that the prefetch answer (PeekAfterEnd) never disagrees with the queue.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "player/play_queue.h"

namespace tonearm::player {
namespace {

std::vector<std::string> Tracks(size_t count) {
    std::vector<std::string> ids;
    for (size_t i = 0; i < count; ++i)
        ids.push_back("t" + std::to_string(i));
    return ids;
}

std::vector<std::string> TrackIds(const std::vector<QueueItem>& items) {
    std::vector<std::string> ids;
    for (const QueueItem& item : items)
        ids.push_back(item.track_id);
    return ids;
}

std::vector<int64_t> SortedItemIds(std::vector<QueueItem> items) {
    std::vector<int64_t> ids;
    for (const QueueItem& item : items)
        ids.push_back(item.item_id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::string TrackOf(const std::optional<QueueItem>& item) {
    return item ? item->track_id : "<none>";
}

PlayQueue QueueAt(size_t count, size_t start, RepeatMode repeat = RepeatMode::kOff) {
    PlayQueue queue;
    EXPECT_TRUE(queue.SetTracks(Tracks(count), start).ok());
    queue.SetRepeat(repeat);
    return queue;
}

TEST(PlayQueue, RepeatOffPlaysInOrderThenFinishes) {
    PlayQueue queue = QueueAt(3, 0);
    EXPECT_EQ(TrackOf(queue.AdvanceAfterEnd()), "t1");
    EXPECT_EQ(TrackOf(queue.AdvanceAfterEnd()), "t2");
    EXPECT_EQ(queue.PeekAfterEnd(), std::nullopt);
    EXPECT_EQ(queue.AdvanceAfterEnd(), std::nullopt);
    EXPECT_EQ(queue.Current(), std::nullopt);
    EXPECT_EQ(queue.CurrentIndex(), std::nullopt);
    EXPECT_EQ(queue.Next(), std::nullopt);
}

TEST(PlayQueue, RepeatOneReplaysTheSameItemAfterItsEnd) {
    PlayQueue queue = QueueAt(3, 1, RepeatMode::kOne);
    const QueueItem first = *queue.Current();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(queue.AdvanceAfterEnd(), first);
    EXPECT_EQ(queue.History().size(), 4u);
}

TEST(PlayQueue, RepeatAllWrapsFromTheLastToTheFirst) {
    PlayQueue queue = QueueAt(3, 2, RepeatMode::kAll);
    EXPECT_EQ(TrackOf(queue.PeekAfterEnd()), "t0");
    EXPECT_EQ(TrackOf(queue.AdvanceAfterEnd()), "t0");
    EXPECT_EQ(TrackOf(queue.AdvanceAfterEnd()), "t1");
}

TEST(PlayQueue, NextMovesOnUnderRepeatOneButWrapsOnlyUnderRepeatAll) {
    PlayQueue queue = QueueAt(2, 0, RepeatMode::kOne);
    EXPECT_EQ(TrackOf(queue.Next()), "t1");
    EXPECT_EQ(queue.Next(), std::nullopt);

    PlayQueue looping = QueueAt(2, 1, RepeatMode::kAll);
    EXPECT_EQ(TrackOf(looping.Next()), "t0");
}

TEST(PlayQueue, PreviousAfterThreeSecondsRestartsTheCurrentItem) {
    PlayQueue queue = QueueAt(3, 2);
    const QueueItem current = *queue.Current();
    const std::optional<PreviousStep> step = queue.Previous(3001);
    ASSERT_TRUE(step);
    EXPECT_TRUE(step->restart);
    EXPECT_EQ(step->item, current);
    EXPECT_EQ(queue.Current(), current);
    EXPECT_EQ(queue.History().size(), 1u);
}

TEST(PlayQueue, PreviousWithinThreeSecondsGoesToTheItemBefore) {
    PlayQueue queue = QueueAt(3, 2);
    const std::optional<PreviousStep> step = queue.Previous(3000);
    ASSERT_TRUE(step);
    EXPECT_FALSE(step->restart);
    EXPECT_EQ(step->item.track_id, "t1");
    EXPECT_EQ(queue.CurrentIndex(), 1u);
}

TEST(PlayQueue, PreviousAtTheFirstItemRestartsItOrWrapsUnderRepeatAll) {
    PlayQueue queue = QueueAt(3, 0);
    const std::optional<PreviousStep> restart = queue.Previous(500);
    ASSERT_TRUE(restart);
    EXPECT_TRUE(restart->restart);
    EXPECT_EQ(restart->item.track_id, "t0");

    queue.SetRepeat(RepeatMode::kAll);
    const std::optional<PreviousStep> wrap = queue.Previous(500);
    ASSERT_TRUE(wrap);
    EXPECT_FALSE(wrap->restart);
    EXPECT_EQ(wrap->item.track_id, "t2");
}

TEST(PlayQueue, ShuffleKeepsTheCurrentItemFirstAndPermutesTheRest) {
    PlayQueue queue = QueueAt(20, 7);
    const QueueItem current = *queue.Current();
    const std::vector<QueueItem> before = queue.Items();

    queue.SetShuffle(true, 42);
    EXPECT_EQ(queue.Current(), current);
    EXPECT_EQ(queue.CurrentIndex(), 0u);
    EXPECT_EQ(queue.Items().front(), current);
    EXPECT_EQ(SortedItemIds(queue.Items()), SortedItemIds(before));
    EXPECT_NE(TrackIds(queue.Items()), TrackIds(before));
}

TEST(PlayQueue, ShuffleIsReproducibleForASeedAndDiffersForAnother) {
    PlayQueue first = QueueAt(20, 3);
    PlayQueue second = QueueAt(20, 3);
    PlayQueue other = QueueAt(20, 3);
    first.SetShuffle(true, 42);
    second.SetShuffle(true, 42);
    other.SetShuffle(true, 43);
    EXPECT_EQ(TrackIds(first.Items()), TrackIds(second.Items()));
    EXPECT_NE(TrackIds(first.Items()), TrackIds(other.Items()));
}

TEST(PlayQueue, ShuffleDrawsEveryOrderOfTheRestAboutEquallyOften) {
    // Three items after the current one: six orders, 1000 expected each.
    std::map<std::vector<std::string>, int> counts;
    for (uint64_t seed = 0; seed < 6000; ++seed) {
        PlayQueue queue = QueueAt(4, 0);
        queue.SetShuffle(true, seed);
        counts[TrackIds(queue.Items())]++;
    }
    ASSERT_EQ(counts.size(), 6u);
    for (const auto& [order, count] : counts) {
        EXPECT_GT(count, 850) << order[1] << order[2] << order[3];
        EXPECT_LT(count, 1150) << order[1] << order[2] << order[3];
    }
}

TEST(PlayQueue, ShuffleOffRestoresTheOriginalOrderAndKeepsTheCurrentItem) {
    PlayQueue queue = QueueAt(10, 4);
    queue.SetShuffle(true, 7);
    queue.Next();
    queue.Next();
    const QueueItem current = *queue.Current();

    queue.SetShuffle(false, 0);
    EXPECT_EQ(TrackIds(queue.Items()), Tracks(10));
    EXPECT_EQ(queue.Current(), current);
    EXPECT_EQ(queue.Items()[*queue.CurrentIndex()], current);
}

TEST(PlayQueue, RepeatAllShuffleReshufflesEachCycleWithoutRepeatingTheLastPlayed) {
    constexpr size_t kCount = 6;
    PlayQueue queue = QueueAt(kCount, 0, RepeatMode::kAll);
    queue.SetShuffle(true, 2024);

    std::vector<std::vector<QueueItem>> cycles{{*queue.Current()}};
    while (cycles.size() < 60) {
        const std::optional<QueueItem> peeked = queue.PeekAfterEnd();
        const std::optional<QueueItem> item = queue.AdvanceAfterEnd();
        ASSERT_TRUE(item);
        ASSERT_EQ(peeked, item);
        if (cycles.back().size() == kCount) {
            EXPECT_NE(item->item_id, cycles.back().back().item_id) << "cycle " << cycles.size();
            cycles.emplace_back();
        }
        cycles.back().push_back(*item);
    }

    std::set<std::vector<std::string>> distinct;
    for (size_t c = 0; c + 1 < cycles.size(); ++c) {
        EXPECT_EQ(SortedItemIds(cycles[c]), SortedItemIds(cycles[0])) << "cycle " << c;
        distinct.insert(TrackIds(cycles[c]));
    }
    EXPECT_GT(distinct.size(), 40u);
}

TEST(PlayQueue, RepeatAllShuffleOfTwoItemsNeverPlaysOneTwiceInARow) {
    PlayQueue queue = QueueAt(2, 0, RepeatMode::kAll);
    queue.SetShuffle(true, 5);
    std::string last = queue.Current()->track_id;
    for (int i = 0; i < 50; ++i) {
        const std::string next = TrackOf(queue.AdvanceAfterEnd());
        EXPECT_NE(next, last) << "step " << i;
        last = next;
    }
}

TEST(PlayQueue, RemovingTheCurrentItemContinuesWithItsFollower) {
    PlayQueue queue = QueueAt(3, 1);
    ASSERT_TRUE(queue.Remove(queue.Current()->item_id));
    EXPECT_EQ(queue.Current(), std::nullopt);
    EXPECT_EQ(TrackIds(queue.Items()), (std::vector<std::string>{"t0", "t2"}));
    EXPECT_EQ(TrackOf(queue.PeekAfterEnd()), "t2");

    PlayQueue back = queue;
    ASSERT_TRUE(back.Previous(0));
    EXPECT_EQ(TrackOf(back.Current()), "t0");

    EXPECT_EQ(TrackOf(queue.AdvanceAfterEnd()), "t2");
    EXPECT_FALSE(queue.Remove(9999));
}

TEST(PlayQueue, RemovingTheCurrentLastItemEndsOrWrapsByRepeatMode) {
    PlayQueue queue = QueueAt(3, 2);
    ASSERT_TRUE(queue.Remove(queue.Current()->item_id));
    EXPECT_EQ(queue.PeekAfterEnd(), std::nullopt);
    queue.SetRepeat(RepeatMode::kAll);
    EXPECT_EQ(TrackOf(queue.PeekAfterEnd()), "t0");
    EXPECT_EQ(TrackOf(queue.AdvanceAfterEnd()), "t0");
}

TEST(PlayQueue, RemovingAnEarlierItemKeepsTheCurrentItemCurrent) {
    PlayQueue queue = QueueAt(4, 2);
    const QueueItem current = *queue.Current();
    ASSERT_TRUE(queue.Remove(queue.Items()[0].item_id));
    EXPECT_EQ(queue.Current(), current);
    EXPECT_EQ(queue.CurrentIndex(), 1u);
}

TEST(PlayQueue, InsertNextPlaysNextAndStaysAfterTheCurrentWhenShuffleEnds) {
    PlayQueue queue = QueueAt(8, 3);
    queue.SetShuffle(true, 11);
    const int64_t inserted = queue.InsertNext("x");
    EXPECT_EQ(queue.PeekAfterEnd()->item_id, inserted);

    queue.SetShuffle(false, 0);
    ASSERT_EQ(queue.CurrentIndex(), 3u);
    EXPECT_EQ(queue.Items()[4].item_id, inserted);
}

TEST(PlayQueue, AppendAfterTheQueueFinishedResumesWithTheNewItem) {
    PlayQueue queue = QueueAt(1, 0);
    EXPECT_EQ(queue.AdvanceAfterEnd(), std::nullopt);
    const int64_t appended = queue.Append("late");
    EXPECT_EQ(queue.PeekAfterEnd()->item_id, appended);
    EXPECT_EQ(queue.Next()->item_id, appended);
}

TEST(PlayQueue, HistoryKeepsTheLastHundredStartsNewestLast) {
    PlayQueue queue = QueueAt(3, 0, RepeatMode::kAll);
    for (int i = 0; i < 250; ++i)
        ASSERT_TRUE(queue.AdvanceAfterEnd());

    // 251 starts in all (SetTracks and 250 advances); start k played t(k % 3).
    const std::vector<QueueItem> history = queue.History();
    ASSERT_EQ(history.size(), PlayQueue::kHistoryLimit);
    for (size_t i = 0; i < history.size(); ++i)
        EXPECT_EQ(history[i].track_id, "t" + std::to_string((151 + i) % 3)) << "entry " << i;
    EXPECT_EQ(history.back(), queue.Current());
}

TEST(PlayQueue, DuplicateTracksAreToldApartByItemId) {
    PlayQueue queue;
    ASSERT_TRUE(queue.SetTracks({"a", "a", "b"}, 0).ok());
    const std::vector<QueueItem> items = queue.Items();
    EXPECT_NE(items[0].item_id, items[1].item_id);

    EXPECT_EQ(queue.JumpTo(items[1].item_id), items[1]);
    EXPECT_EQ(queue.CurrentIndex(), 1u);
    ASSERT_TRUE(queue.Remove(items[0].item_id));
    EXPECT_EQ(queue.Current(), items[1]);
    EXPECT_EQ(queue.CurrentIndex(), 0u);
    EXPECT_EQ(queue.History().front(), items[0]);
}

TEST(PlayQueue, SetTracksRejectsAStartPastTheEndAndKeepsTheQueue) {
    PlayQueue queue = QueueAt(2, 1);
    const Status status = queue.SetTracks(Tracks(3), 3);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(TrackIds(queue.Items()), Tracks(2));
    EXPECT_EQ(TrackOf(queue.Current()), "t1");
    EXPECT_EQ(queue.JumpTo(12345), std::nullopt);
    EXPECT_EQ(TrackOf(queue.Current()), "t1");
}

// One call chosen at random, weighted towards the end of a track so the walk
// crosses many cycle boundaries.
void ApplyRandomCall(PlayQueue& queue, std::mt19937_64& rng) {
    auto below = [&rng](size_t bound) { return static_cast<size_t>(rng() % bound); };
    const std::optional<QueueItem> current = queue.Current();
    switch (below(16)) {
        case 0: queue.Next(); break;
        case 1: queue.Previous(static_cast<int64_t>(below(6000))); break;
        case 2:
            if (queue.Size() < 40) queue.Append("a" + std::to_string(below(5)));
            break;
        case 3:
            if (queue.Size() < 40) queue.InsertNext("n" + std::to_string(below(5)));
            break;
        case 4:
            if (current) queue.Remove(current->item_id);
            break;
        case 5:
            if (queue.Size() > 0) queue.Remove(queue.Items()[below(queue.Size())].item_id);
            break;
        case 6:
            if (queue.Size() > 0) queue.JumpTo(queue.Items()[below(queue.Size())].item_id);
            break;
        case 7: queue.SetRepeat(static_cast<RepeatMode>(below(3))); break;
        case 8: queue.SetShuffle(below(3) != 0, rng()); break;
        case 9:
            if (below(8) == 0) {
                const size_t count = 1 + below(12);
                ASSERT_TRUE(queue.SetTracks(Tracks(count), below(count)).ok());
            }
            break;
        case 10:
            if (below(40) == 0) queue.Clear();
            break;
        default: queue.AdvanceAfterEnd(); break;
    }
}

void ExpectConsistent(const PlayQueue& queue, int step) {
    const std::vector<QueueItem>& items = queue.Items();
    const std::vector<int64_t> ids = SortedItemIds(items);
    EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "step " << step;
    if (const std::optional<size_t> index = queue.CurrentIndex()) {
        ASSERT_LT(*index, items.size()) << "step " << step;
        EXPECT_EQ(queue.Current(), items[*index]) << "step " << step;
    } else {
        EXPECT_EQ(queue.Current(), std::nullopt) << "step " << step;
    }
}

TEST(PlayQueue, PeekAfterEndMatchesAdvanceAfterEndOverARandomWalk) {
    std::mt19937_64 rng(20240611);
    PlayQueue queue = QueueAt(5, 0, RepeatMode::kAll);
    size_t shuffled_cycle_ends = 0;
    for (int step = 0; step < 10000; ++step) {
        PlayQueue probe = queue;
        ASSERT_EQ(queue.PeekAfterEnd(), probe.AdvanceAfterEnd()) << "step " << step;

        const bool at_last = queue.Size() > 0 && queue.CurrentIndex() == queue.Size() - 1;
        if (at_last && queue.Shuffle() && queue.Repeat() == RepeatMode::kAll) ++shuffled_cycle_ends;

        ApplyRandomCall(queue, rng);
        ExpectConsistent(queue, step);
    }
    EXPECT_GT(shuffled_cycle_ends, 100u);
}

}  // namespace
}  // namespace tonearm::player
