// tonearm-cli playlist import / export against the real tonearm-server:
// entries of real files are matched to the catalog by their metadata (or
// file name), unmatched ones are reported one by one, and every exported
// format imports back into the same playlist.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/wire.h"
#include "tests/support/json_lines.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm {
namespace {

using testing::TempDir;

class PlaylistFilesCliTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir();
        const std::vector<std::vector<std::string>> tags = {
            {"TITLE=Morning, Slowly", "ARTIST=Crosby, Stills & Nash", "ALBUM=Dawn"},
            {"TITLE=Café Noir", "ARTIST=Björk"},
            {"TITLE=Café Noir", "ARTIST=Someone Else"},
            {},  // untagged: the catalog names it after the file
        };
        std::vector<std::string> sources;
        for (size_t i = 0; i < tags.size(); ++i) {
            const std::string name =
                i == 3 ? "night_drive.ogg" : "tone" + std::to_string(i) + ".ogg";
            sources.push_back(dir_->Join(name));
            testing::PcmBuffer pcm = testing::MakeSine(220.0 * (i + 1), 2.0 + i, 44100, 2);
            ASSERT_TRUE(testing::WriteOggVorbis(sources.back(), pcm, 0.3f, tags[i]).ok());
        }
        std::string output;
        ASSERT_TRUE(testing::RunIngest(dir_->Join("data"), sources, &output).ok()) << output;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }

    void SetUp() override {
        auto server = testing::ServerProcess::Start(dir_->Join("data"));
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = std::move(*server);
        ASSERT_EQ(Cli({"login", "--user", "demo", "--password", "demo"}).size(), 1u);
    }

    std::vector<Json> Cli(const std::vector<std::string>& args, int expected_exit = 0) {
        return testing::RunCliJson(server_->api_url(), profile_.path(), args, expected_exit);
    }

    std::vector<std::string> TrackIds(const std::string& playlist) {
        std::vector<std::string> ids;
        std::vector<Json> shown = Cli({"playlist", "show", playlist});
        if (shown.size() != 1) return ids;
        for (const Json& e : shown[0]["entries"])
            ids.push_back(e["track"]);
        return ids;
    }

    // The catalog's track id for a title and artist.
    std::string IdOf(const std::string& title, const std::string& artist) {
        for (const Json& t : Cli({"tracks"})) {
            if (t.value("title", "") == title && t.value("artist", "") == artist) return t["id"];
        }
        return {};
    }

    static TempDir* dir_;
    TempDir profile_;
    TempDir files_;
    std::unique_ptr<testing::ServerProcess> server_;
};

TempDir* PlaylistFilesCliTest::dir_ = nullptr;

TEST_F(PlaylistFilesCliTest, ImportMatchesByMetadataAndReportsEachUnmatchedEntry) {
    const std::string m3u =
        "\xEF\xBB\xBF#EXTM3U\r\n#PLAYLIST:From elsewhere\r\n"
        "#EXTINF:3,Björk - Café Noir\r\nC:\\Music\\whatever.mp3\r\n\r\n"
        "#EXTINF:2,Crosby, Stills & Nash - Morning, Slowly\r\nfile:///m/one%20two.ogg\r\n"
        "#EXTINF:100,Nobody - Not In The Catalog\r\n/m/missing.ogg\r\n"
        "/music/05%20-%20Night_Drive.flac\r\n"
        "#EXTINF:5,Café Noir\r\nrelative/x.ogg\r\n";  // no artist: the 4 s one is nearer
    ASSERT_TRUE(testing::WriteFileBytes(files_.Join("in.m3u8"), m3u).ok());
    std::vector<Json> events = Cli({"playlist", "import", files_.Join("in.m3u8")});
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0]["event"], "unmatched");
    EXPECT_EQ(events[0]["index"], 2);
    EXPECT_EQ(events[0]["title"], "Not In The Catalog");
    EXPECT_EQ(events[0]["artist"], "Nobody");
    EXPECT_EQ(events[1]["event"], "imported");
    EXPECT_EQ(events[1]["name"], "From elsewhere");
    EXPECT_EQ(events[1]["matched"], 4);
    EXPECT_EQ(events[1]["unmatched"], 1);

    const std::vector<std::string> expected = {
        IdOf("Café Noir", "Björk"), IdOf("Morning, Slowly", "Crosby, Stills & Nash"),
        IdOf("night drive", "Unknown Artist"), IdOf("Café Noir", "Someone Else")};
    EXPECT_EQ(TrackIds(events[1]["playlist"]), expected);
}

