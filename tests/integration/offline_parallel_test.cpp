// Pins that download several tracks at once: the transfers overlap, the
// overall progress adds up, a pin killed with several partial files resumes
// each of them from its own bytes, and `sync` pins a pinned playlist again
// after another device changed it.
#include <signal.h>

#include <filesystem>
#include <set>

#include "tests/integration/offline_test_fixture.h"

namespace tonearm::offline_test {
namespace {

namespace fs = std::filesystem;

class OfflineParallelTest : public OfflineFixture {
protected:
    // The 320 kbps variant's SHA-256 of each track, from the server.
    std::map<std::string, Variant> Variants320() {
        ApiClient api(server_->api_url());
        EXPECT_TRUE(api.Login("demo", "demo").ok());
        std::map<std::string, Variant> variants;
        for (const auto& [title, id] : ids_) {
            auto manifest = api.GetManifest(id);
            EXPECT_TRUE(manifest.ok() && manifest->FindVariant(320) != nullptr);
            if (manifest.ok() && manifest->FindVariant(320) != nullptr)
                variants[id] = *manifest->FindVariant(320);
        }
        return variants;
    }

    // tonearm-cli --json with another device's profile folder.
    CliRun CliAs(const testing::TempDir& profile, std::vector<std::string> args) {
        std::vector<std::string> argv = {TONEARM_CLI_BIN, "--server",     api_url_,
                                         "--profile",     profile.path(), "--json"};
        argv.insert(argv.end(), args.begin(), args.end());
        testing::ProcessResult result = testing::RunProcess(argv, 60000, {"HOME=" + home_.path()});
        return CliRun{result.exit_code, testing::ParseJsonLines(result.out), result.out,
                      result.err};
    }

    std::string MakePlaylist(const std::string& name, const std::vector<std::string>& tracks) {
        CliRun created = Cli({"playlist", "create", name});
        EXPECT_EQ(created.exit_code, 0) << created.err;
        const std::string playlist = created.First("playlist_created").value("playlist", "");
        std::vector<std::string> add = {"playlist", "add", playlist};
        add.insert(add.end(), tracks.begin(), tracks.end());
        EXPECT_EQ(Cli(add).exit_code, 0);
        EXPECT_EQ(Cli({"sync"}).exit_code, 0);
        return playlist;
    }

