#include <gtest/gtest.h>

#include "player/abr/bandwidth_trace.h"

namespace tonearm::player::abr {
namespace {

TEST(BandwidthTraceParse, ReadsPairsSkippingBlankAndCommentLines) {
    auto trace = ParseBandwidthTrace("# measured on a train\n0.5\t2.0\n\n1.5 1.0\r\n3.0  4\n", "t");
    ASSERT_TRUE(trace.ok()) << trace.error().message;
    ASSERT_EQ(trace->points.size(), 3u);
    EXPECT_DOUBLE_EQ(trace->points[0].end_seconds, 0.5);
    EXPECT_DOUBLE_EQ(trace->points[0].mbps, 2.0);
    EXPECT_DOUBLE_EQ(trace->points[2].mbps, 4.0);
    EXPECT_DOUBLE_EQ(trace->DurationSeconds(), 3.0);
    // (0.5 * 2 + 1 * 1 + 1.5 * 4) / 3
    EXPECT_DOUBLE_EQ(trace->MeanMbps(), 8.0 / 3.0);
}

TEST(BandwidthTraceParse, RejectsANonNumberNamingTheLine) {
    auto trace = ParseBandwidthTrace("1.0 2.0\n# note\n2.0 fast\n", "trace_7.txt");
    ASSERT_FALSE(trace.ok());
    EXPECT_EQ(trace.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(trace.error().message.find("trace_7.txt line 3"), std::string::npos)
        << trace.error().message;
    EXPECT_NE(trace.error().message.find("fast"), std::string::npos);
}

TEST(BandwidthTraceParse, RejectsAWrongNumberOfFields) {
    auto one = ParseBandwidthTrace("1.0 2.0\n2.0\n", "t");
    ASSERT_FALSE(one.ok());
    EXPECT_NE(one.error().message.find("line 2"), std::string::npos);
    auto three = ParseBandwidthTrace("1.0 2.0 3.0\n", "t");
    ASSERT_FALSE(three.ok());
    EXPECT_NE(three.error().message.find("line 1"), std::string::npos);
}

TEST(BandwidthTraceParse, RejectsTimeThatDoesNotIncrease) {
    auto trace = ParseBandwidthTrace("1.0 2.0\n2.0 2.0\n2.0 3.0\n", "t");
    ASSERT_FALSE(trace.ok());
    EXPECT_NE(trace.error().message.find("line 3: time does not increase"), std::string::npos)
        << trace.error().message;
}

TEST(BandwidthTraceParse, RejectsNegativeRatesAndTracesWithoutAnyRate) {
    auto negative = ParseBandwidthTrace("1.0 2.0\n2.0 -1\n", "t");
    ASSERT_FALSE(negative.ok());
    EXPECT_NE(negative.error().message.find("line 2: negative rate"), std::string::npos);
    EXPECT_FALSE(ParseBandwidthTrace("1.0 0\n2.0 0\n", "t").ok());
    EXPECT_FALSE(ParseBandwidthTrace("", "t").ok());
    EXPECT_FALSE(ParseBandwidthTrace("1.0 nan\n", "t").ok());
}

TEST(BandwidthTraceScale, MultipliesEveryRate) {
    auto trace = ParseBandwidthTrace("1 2\n2 4\n", "t");
    ASSERT_TRUE(trace.ok());
    BandwidthTrace scaled = ScaleTrace(*trace, 0.25);
    EXPECT_DOUBLE_EQ(scaled.points[0].mbps, 0.5);
    EXPECT_DOUBLE_EQ(scaled.points[1].mbps, 1.0);
    EXPECT_EQ(scaled.name, "t");
}

TEST(TraceLink, AddsLatencyAndCrossesSegments) {
    // 1 Mbit/s for the first second, then 2 Mbit/s until 3 s.
    auto trace = ParseBandwidthTrace("1 1\n3 2\n", "t");
    ASSERT_TRUE(trace.ok());
    const TraceLink link(*trace, 0.05);
    EXPECT_NEAR(link.FinishTime(0.0, 62500), 0.55, 1e-12);  // 0.5 Mbit at 1 Mbit/s
    const TraceLink no_latency(*trace, 0.0);
    // 3 Mbit: 1 in the first second, 2 in the next.
    EXPECT_NEAR(no_latency.FinishTime(0.0, 375000), 2.0, 1e-12);
}

TEST(TraceLink, RepeatsTheTraceAfterItsEnd) {
    auto trace = ParseBandwidthTrace("1 1\n3 2\n", "t");
    ASSERT_TRUE(trace.ok());
    const TraceLink link(*trace, 0.0);
    // From 2.5 s: 1 Mbit until 3 s, 1 Mbit in the repeated first second,
    // 1 Mbit in half a second at 2 Mbit/s.
    EXPECT_NEAR(link.FinishTime(2.5, 375000), 4.5, 1e-12);
    EXPECT_DOUBLE_EQ(link.BitsPerSecondAt(3.5), 1e6);
    EXPECT_DOUBLE_EQ(link.BitsPerSecondAt(7.0), 2e6);
}

TEST(TraceLink, WaitsThroughSegmentsWithoutBandwidth) {
    auto trace = ParseBandwidthTrace("1 0\n3 1\n", "t");
    ASSERT_TRUE(trace.ok());
    const TraceLink link(*trace, 0.0);
    EXPECT_NEAR(link.FinishTime(0.0, 125000), 2.0, 1e-12);
}

}  // namespace
}  // namespace tonearm::player::abr
