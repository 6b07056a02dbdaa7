// Downloads that stop badly: tonearm-cli killed with SIGKILL in the middle
// of a pin resumes from the bytes on disk, and a file system that fills up
// during a download gives a clear error and leaves the cache consistent.
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "tests/integration/offline_test_fixture.h"

namespace tonearm::offline_test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> FilesIn(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir, ec))
        files.push_back(f.path().string());
    return files;
}

class OfflineRecoveryTest : public OfflineFixture {
protected:
    void TearDown() override {
        if (mounted_) testing::RunProcess({"umount", "-l", CacheDir()}, 20000);
    }
    bool mounted_ = false;
};

TEST_F(OfflineRecoveryTest, KilledDownloadResumesFromTheBytesOnDisk) {
    // A slow CDN and a download held to 400 kB/s: the pin of a 60 s track
    // takes seconds.
    StartWithTracks({60.0}, {"--latency-ms", "300"});
    std::vector<std::string> argv = {
        TONEARM_CLI_BIN, "--server", api_url_,    "--profile", profile_.path(), "--json", "offline",
        "pin",           Id(0),      "--quality", "320",       "--max-rate",    "400000"};
    auto child = testing::ChildProcess::Start(argv, {"HOME=" + home_.path()});
    ASSERT_TRUE(child.ok());
    int64_t total = 0;
    for (std::string line; (*child)->ReadLine(&line, 30000);) {
        auto event = ParseJson(line);
        if (!event.ok() || event->value("event", "") != "progress") continue;
        total = (*event)["track_total"];
        if ((*event)["track_done"].get<int64_t>() >= 2 * (256 << 10)) {
            break;
        }
    }
    ASSERT_GT(total, 4 * (256 << 10)) << "the track is too small to stop in the middle";
    ASSERT_EQ(::kill(-(*child)->pid(), SIGKILL), 0);
    ASSERT_TRUE((*child)->WaitForExit(10000).has_value());

    EXPECT_TRUE(EntryFiles().empty());
    std::vector<std::string> partials = FilesIn(CacheDir() + "/partial");
    ASSERT_EQ(partials.size(), 1u);
    const auto held = static_cast<int64_t>(fs::file_size(partials[0]));
    EXPECT_GE(held, 2 * (256 << 10));
    EXPECT_LT(held, total);
    EXPECT_EQ(Cli({"cache", "status"}).First("cache")["entries"], 0);

    CliRun resumed = Cli({"offline", "pin", Id(0), "--quality", "320"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    Json done = resumed.First("track_done");
    EXPECT_EQ(done["fetched"].get<int64_t>(), total - held);
    EXPECT_LT(resumed.First("pinned")["bytes_fetched"].get<int64_t>(), total);
    ASSERT_EQ(EntryFiles().size(), 1u);
    EXPECT_EQ(crypto::Sha256Hex(*testing::ReadFileBytes(EntryFiles()[0])),
              crypto::Sha256Hex(ServerVariantBytes(Id(0), 320)));
    EXPECT_TRUE(FilesIn(CacheDir() + "/partial").empty());
}

TEST_F(OfflineRecoveryTest, FullDiskDuringDownloadFailsClearlyAndKeepsTheCacheConsistent) {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    StartWithTracks({60.0, 2.0});
    fs::create_directories(CacheDir());
    testing::ProcessResult mounted =
        testing::RunProcess({"mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", CacheDir()}, 20000);
    if (mounted.exit_code != 0) GTEST_SKIP() << "cannot mount a tmpfs: " << mounted.err;
    mounted_ = true;
    ASSERT_EQ(Cli({"cache", "set-limit", "100000000"}).exit_code, 0);

    CliRun failed = Cli({"offline", "pin", Id(0), "--quality", "320"});
    EXPECT_EQ(failed.exit_code, 1);
    Json failure = failed.First("track_failed");
    EXPECT_NE(failure.value("message", "").find("No space left on device"), std::string::npos)
        << failed.out << failed.err;
    EXPECT_TRUE(EntryFiles().empty());
    EXPECT_TRUE(FilesIn(CacheDir() + "/partial").empty());
    CliRun status = Cli({"cache", "status"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_EQ(status.First("cache")["entries"], 0);

    // The space the failed download took is free again: a short track fits.
    CliRun small = Cli({"offline", "pin", Id(1), "--quality", "96"});
    ASSERT_EQ(small.exit_code, 0) << small.out << small.err;
    EXPECT_EQ(EntryFiles().size(), 1u);
    EXPECT_EQ(Cli({"cache", "status"}).First("cache")["entries"], 1);
}

}  // namespace
}  // namespace tonearm::offline_test
