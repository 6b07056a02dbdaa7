// Range-answer checks and chunk planning: what the fetch thread relies on
// before any byte reaches the decoder.
#include <gtest/gtest.h>

#include "player/chunk_plan.h"
#include "player/range_answer.h"

namespace tonearm::player {
namespace {

const std::string kFile = [] {
    std::string bytes(1000, '\0');
    for (size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>('a' + i % 26);
    return bytes;
}();

HttpResponse Partial(int64_t first, int64_t last, const std::string& total, std::string body) {
    HttpResponse response;
    response.status = 206;
    response.headers["content-range"] =
        "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + total;
    response.body = std::move(body);
    return response;
}

TEST(UsableRangeBytes, TakesAMatching206AsIs) {
    auto bytes =
        UsableRangeBytes(Partial(100, 199, "1000", kFile.substr(100, 100)), 100, 199, 1000);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, kFile.substr(100, 100));
}

TEST(UsableRangeBytes, SlicesAWholeBodyWhenTheServerIgnoredTheRange) {
    HttpResponse response;
    response.status = 200;
    response.body = kFile;
    auto bytes = UsableRangeBytes(response, 300, 349, 1000);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, kFile.substr(300, 50));
}

TEST(UsableRangeBytes, KeepsTheValidPrefixOfAShortBody) {
    auto bytes = UsableRangeBytes(Partial(100, 199, "1000", kFile.substr(100, 30)), 100, 199, 1000);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, kFile.substr(100, 30));
}

TEST(UsableRangeBytes, IgnoresBodyBytesBeyondTheAnnouncedRange) {
    auto bytes =
        UsableRangeBytes(Partial(100, 149, "1000", kFile.substr(100, 100)), 100, 199, 1000);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, kFile.substr(100, 50));
}

TEST(UsableRangeBytes, UsesARangeThatStartsEarlierFromTheByteAskedFor) {
    auto bytes = UsableRangeBytes(Partial(50, 199, "1000", kFile.substr(50, 150)), 100, 199, 1000);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, kFile.substr(100, 100));
}

TEST(UsableRangeBytes, RejectsARangeThatStartsLater) {
    auto bytes = UsableRangeBytes(Partial(150, 199, "1000", kFile.substr(150, 50)), 100, 199, 1000);
    ASSERT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.error().code, ErrorCode::kProtocol);
}

TEST(UsableRangeBytes, RejectsMissingOrMalformedContentRange) {
    HttpResponse response;
    response.status = 206;
    response.body = kFile.substr(0, 10);
    EXPECT_FALSE(UsableRangeBytes(response, 0, 9, 1000).ok());
    response.headers["content-range"] = "bytes nonsense";
    EXPECT_FALSE(UsableRangeBytes(response, 0, 9, 1000).ok());
}

TEST(UsableRangeBytes, RejectsASizeThatDisagreesWithTheManifest) {
    EXPECT_FALSE(UsableRangeBytes(Partial(0, 9, "2000", kFile.substr(0, 10)), 0, 9, 1000).ok());
    EXPECT_TRUE(UsableRangeBytes(Partial(0, 9, "*", kFile.substr(0, 10)), 0, 9, 1000).ok());
}

TEST(UsableRangeBytes, RejectsAWholeBodyThatEndsBeforeTheRangeAndOtherStatuses) {
    HttpResponse truncated;
    truncated.status = 200;
    truncated.body = kFile.substr(0, 200);
    EXPECT_FALSE(UsableRangeBytes(truncated, 300, 349, 1000).ok());
    HttpResponse server_error;
    server_error.status = 500;
    EXPECT_FALSE(UsableRangeBytes(server_error, 0, 9, 1000).ok());
}

Variant TenSegmentVariant() {
    Variant variant;
    variant.size = 10'000;
    variant.header_bytes = 1'000;
    for (int i = 0; i < 10; ++i) {
        variant.seek_index.push_back({i * 88'200, 1'000 + i * 900});
    }
    return variant;
}

TEST(PlanChunks, CoversTheFileFromThePointToTheEndWithoutGapsOrOverlaps) {
    Variant variant = TenSegmentVariant();
    auto chunks = PlanChunks(variant, 2, 2'000, 900'000);
    ASSERT_FALSE(chunks.empty());
    EXPECT_EQ(chunks.front().first_byte, variant.seek_index[2].byte_offset);
    EXPECT_EQ(chunks.front().first_granule, variant.seek_index[2].granule);
    for (size_t i = 1; i < chunks.size(); ++i) {
        EXPECT_EQ(chunks[i].first_byte, chunks[i - 1].last_byte + 1);
        EXPECT_EQ(chunks[i].first_granule, chunks[i - 1].end_granule);
    }
    EXPECT_EQ(chunks.back().last_byte, variant.size - 1);
    EXPECT_EQ(chunks.back().end_granule, 900'000);
}

TEST(PlanChunks, GroupsWholeSegmentsUpToAboutChunkBytes) {
    auto chunks = PlanChunks(TenSegmentVariant(), 0, 2'000, 900'000);
    // Segments are 900 bytes: three of them reach 2000 bytes.
    ASSERT_EQ(chunks.size(), 4u);
    EXPECT_EQ(chunks[0].last_byte - chunks[0].first_byte + 1, 2'700);
    // A chunk size below one segment still fetches whole segments.
    EXPECT_EQ(PlanChunks(TenSegmentVariant(), 0, 100, 900'000).size(), 10u);
}

TEST(SeekPointFor, RestartsFarEnoughBeforeTheTargetAndNeverOnTheLastPoint) {
    Variant variant = TenSegmentVariant();
    EXPECT_EQ(SeekPointFor(variant, 0), 0u);
    EXPECT_EQ(SeekPointFor(variant, 88'200), 0u);  // within the preroll of point 1
    EXPECT_EQ(SeekPointFor(variant, 88'200 + kSeekPrerollSamples), 1u);
    EXPECT_EQ(SeekPointFor(variant, 5 * 88'200 + 10'000), 5u);
    EXPECT_EQ(SeekPointFor(variant, 100'000'000), 8u);
}

}  // namespace
}  // namespace tonearm::player
