// `tonearm-server ingest` on generated and real files: validation, formats,
// metadata fallbacks, versioning and the sample-exact duration.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "core/api_client.h"
#include "server-mock/media_store.h"
#include "server-mock/server_db.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm {
namespace {

namespace fs = std::filesystem;
using testing::MakeSine;
using testing::PcmBuffer;
using testing::ProcessResult;

class ServerIngestTest : public ::testing::Test {
protected:
    std::string data() const { return dir_.Join("data"); }

    std::string WriteSource(const std::string& name, const PcmBuffer& pcm,
                            const std::vector<std::string>& comments = {}) {
        std::string path = dir_.Join(name);
        fs::create_directories(fs::path(path).parent_path());
        EXPECT_TRUE(testing::WriteOggVorbis(path, pcm, 0.3f, comments).ok());
        return fs::canonical(path).string();
    }

    ProcessResult Ingest(const std::vector<std::string>& paths) {
        std::vector<std::string> argv = {TONEARM_SERVER_BIN, "ingest", "--data", data()};
        argv.insert(argv.end(), paths.begin(), paths.end());
        return testing::RunProcess(argv, 120000);
    }

    // The catalog row of source, read from DATA/server.db.
    std::optional<server::TrackRecord> Record(const std::string& source) {
        auto db = server::ServerDatabase::Open(data() + "/server.db");
        EXPECT_TRUE(db.ok());
        auto page = (*db)->ListTracks(0, 500);
        EXPECT_TRUE(page.ok());
        for (const Track& t : page->items) {
            auto record = (*db)->FindTrack(t.id);
            if (record.ok() && record->has_value() && (*record)->source_path == source) {
                return **record;
            }
        }
        return std::nullopt;
    }

    Manifest LoadManifest(const Track& track) {
        server::MediaStore store(data());
        auto stored = store.LoadManifest(track.id, track.version);
        EXPECT_TRUE(stored.ok()) << stored.error().message;
        return stored.ok() ? (*stored)->manifest : Manifest{};
    }

    // Every variant file decodes to exactly the manifest's sample count.
    void ExpectVariantsDecodeToFullLength(const Track& track) {
        Manifest manifest = LoadManifest(track);
        ASSERT_EQ(manifest.variants.size(), 3u);
        server::MediaStore store(data());
        for (const Variant& v : manifest.variants) {
            auto pcm =
                testing::DecodeOggVorbisFile(store.VariantPath({track.id, track.version, v.kbps}));
            ASSERT_TRUE(pcm.ok());
            EXPECT_EQ(pcm->frames(), manifest.duration_samples) << v.kbps << " kbps";
            EXPECT_EQ(pcm->sample_rate, manifest.sample_rate);
            EXPECT_EQ(pcm->channels, manifest.channels);
        }
    }

    testing::TempDir dir_;
};

TEST_F(ServerIngestTest, NonOggFileFailsByNameWhileTheOthersIngest) {
    std::string good = WriteSource("good.ogg", MakeSine(440, 1.0, 44100, 2));
    std::string bad = dir_.Join("notes.ogg");
    ASSERT_TRUE(testing::WriteFileBytes(bad, "just some text, not audio\n").ok());
    ProcessResult r = Ingest({bad, good});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("failed " + bad + ": not an Ogg Vorbis file"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("ingested " + good), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 ingested, 0 unchanged, 1 failed"), std::string::npos);
    EXPECT_TRUE(Record(good).has_value());
}

TEST_F(ServerIngestTest, TruncatedOggFailsWithAReason) {
    std::string whole = WriteSource("whole.ogg", MakeSine(440, 3.0, 44100, 2));
    std::string bytes = *testing::ReadFileBytes(whole);
    std::string cut = dir_.Join("cut.ogg");
    ASSERT_TRUE(testing::WriteFileBytes(cut, bytes.substr(0, bytes.size() / 2)).ok());
    ProcessResult r = Ingest({cut});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("failed " + cut + ": truncated"), std::string::npos) << r.err;
    EXPECT_FALSE(Record(cut).has_value());
}

TEST_F(ServerIngestTest, MissingPathFailsByName) {
    ProcessResult r = Ingest({dir_.Join("nothing-here.ogg")});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no such file or folder"), std::string::npos) << r.err;
}

TEST_F(ServerIngestTest, FortyEightKilohertzKeepsRateLengthAndLoudness) {
    PcmBuffer sine = MakeSine(1000.0, 3.0, 48000, 2, 0.5f);
    std::string source = WriteSource("tone48.ogg", sine, {"TITLE=Tone 48"});
    ProcessResult r = Ingest({source});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto record = Record(source);
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->track.sample_rate, 48000);
    EXPECT_EQ(record->track.channels, 2);
    EXPECT_EQ(record->track.duration_samples, sine.frames());
    Manifest manifest = LoadManifest(record->track);
    // A -6 dBFS 1 kHz sine on both channels measures about -6 LUFS.
    EXPECT_NEAR(manifest.loudness.integrated_lufs, -6.0, 0.6);
    EXPECT_NEAR(manifest.loudness.true_peak_dbfs, -6.0, 0.6);
    ExpectVariantsDecodeToFullLength(record->track);
}

