// Playlist sync end to end: tonearm-cli devices (one --profile folder each)
// edit offline, then sync through the real tonearm-server and converge; a
// follower and a stranger cannot write.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/http_client.h"
#include "core/wire.h"
#include "server-mock/server_db.h"
#include "tests/support/json_lines.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace tonearm {
namespace {

using testing::TempDir;

class SyncCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        // A third account besides the demo users, for the stranger.
        auto db = server::ServerDatabase::Open(data_.Join("server.db"));
        ASSERT_TRUE(db.ok()) << db.error().message;
        ASSERT_TRUE((*db)->CreateUser("stranger", "stranger-pw", Tier::kFree).ok());
        db->reset();
        auto server = testing::ServerProcess::Start(data_.path());
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = std::move(*server);
    }

    // Runs tonearm-cli --json for the device whose profile is profile.
    std::vector<Json> Cli(const TempDir& profile, const std::vector<std::string>& args,
                          int expected_exit = 0) {
        return testing::RunCliJson(server_->api_url(), profile.path(), args, expected_exit);
    }

    void Login(const TempDir& profile, const std::string& user, const std::string& password) {
        ASSERT_EQ(Cli(profile, {"login", "--user", user, "--password", password}).size(), 1u);
    }

    // The playlist's track ids in order on one device.
    std::vector<std::string> Show(const TempDir& profile, const std::string& playlist,
                                  std::string* name = nullptr) {
        std::vector<Json> lines = Cli(profile, {"playlist", "show", playlist});
        std::vector<std::string> tracks;
        if (lines.size() != 1) return tracks;
        for (const Json& e : lines[0]["entries"])
            tracks.push_back(e["track"]);
        if (name != nullptr) *name = lines[0]["name"];
        return tracks;
    }

    std::string EntryOf(const TempDir& profile, const std::string& playlist,
                        const std::string& track) {
        std::vector<Json> lines = Cli(profile, {"playlist", "show", playlist});
        for (const Json& e : lines.at(0)["entries"]) {
            if (e["track"] == track) return e["entry"];
        }
        return {};
    }

    // Pushes one raw add op with the token saved in profile.
    Json RawAdd(const TempDir& profile, const std::string& author, const std::string& playlist) {
        std::ifstream file(profile.Join("session.json"));
        std::stringstream text;
        text << file.rdbuf();
        const std::string token = (*ParseJson(text.str()))["token"];
        Json op{{"id", "raw-" + author},
                {"kind", "add"},
                {"author", author},
                {"playlist", playlist},
                {"entries", {{{"id", "raw-" + author + ".0"}, {"track", "t9"}, {"key", "a1"}}}},
                {"stamp", {{"ms", SystemMs()}, {"c", 0}, {"node", "raw"}}}};
        HttpClient http;
        HttpRequest request;
        request.method = "POST";
        request.url = server_->api_url() + "/v1/sync";
        request.headers = {{"Authorization", "Bearer " + token}};
        request.body = Json{{"ops", Json::array({op})}, {"cursor", ""}}.dump();
        Result<HttpResponse> response = http.Perform(request);
        EXPECT_TRUE(response.ok());
        return response.ok() ? *ParseJson(response->body) : Json();
    }

    static int64_t SystemMs() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    TempDir data_;
    TempDir phone_, laptop_, follower_, stranger_;
    std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(SyncCliTest, TwoDevicesEditOfflineAndConverge) {
    Login(phone_, "demo", "demo");
    Login(laptop_, "demo", "demo");
    std::vector<Json> created = Cli(phone_, {"playlist", "create", "Road trip"});
    ASSERT_EQ(created.size(), 1u);
    const std::string p = created[0]["playlist"];
    Cli(phone_, {"playlist", "add", "--ids", p, "t1", "t2", "t3"});
    std::vector<Json> synced = Cli(phone_, {"sync"});
    ASSERT_EQ(synced.size(), 1u);
    EXPECT_EQ(synced[0]["acked"], 2);
    EXPECT_EQ(synced[0]["pending"], 0);
    Cli(laptop_, {"sync"});
    ASSERT_EQ(Show(laptop_, p), (std::vector<std::string>{"t1", "t2", "t3"}));

    // Offline on both devices: these commands never reach the server.
    Cli(phone_, {"playlist", "move", p, EntryOf(phone_, p, "t3"), "0"});
    Cli(phone_, {"playlist", "rename", p, "Road trip 2"});
    Cli(laptop_, {"playlist", "remove", p, EntryOf(laptop_, p, "t1")});
    Cli(laptop_, {"playlist", "add", "--ids", p, "t4", "--at", "1"});
    EXPECT_EQ(Show(phone_, p), (std::vector<std::string>{"t3", "t1", "t2"}));
    EXPECT_EQ(Show(laptop_, p), (std::vector<std::string>{"t2", "t4", "t3"}));

    Cli(phone_, {"sync"});
    Cli(laptop_, {"sync"});
    Cli(phone_, {"sync"});
    std::string phone_name, laptop_name;
    // t3 moved to the front on the phone; t4 went between t2 and t3's old
    // place on the laptop; t1 is gone.
    const std::vector<std::string> expected = {"t3", "t2", "t4"};
    EXPECT_EQ(Show(phone_, p, &phone_name), expected);
    EXPECT_EQ(Show(laptop_, p, &laptop_name), expected);
    EXPECT_EQ(phone_name, "Road trip 2");
    EXPECT_EQ(laptop_name, "Road trip 2");
    std::vector<Json> listed = Cli(laptop_, {"playlists"});
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["entry_count"], 3);
}

