// Hand-picked merge cases for the playlist model: concurrent edits, delivery
// order and repetition, clocks that jump or run ahead, and the JSON form.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sync/model/hlc.h"
#include "sync/model/op.h"
#include "sync/model/position_key.h"
#include "sync/model/sync_state.h"

namespace tonearm::sync {
namespace {

constexpr int64_t kT0 = 1'760'000'000'000;  // an ordinary wall time in ms

// One device: a user, a clock and a key generator.
struct Device {
    Device(std::string user_name, std::string node, uint64_t seed)
        : user(std::move(user_name)), clock(std::move(node)), keys(seed) {}

    Op Make(OpKind kind, const std::string& playlist) {
        Op op = StartOp(kind, user, &clock, wall);
        op.playlist_id = playlist;
        return op;
    }
    Op Create(const std::string& playlist, const std::string& name) {
        Op op = Make(OpKind::kCreatePlaylist, playlist);
        op.name = name;
        return op;
    }
    Op Add(const std::string& playlist, const std::string& track, const std::string& key) {
        Op op = Make(OpKind::kAddEntries, playlist);
        op.entries.push_back({EntryIdFor(op, 0), track, key});
        return op;
    }
    Op Move(const std::string& playlist, const std::string& entry, const std::string& key) {
        Op op = Make(OpKind::kMoveEntry, playlist);
        op.entry_id = entry;
        op.position_key = key;
        return op;
    }
    Op Remove(const std::string& playlist, const std::string& entry) {
        Op op = Make(OpKind::kRemoveEntry, playlist);
        op.entry_id = entry;
        return op;
    }
    Op Rename(const std::string& playlist, const std::string& name) {
        Op op = Make(OpKind::kRename, playlist);
        op.name = name;
        return op;
    }
    void Receive(const Op& op) { clock.Observe(op.stamp, wall); }

