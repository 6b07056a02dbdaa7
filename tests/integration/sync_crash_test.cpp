// kill -9 on the real tonearm-cli and its SQLite replica, at seeded random
// moments during edits and syncs against the real tonearm-server (which is
// itself killed now and then): no edit the CLI reported is lost, the replica
// always opens, and after a final sync two devices hold the same state.
// (sync_replica_test kills an editing process in the same way without the
// CLI and the server.) TONEARM_CRASH_SEED=S replays a printed seed,
// TONEARM_CRASH_KILLS=N asks for N kills (default 100).
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/wire.h"
#include "sync/replica.h"
#include "tests/support/json_lines.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace tonearm {
namespace {

using Clock = std::chrono::steady_clock;
using testing::TempDir;

int EnvInt(const char* name, int fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

// True if the replica file at path holds an op with this id.
bool HasOp(const std::string& path, const std::string& op_id) {
    sqlite3* db = nullptr;
    bool found = false;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db, "SELECT 1 FROM ops WHERE id = ?", -1, &stmt, nullptr);
        sqlite3_bind_text(stmt, 1, op_id.c_str(), -1, SQLITE_TRANSIENT);
        found = sqlite3_step(stmt) == SQLITE_ROW;
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return found;
}

class SyncCrashTest : public ::testing::Test {
protected:
    void SetUp() override { StartServer(); }

    void StartServer() {
        auto server = testing::ServerProcess::Start(data_.path());
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = std::move(*server);
    }

    std::vector<std::string> Argv(const TempDir& profile, const std::vector<std::string>& args) {
        std::vector<std::string> argv = {TONEARM_CLI_BIN, "--server",     server_->api_url(),
                                         "--profile",     profile.path(), "--json"};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }

    // Runs the CLI to completion; returns its JSON lines.
    std::vector<Json> Cli(const TempDir& profile, const std::vector<std::string>& args) {
        testing::ProcessResult result = testing::RunProcess(Argv(profile, args), 30000);
        EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
        return Lines(result.out);
    }

    // A line cut by the kill is no report: only complete lines count.
    static std::vector<Json> Lines(const std::string& out) {
        return testing::ParseJsonLines(out, nullptr, /*complete_lines_only=*/true);
    }

    // Opens the device's replica (as the next CLI run would) and returns it.
    std::unique_ptr<sync::Replica> Open(const TempDir& profile) {
        Result<std::unique_ptr<sync::Replica>> replica =
            sync::Replica::Open({profile.Join("replica.db"), "demo"});
        EXPECT_TRUE(replica.ok()) << replica.error().message;
        return replica.ok() ? std::move(*replica) : nullptr;
    }

    // One CLI run killed with SIGKILL after delay_us unless it finished
    // first; the op ids of the edits it reported go to *acked. Returns true
    // if the kill landed.
    bool RunAndKill(const std::vector<std::string>& argv, int delay_us,
                    std::vector<std::string>* acked) {
        auto child = testing::ChildProcess::Start(argv);
        EXPECT_TRUE(child.ok());
        if (!child.ok()) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
        kill(-(*child)->pid(), SIGKILL);
        const std::optional<int> code = (*child)->WaitForExit(10000);
        std::string out, line;
        while ((*child)->ReadLine(&line, 1000))
            out += line + "\n";
        for (const Json& event : Lines(out)) {
            if (event.value("event", "") != "error" && event.contains("op")) {
                acked->push_back(event["op"]);
            }
        }
        return code == 128 + SIGKILL;
    }

    // A random edit of playlist on the phone, or a sync.
    std::vector<std::string> RandomCommand(std::mt19937& rng, const std::string& playlist) {
        std::unique_ptr<sync::Replica> replica = Open(phone_);
        std::vector<sync::EntryView> entries;
        if (replica) entries = replica->Snapshot().FindPlaylist(playlist)->Entries();
        replica.reset();
        const int kind = std::uniform_int_distribution<int>(0, 9)(rng);
        auto pick = [&] {
            return entries[std::uniform_int_distribution<size_t>(0, entries.size() - 1)(rng)];
        };
        const std::string n = std::to_string(rng() % 1000);
        if (kind <= 2 || entries.size() < 3) return {"playlist", "add", "--ids", playlist, "t" + n};
        if (kind == 3) {
            return {"playlist", "move", playlist, pick().entry_id,
                    std::to_string(rng() % entries.size())};
        }
        if (kind == 4) return {"playlist", "remove", playlist, pick().entry_id};
        if (kind == 5) return {"playlist", "rename", playlist, "name " + n};
        return {"sync"};
    }

