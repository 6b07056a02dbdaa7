// The CDN and API of the real tonearm-server binary: signatures, expiry,
// tokens, tiers and every range edge case.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <thread>

#include "core/api_client.h"
#include "core/crypto.h"
#include "core/http_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm {
namespace {

using testing::ServerProcess;
using testing::TempDir;

// One ingested track and one running server shared by the suite.
class ServerCdnTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir();
        const std::string source = dir_->Join("tone.ogg");
        ASSERT_TRUE(testing::WriteOggVorbis(source, testing::MakeSine(440.0, 4.0, 44100, 2), 0.4f,
                                            {"TITLE=Tone", "ARTIST=Lab"})
                        .ok());
        std::string output;
        Status ingested = testing::RunIngest(data_dir(), {source}, &output);
        ASSERT_TRUE(ingested.ok()) << output;
        auto server = ServerProcess::Start(data_dir());
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = server->release();
    }
    static void TearDownTestSuite() {
        delete server_;
        delete dir_;
    }
    void SetUp() override {
        ASSERT_NE(server_, nullptr);
        api_ = std::make_unique<ApiClient>(server_->api_url());
        ASSERT_TRUE(api_->Login("demo", "demo").ok());
        auto page = api_->Tracks(0, 10);
        ASSERT_TRUE(page.ok());
        ASSERT_EQ(page->items.size(), 1u);
        auto manifest = api_->GetManifest(page->items[0].id);
        ASSERT_TRUE(manifest.ok()) << manifest.error().message;
        manifest_ = *manifest;
        variant_ = *manifest_.FindVariant(160);
        auto bytes = testing::ReadFileBytes(data_dir() + "/audio/" + manifest_.track_id + "/v" +
                                            std::to_string(manifest_.version) + "/160.ogg");
        ASSERT_TRUE(bytes.ok());
        file_ = *bytes;
    }

    static std::string data_dir() { return dir_->Join("data"); }

    HttpResponse Fetch(const std::string& url,
                       std::vector<std::pair<std::string, std::string>> headers = {},
                       const std::string& method = "GET") {
        HttpRequest request;
        request.method = method;
        request.url = url;
        request.headers = std::move(headers);
        Result<HttpResponse> response = http_.Perform(request);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : HttpResponse{};
    }
    HttpResponse FetchRange(const std::string& range) {
        return Fetch(variant_.url, {{"Range", range}});
    }
    std::string Etag() const { return "\"" + variant_.sha256 + "\""; }

    static TempDir* dir_;
    static ServerProcess* server_;
    std::unique_ptr<ApiClient> api_;
    HttpClient http_;
    Manifest manifest_;
    Variant variant_;
    std::string file_;
};

TempDir* ServerCdnTest::dir_ = nullptr;
ServerProcess* ServerCdnTest::server_ = nullptr;

TEST_F(ServerCdnTest, WholeFileComesWithItsHashAsStrongEtag) {
    HttpResponse r = Fetch(variant_.url);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, file_);
    EXPECT_EQ(static_cast<int64_t>(r.body.size()), variant_.size);
    EXPECT_EQ(crypto::Sha256Hex(r.body), variant_.sha256);
    EXPECT_EQ(r.Header("etag"), Etag());
    EXPECT_EQ(r.Header("accept-ranges"), "bytes");
    EXPECT_EQ(r.Header("content-length"), std::to_string(variant_.size));
    EXPECT_EQ(r.Header("content-type"), "audio/ogg");
}

TEST_F(ServerCdnTest, HeadGivesTheHeadersWithoutABody) {
    HttpResponse r = Fetch(variant_.url, {}, "HEAD");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(r.Header("content-length"), std::to_string(variant_.size));
    EXPECT_EQ(r.Header("etag"), Etag());
}

TEST_F(ServerCdnTest, ClosedRangeIsServedExactly) {
    HttpResponse r = FetchRange("bytes=100-199");
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body, file_.substr(100, 100));
    EXPECT_EQ(r.Header("content-range"), "bytes 100-199/" + std::to_string(variant_.size));
}

TEST_F(ServerCdnTest, OpenEndedRangeRunsToTheEnd) {
    const int64_t first = variant_.seek_index.back().byte_offset;
    HttpResponse r = FetchRange("bytes=" + std::to_string(first) + "-");
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body, file_.substr(static_cast<size_t>(first)));
    EXPECT_EQ(r.Header("content-range"), "bytes " + std::to_string(first) + "-" +
                                             std::to_string(variant_.size - 1) + "/" +
                                             std::to_string(variant_.size));
}

