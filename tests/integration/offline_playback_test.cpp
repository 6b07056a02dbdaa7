// Offline play end to end: a playlist pinned with tonearm-cli plays through
// the real PortAudio path with the server stopped and matches a reference
// decode; damaged cache entries are fetched again online and reported
// offline; an uncached track fails clearly and plays once the server is back.
#include <filesystem>

#include "tests/integration/offline_test_fixture.h"

namespace tonearm::offline_test {
namespace {

class OfflinePlaybackTest : public OfflineFixture {};

TEST_F(OfflinePlaybackTest, PinnedPlaylistPlaysWithTheServerStopped) {
    StartWithTracks({3.0, 4.0, 3.5, 3.0});
    CliRun created = Cli({"playlist", "create", "Train"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    const std::string playlist = created.events.at(0)["playlist"];
    ASSERT_EQ(Cli({"playlist", "add", playlist, Id(0), Id(1), Id(2)}).exit_code, 0);
    ASSERT_EQ(Cli({"sync"}).exit_code, 0);

    CliRun pinned = Cli({"offline", "pin", playlist, "--quality", "160"});
    ASSERT_EQ(pinned.exit_code, 0) << pinned.out << pinned.err;
    Json summary = pinned.First("pinned");
    EXPECT_EQ(summary["tracks"], 3);
    EXPECT_EQ(summary["downloaded"], 3);
    EXPECT_EQ(summary["bytes_fetched"], summary["bytes_total"]);
    EXPECT_FALSE(pinned.First("progress").empty());
    EXPECT_EQ(pinned.First("track_done")["kbps"], 160);

    std::vector<testing::PcmBuffer> references;
    for (int i = 0; i < 3; ++i) {
        auto decoded = testing::DecodeOggVorbisBytes(ServerVariantBytes(Id(i), 160));
        ASSERT_TRUE(decoded.ok());
        references.push_back(*decoded);
    }
    CliRun status = Cli({"cache", "status"});
    EXPECT_EQ(status.First("cache")["pinned_entries"], 3);

    StopServer();
    for (int i = 0; i < 3; ++i)
        PlayAndCompare(Id(i), 160, references[i]);

    CliRun uncached = Cli({"play", Id(3)});
    EXPECT_EQ(uncached.exit_code, 1);
    EXPECT_NE(uncached.First("error").value("message", "").find("not available offline"),
              std::string::npos)
        << uncached.out;

    // Back online at the same address: no offline flag sticks.
    RestartServerOnSamePort();
    CliRun online = Cli({"play", Id(3)});
    EXPECT_EQ(online.exit_code, 0) << online.out << online.err;
}

TEST_F(OfflinePlaybackTest, AFailedPinOfAnUnknownTrackLeavesNoSourceBehind) {
    StartWithTracks({2.0});
    CliRun failed = Cli({"offline", "pin", "0123456789abcdef"});
    EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
    CliRun status = Cli({"offline", "status"});
    ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
    for (const Json& event : status.events) {
        EXPECT_NE(event.value("event", ""), "offline_source") << event.dump();
    }
}

TEST_F(OfflinePlaybackTest, RemovedTrackIsUnpinnedAtTheNextRefresh) {
    StartWithTracks({2.0, 2.0});
    const std::string playlist = Cli({"playlist", "create", "Short"}).events.at(0)["playlist"];
    ASSERT_EQ(Cli({"playlist", "add", playlist, Id(0), Id(1)}).exit_code, 0);
    ASSERT_EQ(Cli({"offline", "pin", playlist}).exit_code, 0);
    EXPECT_EQ(Cli({"cache", "status"}).First("cache")["pinned_entries"], 2);

    CliRun shown = Cli({"playlist", "show", playlist});
    std::string entry;
    const Json view = shown.First("playlist");
    for (const Json& e : view["entries"]) {
        if (e["track"] == Id(1)) entry = e["entry"];
    }
    CliRun removed = Cli({"playlist", "remove", playlist, entry});
    ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err << shown.out;
    CliRun refreshed = Cli({"offline", "refresh"});
    ASSERT_EQ(refreshed.exit_code, 0) << refreshed.out << refreshed.err;
    EXPECT_EQ(refreshed.First("pinned")["already_cached"], 1);
    Json cache = Cli({"cache", "status"}).First("cache");
    EXPECT_EQ(cache["pinned_entries"], 1);
    EXPECT_EQ(cache["entries"], 2);  // still cached, now evictable
    ASSERT_EQ(Cli({"cache", "clear"}).exit_code, 0);
    EXPECT_EQ(Cli({"cache", "status"}).First("cache")["entries"], 1);
}

enum class Damage { kBitFlip, kZeroFill, kTruncate, kDelete };

std::string DamageName(const ::testing::TestParamInfo<Damage>& info) {
    static const char* kNames[] = {"BitFlip", "ZeroFill", "Truncate", "Delete"};
    return kNames[static_cast<int>(info.param)];
}

class OfflineCorruptionTest : public OfflineFixture, public ::testing::WithParamInterface<Damage> {
protected:
    void DamageEntry() {
        std::vector<std::string> files = EntryFiles();
        ASSERT_EQ(files.size(), 1u);
        auto bytes = testing::ReadFileBytes(files[0]);
        ASSERT_TRUE(bytes.ok());
        switch (GetParam()) {
            case Damage::kBitFlip: (*bytes)[bytes->size() / 2] ^= 0x01; break;
            case Damage::kZeroFill:
                std::fill(bytes->begin() + 8000, bytes->begin() + 12000, '\0');
                break;
            case Damage::kTruncate: bytes->resize(bytes->size() - 3000); break;
            case Damage::kDelete: std::filesystem::remove(files[0]); return;
        }
        ASSERT_TRUE(testing::WriteFileBytes(files[0], *bytes).ok());
    }
};

TEST_P(OfflineCorruptionTest, DamagedEntryIsFetchedAgainOnline) {
    StartWithTracks({3.0});
    ASSERT_EQ(Cli({"offline", "pin", Id(0), "--quality", "160"}).exit_code, 0);
    const std::string good = ServerVariantBytes(Id(0), 160);
    DamageEntry();

    auto reference = testing::DecodeOggVorbisBytes(good);
    ASSERT_TRUE(reference.ok());
    PlayAndCompare(Id(0), 160, *reference);
    std::vector<std::string> files = EntryFiles();
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(crypto::Sha256Hex(*testing::ReadFileBytes(files[0])), crypto::Sha256Hex(good));

    // Restored, it plays offline too.
    StopServer();
    PlayAndCompare(Id(0), 160, *reference);
}

TEST_P(OfflineCorruptionTest, DamagedEntryIsReportedOffline) {
    StartWithTracks({3.0});
    ASSERT_EQ(Cli({"offline", "pin", Id(0), "--quality", "160"}).exit_code, 0);
    DamageEntry();
    StopServer();

    CliRun played = Cli({"play", Id(0), "--quality", "160"});
    EXPECT_EQ(played.exit_code, 1);
    const std::string message = played.First("error").value("message", "");
    EXPECT_NE(message.find("not available offline"), std::string::npos) << played.out;
    if (GetParam() != Damage::kDelete) {
        EXPECT_NE(message.find("damaged"), std::string::npos) << message;
    }
    EXPECT_TRUE(EntryFiles().empty());
    Json cache = Cli({"cache", "status"}).First("cache");
    EXPECT_EQ(cache["entries"], 0);
    EXPECT_EQ(cache["used_bytes"], 0);
}

INSTANTIATE_TEST_SUITE_P(Damages, OfflineCorruptionTest,
                         ::testing::Values(Damage::kBitFlip, Damage::kZeroFill, Damage::kTruncate,
                                           Damage::kDelete),
                         DamageName);

}  // namespace
}  // namespace tonearm::offline_test