TEST_F(SyncCliTest, ConcurrentReordersConvergeAndRemovalBeatsMove) {
    Login(phone_, "demo", "demo");
    Login(laptop_, "demo", "demo");
    const std::string p = Cli(phone_, {"playlist", "create", "Reorder"})[0]["playlist"];
    Cli(phone_, {"playlist", "add", "--ids", p, "t1", "t2", "t3", "t4", "t5"});
    Cli(phone_, {"sync"});
    Cli(laptop_, {"sync"});

    // Offline, each device reorders differently; the laptop removes the
    // entry the phone moves.
    const std::string t5 = EntryOf(phone_, p, "t5");
    Cli(phone_, {"playlist", "move", p, t5, "0"});
    Cli(phone_, {"playlist", "move", p, EntryOf(phone_, p, "t2"), "4"});
    Cli(laptop_, {"playlist", "move", p, EntryOf(laptop_, p, "t1"), "4"});
    Cli(laptop_, {"playlist", "remove", p, EntryOf(laptop_, p, "t5")});
    EXPECT_EQ(Show(phone_, p), (std::vector<std::string>{"t5", "t1", "t3", "t4", "t2"}));
    EXPECT_EQ(Show(laptop_, p), (std::vector<std::string>{"t2", "t3", "t4", "t1"}));

    Cli(laptop_, {"sync"});
    Cli(phone_, {"sync"});  // the phone's move of t5 is accepted, then loses
    Cli(laptop_, {"sync"});
    const std::vector<std::string> phone = Show(phone_, p);
    EXPECT_EQ(Show(laptop_, p), phone);
    // t3 and t4 never moved; t1 and t2 both went after t4; t5 is gone.
    ASSERT_EQ(phone.size(), 4u);
    EXPECT_EQ(std::vector<std::string>(phone.begin(), phone.begin() + 2),
              (std::vector<std::string>{"t3", "t4"}));
    EXPECT_TRUE((phone[2] == "t1" && phone[3] == "t2") || (phone[2] == "t2" && phone[3] == "t1"));
    std::vector<Json> listed = Cli(phone_, {"playlists"});
    EXPECT_EQ(listed.at(0)["entry_count"], 4);
}

TEST_F(SyncCliTest, ServerRestartKeepsPlaylistsForAFreshDevice) {
    Login(phone_, "demo", "demo");
    const std::string p = Cli(phone_, {"playlist", "create", "Kept"})[0]["playlist"];
    Cli(phone_, {"playlist", "add", "--ids", p, "t1", "t2"});
    Cli(phone_, {"playlist", "describe", p, "survives restarts"});
    Cli(phone_, {"sync"});

    EXPECT_EQ(server_->Stop(), 0);
    auto restarted = testing::ServerProcess::Start(data_.path());
    ASSERT_TRUE(restarted.ok()) << restarted.error().message;
    server_ = std::move(*restarted);

    Login(laptop_, "demo", "demo");
    std::vector<Json> synced = Cli(laptop_, {"sync"});
    ASSERT_EQ(synced.size(), 1u);
    EXPECT_EQ(synced[0]["pulled"], 3);
    EXPECT_EQ(Show(laptop_, p), (std::vector<std::string>{"t1", "t2"}));
    std::vector<Json> shown = Cli(laptop_, {"playlist", "show", p});
    EXPECT_EQ(shown.at(0)["description"], "survives restarts");
}

TEST_F(SyncCliTest, FollowerAndStrangerEditsAreRefused) {
    Login(phone_, "demo", "demo");
    Login(follower_, "free", "free");
    Login(stranger_, "stranger", "stranger-pw");
    const std::string p = Cli(phone_, {"playlist", "create", "Mine"})[0]["playlist"];
    Cli(phone_, {"playlist", "add", "--ids", p, "t1"});
    Cli(phone_, {"sync"});

    Cli(follower_, {"playlist", "follow", p});
    Cli(follower_, {"sync"});
    EXPECT_EQ(Show(follower_, p), std::vector<std::string>{"t1"});
    // The follower's own client refuses...
    std::vector<Json> refused = Cli(follower_, {"playlist", "add", "--ids", p, "t2"}, 1);
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_NE(refused[0]["message"].get<std::string>().find("may not edit"), std::string::npos);
    // ...and so does the server, for the follower and for a stranger.
    Json follower_push = RawAdd(follower_, "free", p);
    ASSERT_EQ(follower_push["rejected"].size(), 1u) << follower_push.dump();
    EXPECT_EQ(follower_push["rejected"][0]["code"], "forbidden");
    Json stranger_push = RawAdd(stranger_, "stranger", p);
    ASSERT_EQ(stranger_push["rejected"].size(), 1u) << stranger_push.dump();
    EXPECT_EQ(stranger_push["rejected"][0]["code"], "forbidden");
    Json impostor = RawAdd(stranger_, "demo", p);  // writing as someone else
    ASSERT_EQ(impostor["rejected"].size(), 1u);
    EXPECT_NE(impostor["rejected"][0]["error"].get<std::string>().find("not the signed-in user"),
              std::string::npos);

    Cli(stranger_, {"sync"});
    Cli(stranger_, {"playlist", "show", p}, 1);  // never sent to the stranger
    Cli(phone_, {"sync"});
    EXPECT_EQ(Show(phone_, p), std::vector<std::string>{"t1"});
}

}  // namespace
}  // namespace tonearm