    std::string user;
    HybridClock clock;
    PositionKeyGenerator keys;
    int64_t wall = kT0;
};

SyncState ApplyAll(const std::vector<Op>& ops) {
    SyncState state;
    for (const Op& op : ops)
        state.Apply(op);
    return state;
}

std::vector<std::string> Tracks(const SyncState& state, const std::string& playlist) {
    std::vector<std::string> tracks;
    for (const EntryView& e : state.FindPlaylist(playlist)->Entries())
        tracks.push_back(e.track_id);
    return tracks;
}

TEST(SyncModel, ConcurrentInsertsAtTheSameSpotKeepBothInOneOrder) {
    Device phone("ana", "phone", 1), laptop("ana", "laptop", 2);
    Op create = phone.Create("p", "Road trip");
    Op a = phone.Add("p", "t-a", "a1");
    Op c = phone.Add("p", "t-c", "a5");
    // Both devices insert between a and c without seeing each other.
    Op from_phone = phone.Add("p", "t-phone", *phone.keys.Between("a1", "a5"));
    Op from_laptop = laptop.Add("p", "t-laptop", *laptop.keys.Between("a1", "a5"));

    SyncState one = ApplyAll({create, a, c, from_phone, from_laptop});
    SyncState two = ApplyAll({from_laptop, c, create, from_phone, a});
    EXPECT_EQ(one.CanonicalJson().dump(), two.CanonicalJson().dump());

    std::vector<std::string> tracks = Tracks(one, "p");
    ASSERT_EQ(tracks.size(), 4u);
    EXPECT_EQ(tracks.front(), "t-a");
    EXPECT_EQ(tracks.back(), "t-c");

    // There is room between the two concurrent inserts for a third.
    std::vector<EntryView> entries = one.FindPlaylist("p")->Entries();
    Result<std::string> between =
        phone.keys.Between(entries[1].position_key, entries[2].position_key);
    ASSERT_TRUE(between.ok()) << between.error().message;
    EXPECT_GT(*between, entries[1].position_key);
    EXPECT_LT(*between, entries[2].position_key);
}

TEST(SyncModel, RemoveWinsOverConcurrentMoveInEitherOrder) {
    Device phone("ana", "phone", 3), laptop("ana", "laptop", 4);
    Op create = phone.Create("p", "Mix");
    Op add = phone.Add("p", "t1", "a1");
    laptop.Receive(add);
    laptop.wall += 5000;  // the move is later in wall time than the remove
    Op remove = phone.Remove("p", add.entries[0].entry_id);
    Op move = laptop.Move("p", add.entries[0].entry_id, "a3");

    SyncState one = ApplyAll({create, add, remove, move});
    SyncState two = ApplyAll({create, add, move, remove});
    EXPECT_TRUE(Tracks(one, "p").empty());
    EXPECT_EQ(one.CanonicalJson().dump(), two.CanonicalJson().dump());
}

TEST(SyncModel, DuplicateDeliveryChangesNothing) {
    Device phone("ana", "phone", 5);
    std::vector<Op> ops = {phone.Create("p", "Mix"), phone.Add("p", "t1", "a1"),
                           phone.Rename("p", "Mix 2")};
    ops.push_back(phone.Move("p", ops[1].entries[0].entry_id, "a0V"));
    SyncState once = ApplyAll(ops);
    SyncState twice = ApplyAll(ops);
    for (const Op& op : ops)
        twice.Apply(op);
    for (auto it = ops.rbegin(); it != ops.rend(); ++it)
        twice.Apply(*it);
    EXPECT_EQ(once.CanonicalJson().dump(), twice.CanonicalJson().dump());
    EXPECT_EQ(Tracks(twice, "p"), std::vector<std::string>{"t1"});
    EXPECT_EQ(twice.FindPlaylist("p")->name(), "Mix 2");
}

TEST(SyncModel, OutOfOrderDeliveryCompletesPlaceholders) {
    Device phone("ana", "phone", 6);
    Op create = phone.Create("p", "Mix");
    Op add1 = phone.Add("p", "t1", "a1");
    Op add2 = phone.Add("p", "t2", "a2");
    Op move = phone.Move("p", add1.entries[0].entry_id, "a3");  // t1 to the end
    Op rename = phone.Rename("p", "Later name");

    SyncState backwards = ApplyAll({rename, move, add2, add1, create});
    EXPECT_EQ(Tracks(backwards, "p"), (std::vector<std::string>{"t2", "t1"}));
    EXPECT_EQ(backwards.FindPlaylist("p")->name(), "Later name");
    EXPECT_EQ(backwards.CanonicalJson().dump(),
              ApplyAll({create, add1, add2, move, rename}).CanonicalJson().dump());

    // A move whose add has not arrived yet shows nothing.
    SyncState partial = ApplyAll({create, move});
    EXPECT_TRUE(Tracks(partial, "p").empty());
}

TEST(SyncModel, LaterRenameWinsAndCausalRenameWinsDespiteSlowClock) {
    Device phone("ana", "phone", 7), laptop("ana", "laptop", 8);
    laptop.wall = kT0 - 300'000;  // the laptop's clock is five minutes behind
    Op create = phone.Create("p", "First");
    Op phone_rename = phone.Rename("p", "Phone name");
    laptop.Receive(phone_rename);
    Op laptop_rename = laptop.Rename("p", "Laptop name");  // made after seeing the phone's

    EXPECT_GT(laptop_rename.stamp, phone_rename.stamp);
    EXPECT_EQ(ApplyAll({create, laptop_rename, phone_rename}).FindPlaylist("p")->name(),
              "Laptop name");
    EXPECT_EQ(ApplyAll({create, phone_rename, laptop_rename}).FindPlaylist("p")->name(),
              "Laptop name");
}

TEST(SyncModel, ClockNeverRunsBackwardsWhenWallTimeJumpsBack) {
    HybridClock clock("n1");
    Hlc a = clock.Tick(kT0);
    Hlc b = clock.Tick(kT0 - 60'000);  // NTP stepped the clock back a minute
    Hlc c = clock.Tick(kT0 - 60'000);
    EXPECT_LT(a, b);
    EXPECT_LT(b, c);
    EXPECT_EQ(c.wall_ms, kT0);
    EXPECT_EQ(c.counter, 2u);

    // A restart resumes from the persisted value, not from the wall clock.
    HybridClock restarted("n1", clock.last());
    EXPECT_GT(restarted.Tick(kT0 - 120'000), c);
    EXPECT_EQ(restarted.Tick(kT0 + 5).counter, 0u);
}

TEST(SyncModel, ObservedTimestampOrdersNextTick) {
    HybridClock clock("n1");
    clock.Tick(kT0);
    Hlc remote{kT0 + 30'000, 7, "n2"};
    EXPECT_FALSE(clock.Observe(remote, kT0));
    Hlc next = clock.Tick(kT0 + 1);
    EXPECT_GT(next, remote);
    EXPECT_EQ(next.wall_ms, remote.wall_ms);
    EXPECT_EQ(next.counter, 8u);
}

TEST(SyncModel, FarFutureTimestampIsClampedOnObserve) {
    // Replicas only see stamps the server accepted (and clamped, see below),
    // so this only guards against a server that let one through.
    HybridClock clock("n1");
    Hlc remote{kT0 + 3 * 86'400'000LL, 0, "broken"};  // three days ahead
    EXPECT_TRUE(clock.Observe(remote, kT0));
    EXPECT_EQ(clock.last().wall_ms, kT0 + kMaxClockDriftMs);
    Hlc next = clock.Tick(kT0);
    EXPECT_LT(next, remote);
    EXPECT_LE(next.wall_ms, kT0 + kMaxClockDriftMs);
}

TEST(SyncModel, ServerClampKeepsArrivalOrderAndLeavesHonestStampsAlone) {
    HybridClock server_clamp("server");
    Device broken("bo", "fast", 9);
    broken.wall = kT0 + 86'400'000;  // a day ahead
    Op first = broken.Create("p", "A");
    Op second = broken.Rename("p", "B");
    ASSERT_TRUE(ClampFutureStamp(&first, &server_clamp, kT0));
    ASSERT_TRUE(ClampFutureStamp(&second, &server_clamp, kT0));
    EXPECT_LT(first.stamp, second.stamp);
    EXPECT_EQ(first.stamp.wall_ms, kT0 + kMaxClockDriftMs);
    EXPECT_EQ(second.stamp.node, "fast");

    Device honest("cy", "ok", 10);
    honest.wall = kT0 + 1000;
    Op fine = honest.Create("q", "Q");
    Hlc before = fine.stamp;
    EXPECT_FALSE(ClampFutureStamp(&fine, &server_clamp, kT0));
    EXPECT_EQ(fine.stamp, before);
}

TEST(SyncModel, MembershipIsLastWriterWinsPerUser) {
    Device owner("ana", "a", 11);
    Op create = owner.Create("p", "Shared");
    Op share = owner.Make(OpKind::kShare, "p");
    share.user = "bo";
    Op unshare = owner.Make(OpKind::kUnshare, "p");
    unshare.user = "bo";
    EXPECT_FALSE(ApplyAll({create, unshare, share}).FindPlaylist("p")->IsCollaborator("bo"));
    EXPECT_FALSE(ApplyAll({create, share, unshare}).FindPlaylist("p")->IsCollaborator("bo"));
    EXPECT_TRUE(ApplyAll({create, share}).FindPlaylist("p")->IsCollaborator("bo"));
}

TEST(SyncModel, PermissionsFollowOwnershipAndCollaboration) {
    Device ana("ana", "a", 12), bo("bo", "b", 13), cy("cy", "c", 14);
    SyncState state;
    Op create = ana.Create("p", "Mine");
    ASSERT_TRUE(state.CheckOp(create, "ana").ok());
    state.Apply(create);

    Op bo_add = bo.Add("p", "t1", "a1");
    EXPECT_EQ(state.CheckOp(bo_add, "bo").error().code, ErrorCode::kForbidden);
    EXPECT_EQ(state.CheckOp(bo_add, "ana").error().code, ErrorCode::kForbidden);  // not the author

    Op collab = ana.Make(OpKind::kSetCollaborative, "p");
    collab.collaborative = true;
    Op share = ana.Make(OpKind::kShare, "p");
    share.user = "bo";
    Op follow = cy.Make(OpKind::kFollow, "p");
    follow.user = "cy";
    for (const Op& op : {collab, share, follow}) {
        ASSERT_TRUE(state.CheckOp(op, op.author).ok());
        state.Apply(op);
    }
    EXPECT_TRUE(state.CheckOp(bo_add, "bo").ok());
    Op cy_add = cy.Add("p", "t2", "a2");
    Status refused = state.CheckOp(cy_add, "cy");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);
    EXPECT_NE(refused.error().message.find(cy_add.id), std::string::npos);

    Op bo_share = bo.Make(OpKind::kShare, "p");
    bo_share.user = "cy";
    EXPECT_EQ(state.CheckOp(bo_share, "bo").error().code, ErrorCode::kForbidden);
    EXPECT_EQ(state.CheckOp(bo.Remove("p", "nope"), "bo").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(state.CheckOp(ana.Create("p", "again"), "ana").error().code,
              ErrorCode::kInvalidArgument);
}

TEST(SyncModel, OpsRoundTripThroughJson) {
    Device ana("ana", "a", 15);
    Op add = ana.Make(OpKind::kAddEntries, "p");
    add.entries = {{"e1", "t1", "a1"}, {"e2", "t2", "a1k"}};
    Op save = StartOp(OpKind::kSaveTrack, "ana", &ana.clock, kT0);
    save.track_id = "t9";
    Op collab = ana.Make(OpKind::kSetCollaborative, "p");
    collab.collaborative = true;
    for (const Op& op : {ana.Create("p", "Name \"quoted\""), add, save, collab,
                         ana.Move("p", "e1", "b01"), ana.Rename("p", "ünïcode")}) {
        Result<Json> text = ParseJson(ToJson(op).dump());
        ASSERT_TRUE(text.ok());
        Result<Op> back = OpFromJson(*text);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, op) << ToJson(op).dump();
    }
}

TEST(SyncModel, MalformedOpsAreErrorsNamingTheOp) {
    const char* cases[] = {
        R"([1,2])",
        R"({"id":"x1","kind":"teleport","author":"a","stamp":{"ms":1,"c":0,"node":"n"}})",
        R"({"id":"x2","kind":"move","author":"a","playlist":"p","entry":"e","key":"a1V0",
            "stamp":{"ms":1,"c":0,"node":"n"}})",
        R"({"id":"x3","kind":"add","author":"a","playlist":"p","entries":[{"id":"e"}],
            "stamp":{"ms":1,"c":0,"node":"n"}})",
        R"({"id":"x4","kind":"rename","author":"a","playlist":"p","name":7,
            "stamp":{"ms":1,"c":0,"node":"n"}})",
        R"({"id":"x5","kind":"rename","author":"a","playlist":"p","name":"n",
            "stamp":{"ms":-1,"c":0,"node":"n"}})",
    };
    int index = 0;
    for (const char* text : cases) {
        Result<Op> op = OpFromJson(*ParseJson(text));
        ASSERT_FALSE(op.ok()) << text;
        EXPECT_EQ(op.error().code, ErrorCode::kProtocol);
        if (index > 0) {
            EXPECT_NE(op.error().message.find("x" + std::to_string(index)), std::string::npos)
                << op.error().message;
        }
        ++index;
    }
}

