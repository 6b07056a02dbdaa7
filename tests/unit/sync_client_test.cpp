// The sync client against the real playlist routes of tonearm-server, run in
// process on 127.0.0.1 port 0 with real SQLite files: offline edits on two
// devices converge, refused edits are undone, retries do not duplicate, a
// fresh device gets the current state, the long poll wakes on change.
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/http_client.h"
#include "server-mock/api_server.h"
#include "server-mock/playlist_routes.h"
#include "server-mock/signing_keys.h"
#include "sync/replica.h"
#include "sync/sync_client.h"
#include "tests/support/temp_dir.h"

namespace tonearm::sync {
namespace {

class SyncClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = server::ServerDatabase::Open(dir_.Join("server.db"));
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        for (const char* user : {"ana", "bo", "cy"}) {
            ASSERT_TRUE(db_->CreateUser(user, "secret-password", Tier::kFree).ok());
            ASSERT_TRUE(db_->StoreToken(std::string("token-") + user, user, 4'000'000'000).ok());
        }
        store_ = std::make_unique<server::MediaStore>(dir_.path());
        auto signer = server::LoadOrCreateSigningKeys(dir_.path());
        ASSERT_TRUE(signer.ok()) << signer.error().message;
        api_ = std::make_unique<server::ApiServer>(db_.get(), store_.get(), *signer);
        auto routes = server::RegisterPlaylistRoutes(*api_, dir_.path());
        ASSERT_TRUE(routes.ok()) << routes.error().message;
        routes_ = std::move(*routes);
        Result<int> port = api_->Bind(0);
        ASSERT_TRUE(port.ok()) << port.error().message;
        base_url_ = "http://127.0.0.1:" + std::to_string(*port);
        listener_ = std::thread([this] { api_->Listen(); });
    }

    void TearDown() override {
        if (routes_) routes_->Shutdown();
        if (api_) api_->Stop();
        if (listener_.joinable()) listener_.join();
    }

    std::unique_ptr<Replica> Device(const std::string& name, const std::string& user) {
        ReplicaOptions options{dir_.Join(name + ".db"), user};
        auto replica = Replica::Open(options);
        EXPECT_TRUE(replica.ok()) << replica.error().message;
        return std::move(*replica);
    }

    SyncOptions Options(const std::string& user) {
        SyncOptions options;
        options.base_url = base_url_;
        options.token = "token-" + user;
        options.backoff_ms = 20;
        return options;
    }

    SyncReport SyncNow(Replica* replica, const std::string& user) {
        SyncClient client(replica, Options(user));
        Result<SyncReport> report = client.Sync();
        EXPECT_TRUE(report.ok()) << report.error().message;
        return report.ok() ? *report : SyncReport{};
    }

    // POSTs a raw sync body as user and returns the parsed answer.
    Json RawSync(const std::string& user, const Json& body) {
        HttpClient http;
        HttpRequest request;
        request.method = "POST";
        request.url = base_url_ + "/v1/sync";
        request.headers = {{"Authorization", "Bearer token-" + user}};
        request.body = body.dump();
        Result<HttpResponse> response = http.Perform(request);
        EXPECT_TRUE(response.ok());
        EXPECT_EQ(response->status, 200) << response->body;
        return *ParseJson(response->body);
    }

    static std::vector<std::string> Tracks(Replica& replica, const std::string& playlist) {
        std::vector<std::string> tracks;
        SyncState state = replica.Snapshot();
        const Playlist* p = state.FindPlaylist(playlist);
        if (p == nullptr) return tracks;
        for (const EntryView& e : p->Entries())
            tracks.push_back(e.track_id);
        return tracks;
    }

    testing::TempDir dir_;
    std::unique_ptr<server::ServerDatabase> db_;
    std::unique_ptr<server::MediaStore> store_;
    std::unique_ptr<server::ApiServer> api_;
    std::unique_ptr<server::PlaylistRoutes> routes_;
    std::string base_url_;
    std::thread listener_;
};

TEST_F(SyncClientTest, OfflineEditsOnTwoDevicesAndACollaboratorConverge) {
    auto phone = Device("phone", "ana");
    auto laptop = Device("laptop", "ana");
    auto bo = Device("bo", "bo");
    const std::string p = phone->CreatePlaylist("Road trip")->playlist_id;
    ASSERT_TRUE(phone->AddTracks(p, {"t1", "t2", "t3"}).ok());
    ASSERT_TRUE(phone->SetCollaborative(p, true).ok());
    ASSERT_TRUE(phone->Share(p, "bo", true).ok());
    SyncNow(phone.get(), "ana");
    SyncNow(laptop.get(), "ana");
    SyncNow(bo.get(), "bo");
    ASSERT_EQ(Tracks(*bo, p), (std::vector<std::string>{"t1", "t2", "t3"}));

    // All three offline.
    SyncState seen = laptop->Snapshot();
    const auto entries = seen.FindPlaylist(p)->Entries();
    ASSERT_TRUE(phone->MoveEntry(p, entries[2].entry_id, 0).ok());  // t3 first
    ASSERT_TRUE(phone->Rename(p, "Road trip 2").ok());
    ASSERT_TRUE(laptop->RemoveEntry(p, entries[2].entry_id).ok());  // remove beats the move
    ASSERT_TRUE(laptop->AddTracks(p, {"t4"}, 1).ok());
    ASSERT_TRUE(bo->AddTracks(p, {"t5", "t6"}).ok());

    for (int round = 0; round < 2; ++round) {
        SyncNow(laptop.get(), "ana");
        SyncNow(bo.get(), "bo");
        SyncNow(phone.get(), "ana");
    }
    EXPECT_EQ(phone->CanonicalState(), laptop->CanonicalState());
    EXPECT_EQ(Tracks(*phone, p), (std::vector<std::string>{"t1", "t4", "t2", "t5", "t6"}));
    EXPECT_EQ(Tracks(*bo, p), Tracks(*phone, p));
    EXPECT_EQ(bo->Snapshot().FindPlaylist(p)->name(), "Road trip 2");
    EXPECT_EQ(phone->PendingCount() + laptop->PendingCount() + bo->PendingCount(), 0u);
}

TEST_F(SyncClientTest, EditAfterLosingAccessIsRejectedAndUndone) {
    auto ana = Device("ana", "ana");
    auto bo = Device("bo", "bo");
    const std::string p = ana->CreatePlaylist("Shared")->playlist_id;
    ASSERT_TRUE(ana->AddTracks(p, {"t1"}).ok());
    ASSERT_TRUE(ana->SetCollaborative(p, true).ok());
    ASSERT_TRUE(ana->Share(p, "bo", true).ok());
    SyncNow(ana.get(), "ana");
    SyncNow(bo.get(), "bo");

    ASSERT_TRUE(ana->Share(p, "bo", false).ok());  // ana takes the rights back...
    SyncNow(ana.get(), "ana");
    ASSERT_TRUE(bo->AddTracks(p, {"t-late"}).ok());  // ...while bo is offline
    EXPECT_EQ(Tracks(*bo, p).size(), 2u);

    SyncReport report = SyncNow(bo.get(), "bo");
    ASSERT_EQ(report.rejected.size(), 1u);
    EXPECT_NE(report.rejected[0].error.find("may not edit"), std::string::npos);
    EXPECT_EQ(bo->PendingCount(), 0u);
    EXPECT_EQ(Tracks(*bo, p), std::vector<std::string>{"t1"});
}

TEST_F(SyncClientTest, FollowerAndStrangerCannotWrite) {
    auto ana = Device("ana", "ana");
    const std::string p = ana->CreatePlaylist("Mine")->playlist_id;
    SyncNow(ana.get(), "ana");

    // cy follows by id (from a link) without having seen the playlist.
    auto cy = Device("cy", "cy");
    ASSERT_TRUE(cy->Follow(p, true).ok());
    SyncReport followed = SyncNow(cy.get(), "cy");
    EXPECT_EQ(followed.acked, 1u);
    EXPECT_EQ(cy->Snapshot().FindPlaylist(p)->name(), "Mine");
    auto make_add = [&](const std::string& id, const std::string& author) {
        return Json{{"id", id},
                    {"kind", "add"},
                    {"author", author},
                    {"playlist", p},
                    {"entries", {{{"id", id + ".0"}, {"track", "t9"}, {"key", "a1"}}}},
                    {"stamp", {{"ms", 2}, {"c", 0}, {"node", "cy"}}}};
    };
    Json answer = RawSync("cy", Json{{"cursor", ""},
                                     {"ops",
                                      {make_add("cy-a1", "cy"), make_add("cy-a2", "ana"),
                                       Json{{"id", "broken"}, {"kind", "add"}}}}});
    ASSERT_EQ(answer["rejected"].size(), 3u) << answer.dump();
    EXPECT_EQ(answer["rejected"][0]["code"], "forbidden");
    EXPECT_EQ(answer["rejected"][1]["code"], "forbidden");
    EXPECT_NE(answer["rejected"][1]["error"].get<std::string>().find("not the signed-in user"),
              std::string::npos);
    EXPECT_EQ(answer["rejected"][2]["op"], "broken");

    Json stranger = RawSync("bo", Json{{"cursor", ""}, {"ops", {make_add("bo-a1", "bo")}}});
    EXPECT_EQ(stranger["rejected"][0]["code"], "forbidden");
    EXPECT_TRUE(stranger["ops"].empty());  // bo may not even read it

    // The follower's own client refuses the edit before it reaches the server.
    Result<Op> local = cy->AddTracks(p, {"t9"});
    ASSERT_FALSE(local.ok());
    EXPECT_EQ(local.error().code, ErrorCode::kForbidden);
    SyncNow(cy.get(), "cy");
    EXPECT_TRUE(Tracks(*cy, p).empty());
}

TEST_F(SyncClientTest, PlaylistViewsAreOnlyForReaders) {
    auto ana = Device("ana", "ana");
    const std::string p = ana->CreatePlaylist("Views")->playlist_id;
    ASSERT_TRUE(ana->AddTracks(p, {"t1", "t2"}).ok());
    SyncNow(ana.get(), "ana");
    auto get = [&](const std::string& user, const std::string& path) {
        HttpClient http;
        HttpRequest request;
        request.url = base_url_ + path;
        request.headers = {{"Authorization", "Bearer token-" + user}};
        Result<HttpResponse> response = http.Perform(request);
        EXPECT_TRUE(response.ok());
        return *response;
    };
    HttpResponse mine = get("ana", "/v1/playlists");
    ASSERT_EQ(mine.status, 200);
    Json listed = *ParseJson(mine.body);
    ASSERT_EQ(listed["playlists"].size(), 1u);
    EXPECT_EQ(listed["playlists"][0]["entries"].size(), 2u);
    EXPECT_TRUE((*ParseJson(get("bo", "/v1/playlists").body))["playlists"].empty());
    EXPECT_EQ(get("ana", "/v1/playlists/" + p).status, 200);
    EXPECT_EQ(get("bo", "/v1/playlists/" + p).status, 404);
}

TEST_F(SyncClientTest, PushRetriedAfterALostAnswerIsNotDuplicated) {
    auto ana = Device("ana", "ana");
    const std::string p = ana->CreatePlaylist("Mix")->playlist_id;
    ASSERT_TRUE(ana->AddTracks(p, {"t1", "t2"}).ok());
    // The server records the batch but the answer never reaches the device.
    Json ops = Json::array();
    Result<std::vector<Op>> pending = ana->PendingOps(10);
    ASSERT_TRUE(pending.ok());
    for (const Op& op : *pending)
        ops.push_back(ToJson(op));
    RawSync("ana", Json{{"cursor", ""}, {"ops", ops}});

    SyncReport report = SyncNow(ana.get(), "ana");
    EXPECT_EQ(report.acked, 2u);
    EXPECT_TRUE(report.rejected.empty());
    auto fresh = Device("fresh", "ana");
    SyncNow(fresh.get(), "ana");
    EXPECT_EQ(Tracks(*fresh, p), (std::vector<std::string>{"t1", "t2"}));
    EXPECT_EQ(fresh->CanonicalState(), ana->CanonicalState());
}

TEST_F(SyncClientTest, NewCollaboratorGetsTheWholeHistory) {
    auto ana = Device("ana", "ana");
    auto bo = Device("bo", "bo");
    SyncNow(bo.get(), "bo");  // bo's cursor is past nothing yet
    const std::string p = ana->CreatePlaylist("Old")->playlist_id;
    ASSERT_TRUE(ana->AddTracks(p, {"t1", "t2"}).ok());
    SyncNow(ana.get(), "ana");
    SyncNow(bo.get(), "bo");  // advances bo's cursor past ana's ops, none visible
    EXPECT_EQ(bo->Snapshot().FindPlaylist(p), nullptr);

    ASSERT_TRUE(ana->SetCollaborative(p, true).ok());
    ASSERT_TRUE(ana->Share(p, "bo", true).ok());
    SyncNow(ana.get(), "ana");
    SyncNow(bo.get(), "bo");
    EXPECT_EQ(Tracks(*bo, p), (std::vector<std::string>{"t1", "t2"}));
    EXPECT_TRUE(bo->AddTracks(p, {"t3"}).ok());
}

TEST_F(SyncClientTest, DeviceWithClockADayAheadIsRestampedAndCorrected) {
    ReplicaOptions options{dir_.Join("fast.db"), "ana"};
    options.wall_clock = [] { return SystemWallMs() + 86'400'000; };
    auto fast = Replica::Open(options);
    ASSERT_TRUE(fast.ok());
    const std::string p = (*fast)->CreatePlaylist("Fast")->playlist_id;
    SyncNow(fast->get(), "ana");

    SyncState state = (*fast)->Snapshot();
    const int64_t created = state.FindPlaylist(p)->CanonicalJson()["created"]["hlc"]["ms"];
    EXPECT_LE(created, SystemWallMs() + kMaxClockDriftMs + 1000);
    // The learned offset brings its next stamps back near server time.
    Result<Op> next = (*fast)->Rename(p, "Fast 2");
    ASSERT_TRUE(next.ok());
    EXPECT_LT(next->stamp.wall_ms, SystemWallMs() + kMaxClockDriftMs + 1000);
}

TEST_F(SyncClientTest, LongPollWakesOnAChangeAndTimesOutOtherwise) {
    auto phone = Device("phone", "ana");
    auto laptop = Device("laptop", "ana");
    SyncNow(laptop.get(), "ana");
    SyncClient waiter(laptop.get(), Options("ana"));

    auto start = std::chrono::steady_clock::now();
    Result<bool> quiet = waiter.WaitForChanges(1);
    ASSERT_TRUE(quiet.ok()) << quiet.error().message;
    EXPECT_FALSE(*quiet);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));

    std::future<Result<bool>> woke =
        std::async(std::launch::async, [&] { return waiter.WaitForChanges(20); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(phone->CreatePlaylist("New").ok());
    start = std::chrono::steady_clock::now();
    SyncNow(phone.get(), "ana");
    ASSERT_EQ(woke.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_TRUE(*woke.get());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(SyncClientTest, UnreachableServerFailsBoundedAndKeepsTheOutbox) {
    auto ana = Device("ana", "ana");
    ASSERT_TRUE(ana->CreatePlaylist("Offline").ok());
    SyncOptions options = Options("ana");
    options.base_url = "http://127.0.0.1:1";  // nothing listens on port 1
    options.max_attempts = 3;
    SyncClient client(ana.get(), options);
    auto start = std::chrono::steady_clock::now();
    Result<SyncReport> report = client.Sync();
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::kNetwork);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_EQ(ana->PendingCount(), 1u);
}

TEST_F(SyncClientTest, BadTokenIsUnauthorized) {
    auto ana = Device("ana", "ana");
    SyncOptions options = Options("ana");
    options.token = "wrong";
    SyncClient client(ana.get(), options);
    Result<SyncReport> report = client.Sync();
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::kUnauthorized);
}

}  // namespace
}  // namespace tonearm::sync