TEST_F(ServerCdnTest, SuffixRangeGivesTheLastBytes) {
    HttpResponse r = FetchRange("bytes=-500");
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body, file_.substr(file_.size() - 500));
    EXPECT_EQ(r.Header("content-range"), "bytes " + std::to_string(variant_.size - 500) + "-" +
                                             std::to_string(variant_.size - 1) + "/" +
                                             std::to_string(variant_.size));
}

TEST_F(ServerCdnTest, RangeEndPastTheSizeIsClamped) {
    HttpResponse r = FetchRange("bytes=10-99999999");
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body, file_.substr(10));
}

TEST_F(ServerCdnTest, RangeStartingAtOrPastTheEndIs416WithTheSize) {
    for (int64_t first : {variant_.size, variant_.size + 1000}) {
        HttpResponse r = FetchRange("bytes=" + std::to_string(first) + "-");
        EXPECT_EQ(r.status, 416);
        EXPECT_EQ(r.Header("content-range"), "bytes */" + std::to_string(variant_.size));
    }
}

TEST_F(ServerCdnTest, IfRangeWithTheCurrentEtagKeepsTheRange) {
    HttpResponse r = Fetch(variant_.url, {{"Range", "bytes=0-99"}, {"If-Range", Etag()}});
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body, file_.substr(0, 100));
}

TEST_F(ServerCdnTest, IfRangeWithAnotherEtagGivesTheWholeFile) {
    HttpResponse r = Fetch(variant_.url, {{"Range", "bytes=0-99"}, {"If-Range", "\"stale\""}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, file_);
    EXPECT_TRUE(r.Header("content-range").empty());
}

TEST_F(ServerCdnTest, TamperedPathIsRefused) {
    std::string url = variant_.url;
    url.replace(url.find("/160.ogg"), 8, "/320.ogg");
    HttpResponse r = Fetch(url);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, "bad signature\n");
}

TEST_F(ServerCdnTest, TamperedExpiryIsRefused) {
    std::string url = variant_.url;
    size_t at = url.find("exp=") + 4;
    url.insert(at, "9");  // ten times further in the future
    HttpResponse r = Fetch(url);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, "bad signature\n");
}

TEST_F(ServerCdnTest, UnknownKeyIdIsRefused) {
    std::string url = variant_.url;
    url.replace(url.find("kid=k1"), 6, "kid=k9");
    HttpResponse r = Fetch(url);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, "unknown key id\n");
}

TEST_F(ServerCdnTest, UnsignedUrlIsRefused) {
    std::string url = variant_.url.substr(0, variant_.url.find('?'));
    EXPECT_EQ(Fetch(url).status, 403);
    EXPECT_EQ(Fetch(server_->cdn_url() + "/audio/../keys.json").status, 404);
}

TEST_F(ServerCdnTest, RefusalsIgnoreTheRangeHeader) {
    std::string url = variant_.url;
    url.replace(url.find("kid=k1"), 6, "kid=k9");
    HttpResponse r = Fetch(url, {{"Range", "bytes=5-"}});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, "unknown key id\n");
}

TEST_F(ServerCdnTest, FreeTierSeesVariantsUpTo160) {
    ApiClient free_user(server_->api_url());
    ASSERT_TRUE(free_user.Login("free", "free").ok());
    auto manifest = free_user.GetManifest(manifest_.track_id);
    ASSERT_TRUE(manifest.ok());
    ASSERT_EQ(manifest->variants.size(), 2u);
    EXPECT_EQ(manifest->variants[0].kbps, 96);
    EXPECT_EQ(manifest->variants[1].kbps, 160);
    EXPECT_EQ(manifest_.variants.size(), 3u);
}

TEST_F(ServerCdnTest, ApiNeedsAValidToken) {
    ApiClient anonymous(server_->api_url());
    auto no_token = anonymous.Tracks(0, 10);
    ASSERT_FALSE(no_token.ok());
    EXPECT_EQ(no_token.error().code, ErrorCode::kUnauthorized);
    anonymous.SetToken("0000");
    auto bad_token = anonymous.GetManifest(manifest_.track_id);
    ASSERT_FALSE(bad_token.ok());
    EXPECT_EQ(bad_token.error().code, ErrorCode::kUnauthorized);

    HttpResponse raw = Fetch(server_->api_url() + "/v1/me");
    EXPECT_EQ(raw.status, 401);
    auto body = ParseJson(raw.body);
    ASSERT_TRUE(body.ok());
    EXPECT_TRUE((*body)["error"].is_string());
    EXPECT_EQ(Fetch(server_->api_url() + "/v1/health").status, 200);
}

