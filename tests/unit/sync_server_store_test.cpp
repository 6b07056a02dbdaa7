// The server's playlist store on a real SQLite file: it survives a restart,
// de-duplicates retried ops, keeps the batch rule, and re-stamps ops from a
// clock running ahead.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server-mock/playlist_store.h"
#include "sync/model/hlc.h"
#include "sync/model/op.h"
#include "tests/support/temp_dir.h"

namespace tonearm::server {
namespace {

constexpr int64_t kNow = 1'760'000'000'000;

Json OpJson(const std::string& id, const std::string& kind, const std::string& playlist,
            int64_t ms = kNow) {
    Json op{{"id", id},
            {"kind", kind},
            {"author", "ana"},
            {"playlist", playlist},
            {"stamp", {{"ms", ms}, {"c", 0}, {"node", "dev"}}}};
    if (kind == "create" || kind == "rename") op["name"] = "name of " + id;
    if (kind == "add") op["entries"] = {{{"id", id + ".0"}, {"track", "t-" + id}, {"key", "a1"}}};
    return op;
}

TEST(PlaylistStore, StateSurvivesRestartAndRetriesAreNotDuplicated) {
    testing::TempDir dir;
    {
        auto store = PlaylistStore::Open(dir.Join("playlists.db"));
        ASSERT_TRUE(store.ok()) << store.error().message;
        auto pushed =
            (*store)->Push("ana", {OpJson("c1", "create", "p"), OpJson("a1", "add", "p")}, kNow);
        ASSERT_TRUE(pushed.ok());
        EXPECT_EQ(pushed->acked.size(), 2u);
    }
    auto store = PlaylistStore::Open(dir.Join("playlists.db"));
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto retried = (*store)->Push("ana", {OpJson("a1", "add", "p")}, kNow);
    ASSERT_TRUE(retried.ok());
    EXPECT_EQ(retried->acked, std::vector<std::string>{"a1"});
    ChangeSet all = (*store)->ChangesFor("ana", 0, 100);
    EXPECT_EQ(all.ops.size(), 2u);
    EXPECT_EQ(all.cursor, 2);
    EXPECT_EQ((*store)->ChangesFor("ana", 2, 100).ops.size(), 0u);
    EXPECT_EQ((*store)->ChangesFor("ana", 999, 100).ops.size(), 2u);  // from a wiped store
    Result<Json> view = (*store)->PlaylistView("ana", "p");
    ASSERT_TRUE(view.ok());
    EXPECT_EQ((*view)["entries"].size(), 1u);
    EXPECT_FALSE((*store)->PlaylistView("bo", "p").ok());
}

TEST(PlaylistStore, RejectedOpDoesNotStopTheRestOfTheBatch) {
    testing::TempDir dir;
    auto store = PlaylistStore::Open(dir.Join("playlists.db"));
    ASSERT_TRUE(store.ok());
    Json broken = OpJson("m1", "move", "p");  // no entry, no key
    auto pushed = (*store)->Push("ana",
                                 {OpJson("c1", "create", "p"), broken, OpJson("a1", "add", "nope"),
                                  OpJson("r1", "rename", "p")},
                                 kNow);
    ASSERT_TRUE(pushed.ok());
    EXPECT_EQ(pushed->acked, (std::vector<std::string>{"c1", "r1"}));
    ASSERT_EQ(pushed->rejected.size(), 2u);
    EXPECT_EQ(pushed->rejected[0]["op"], "m1");
    EXPECT_EQ(pushed->rejected[1]["op"], "a1");
    EXPECT_EQ(pushed->rejected[1]["code"], "not_found");
}

TEST(PlaylistStore, OpFromAClockFarAheadIsRestamped) {
    testing::TempDir dir;
    auto store = PlaylistStore::Open(dir.Join("playlists.db"));
    ASSERT_TRUE(store.ok());
    const int64_t day_ahead = kNow + 86'400'000;
    ASSERT_TRUE((*store)->Push("ana", {OpJson("c1", "create", "p", day_ahead)}, kNow).ok());
    ChangeSet changes = (*store)->ChangesFor("ana", 0, 10);
    ASSERT_EQ(changes.ops.size(), 1u);
    EXPECT_EQ(changes.ops[0].stamp.wall_ms, kNow + sync::kMaxClockDriftMs);
    EXPECT_EQ(changes.ops[0].stamp.node, "dev");
}

TEST(PlaylistStore, WaitForChangeWakesAndTimesOut) {
    testing::TempDir dir;
    auto store = PlaylistStore::Open(dir.Join("playlists.db"));
    ASSERT_TRUE(store.ok());
    EXPECT_FALSE((*store)->WaitForChange("ana", 0, 50));
    ASSERT_TRUE((*store)->Push("ana", {OpJson("c1", "create", "p")}, kNow).ok());
    EXPECT_TRUE((*store)->WaitForChange("ana", 0, 5000));
    EXPECT_FALSE((*store)->WaitForChange("bo", 0, 50));  // nothing bo may read
}

}  // namespace
}  // namespace tonearm::server
