#include "player/ring_buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

namespace tonearm::player {
namespace {

TEST(SpscRingBuffer, RoundsCapacityUpToPowerOfTwo) {
    EXPECT_EQ(SpscRingBuffer<int>(1).capacity(), 2u);
    EXPECT_EQ(SpscRingBuffer<int>(1000).capacity(), 1024u);
    EXPECT_EQ(SpscRingBuffer<int>(1024).capacity(), 1024u);
}

TEST(SpscRingBuffer, EmptyRingReadsNothingAndFullRingAcceptsNothing) {
    SpscRingBuffer<int> ring(8);
    int out[8] = {};
    EXPECT_EQ(ring.Read(out, 8), 0u);
    EXPECT_EQ(ring.ReadableCount(), 0u);

    std::vector<int> values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    EXPECT_EQ(ring.Write(values.data(), values.size()), 8u);
    EXPECT_EQ(ring.WritableCount(), 0u);
    EXPECT_EQ(ring.Write(values.data(), 1), 0u);
    EXPECT_EQ(ring.ReadableCount(), 8u);

    EXPECT_EQ(ring.Read(out, 8), 8u);
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(out[i], i + 1);
    EXPECT_EQ(ring.WritableCount(), 8u);
}

TEST(SpscRingBuffer, KeepsOrderAcrossTheWrapAround) {
    SpscRingBuffer<int> ring(8);
    int next_in = 0;
    int next_out = 0;
    for (int round = 0; round < 50; ++round) {
        // Writes of 5 and reads of 3 or 5 move the seam across every index.
        int in[5];
        for (int& v : in)
            v = next_in++;
        ASSERT_EQ(ring.Write(in, 5), 5u);
        int out[5];
        size_t want = round % 2 == 0 ? 3 : 7;
        size_t got = ring.Read(out, std::min<size_t>(want, 5));
        for (size_t i = 0; i < got; ++i)
            ASSERT_EQ(out[i], next_out++);
        while (ring.ReadableCount() > 3) {
            ASSERT_EQ(ring.Read(out, 1), 1u);
            ASSERT_EQ(out[0], next_out++);
        }
    }
}

TEST(SpscRingBuffer, DiscardAllDropsWhatIsReadable) {
    SpscRingBuffer<int> ring(16);
    int values[6] = {1, 2, 3, 4, 5, 6};
    ring.Write(values, 6);
    EXPECT_EQ(ring.DiscardAll(), 6u);
    EXPECT_EQ(ring.ReadableCount(), 0u);
    ring.Write(values + 2, 1);
    int out = 0;
    EXPECT_EQ(ring.Read(&out, 1), 1u);
    EXPECT_EQ(out, 3);
}

TEST(SpscRingBuffer, ProducerAndConsumerThreadsPassEveryValueInOrder) {
    constexpr uint64_t kCount = 2'000'000;
    SpscRingBuffer<uint64_t> ring(1024);

    std::thread producer([&ring] {
        uint64_t block[37];
        uint64_t next = 0;
        while (next < kCount) {
            size_t n = 0;
            while (n < 37 && next + n < kCount) {
                block[n] = next + n;
                ++n;
            }
            size_t written = ring.Write(block, n);
            next += written;
            if (written == 0) std::this_thread::yield();
        }
    });

    uint64_t expected = 0;
    bool in_order = true;
    uint64_t block[53];
    while (expected < kCount) {
        size_t got = ring.Read(block, 53);
        for (size_t i = 0; i < got; ++i)
            in_order = in_order && block[i] == expected + i;
        expected += got;
        if (got == 0) std::this_thread::yield();
    }
    producer.join();

    EXPECT_TRUE(in_order);
    EXPECT_EQ(expected, kCount);
    EXPECT_EQ(ring.ReadableCount(), 0u);
}

}  // namespace
}  // namespace tonearm::player
