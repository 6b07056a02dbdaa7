// Fault injection and network shaping of the real tonearm-server's CDN:
// bandwidth cap, trace replay, resets, error statuses, forced expiry, the
// admin endpoint, and that the API stays fast whatever the CDN does.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "core/api_client.h"
#include "core/http_client.h"
#include "server-mock/fault_settings.h"
#include "server-mock/shaping_link.h"
#include "tests/integration/server_faults_fixture.h"

namespace tonearm {
namespace {

using testing::Clock;
using testing::ServerFaultsTest;
using testing::Transfer;

TEST_F(ServerFaultsTest, BandwidthCapHoldsForOneAndIsSharedByTwoConnections) {
    ASSERT_TRUE(Start({"--bandwidth-kbps", "640"}));  // 80 000 bytes/s
    const Variant& big = variant(320);
    ASSERT_GE(big.size, 150000);

    Transfer one = Fetch(big.url);
    ASSERT_EQ(one.status, 200) << one.error;
    EXPECT_EQ(one.body, file(320));
    EXPECT_NEAR(one.BytesPerSecond(), 80000.0, 80000.0 * 0.2);

    // Two at once share the one link: together at the cap, each at about half.
    Transfer a, b;
    std::thread other([&] { b = Fetch(variant(160).url); });
    a = Fetch(variant(160).url);
    other.join();
    ASSERT_EQ(a.status, 200) << a.error;
    ASSERT_EQ(b.status, 200) << b.error;
    const double together = double(a.body.size() + b.body.size()) / std::max(a.seconds, b.seconds);
    EXPECT_NEAR(together, 80000.0, 80000.0 * 0.2);
    EXPECT_GT(std::min(a.seconds, b.seconds), 0.75 * std::max(a.seconds, b.seconds));
    std::cout << "cap 80000 B/s: one connection " << one.BytesPerSecond() << " B/s, two together "
              << together << " B/s\n";
}

TEST_F(ServerFaultsTest, LowCapStreamsSmoothlyAtTwelveKilobytesPerSecond) {
    ASSERT_TRUE(Start({"--bandwidth-kbps", "96"}));  // 12 000 bytes/s
    Transfer t = Fetch(variant(320).url, 0, 35999);
    ASSERT_EQ(t.status, 206) << t.error;
    EXPECT_EQ(t.body, file(320).substr(0, 36000));
    EXPECT_NEAR(t.BytesPerSecond(), 12000.0, 12000.0 * 0.2);
    // Paced in ~25 ms pieces; unpaced 64 KiB chunks would leave gaps of seconds.
    EXPECT_LT(t.longest_gap_s, 0.25) << "the body should arrive in small, even pieces";
    std::cout << "cap 12000 B/s: " << t.BytesPerSecond() << " B/s, longest gap "
              << t.longest_gap_s * 1000 << " ms\n";
}

TEST_F(ServerFaultsTest, StepDownTraceSlowsTheTransferWhenTheStepComes) {
    // 8 then 0.8 Mbit/s, scaled by 0.1: 100 000 bytes/s for 1 s, then 10 000.
    const std::string trace = WriteTrace("step.txt", "# seconds Mbit/s\n1.0 8\n60 0.8\n");
    ASSERT_TRUE(Start({"--trace", trace, "--trace-scale", "0.1"}));
    // Setting the trace again restarts its clock just before the transfer.
    ASSERT_EQ(Admin("PUT", "{\"trace_file\": \"" + trace + "\"}").status, 200);
    const auto trace_start = std::chrono::steady_clock::now();

    Transfer t = Fetch(variant(320).url, -1, -1, /*stop_after_s=*/2.3, trace_start);
    const double fast = t.BytesPerSecondBetween(0.1, 0.9);
    const double slow = t.BytesPerSecondBetween(1.2, 2.2);
    EXPECT_NEAR(fast, 100000.0, 100000.0 * 0.25);
    EXPECT_NEAR(slow, 10000.0, 10000.0 * 0.25);
    EXPECT_EQ(t.body, file(320).substr(0, t.body.size()));

    Json settings = AdminJson("GET", "");
    EXPECT_EQ(settings["trace_file"], trace);
    EXPECT_DOUBLE_EQ(settings["trace_scale"].get<double>(), 0.1);
    std::cout << "trace step: " << fast << " B/s before, " << slow << " B/s after\n";
}

TEST_F(ServerFaultsTest, ResetAfterBytesCutsBodiesThatRangeRequestsResume) {
    ASSERT_TRUE(Start({"--reset-after-bytes", "40000"}));
    const Variant& v = variant(160);
    std::string assembled;
    int cuts = 0;
    for (int attempt = 0; attempt < 20 && int64_t(assembled.size()) < v.size; ++attempt) {
        Transfer t = assembled.empty() ? Fetch(v.url) : Fetch(v.url, int64_t(assembled.size()));
        const int64_t left = v.size - int64_t(assembled.size());
        if (left > 40000) {
            EXPECT_EQ(t.body.size(), 40000u) << "a body is closed after exactly 40000 bytes";
            EXPECT_FALSE(t.error.empty()) << "a cut body must fail the transfer";
            ++cuts;
        } else {
            EXPECT_EQ(t.status, 206) << t.error;
            EXPECT_EQ(int64_t(t.body.size()), left);
        }
        assembled += t.body;
    }
    EXPECT_EQ(assembled, file(160));
    EXPECT_EQ(cuts, int((v.size - 1) / 40000));
    EXPECT_EQ(AdminJson("GET", "")["state"]["cut_bodies"], cuts);
}

TEST_F(ServerFaultsTest, ErrorRateOneAnswersTheChosenStatus) {
    ASSERT_TRUE(Start({"--error-rate", "1", "--error-status", "500"}));
    for (int i = 0; i < 5; ++i) {
        Transfer t = Fetch(variant(96).url);
        EXPECT_EQ(t.status, 500);
        EXPECT_EQ(t.body, "injected failure\n");
    }
    EXPECT_EQ(AdminJson("GET", "")["state"]["injected_errors"], 5);
}

TEST_F(ServerFaultsTest, SameSeedGivesTheSameErrorSequence) {
    ASSERT_TRUE(Start({"--error-rate", "0.5", "--fault-seed", "7"}));
    auto statuses = [&] {
        std::vector<int> seen;
        for (int i = 0; i < 24; ++i)
            seen.push_back(Fetch(variant(96).url, 0, 99).status);
        return seen;
    };
    std::vector<int> first = statuses();
    ASSERT_EQ(Admin("PUT", "{\"fault_seed\": 7}").status, 200);  // restarts the generator
    EXPECT_EQ(statuses(), first);
    const auto failures = std::count(first.begin(), first.end(), 503);
    EXPECT_EQ(std::count(first.begin(), first.end(), 206) + failures, 24);
    EXPECT_GE(failures, 5);
    EXPECT_LE(failures, 19);
}

TEST_F(ServerFaultsTest, ForcedExpiryRefusesEveryUrlUntilTheWindowEnds) {
    ASSERT_TRUE(Start({}));
    Json set = AdminJson("PUT", "{\"expire_urls_for_s\": 1}");
    EXPECT_GE(set["expire_urls_for_s"].get<int>(), 1);
    Transfer refused = Fetch(variant(96).url, 0, 9);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.body, "url expired\n");

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (AdminJson("GET", "")["expire_urls_for_s"] != 0 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(Fetch(variant(96).url, 0, 9).status, 206);

    // A maximum age shorter than the URL's own life: refused once it passes.
    ASSERT_EQ(Admin("PUT", "{\"url_max_age_s\": 1}").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    EXPECT_EQ(Fetch(variant(96).url, 0, 9).body, "url expired\n");
    ASSERT_TRUE(RefreshManifest());
    EXPECT_EQ(Fetch(variant(96).url, 0, 9).status, 206);
}

TEST_F(ServerFaultsTest, AdminEndpointRefusesMissingOrWrongTokens) {
    ASSERT_TRUE(Start({}));
    const std::string wrong = "0123456789abcdef0123456789abcdef";
    const std::string empty;
    EXPECT_EQ(Admin("GET", "", &wrong).status, 401);
    EXPECT_EQ(Admin("GET", "", &empty).status, 401);
    EXPECT_EQ(Admin("PUT", "{\"latency_ms\": 10}", &wrong).status, 401);
    EXPECT_EQ(Admin("DELETE", "", &wrong).status, 401);
    EXPECT_EQ(AdminJson("GET", "")["latency_ms"], 0) << "a refused PUT changes nothing";
}

TEST_F(ServerFaultsTest, AdminEndpointRefusesABadBodyNamingTheField) {
    ASSERT_TRUE(Start({"--latency-ms", "5"}));
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"{\"bandwidth_kbps\": \"fast\"}", "bandwidth_kbps: "},
        {"{\"error_rate\": 1.5}", "error_rate: "},
        {"{\"error_status\": 200}", "error_status: "},
        {"{\"latency_ms\": -1}", "latency_ms: "},
        {"{\"trace\": [[1, 2], [1, 3]]}", "trace: "},
        {"{\"trace_file\": \"/nonexistent/trace.txt\"}", "trace_file: "},
        {"{\"trace_scale\": 0}", "trace_scale: "},
        {"{\"latency_ms\": 7, \"colour\": 1}", "colour: unknown field"},
        {"[1, 2]", "body: "},
        {"{\"latency_ms\": ", "malformed JSON body"},
    };
    for (const auto& [body, message] : bad) {
        HttpResponse r = Admin("PUT", body);
        EXPECT_EQ(r.status, 400) << body;
        auto json = ParseJson(r.body);
        ASSERT_TRUE(json.ok()) << r.body;
        EXPECT_EQ((*json)["error"].get<std::string>().rfind(message, 0), 0u) << r.body;
    }
    EXPECT_EQ(AdminJson("GET", "")["latency_ms"], 5) << "a refused body changes nothing";
}

TEST_F(ServerFaultsTest, AdminChangesTakeEffectOnARunningTransfer) {
    ASSERT_TRUE(Start({}));
    Json set = AdminJson("PUT", "{\"bandwidth_kbps\": 160, \"latency_ms\": 0}");
    EXPECT_EQ(set["bandwidth_kbps"], 160);
    EXPECT_DOUBLE_EQ(set["state"]["bandwidth_bytes_per_s"].get<double>(), 20000.0);

    Clock::time_point cleared;
    std::thread admin([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        cleared = Clock::now();
        Json after = AdminJson("DELETE", "");
        EXPECT_EQ(after["bandwidth_kbps"], 0);
        EXPECT_TRUE(after["state"]["bandwidth_bytes_per_s"].is_null());
    });
    Transfer t = Fetch(variant(320).url);  // 240 kB: 12 s at the cap
    const Clock::time_point finished = Clock::now();
    admin.join();
    ASSERT_EQ(t.status, 200) << t.error;
    EXPECT_EQ(t.body, file(320));
    EXPECT_NEAR(t.BytesPerSecondBetween(0.2, 0.9), 20000.0, 20000.0 * 0.25);
    EXPECT_LT(Seconds(finished - cleared), 0.3) << "the rest should follow the lifted cap";
    std::cout << "cap lifted: transfer done " << Seconds(finished - cleared) * 1000
              << " ms later\n";
}

TEST_F(ServerFaultsTest, ApiStaysFastWhileTheCdnIsCappedAndDelayed) {
    ASSERT_TRUE(Start({"--bandwidth-kbps", "16", "--latency-ms", "400"}));
    std::thread cdn_load([&] { Fetch(variant(320).url, -1, -1, 3.0); });
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the CDN transfer runs
    for (int i = 0; i < 5; ++i) {
        const Clock::time_point started = Clock::now();
        EXPECT_TRUE(RefreshManifest());
        EXPECT_LT(Seconds(Clock::now() - started), 0.25) << "API calls must not be shaped";
    }
    cdn_load.join();
}

TEST_F(ServerFaultsTest, StoppingTheServerEndsShapedTransfersPromptly) {
    ASSERT_TRUE(Start({"--bandwidth-kbps", "8"}));
    Transfer t;
    std::thread transfer([&] { t = Fetch(variant(320).url); });  // 240 s at 1 kB/s
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    api_.reset();  // an idle keep-alive connection would hold an API worker
    const Clock::time_point stopping = Clock::now();
    EXPECT_EQ(server_->Stop(), 0);
    transfer.join();
    EXPECT_LT(Seconds(Clock::now() - stopping), 2.0);
    EXPECT_FALSE(t.error.empty());
    EXPECT_LT(t.body.size(), 5000u);
}

// The pieces, in process: the shared link and the trace clock.
TEST(ServerFaultPartsTest, ShapedLinkSharesItsRateBetweenWriters) {
    server::ShapedLink link;
    server::LinkShape shape;
    shape.cap_bytes_per_s = 200000.0;
    link.SetShape(shape);
    std::vector<double> finished(3);
    const Clock::time_point started = Clock::now();
    std::vector<std::thread> writers;
    for (size_t w = 0; w < finished.size(); ++w) {
        writers.emplace_back([&, w] {
            for (int sent = 0; sent < 100000; sent += 5000)
                ASSERT_TRUE(link.Acquire(5000));
            finished[w] = std::chrono::duration<double>(Clock::now() - started).count();
        });
    }
    for (std::thread& writer : writers)
        writer.join();
    // 300 000 bytes at 200 000 bytes/s, in turns: all three end near 1.5 s.
    for (double seconds : finished)
        EXPECT_NEAR(seconds, 1.5, 0.15);
    link.Shutdown();
    EXPECT_FALSE(link.Acquire(1));
}

TEST(ServerFaultPartsTest, TraceRatesLoopAndScale) {
    const std::vector<TracePoint> steps = {{1.0, 8.0}, {3.0, 0.8}};
    EXPECT_DOUBLE_EQ(server::TraceBytesPerSecond(steps, 0.5, 0.5), 500000.0);
    EXPECT_DOUBLE_EQ(server::TraceBytesPerSecond(steps, 0.5, 2.0), 50000.0);
    EXPECT_DOUBLE_EQ(server::TraceBytesPerSecond(steps, 0.5, 3.5), 500000.0);  // looped
    auto parsed = ParseBandwidthTrace("0.5\t1\n0.4 2\n", "t.txt");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message, "t.txt line 2: time does not increase");
}

TEST(ServerFaultPartsTest, NullReturnsOneSettingToItsDefault) {
    server::FaultSettings settings;
    server::FaultChanges changes;
    ASSERT_TRUE(
        server::ApplyFaultJson(Json{{"latency_ms", 5}, {"error_rate", 0.5}}, &settings, &changes)
            .ok());
    ASSERT_TRUE(server::ApplyFaultJson(Json{{"latency_ms", nullptr}}, &settings, &changes).ok());
    EXPECT_EQ(settings.latency_ms, 0);
    EXPECT_DOUBLE_EQ(settings.error_rate, 0.5);
    EXPECT_FALSE(changes.seed);
}

}  // namespace
}  // namespace tonearm