TEST_F(PlaylistFilesCliTest, AddTakesTitlesAsPlayDoesAndRefusesWhatTheCatalogLacks) {
    const std::string p = Cli({"playlist", "create", "By title"})[0]["playlist"];
    Cli({"playlist", "add", p, "Morning, Slowly", IdOf("night drive", "Unknown Artist")});
    EXPECT_EQ(TrackIds(p),
              (std::vector<std::string>{IdOf("Morning, Slowly", "Crosby, Stills & Nash"),
                                        IdOf("night drive", "Unknown Artist")}));
    // One unknown track: an error naming it, and nothing of the command added.
    std::vector<Json> failed =
        Cli({"playlist", "add", p, IdOf("Café Noir", "Björk"), "No Such Song"}, 1);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_NE(failed[0].dump().find("No Such Song"), std::string::npos) << failed[0].dump();
    EXPECT_EQ(TrackIds(p).size(), 2u);
    // --ids takes ids as they are, without asking the catalog.
    Cli({"playlist", "add", "--ids", p, "0123456789abcdef"});
    EXPECT_EQ(TrackIds(p).back(), "0123456789abcdef");
}

TEST_F(PlaylistFilesCliTest, EveryExportedFormatImportsBackTheSamePlaylist) {
    const std::vector<std::string> tracks = {
        IdOf("night drive", "Unknown Artist"), IdOf("Café Noir", "Björk"),
        IdOf("Morning, Slowly", "Crosby, Stills & Nash"), IdOf("night drive", "Unknown Artist")};
    const std::string p = Cli({"playlist", "create", "Round & trip"})[0]["playlist"];
    std::vector<std::string> add = {"playlist", "add", p};
    add.insert(add.end(), tracks.begin(), tracks.end());
    Cli(add);

    for (const char* ext : {"m3u", "m3u8", "xspf", "pls"}) {
        SCOPED_TRACE(ext);
        const std::string path = files_.Join(std::string("out.") + ext);
        std::vector<Json> exported = Cli({"playlist", "export", p, path});
        ASSERT_EQ(exported.size(), 1u);
        EXPECT_EQ(exported[0]["entries"], 4);
        Result<std::string> bytes = testing::ReadFileBytes(path);
        ASSERT_TRUE(bytes.ok());
        EXPECT_NE(bytes->find("Crosby, Stills "), std::string::npos);
        EXPECT_NE(bytes->find("tonearm:track:" + tracks[1]), std::string::npos);

        std::vector<Json> imported = Cli({"playlist", "import", path, "--name", ext});
        ASSERT_EQ(imported.size(), 1u) << imported[0].dump();
        EXPECT_EQ(imported[0]["matched"], 4);
        EXPECT_EQ(TrackIds(imported[0]["playlist"]), tracks);
    }
    Result<std::string> xspf = testing::ReadFileBytes(files_.Join("out.xspf"));
    EXPECT_NE(xspf->find("<title>Round &amp; trip</title>"), std::string::npos);
    EXPECT_NE(xspf->find("<album>Dawn</album>"), std::string::npos);
    EXPECT_NE(xspf->find("<duration>2000</duration>"), std::string::npos);
    Result<std::string> m3u = testing::ReadFileBytes(files_.Join("out.m3u8"));
    EXPECT_EQ(
        m3u->rfind("#EXTM3U\n#PLAYLIST:Round & trip\n#EXTINF:5,Unknown Artist - night drive\n", 0),
        0u);
}

TEST_F(PlaylistFilesCliTest, MetadataAloneFindsTracksOnceTheIdsAreStale) {
    // A file exported elsewhere: its tonearm ids mean nothing here.
    const std::string pls =
        "[PLAYLIST]\nfile1=tonearm:track:gone\nTITLE1=Björk - Café Noir\nNumberOfEntries=9\n";
    ASSERT_TRUE(testing::WriteFileBytes(files_.Join("stale.pls"), pls).ok());
    std::vector<Json> events = Cli({"playlist", "import", files_.Join("stale.pls")});
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]["name"], "stale");
    EXPECT_EQ(TrackIds(events[0]["playlist"]),
              std::vector<std::string>{IdOf("Café Noir", "Björk")});
    Cli({"playlist", "import", files_.Join("absent.m3u")}, 1);
    Cli({"playlist", "export", "pl-none", files_.Join("x.m3u")}, 1);
    Cli({"playlist", "export", "pl-none", files_.Join("x.wpl")}, 2);
}

}  // namespace
}  // namespace tonearm