TEST_F(ServerIngestTest, MonoIngestsEveryRung) {
    PcmBuffer sine = MakeSine(440.0, 2.5, 44100, 1);
    std::string source = WriteSource("mono.ogg", sine);
    ProcessResult r = Ingest({source});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto record = Record(source);
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->track.channels, 1);
    EXPECT_EQ(record->track.duration_samples, sine.frames());
    ExpectVariantsDecodeToFullLength(record->track);
}

TEST_F(ServerIngestTest, MissingTagsFallBackToTheFileName) {
    std::string source = WriteSource("my_test-tone.ogg", MakeSine(330, 1.0, 44100, 2));
    ASSERT_EQ(Ingest({source}).exit_code, 0);
    auto record = Record(source);
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->track.title, "my test tone");
    EXPECT_EQ(record->track.artist, "Unknown Artist");
    EXPECT_EQ(record->track.album, "Unknown Album");
    EXPECT_EQ(record->track.track_number, 0);
}

TEST_F(ServerIngestTest, RepeatedTagsKeepTheFirstValueWhateverTheCase) {
    std::string source = WriteSource("tagged.ogg", MakeSine(330, 1.0, 44100, 2),
                                     {"title=First Title", "TITLE=Second Title", "Artist=Someone",
                                      "ARTIST=Other", "album=Record", "TRACKNUMBER=4/9"});
    ASSERT_EQ(Ingest({source}).exit_code, 0);
    auto record = Record(source);
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->track.title, "First Title");
    EXPECT_EQ(record->track.artist, "Someone");
    EXPECT_EQ(record->track.album, "Record");
    EXPECT_EQ(record->track.track_number, 4);
}

TEST_F(ServerIngestTest, ReingestingTheSameContentChangesNothing) {
    std::string source = WriteSource("same.ogg", MakeSine(440, 1.0, 44100, 2));
    ASSERT_EQ(Ingest({source}).exit_code, 0);
    auto first = Record(source);
    ASSERT_TRUE(first.has_value());
    std::string manifest_path = data() + "/audio/" + first->track.id + "/v1/manifest.json";
    auto written = fs::last_write_time(manifest_path);

    ProcessResult again = Ingest({source});
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_NE(again.out.find("unchanged " + source + ": " + first->track.id + " v1"),
              std::string::npos)
        << again.out;
    auto second = Record(source);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->track.version, 1);
    EXPECT_EQ(fs::last_write_time(manifest_path), written);
    EXPECT_FALSE(fs::exists(data() + "/audio/" + first->track.id + "/v2"));
}

