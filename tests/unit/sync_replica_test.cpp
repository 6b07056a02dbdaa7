// The SQLite replica on real files: durability of edits and outbox, schema
// versioning, the clock across restarts, undoing rejected ops, replacing
// re-stamped ones, and convergence of two replicas exchanging ops.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sync/replica.h"
#include "tests/support/temp_dir.h"

namespace tonearm::sync {
namespace {

constexpr int64_t kT0 = 1'760'000'000'000;

class ReplicaTest : public ::testing::Test {
protected:
    std::unique_ptr<Replica> OpenReplica(const std::string& name, const std::string& user = "ana") {
        ReplicaOptions options;
        options.path = dir_.Join(name);
        options.user = user;
        options.wall_clock = [this] { return wall_; };
        Result<std::unique_ptr<Replica>> replica = Replica::Open(options);
        EXPECT_TRUE(replica.ok()) << replica.error().message;
        return replica.ok() ? std::move(*replica) : nullptr;
    }

    // Runs a one-value query on the file with a separate connection.
    std::string Query(const std::string& name, const std::string& sql) {
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open(dir_.Join(name).c_str(), &db), SQLITE_OK);
        sqlite3_stmt* stmt = nullptr;
        std::string value;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
            value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return value;
    }

    testing::TempDir dir_;
    int64_t wall_ = kT0;
};

std::vector<std::string> Tracks(Replica& replica, const std::string& playlist) {
    std::vector<std::string> tracks;
    SyncState state = replica.Snapshot();
    for (const EntryView& e : state.FindPlaylist(playlist)->Entries()) {
        tracks.push_back(e.track_id);
    }
    return tracks;
}

TEST_F(ReplicaTest, EditsAndOutboxSurviveReopen) {
    std::string playlist;
    {
        auto replica = OpenReplica("a.db");
        Result<Op> create = replica->CreatePlaylist("Road trip", "summer");
        ASSERT_TRUE(create.ok()) << create.error().message;
        playlist = create->playlist_id;
        ASSERT_TRUE(replica->AddTracks(playlist, {"t1", "t2", "t3"}).ok());
        ASSERT_TRUE(replica->AddTracks(playlist, {"t0"}, 0).ok());
        EXPECT_EQ(replica->PendingCount(), 3u);
    }
    auto reopened = OpenReplica("a.db");
    EXPECT_EQ(Tracks(*reopened, playlist), (std::vector<std::string>{"t0", "t1", "t2", "t3"}));
    EXPECT_EQ(reopened->PendingCount(), 3u);
    EXPECT_EQ(Query("a.db",
                    "SELECT group_concat(track_id, ',') FROM (SELECT track_id FROM "
                    "entries ORDER BY position_key, entry_id)"),
              "t0,t1,t2,t3");
    EXPECT_EQ(Query("a.db", "SELECT name FROM playlists"), "Road trip");
}

TEST_F(ReplicaTest, EveryEditThatReturnedSurvivesKill9) {
    std::string playlist;
    {
        auto replica = OpenReplica("a.db");
        playlist = replica->CreatePlaylist("crash")->playlist_id;
    }
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // Edits as fast as it can, reporting each one after it returned.
        close(pipe_fds[0]);
        auto replica = Replica::Open({dir_.Join("a.db"), "ana"});
        for (int i = 0; replica.ok(); ++i) {
            Result<Op> op = (*replica)->AddTracks(playlist, {"t" + std::to_string(i)});
            if (!op.ok()) _exit(1);
            const std::string line = op->entries[0].entry_id + "\n";
            if (write(pipe_fds[1], line.data(), line.size()) < 0) _exit(1);
        }
        _exit(1);
    }
    close(pipe_fds[1]);
    FILE* reported = fdopen(pipe_fds[0], "r");
    std::vector<std::string> acknowledged;
    char line[256];
    while (acknowledged.size() < 40 && std::fgets(line, sizeof line, reported) != nullptr) {
        acknowledged.emplace_back(line, std::strlen(line) - 1);
    }
    kill(child, SIGKILL);  // in the middle of some later edit
    int status = 0;
    waitpid(child, &status, 0);
    std::fclose(reported);
    ASSERT_EQ(acknowledged.size(), 40u);

