// Position keys: validity, ordering, room between any two, and length under
// the edit patterns a listener produces (appends, prepends, random inserts).
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sync/model/position_key.h"

namespace tonearm::sync {
namespace {

size_t LongestKey(const std::vector<std::string>& keys) {
    size_t longest = 0;
    for (const std::string& k : keys)
        longest = std::max(longest, k.size());
    return longest;
}

TEST(PositionKey, ValidityRules) {
    EXPECT_TRUE(IsValidPositionKey("a0"));  // integer 0, no fraction
    EXPECT_TRUE(IsValidPositionKey("a0V"));
    EXPECT_TRUE(IsValidPositionKey("b0z9"));  // two-digit integer
    EXPECT_TRUE(IsValidPositionKey("Zz"));    // the integer just below "a0"
    EXPECT_FALSE(IsValidPositionKey(""));
    EXPECT_FALSE(IsValidPositionKey("b0"));    // integer part too short
    EXPECT_FALSE(IsValidPositionKey("a0V0"));  // no room below it
    EXPECT_FALSE(IsValidPositionKey("a-b"));
    EXPECT_FALSE(IsValidPositionKey("A" + std::string(26, '0')));  // nothing below it
}

TEST(PositionKey, BetweenRejectsBadBounds) {
    PositionKeyGenerator keys(1);
    EXPECT_EQ(keys.Between("a2", "a1").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(keys.Between("a1", "a1").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(keys.Between("a1V0", "").error().code, ErrorCode::kInvalidArgument);
}

TEST(PositionKey, RandomInsertsAlwaysFindRoomAndStayShort) {
    PositionKeyGenerator keys(42);
    std::mt19937 rng(7);
    std::vector<std::string> list;
    for (int i = 0; i < 5000; ++i) {
        size_t at = std::uniform_int_distribution<size_t>(0, list.size())(rng);
        std::string before = at > 0 ? list[at - 1] : "";
        std::string after = at < list.size() ? list[at] : "";
        Result<std::string> key = keys.Between(before, after);
        ASSERT_TRUE(key.ok()) << key.error().message;
        ASSERT_TRUE(IsValidPositionKey(*key)) << *key;
        ASSERT_TRUE(before.empty() || before < *key) << before << " " << *key;
        ASSERT_TRUE(after.empty() || *key < after) << *key << " " << after;
        list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), *key);
    }
    EXPECT_LE(LongestKey(list), 12u);
}

TEST(PositionKey, AppendAndPrependRunsGrowSlowly) {
    PositionKeyGenerator keys(3);
    std::vector<std::string> list = {*keys.Between("", "")};
    for (int i = 0; i < 1000; ++i)
        list.push_back(*keys.Between(list.back(), ""));
    for (int i = 0; i < 1000; ++i)
        list.insert(list.begin(), *keys.Between("", list.front()));
    EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
    EXPECT_EQ(std::adjacent_find(list.begin(), list.end()), list.end());
    // The integer part grows with log62 of the run length.
    EXPECT_LE(LongestKey(list), 4u);
}

TEST(PositionKey, RepeatedInsertAtOneSpotStaysShort) {
    // Always inserting right after the first entry halves the same gap.
    PositionKeyGenerator keys(4);
    std::string first = "a1", last = "a5";
    std::string after = last;
    for (int i = 0; i < 200; ++i) {
        Result<std::string> key = keys.Between(first, after);
        ASSERT_TRUE(key.ok());
        after = *key;
    }
    EXPECT_LE(after.size(), 60u);
}

TEST(PositionKey, ManyBetweenIsSortedInsideTheGapAndShort) {
    PositionKeyGenerator keys(5);
    Result<std::vector<std::string>> bulk = keys.ManyBetween("a1", "a2", 1000);
    ASSERT_TRUE(bulk.ok());
    ASSERT_EQ(bulk->size(), 1000u);
    EXPECT_TRUE(std::is_sorted(bulk->begin(), bulk->end()));
    EXPECT_EQ(std::adjacent_find(bulk->begin(), bulk->end()), bulk->end());
    EXPECT_GT(bulk->front(), "a1");
    EXPECT_LT(bulk->back(), "a2");
    EXPECT_LE(LongestKey(*bulk), 6u);
}

TEST(PositionKey, ConcurrentGeneratorsRarelyCollide) {
    int collisions = 0;
    for (uint64_t seed = 0; seed < 1000; ++seed) {
        PositionKeyGenerator a(seed * 2 + 1), b(seed * 2 + 2);
        if (*a.Between("a1", "a2") == *b.Between("a1", "a2")) ++collisions;
    }
    EXPECT_LT(collisions, 100);  // about 1 in 31 by construction
}

}  // namespace
}  // namespace tonearm::sync