TEST_F(ServerCdnTest, LoginRejectsBadPasswordsAndMalformedBodies) {
    ApiClient client(server_->api_url());
    auto wrong = client.Login("demo", "nope");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthorized);

    HttpRequest request;
    request.method = "POST";
    request.url = server_->api_url() + "/v1/login";
    request.body = "{\"user\": \"demo\", ";
    auto malformed = http_.Perform(request);
    ASSERT_TRUE(malformed.ok());
    EXPECT_EQ(malformed->status, 400);
    EXPECT_NE(malformed->body.find("malformed JSON"), std::string::npos);
}

TEST(ServerLifecycleTest, BannerNamesTheDemoUsersAndSigtermStopsCleanly) {
    TempDir dir;
    auto server = ServerProcess::Start(dir.Join("data"));
    ASSERT_TRUE(server.ok()) << server.error().message;
    EXPECT_EQ((*server)->api_url().rfind("http://127.0.0.1:", 0), 0u);
    EXPECT_EQ((*server)->cdn_url().rfind("http://127.0.0.1:", 0), 0u);
    EXPECT_NE((*server)->api_url(), (*server)->cdn_url());
    std::vector<std::string> lines(4);
    for (std::string& line : lines)
        ASSERT_TRUE((*server)->process().ReadLine(&line, 5000));
    EXPECT_EQ(lines[0], "user: demo (password demo, premium tier)");
    EXPECT_EQ(lines[1], "user: free (password free, free tier)");
    EXPECT_EQ(lines[2], "log in: tonearm-cli --server " + (*server)->api_url() +
                            " login --user demo --password demo");
    EXPECT_EQ(lines[3], "catalog: 0 tracks");
    EXPECT_EQ((*server)->Stop(), 0);
}

TEST(ServerLifecycleTest, NoDemoUsersMeansNoDemoLogin) {
    TempDir dir;
    auto server = ServerProcess::Start(dir.Join("data"), {"--no-demo-users"});
    ASSERT_TRUE(server.ok()) << server.error().message;
    ApiClient api((*server)->api_url());
    auto login = api.Login("demo", "demo");
    ASSERT_FALSE(login.ok());
    EXPECT_EQ(login.error().code, ErrorCode::kUnauthorized);
}

TEST(ServerFaultTest, LatencyDelaysEveryCdnResponse) {
    TempDir dir;
    const std::string source = dir.Join("short.ogg");
    ASSERT_TRUE(
        testing::WriteOggVorbis(source, testing::MakeSine(220.0, 1.0, 44100, 1), 0.2f).ok());
    ASSERT_TRUE(testing::RunIngest(dir.Join("data"), {source}).ok());
    auto server = ServerProcess::Start(dir.Join("data"), {"--latency-ms", "300"});
    ASSERT_TRUE(server.ok()) << server.error().message;
    ApiClient api((*server)->api_url());
    ASSERT_TRUE(api.Login("demo", "demo").ok());
    auto page = api.Tracks(0, 1);
    ASSERT_TRUE(page.ok() && page->items.size() == 1);
    auto manifest = api.GetManifest(page->items[0].id);
    ASSERT_TRUE(manifest.ok());

    HttpClient http;
    HttpRequest request;
    request.url = manifest->variants.front().url;
    request.range_first = 0;
    request.range_last = 99;
    auto started = std::chrono::steady_clock::now();
    auto r = http.Perform(request);
    auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 206);
    EXPECT_GE(elapsed, std::chrono::milliseconds(300));
}

TEST(ServerExpiryTest, ExpiredUrlIsRefused) {
    TempDir dir;
    const std::string source = dir.Join("short.ogg");
    ASSERT_TRUE(
        testing::WriteOggVorbis(source, testing::MakeSine(220.0, 1.0, 44100, 1), 0.2f).ok());
    ASSERT_TRUE(testing::RunIngest(dir.Join("data"), {source}).ok());
    auto server = ServerProcess::Start(dir.Join("data"), {"--url-ttl", "1"});
    ASSERT_TRUE(server.ok()) << server.error().message;

    ApiClient api((*server)->api_url());
    ASSERT_TRUE(api.Login("demo", "demo").ok());
    auto page = api.Tracks(0, 1);
    ASSERT_TRUE(page.ok() && page->items.size() == 1);
    auto manifest = api.GetManifest(page->items[0].id);
    ASSERT_TRUE(manifest.ok());
    const Variant& v = manifest->variants.front();
    // Wait on the server's own clock, time(), which can lag system_clock by a
    // tick: the URL is refused once time() is past url_expires.
    while (std::time(nullptr) <= v.url_expires) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    HttpClient http;
    HttpRequest request;
    request.url = v.url;
    auto r = http.Perform(request);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(r->body, "url expired\n");
}

}  // namespace
}  // namespace tonearm