TEST(SyncModel, TextThatIsNotUtf8IsRefused) {
    Device ana("ana", "a", 20);
    Op rename = ana.Rename("p", "caf\xc3");  // cut in the middle of a character
    EXPECT_EQ(CheckOpShape(rename).error().code, ErrorCode::kProtocol);
    rename.name = "caf\xc3\xa9";
    EXPECT_TRUE(CheckOpShape(rename).ok());
}

TEST(SyncModel, MutatedOpJsonNeverThrows) {
    Device ana("ana", "a", 19);
    Op add = ana.Make(OpKind::kAddEntries, "p");
    add.entries = {{"e1", "t1", "a1"}, {"e2", "t2", "a1k"}};
    const std::vector<std::string> seeds = {ToJson(add).dump(), ToJson(ana.Create("p", "x")).dump(),
                                            ToJson(ana.Move("p", "e1", "b01")).dump()};
    std::mt19937 rng(3);
    const std::string alphabet = "{}[]\":,0-9aZ\\ .e";
    int parsed = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text = seeds[rng() % seeds.size()];
        for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
            text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
        }
        Result<Json> json = ParseJson(text);
        if (!json.ok()) continue;
        ++parsed;
        Result<Op> op = OpFromJson(*json);  // must return, never throw
        if (op.ok()) {
            EXPECT_TRUE(CheckOpShape(*op).ok());
        }
    }
    EXPECT_GT(parsed, 1000);
}