    TempDir data_, phone_, laptop_;
    std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(SyncCrashTest, Kill9DuringEditsAndSyncsLosesNoReportedEdit) {
    const unsigned seed =
        static_cast<unsigned>(EnvInt("TONEARM_CRASH_SEED", std::random_device{}()));
    const int wanted_kills = EnvInt("TONEARM_CRASH_KILLS", 100);
    std::cout << "crash seed " << seed << " (TONEARM_CRASH_SEED to replay)\n";
    std::mt19937 rng(seed);
    for (const TempDir* device : {&phone_, &laptop_}) {
        Cli(*device, {"login", "--user", "demo", "--password", "demo"});
    }
    const std::string playlist = Cli(phone_, {"playlist", "create", "Crash"}).at(0)["playlist"];
    // How long an edit takes when nothing interrupts it (median of five),
    // adjusted as runs go: shorter after a run that finished before its kill,
    // longer after a kill, so kills keep landing inside runs (about 5 in 6)
    // whatever the load on the machine.
    std::vector<int> edit_us;
    for (int i = 0; i < 5; ++i) {
        const auto started = Clock::now();
        Cli(phone_, {"playlist", "add", "--ids", playlist, "t" + std::to_string(i)});
        edit_us.push_back(static_cast<int>(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count()));
    }
    std::sort(edit_us.begin(), edit_us.end());
    double typical_us = edit_us[2];
    Cli(phone_, {"sync"});
    Cli(laptop_, {"sync"});

    std::vector<std::string> acked;
    int kills = 0, runs = 0, server_kills = 0;
    for (; kills < wanted_kills && runs < wanted_kills * 4; ++runs) {
        const std::vector<std::string> argv = Argv(phone_, RandomCommand(rng, playlist));
        const int delay = std::uniform_int_distribution<int>(static_cast<int>(typical_us / 5),
                                                             static_cast<int>(typical_us))(rng);
        const int kills_before = kills;
        const bool kill_server = argv.back() == "sync" && runs % 20 == 19;
        if (kill_server) {
            std::thread killer([&] {
                std::this_thread::sleep_for(std::chrono::microseconds(delay / 2));
                kill(server_->process().pid(), SIGKILL);
            });
            kills += RunAndKill(argv, delay, &acked);
            killer.join();
            ++server_kills;
            StartServer();
        } else {
            kills += RunAndKill(argv, delay, &acked);
        }
        typical_us = std::max(1000.0, typical_us * (kills > kills_before ? 1.02 : 0.9));
        ASSERT_NE(Open(phone_), nullptr) << "replica does not open after run " << runs;
        for (const std::string& op : acked) {
            ASSERT_TRUE(HasOp(phone_.Join("replica.db"), op)) << op << " lost, seed " << seed;
        }
        if (runs % 10 == 0) {
            Cli(laptop_, {"playlist", "add", "--ids", playlist, "laptop-" + std::to_string(runs)});
            Cli(laptop_, {"sync"});
        }
    }
    EXPECT_GE(kills, wanted_kills) << "only " << kills << " of " << runs << " runs were killed";
    EXPECT_GT(acked.size(), 0u) << "no run reported an edit: nothing was checked";

    for (const TempDir* device : {&phone_, &laptop_, &phone_, &laptop_}) {
        std::vector<Json> synced = Cli(*device, {"sync"});
        ASSERT_EQ(synced.size(), 1u);
        EXPECT_TRUE(synced[0]["rejected"].empty()) << synced[0].dump();
    }
    std::unique_ptr<sync::Replica> phone = Open(phone_), laptop = Open(laptop_);
    ASSERT_TRUE(phone && laptop);
    EXPECT_EQ(phone->PendingCount(), 0u);
    EXPECT_EQ(laptop->PendingCount(), 0u);
    EXPECT_EQ(phone->CanonicalState(), laptop->CanonicalState()) << "seed " << seed;
    for (const std::string& op : acked) {
        EXPECT_TRUE(HasOp(laptop_.Join("replica.db"), op)) << op << " never reached the laptop";
    }
    std::cout << kills << " kills in " << runs << " runs (and " << server_kills
              << " of the server), " << acked.size() << " reported edits kept\n";
}

}  // namespace
}  // namespace tonearm