TEST_F(ServerIngestTest, ChangedContentBecomesANewVersionWithANewUrl) {
    std::string source = WriteSource("song.ogg", MakeSine(440, 1.0, 44100, 2));
    ASSERT_EQ(Ingest({source}).exit_code, 0);
    auto server = testing::ServerProcess::Start(data());
    ASSERT_TRUE(server.ok()) << server.error().message;
    ApiClient api((*server)->api_url());
    ASSERT_TRUE(api.Login("demo", "demo").ok());
    const std::string id = Record(source)->track.id;
    auto before = api.GetManifest(id);
    ASSERT_TRUE(before.ok());

    WriteSource("song.ogg", MakeSine(660, 1.5, 44100, 2));
    ProcessResult r = Ingest({source});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("ingested " + source + ": " + id + " v2"), std::string::npos) << r.out;
    auto after = api.GetManifest(id);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->version, 2);
    EXPECT_EQ(after->duration_samples, 66150);
    EXPECT_NE(after->variants[0].url.find("/audio/" + id + "/v2/96.ogg?"), std::string::npos);
    EXPECT_NE(after->variants[0].url, before->variants[0].url);
    // The old version stays for clients still holding its URLs.
    EXPECT_TRUE(fs::exists(data() + "/audio/" + id + "/v1/96.ogg"));
}

TEST_F(ServerIngestTest, CleanupRemovesReplacedVersionsOnceTheirUrlsExpired) {
    std::string source = WriteSource("edit.ogg", MakeSine(440, 1.0, 44100, 2));
    ASSERT_EQ(Ingest({source}).exit_code, 0);
    WriteSource("edit.ogg", MakeSine(550, 1.0, 44100, 2));
    ASSERT_EQ(Ingest({source}).exit_code, 0);
    const std::string id = Record(source)->track.id;
    const std::string track_dir = data() + "/audio/" + id;

    auto cleanup = [&](const std::string& min_age) {
        return testing::RunProcess(
            {TONEARM_SERVER_BIN, "cleanup", "--data", data(), "--min-age", min_age}, 30000);
    };
    ProcessResult recent = cleanup("3600");
    EXPECT_EQ(recent.exit_code, 0) << recent.err;
    EXPECT_TRUE(fs::exists(track_dir + "/v1"));

    ProcessResult expired = cleanup("0");
    EXPECT_EQ(expired.exit_code, 0) << expired.err;
    EXPECT_NE(expired.out.find("removed " + track_dir + "/v1"), std::string::npos) << expired.out;
    EXPECT_FALSE(fs::exists(track_dir + "/v1"));
    EXPECT_TRUE(fs::exists(track_dir + "/v2/manifest.json"));
}

TEST_F(ServerIngestTest, FolderIngestsEveryFileOnTheWorkerPool) {
    std::vector<std::string> sources;
    for (int i = 0; i < 4; ++i) {
        std::string name = (i % 2 ? "album/disc/" : "album/") + std::to_string(i) + ".ogg";
        sources.push_back(
            WriteSource(name, MakeSine(200.0 + 100 * i, 1.0, 22050 * (1 + i % 2), 2)));
    }
    ASSERT_TRUE(testing::WriteFileBytes(dir_.Join("album/cover.txt"), "not audio").ok());
    ProcessResult r = Ingest({dir_.Join("album")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("4 ingested, 0 unchanged, 0 failed"), std::string::npos) << r.out;
    for (const std::string& s : sources)
        EXPECT_TRUE(Record(s).has_value()) << s;
}

TEST_F(ServerIngestTest, DemoTrackKeepsTheReferenceDuration) {
    const std::string demo = std::string(TONEARM_DEMO_MUSIC_DIR) + "/lostrace-ks.ogg";
    if (!fs::exists(demo)) GTEST_SKIP() << "demo music not fetched (scripts/fetch-demo-music.sh)";
    auto reference = testing::DecodeOggVorbisFile(demo);
    ASSERT_TRUE(reference.ok());
    ProcessResult r = Ingest({demo});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto record = Record(fs::canonical(demo).string());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->track.duration_samples, reference->frames());
    EXPECT_EQ(record->track.sample_rate, reference->sample_rate);
    ExpectVariantsDecodeToFullLength(record->track);
}

}  // namespace
}  // namespace tonearm
