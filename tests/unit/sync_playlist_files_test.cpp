// Playlist files (M3U, M3U8, XSPF, PLS): every format survives a round trip
// through a real file, and the readers cope with what files in the wild
// contain. Each file is written by the test into a temporary folder.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sync/playlist_files.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::sync {
namespace {

// Writes bytes to a file named name, reads it back and parses it.
PlaylistFile ThroughFile(const testing::TempDir& dir, const std::string& name,
                         const std::string& bytes, PlaylistFormat format) {
    EXPECT_TRUE(testing::WriteFileBytes(dir.Join(name), bytes).ok());
    Result<std::string> read = testing::ReadFileBytes(dir.Join(name));
    EXPECT_TRUE(read.ok());
    Result<PlaylistFile> file = ParsePlaylistFile(read.ok() ? *read : "", format);
    EXPECT_TRUE(file.ok()) << file.error().message;
    return file.ok() ? *file : PlaylistFile{};
}

PlaylistFile SamplePlaylist() {
    PlaylistFile file;
    file.title = "Crème & <Friends>";
    file.entries = {
        {"", "Helplessly Hoping", "Crosby, Stills & Nash", "CSN", 161000, "t-csn"},
        {"", "Ōkami, pt. 2", "Yōko", "", 7000, "t-yoko"},
        {"", "No artist", "", "Album \"quoted\"", -1, "t-plain"},
    };
    return file;
}

class PlaylistRoundTrip : public ::testing::TestWithParam<PlaylistFormat> {};

TEST_P(PlaylistRoundTrip, EntriesSurviveWritingAndReadingAFile) {
    testing::TempDir dir;
    const PlaylistFormat format = GetParam();
    const PlaylistFile original = SamplePlaylist();
    const std::string name = std::string("list.") + PlaylistFormatName(format);
    const PlaylistFile back = ThroughFile(dir, name, WritePlaylistFile(original, format), format);

    ASSERT_EQ(back.entries.size(), original.entries.size());
    if (format != PlaylistFormat::kPls) {
        EXPECT_EQ(back.title, original.title);
    }
    for (size_t i = 0; i < original.entries.size(); ++i) {
        const PlaylistFileEntry& want = original.entries[i];
        const PlaylistFileEntry& got = back.entries[i];
        EXPECT_EQ(got.track_id, want.track_id);
        EXPECT_EQ(got.location, "tonearm:track:" + want.track_id);
        EXPECT_EQ(got.title, want.title);
        EXPECT_EQ(got.artist, want.artist);
        EXPECT_EQ(got.duration_ms, want.duration_ms);
        if (format == PlaylistFormat::kXspf || format == PlaylistFormat::kM3u8) {
            EXPECT_EQ(got.album, want.album);
        }
    }
    EXPECT_EQ(PlaylistFormatFromPath(dir.Join(name)), format);
    EXPECT_EQ(SniffPlaylistFormat(WritePlaylistFile(original, format)),
              format == PlaylistFormat::kM3u ? PlaylistFormat::kM3u8 : format);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, PlaylistRoundTrip,
                         ::testing::Values(PlaylistFormat::kM3u, PlaylistFormat::kM3u8,
                                           PlaylistFormat::kXspf, PlaylistFormat::kPls),
                         [](const auto& param) { return PlaylistFormatName(param.param); });

TEST(PlaylistFiles, WritersProduceTheMarkersOtherPlayersExpect) {
    const PlaylistFile file = SamplePlaylist();
    const std::string m3u = WritePlaylistFile(file, PlaylistFormat::kM3u8);
    EXPECT_EQ(m3u.rfind("#EXTM3U\n", 0), 0u);
    EXPECT_NE(m3u.find("#EXTINF:161,Crosby, Stills & Nash - Helplessly Hoping\n"
                       "#EXTALB:CSN\ntonearm:track:t-csn\n"),
              std::string::npos);
    const std::string pls = WritePlaylistFile(file, PlaylistFormat::kPls);
    EXPECT_EQ(pls.rfind("[playlist]\nFile1=tonearm:track:t-csn\n", 0), 0u);
    EXPECT_NE(pls.find("Length3=-1\nNumberOfEntries=3\nVersion=2\n"), std::string::npos);
    const std::string xspf = WritePlaylistFile(file, PlaylistFormat::kXspf);
    EXPECT_NE(xspf.find("<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">"),
              std::string::npos);
    EXPECT_NE(xspf.find("<creator>Crosby, Stills &amp; Nash</creator>"), std::string::npos);
    EXPECT_NE(xspf.find("<identifier>tonearm:track:t-csn</identifier>"), std::string::npos);
    EXPECT_NE(xspf.find("<duration>161000</duration>"), std::string::npos);
}

TEST(PlaylistFiles, M3uWithBomCrlfBlankLinesAndOddPaths) {
    testing::TempDir dir;
    const std::string bytes =
        "\xEF\xBB\xBF#EXTM3U\r\n\r\n#PLAYLIST:Mixed\r\n"
        "#EXTINF:215,Crosby, Stills & Nash - Suite: Judy Blue Eyes\r\n"
        "Music\\CSN\\01 Suite.ogg\r\n\r\n"
        "#EXTINF:-1 tvg-name=\"a, b\" group=\"x\",Only A Title\r\n"
        "file:///home/ana/My%20Music/Caf%C3%A9.ogg\r\n"
        "   \r\n"
        "relative/Na%C3%AFve%20Song.mp3\r\n"
        "file://localhost/C:/Users/Ana/track.flac\r\n";
    const PlaylistFile file = ThroughFile(dir, "odd.m3u8", bytes, PlaylistFormat::kM3u8);
    EXPECT_EQ(file.title, "Mixed");
    ASSERT_EQ(file.entries.size(), 4u);
    EXPECT_EQ(file.entries[0].artist, "Crosby, Stills & Nash");
    EXPECT_EQ(file.entries[0].title, "Suite: Judy Blue Eyes");
    EXPECT_EQ(file.entries[0].duration_ms, 215000);
    EXPECT_EQ(file.entries[0].location, "Music/CSN/01 Suite.ogg");
    EXPECT_EQ(file.entries[1].title, "Only A Title");
    EXPECT_EQ(file.entries[1].artist, "");
    EXPECT_EQ(file.entries[1].duration_ms, -1);
    EXPECT_EQ(file.entries[1].location, "/home/ana/My Music/Café.ogg");
    EXPECT_EQ(LocationStem(file.entries[1].location), "Café");
    EXPECT_EQ(file.entries[2].location, "relative/Naïve Song.mp3");
    EXPECT_EQ(file.entries[2].title, "");  // no #EXTINF: the file name stands in
    EXPECT_EQ(file.entries[3].location, "C:/Users/Ana/track.flac");
}

TEST(PlaylistFiles, CrOnlyLineEndsAndLatin1TextInPlainM3u) {
    testing::TempDir dir;
    const std::string bytes =
        "#EXTINF:100,Beyonc\xE9 - D\xE9j\xE0 Vu\r/music/d\xE9j\xE0.ogg\r"
        "\r#EXTINF:5,Second\r/music/second.ogg";
    const PlaylistFile file = ThroughFile(dir, "latin1.m3u", bytes, PlaylistFormat::kM3u);
    ASSERT_EQ(file.entries.size(), 2u);
    EXPECT_EQ(file.entries[0].artist, "Beyoncé");
    EXPECT_EQ(file.entries[0].title, "Déjà Vu");
    EXPECT_EQ(file.entries[0].location, "/music/déjà.ogg");
    EXPECT_EQ(file.entries[1].title, "Second");
    EXPECT_EQ(file.entries[1].duration_ms, 5000);
}

TEST(PlaylistFiles, PlsKeysInAnyCaseAndAWrongEntryCount) {
    testing::TempDir dir;
    const std::string bytes =
        "\xEF\xBB\xBF[Playlist]\r\nnumberofentries=7\r\n; a comment\r\n"
        "FILE2=C:\\Music\\b.ogg\r\ntitle2=Second Artist - Second, Song\r\nLENGTH2=12.6\r\n"
        "file1=http://radio.example/stream?x=1\r\nTitle1=First\r\nlength1=-1\r\n"
        "Version=2\r\n";
    const PlaylistFile file = ThroughFile(dir, "odd.pls", bytes, PlaylistFormat::kPls);
    ASSERT_EQ(file.entries.size(), 2u);
    EXPECT_EQ(file.entries[0].location, "http://radio.example/stream?x=1");
    EXPECT_EQ(file.entries[0].title, "First");
    EXPECT_EQ(file.entries[0].duration_ms, -1);
    EXPECT_EQ(file.entries[1].location, "C:/Music/b.ogg");
    EXPECT_EQ(file.entries[1].artist, "Second Artist");
    EXPECT_EQ(file.entries[1].title, "Second, Song");
    EXPECT_EQ(file.entries[1].duration_ms, 12600);
    EXPECT_FALSE(ParsePlaylistFile("File1=a.ogg\n", PlaylistFormat::kPls).ok());
}

TEST(PlaylistFiles, XspfWithoutNamespaceWithBareAmpersandAndExtensions) {
    testing::TempDir dir;
    const std::string bytes =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
        "<playlist version=\"1\">\r\n  <title>Rock & Roll</title>\r\n  <trackList>\r\n"
        "    <track><location>file:///music/a%20b.ogg</location><location>ignored</location>"
        "<title>Tom &amp; Jerry &#x263A;</title><creator>Simon & Garfunkel</creator>"
        "<duration>183456</duration><extension application=\"x\"><title>no</title></extension>"
        "</track>\r\n"
        "    <track><identifier>tonearm:track:t42</identifier><title>By id</title></track>\r\n"
        "    <track><annotation>nothing to play</annotation></track>\r\n"
        "  </trackList>\r\n</playlist>\r\n";
    const PlaylistFile file = ThroughFile(dir, "odd.xspf", bytes, PlaylistFormat::kXspf);
    EXPECT_EQ(file.title, "Rock & Roll");
    ASSERT_EQ(file.entries.size(), 2u);
    EXPECT_EQ(file.entries[0].location, "/music/a b.ogg");
    EXPECT_EQ(file.entries[0].title, "Tom & Jerry \u263A");
    EXPECT_EQ(file.entries[0].artist, "Simon & Garfunkel");
    EXPECT_EQ(file.entries[0].duration_ms, 183456);
    EXPECT_EQ(file.entries[1].track_id, "t42");
}

TEST(PlaylistFiles, XspfDeclaredUtf8ButWrittenInLatin1) {
    testing::TempDir dir;
    const std::string bytes =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><playlist version=\"1\" "
        "xmlns=\"http://xspf.org/ns/0/\"><trackList><track><title>Caf\xE9</title>"
        "<creator>Bj\xF6rk</creator></track></trackList></playlist>";
    const PlaylistFile file = ThroughFile(dir, "latin1.xspf", bytes, PlaylistFormat::kXspf);
    ASSERT_EQ(file.entries.size(), 1u);
    EXPECT_EQ(file.entries[0].title, "Café");
    EXPECT_EQ(file.entries[0].artist, "Björk");
}

TEST(PlaylistFiles, BrokenXmlIsAnErrorNamingTheLine) {
    Result<PlaylistFile> file = ParsePlaylistFile(
        "<playlist>\n<trackList>\n<track><title>x</track>\n", PlaylistFormat::kXspf);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(file.error().message.find("line 3"), std::string::npos) << file.error().message;
}

TEST(PlaylistFiles, FormatsFromNamesExtensionsAndContent) {
    EXPECT_EQ(PlaylistFormatFromPath("/a/B.M3U8"), PlaylistFormat::kM3u8);
    EXPECT_EQ(PlaylistFormatFromPath("x.Pls"), PlaylistFormat::kPls);
    EXPECT_EQ(PlaylistFormatFromPath("dir.xspf/list"), std::nullopt);
    EXPECT_EQ(*PlaylistFormatFromName(".XSPF"), PlaylistFormat::kXspf);
    EXPECT_FALSE(PlaylistFormatFromName("wpl").ok());
    EXPECT_EQ(SniffPlaylistFormat("\xEF\xBB\xBF  [playlist]\n"), PlaylistFormat::kPls);
    EXPECT_EQ(SniffPlaylistFormat("\n<?xml version='1.0'?><playlist/>"), PlaylistFormat::kXspf);
    EXPECT_EQ(SniffPlaylistFormat("/music/a.ogg\n"), std::nullopt);
}

}  // namespace
}  // namespace tonearm::sync