TEST(SyncModel, StampCounterIsCheckedWhateverItsJsonIntegerType) {
    EXPECT_TRUE(HlcFromJson(Json{{"ms", 5}, {"c", 0}, {"node", "n"}}).ok());    // signed
    EXPECT_TRUE(HlcFromJson(*ParseJson(R"({"ms":5,"c":7,"node":"n"})")).ok());  // unsigned
    EXPECT_EQ(HlcFromJson(*ParseJson(R"({"ms":5,"c":7,"node":"n"})"))->counter, 7u);
    EXPECT_FALSE(HlcFromJson(Json{{"ms", 5}, {"c", -1}, {"node", "n"}}).ok());
    EXPECT_FALSE(HlcFromJson(Json{{"ms", 5}, {"c", 4294967296LL}, {"node", "n"}}).ok());
    EXPECT_FALSE(HlcFromJson(Json{{"ms", 5}, {"c", 1.5}, {"node", "n"}}).ok());
    EXPECT_FALSE(HlcFromJson(Json{{"ms", 5}, {"c", 0}, {"node", ""}}).ok());
}

TEST(SyncModel, TombstonesOlderThanWatermarkAreCollected) {
    Device ana("ana", "a", 16);
    Op create = ana.Create("p", "Mix");
    Op add = ana.Add("p", "t1", "a1");
    Op keep = ana.Add("p", "t2", "a2");
    Op remove = ana.Remove("p", add.entries[0].entry_id);
    SyncState state = ApplyAll({create, add, keep, remove});
    EXPECT_EQ(state.CollectTombstones(remove.stamp), 0u);  // not older than the watermark
    Hlc later{remove.stamp.wall_ms + 1, 0, "server"};
    EXPECT_EQ(state.CollectTombstones(later), 1u);
    EXPECT_EQ(state.FindPlaylist("p")->FindEntry(add.entries[0].entry_id), nullptr);
    EXPECT_EQ(Tracks(state, "p"), std::vector<std::string>{"t2"});
}

TEST(SyncModel, LibrarySyncsLikeAPlaylist) {
    Device phone("ana", "phone", 17), laptop("ana", "laptop", 18);
    Op save = StartOp(OpKind::kSaveTrack, "ana", &phone.clock, phone.wall);
    save.track_id = "t1";
    laptop.Receive(save);
    Op unsave = StartOp(OpKind::kUnsaveTrack, "ana", &laptop.clock, laptop.wall);
    unsave.track_id = "t1";
    Op save2 = StartOp(OpKind::kSaveTrack, "ana", &phone.clock, phone.wall);
    save2.track_id = "t2";
    SyncState one = ApplyAll({save, unsave, save2});
    SyncState two = ApplyAll({save2, unsave, save});
    EXPECT_EQ(one.CanonicalJson().dump(), two.CanonicalJson().dump());
    EXPECT_EQ(one.FindLibrary("ana")->SavedTracks(), std::vector<std::string>{"t2"});
}

}  // namespace
}  // namespace tonearm::sync
