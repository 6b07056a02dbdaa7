// The pure parts of ingest and delivery: naming, tags, CDN paths, encoder
// fallbacks.
#include <gtest/gtest.h>

#include "server-mock/media_store.h"
#include "server-mock/source_audio.h"
#include "server-mock/track_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::server {
namespace {

TEST(TagTest, LookupIsCaseInsensitiveAndTheFirstValueWins) {
    std::vector<std::string> comments = {"title=First", "TITLE=Second", "Artist=A", "ALBUM="};
    EXPECT_EQ(FindTag(comments, "TITLE"), "First");
    EXPECT_EQ(FindTag(comments, "ARTIST"), "A");
    EXPECT_EQ(FindTag(comments, "ALBUM"), "");
    EXPECT_EQ(FindTag(comments, "TITL"), "");
}

TEST(TagTest, TrackNumberTakesTheLeadingNumber) {
    EXPECT_EQ(ParseTrackNumber("3"), 3);
    EXPECT_EQ(ParseTrackNumber("07/12"), 7);
    EXPECT_EQ(ParseTrackNumber("x"), 0);
    EXPECT_EQ(ParseTrackNumber(""), 0);
}

TEST(TrackNamingTest, TitleFallsBackToTheFileStem) {
    EXPECT_EQ(TitleFromFileName("/music/01_Night-Drive.ogg"), "01 Night Drive");
    EXPECT_EQ(TitleFromFileName("a__b--c.oga"), "a b c");
    EXPECT_EQ(TitleFromFileName("/x/___.ogg"), "Untitled");
}

TEST(TrackNamingTest, IdIsStablePerPathAndHex) {
    std::string id = TrackIdForPath("/music/a.ogg");
    EXPECT_EQ(id, TrackIdForPath("/music/a.ogg"));
    EXPECT_NE(id, TrackIdForPath("/music/b.ogg"));
    EXPECT_TRUE(IsTrackId(id));
}

TEST(TrackNamingTest, VariantSerialsAreDeterministicAndDistinct) {
    EXPECT_EQ(VariantSerial("0123456789abcdef", 1, 96), VariantSerial("0123456789abcdef", 1, 96));
    EXPECT_NE(VariantSerial("0123456789abcdef", 1, 96), VariantSerial("0123456789abcdef", 1, 160));
    EXPECT_NE(VariantSerial("0123456789abcdef", 1, 96), VariantSerial("0123456789abcdef", 2, 96));
}

TEST(CdnPathTest, RoundTripsAndRejectsEverythingElse) {
    VariantLocation where{"0123456789abcdef", 3, 160};
    std::string path = MediaStore::UrlPath(where);
    EXPECT_EQ(path, "/audio/0123456789abcdef/v3/160.ogg");
    auto parsed = MediaStore::ParseUrlPath(path);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->track_id, where.track_id);
    EXPECT_EQ(parsed->version, 3);
    EXPECT_EQ(parsed->kbps, 160);
    for (const char* bad :
         {"/audio/0123456789abcdef/v3/../../keys.json", "/audio/../0123456789abcdef/v3/160.ogg",
          "/audio/0123456789ABCDEF/v3/160.ogg", "/audio/0123456789abcdef/v03/160.ogg",
          "/audio/0123456789abcdef/v3/160.ogg/", "/audio/0123456789abcdef/v3/manifest.json",
          "/audio/0123456789abcdef/v0/96.ogg", "/audio/0123456789abcdef/3/96.ogg",
          "/audio//v3/96.ogg"}) {
        EXPECT_FALSE(MediaStore::ParseUrlPath(bad).has_value()) << bad;
    }
}

TEST(EncoderFallbackTest, MonoAndLowRatesStillGiveEveryRung) {
    for (int rate : {8000, 22050, 44100}) {
        testing::PcmBuffer sine = testing::MakeSine(440.0, 1.0, rate, 1);
        PcmAudio pcm{rate, 1, sine.samples};
        for (int kbps : kLadderKbps) {
            Result<BuiltVariant> built = BuildVariant(pcm, "0123456789abcdef", 1, kbps);
            ASSERT_TRUE(built.ok()) << rate << " Hz " << kbps << ": " << built.error().message;
            EXPECT_EQ(built->variant.kbps, kbps);
            EXPECT_GT(built->encoded.nominal_kbps, 0);
            EXPECT_LE(built->encoded.nominal_kbps, kbps + 512);
            Result<testing::PcmBuffer> decoded =
                testing::DecodeOggVorbisBytes(built->encoded.bytes);
            ASSERT_TRUE(decoded.ok());
            EXPECT_EQ(decoded->frames(), sine.frames());
        }
    }
}

TEST(SourceDecodeTest, ReportsWhyAFileIsRejected) {
    auto not_ogg = DecodeSource("RIFF....WAVEfmt this is not ogg");
    ASSERT_FALSE(not_ogg.ok());
    EXPECT_EQ(not_ogg.error().message, "not an Ogg Vorbis file");

    testing::TempDir dir;
    ASSERT_TRUE(
        testing::WriteOggVorbis(dir.Join("a.ogg"), testing::MakeSine(440, 2, 44100, 2), 0.3f).ok());
    std::string bytes = *testing::ReadFileBytes(dir.Join("a.ogg"));
    auto cut = DecodeSource(bytes.substr(0, bytes.size() / 2));
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().message.rfind("truncated", 0), 0u) << cut.error().message;

    std::string damaged = bytes;
    damaged[damaged.size() / 2] ^= 0x55;
    auto corrupt = DecodeSource(damaged);
    ASSERT_FALSE(corrupt.ok());
    EXPECT_EQ(corrupt.error().message.rfind("corrupt", 0), 0u) << corrupt.error().message;

    auto whole = DecodeSource(bytes);
    ASSERT_TRUE(whole.ok());
    EXPECT_EQ(whole->pcm.frames(), 88200);
}

}  // namespace
}  // namespace tonearm::server