    // The tracks the device pins for source, from `offline status`.
    std::set<std::string> PinnedTracks(const std::string& source) {
        std::set<std::string> tracks;
        for (const Json& e : Cli({"offline", "status"}).events) {
            if (e.value("event", "") == "offline_track" && e.value("source", "") == source)
                tracks.insert(e.value("track", ""));
        }
        return tracks;
    }
};

TEST_F(OfflineParallelTest, ParallelPinOverlapsTransfersAndItsOverallProgressAddsUp) {
    StartWithTracks({12.0, 12.0, 12.0, 12.0, 12.0}, {"--latency-ms", "100"});
    const std::string playlist = MakePlaylist("Parallel", {Id(0), Id(1), Id(2), Id(3), Id(4)});

    CliRun pinned = Cli({"offline", "pin", playlist, "--quality", "320", "--parallel", "3",
                         "--max-rate", "1500000"});
    ASSERT_EQ(pinned.exit_code, 0) << pinned.out << pinned.err;

    std::set<std::string> running;
    size_t most_running = 0;
    int64_t last_overall = -1, total = 0, fetched = 0;
    for (const Json& e : pinned.events) {
        const std::string kind = e.value("event", "");
        if (kind == "track_started") running.insert(e["track"].get<std::string>());
        if (kind == "track_done") {
            running.erase(e["track"].get<std::string>());
            fetched += e["fetched"].get<int64_t>();
        }
        most_running = std::max(most_running, running.size());
        if (!e.contains("overall_done")) continue;
        total = e["overall_total"];
        EXPECT_GE(e["overall_done"].get<int64_t>(), last_overall);
        EXPECT_LE(e["overall_done"].get<int64_t>(), total);
        last_overall = e["overall_done"];
    }
    EXPECT_TRUE(running.empty());
    EXPECT_EQ(most_running, 3u) << "three transfers at once, never more";
    EXPECT_EQ(last_overall, total);
    EXPECT_EQ(fetched, total);
    EXPECT_EQ(pinned.First("pinned")["downloaded"], 5);
    EXPECT_EQ(pinned.First("pinned")["bytes_fetched"], total);

    ASSERT_EQ(EntryFiles().size(), 5u);
    for (int i = 0; i < 5; ++i) {
        const std::string path = CacheDir() + "/audio/" + Variants320()[Id(i)].sha256 + ".ogg";
        EXPECT_EQ(crypto::Sha256Hex(*testing::ReadFileBytes(path)),
                  crypto::Sha256Hex(ServerVariantBytes(Id(i), 320)));
    }
}

TEST_F(OfflineParallelTest, KilledParallelPinResumesEveryPartialFileExactly) {
    // A slow CDN, and all transfers together held to 300 kB/s: the pin of
    // three 30 s tracks takes seconds, with three partial files growing.
    StartWithTracks({30.0, 30.0, 30.0}, {"--latency-ms", "200"});
    const std::string playlist = MakePlaylist("Killed", {Id(0), Id(1), Id(2)});
    std::vector<std::string> argv = {
        TONEARM_CLI_BIN, "--server",   api_url_, "--profile",  profile_.path(),
        "--json",        "offline",    "pin",    playlist,     "--quality",
        "320",           "--parallel", "3",      "--max-rate", "300000"};
    auto child = testing::ChildProcess::Start(argv, {"HOME=" + home_.path()});
    ASSERT_TRUE(child.ok());
    std::map<std::string, int64_t> progress;
    for (std::string line; (*child)->ReadLine(&line, 30000);) {
        auto event = ParseJson(line);
        if (!event.ok() || event->value("event", "") != "progress") continue;
        progress[(*event)["track"]] = (*event)["track_done"];
        size_t started = 0;
        for (const auto& [track, done] : progress)
            started += done >= (256 << 10) ? 1 : 0;
        if (started == 3) break;
    }
    ASSERT_EQ(progress.size(), 3u) << "every track had started downloading";
    ASSERT_EQ(::kill(-(*child)->pid(), SIGKILL), 0);
    ASSERT_TRUE((*child)->WaitForExit(10000).has_value());
    EXPECT_TRUE(EntryFiles().empty());

    std::map<std::string, Variant> variants = Variants320();
    std::map<std::string, int64_t> held;
    for (int i = 0; i < 3; ++i) {
        const Variant& v = variants[Id(i)];
        const std::string partial = CacheDir() + "/partial/" + v.sha256 + ".part";
        ASSERT_TRUE(fs::exists(partial)) << "track " << i;
        held[Id(i)] = static_cast<int64_t>(fs::file_size(partial));
        EXPECT_GE(held[Id(i)], 256 << 10);
        EXPECT_LT(held[Id(i)], v.size);
    }

    CliRun resumed = Cli({"offline", "pin", playlist, "--quality", "320", "--parallel", "3"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    int64_t fetched = 0;
    for (const Json& e : resumed.events) {
        if (e.value("event", "") != "track_done") continue;
        const std::string track = e["track"];
        EXPECT_EQ(e["fetched"].get<int64_t>(), variants[track].size - held[track]) << track;
        fetched += e["fetched"].get<int64_t>();
    }
    EXPECT_EQ(resumed.First("pinned")["bytes_fetched"].get<int64_t>(), fetched);
    ASSERT_EQ(EntryFiles().size(), 3u);
    for (int i = 0; i < 3; ++i) {
        const std::string path = CacheDir() + "/audio/" + variants[Id(i)].sha256 + ".ogg";
        EXPECT_EQ(crypto::Sha256Hex(*testing::ReadFileBytes(path)), variants[Id(i)].sha256);
    }
    EXPECT_TRUE(fs::is_empty(CacheDir() + "/partial"));
}

TEST_F(OfflineParallelTest, SyncPinsAChangedPlaylistAgain) {
    StartWithTracks({3.0, 3.0, 3.0});
    const std::string playlist = MakePlaylist("Moving", {Id(0), Id(1)});
    ASSERT_EQ(Cli({"offline", "pin", playlist, "--quality", "96"}).exit_code, 0);
    const std::string source = "playlist:" + playlist;
    ASSERT_EQ(PinnedTracks(source), (std::set<std::string>{Id(0), Id(1)}));

    // Nothing changed: sync downloads nothing.
    CliRun quiet = Cli({"sync"});
    ASSERT_EQ(quiet.exit_code, 0) << quiet.out << quiet.err;
    EXPECT_EQ(quiet.First("pin_unchanged").value("source", ""), source) << quiet.out;
    EXPECT_TRUE(quiet.First("pin_started").empty());

    // Another device removes track 0 and adds track 2.
    testing::TempDir phone;
    ASSERT_EQ(CliAs(phone, {"login", "--user", "demo", "--password", "demo"}).exit_code, 0);
    ASSERT_EQ(CliAs(phone, {"sync"}).exit_code, 0);
    std::string first_entry;
    const Json shown = CliAs(phone, {"playlist", "show", playlist}).First("playlist");
    for (const Json& entry : shown.value("entries", Json::array())) {
        if (entry["track"] == Id(0)) first_entry = entry["entry"];
    }
    ASSERT_FALSE(first_entry.empty());
    ASSERT_EQ(CliAs(phone, {"playlist", "remove", playlist, first_entry}).exit_code, 0);
    ASSERT_EQ(CliAs(phone, {"playlist", "add", playlist, Id(2)}).exit_code, 0);
    ASSERT_EQ(CliAs(phone, {"sync"}).exit_code, 0);

    CliRun synced = Cli({"sync"});
    ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
    EXPECT_GT(synced.First("synced")["pulled"].get<int>(), 0);
    Json done;
    for (const Json& e : synced.events) {
        if (e.value("event", "") == "track_done" && e["track"] == Id(2)) done = e;
    }
    ASSERT_FALSE(done.empty()) << synced.out;
    EXPECT_GT(done["fetched"].get<int64_t>(), 0);
    EXPECT_EQ(done["kbps"], 96) << "the quality the playlist was pinned at";
    EXPECT_EQ(PinnedTracks(source), (std::set<std::string>{Id(1), Id(2)}));
    Json status = Cli({"cache", "status"}).First("cache");
    EXPECT_EQ(status["pinned_entries"], 2);
    EXPECT_EQ(status["entries"], 3) << "the unpinned track stays cached, evictable";

    // The server stopped: sync fails, the pins stay as they were.
    StopServer();
    EXPECT_NE(Cli({"sync"}).exit_code, 0);
    EXPECT_EQ(PinnedTracks(source), (std::set<std::string>{Id(1), Id(2)}));
}

}  // namespace
}  // namespace tonearm::offline_test