    auto reopened = OpenReplica("a.db");
    SyncState state = reopened->Snapshot();
    const Playlist* p = state.FindPlaylist(playlist);
    for (const std::string& entry : acknowledged) {
        ASSERT_NE(p->FindEntry(entry), nullptr) << entry << " was lost";
    }
    EXPECT_EQ(reopened->PendingCount(), p->Entries().size() + 1);  // and each has its outbox row
}

TEST_F(ReplicaTest, FileUsesWalAndCurrentSchemaVersion) {
    auto replica = OpenReplica("a.db");
    EXPECT_EQ(Query("a.db", "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(Query("a.db", "PRAGMA user_version"), std::to_string(kReplicaSchemaVersion));
}

TEST_F(ReplicaTest, NewerSchemaAndOtherUserAreRefused) {
    { auto replica = OpenReplica("a.db"); }
    ReplicaOptions other{dir_.Join("a.db"), "bo"};
    Result<std::unique_ptr<Replica>> refused = Replica::Open(other);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnsupported);

    Query("a.db", "PRAGMA user_version = 99");
    Result<std::unique_ptr<Replica>> newer = Replica::Open({dir_.Join("a.db"), "ana"});
    ASSERT_FALSE(newer.ok());
    EXPECT_EQ(newer.error().code, ErrorCode::kUnsupported);
}

TEST_F(ReplicaTest, ClockNeverGoesBackwardsAcrossRestartAndWallClockJump) {
    Hlc last;
    {
        auto replica = OpenReplica("a.db");
        ASSERT_TRUE(replica->CreatePlaylist("x").ok());
        last = replica->clock();
    }
    wall_ = kT0 - 3'600'000;  // the wall clock was set back an hour meanwhile
    auto replica = OpenReplica("a.db");
    Result<Op> op = replica->CreatePlaylist("y");
    ASSERT_TRUE(op.ok());
    EXPECT_GT(op->stamp, last);
    EXPECT_EQ(op->stamp.node, last.node);
}

TEST_F(ReplicaTest, LocalEditsAreCheckedWithTheSharedRules) {
    auto replica = OpenReplica("a.db");
    Result<Op> missing = replica->AddTracks("pl-nope", {"t1"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    Result<Op> create = replica->CreatePlaylist("mine");
    Result<Op> remove = replica->RemoveEntry(create->playlist_id, "no-such-entry");
    ASSERT_FALSE(remove.ok());
    EXPECT_EQ(remove.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(replica->PendingCount(), 1u);
}

TEST_F(ReplicaTest, RejectedOpIsUndoneAndLeavesTheOutbox) {
    auto replica = OpenReplica("a.db");
    Result<Op> create = replica->CreatePlaylist("mine");
    Result<Op> add = replica->AddTracks(create->playlist_id, {"t1", "t2"});
    Result<Op> rename = replica->Rename(create->playlist_id, "renamed");
    ASSERT_TRUE(add.ok() && rename.ok());
    ASSERT_TRUE(replica->ApplyPushAnswer({create->id, rename->id}, {add->id}).ok());
    EXPECT_EQ(replica->PendingCount(), 0u);
    EXPECT_TRUE(Tracks(*replica, create->playlist_id).empty());
    EXPECT_EQ(Query("a.db", "SELECT COUNT(*) FROM entries"), "0");
    EXPECT_EQ(Query("a.db", "SELECT name FROM playlists"), "renamed");
}

TEST_F(ReplicaTest, ReplicasExchangingOpsConverge) {
    auto phone = OpenReplica("phone.db");
    auto laptop = OpenReplica("laptop.db");
    Result<Op> create = phone->CreatePlaylist("shared");
    const std::string p = create->playlist_id;
    ASSERT_TRUE(phone->AddTracks(p, {"t1", "t2"}).ok());
    ASSERT_TRUE(laptop->ApplyRemote(*phone->PendingOps(100), "1").ok());

    // Offline on both: the phone moves t2 first, the laptop removes t1 and appends t3.
    SyncState seen = laptop->Snapshot();
    const std::string t1 = seen.FindPlaylist(p)->Entries()[0].entry_id;
    const std::string t2 = seen.FindPlaylist(p)->Entries()[1].entry_id;
    ASSERT_TRUE(phone->MoveEntry(p, t2, 0).ok());
    ASSERT_TRUE(laptop->RemoveEntry(p, t1).ok());
    ASSERT_TRUE(laptop->AddTracks(p, {"t3"}).ok());

    std::vector<Op> from_phone = *phone->PendingOps(100);
    std::vector<Op> from_laptop = *laptop->PendingOps(100);
    ASSERT_TRUE(phone->ApplyRemote(from_laptop, "2").ok());
    ASSERT_TRUE(laptop->ApplyRemote(from_phone, "2").ok());
    EXPECT_EQ(phone->CanonicalState(), laptop->CanonicalState());
    EXPECT_EQ(Tracks(*phone, p), (std::vector<std::string>{"t2", "t3"}));
    EXPECT_EQ(laptop->cursor(), "2");
}

TEST_F(ReplicaTest, ServerVersionOfAnOpReplacesTheLocalOne) {
    auto replica = OpenReplica("a.db");
    Result<Op> create = replica->CreatePlaylist("first");
    Result<Op> rename = replica->Rename(create->playlist_id, "mine");
    Op other = *rename;  // a concurrent rename from another device, later stamp
    other.id = "other-op";
    other.name = "theirs";
    other.stamp = Hlc{rename->stamp.wall_ms + 10, 0, "other"};
    ASSERT_TRUE(replica->ApplyRemote({other}, "1").ok());
    EXPECT_EQ(replica->Snapshot().FindPlaylist(create->playlist_id)->name(), "theirs");

    Op restamped = *rename;  // the server re-stamped ours later still
    restamped.stamp = Hlc{rename->stamp.wall_ms + 20, 0, rename->stamp.node};
    ASSERT_TRUE(replica->ApplyRemote({restamped}, "2").ok());
    EXPECT_EQ(replica->Snapshot().FindPlaylist(create->playlist_id)->name(), "mine");

    auto reopened = std::move(replica);
    reopened.reset();
    auto again = OpenReplica("a.db");
    EXPECT_EQ(again->Snapshot().FindPlaylist(create->playlist_id)->name(), "mine");
}

TEST_F(ReplicaTest, ConcurrentEditsFromTwoThreadsAreAllRecorded) {
    auto replica = OpenReplica("a.db");
    const std::string p = replica->CreatePlaylist("busy")->playlist_id;
    auto work = [&](const std::string& prefix) {
        for (int i = 0; i < 50; ++i) {
            ASSERT_TRUE(replica->AddTracks(p, {prefix + std::to_string(i)}).ok());
        }
    };
    std::thread a(work, "a"), b(work, "b");
    a.join();
    b.join();
    EXPECT_EQ(Tracks(*replica, p).size(), 100u);
    EXPECT_EQ(replica->PendingCount(), 101u);
    EXPECT_EQ(Query("a.db", "SELECT COUNT(*) FROM entries"), "100");
}

TEST_F(ReplicaTest, LibrarySavesAreMaterialised) {
    auto replica = OpenReplica("a.db");
    ASSERT_TRUE(replica->SaveTrack("t1", true).ok());
    ASSERT_TRUE(replica->SaveTrack("t2", true).ok());
    ASSERT_TRUE(replica->SaveTrack("t1", false).ok());
    EXPECT_EQ(Query("a.db", "SELECT group_concat(track_id) FROM library"), "t2");
    EXPECT_EQ(replica->Snapshot().FindLibrary("ana")->SavedTracks(),
              std::vector<std::string>{"t2"});
}

}  // namespace
}  // namespace tonearm::sync
