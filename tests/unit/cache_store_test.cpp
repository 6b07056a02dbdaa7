// AudioCache on real files in a temporary folder: atomic commits checked by
// SHA-256, damaged entries evicted, the LRU size limit under churn, pins.
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "player/audio_cache.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::player {
namespace {

namespace fs = std::filesystem;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteFileBytes;

std::string RandomBytes(size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(size, '\0');
    for (char& c : bytes)
        c = static_cast<char>(rng() & 0xff);
    return bytes;
}

// A one-variant manifest describing bytes.
Manifest ManifestFor(const std::string& track_id, const std::string& bytes) {
    Manifest m;
    m.track_id = track_id;
    m.sample_rate = 44100;
    m.channels = 2;
    Variant v;
    v.kbps = 160;
    v.size = static_cast<int64_t>(bytes.size());
    v.sha256 = crypto::Sha256Hex(bytes);
    m.variants.push_back(v);
    return m;
}

class CacheStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = AudioCache::Open(dir_.Join("cache"));
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        cache_ = std::move(opened.value());
    }

    // Writes bytes as the finished download of track_id and commits it.
    Manifest Commit(const std::string& track_id, const std::string& bytes) {
        Manifest m = ManifestFor(track_id, bytes);
        EXPECT_TRUE(WriteFileBytes(cache_->PartialPath(m.variants[0].sha256), bytes).ok());
        Status committed = cache_->CommitPartial(m, m.variants[0]);
        EXPECT_TRUE(committed.ok()) << committed.error().message;
        return m;
    }

    TempDir dir_;
    std::unique_ptr<AudioCache> cache_;
};

TEST_F(CacheStoreTest, CommittedEntryReadsBackVerified) {
    const std::string bytes = RandomBytes(50000, 1);
    Manifest m = Commit("t1", bytes);
    auto read = cache_->ReadVerified("t1", m.variants[0]);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(*read, bytes);
    EXPECT_FALSE(fs::exists(cache_->PartialPath(m.variants[0].sha256)));
    auto status = cache_->GetStatus();
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->used_bytes, 50000);
    EXPECT_EQ(status->entries, 1);
}

TEST_F(CacheStoreTest, DownloadThatDoesNotMatchItsHashNeverBecomesAnEntry) {
    Manifest m = ManifestFor("t1", RandomBytes(1000, 2));
    const std::string& sha = m.variants[0].sha256;
    ASSERT_TRUE(WriteFileBytes(cache_->PartialPath(sha), RandomBytes(1000, 3)).ok());
    Status committed = cache_->CommitPartial(m, m.variants[0]);
    ASSERT_FALSE(committed.ok());
    EXPECT_EQ(committed.error().code, ErrorCode::kCorrupt);
    EXPECT_FALSE(fs::exists(cache_->EntryPath(sha)));
    EXPECT_FALSE(fs::exists(cache_->PartialPath(sha)));
    EXPECT_EQ(cache_->ReadVerified("t1", m.variants[0]).error().code, ErrorCode::kNotFound);
}

// Each way a file can go bad behind the cache's back is caught and evicted.
TEST_F(CacheStoreTest, DamagedEntriesAreEvictedNotReturned) {
    const std::vector<std::string> damages = {"bitflip", "zerofill", "truncate", "delete"};
    for (size_t i = 0; i < damages.size(); ++i) {
        const std::string id = "t-" + damages[i];
        std::string bytes = RandomBytes(20000, 10 + static_cast<unsigned>(i));
        Manifest m = Commit(id, bytes);
        const std::string path = cache_->EntryPath(m.variants[0].sha256);
        if (damages[i] == "bitflip") bytes[12345] ^= 0x10;
        if (damages[i] == "zerofill") std::fill(bytes.begin() + 4096, bytes.begin() + 8192, '\0');
        if (damages[i] == "truncate") bytes.resize(15000);
        if (damages[i] == "delete") {
            fs::remove(path);
        } else {
            ASSERT_TRUE(WriteFileBytes(path, bytes).ok());
        }
        auto read = cache_->ReadVerified(id, m.variants[0]);
        ASSERT_FALSE(read.ok()) << damages[i];
        EXPECT_EQ(read.error().code, ErrorCode::kCorrupt) << damages[i];
        EXPECT_FALSE(fs::exists(path)) << damages[i];
        auto entry = cache_->FindEntry(id, 160);
        ASSERT_TRUE(entry.ok());
        EXPECT_FALSE(entry->has_value()) << damages[i];
    }
    EXPECT_EQ(cache_->GetStatus()->entries, 0);
}

TEST_F(CacheStoreTest, LimitHoldsUnderChurnAndPinnedEntriesSurvive) {
    constexpr int64_t kLimit = 1'000'000;
    constexpr size_t kEntry = 90'000;
    ASSERT_TRUE(cache_->SetLimit(kLimit).ok());
    std::vector<Manifest> pinned;
    for (int i = 0; i < 3; ++i) {
        pinned.push_back(Commit("pinned" + std::to_string(i), RandomBytes(kEntry, 100 + i)));
    }
    ASSERT_TRUE(cache_
                    ->ReplacePins("playlist:p", {{"playlist:p", "pinned0", 160},
                                                 {"playlist:p", "pinned1", 160},
                                                 {"playlist:p", "pinned2", 160}})
                    .ok());
    Manifest favourite = Commit("favourite", RandomBytes(kEntry, 7));
    for (int i = 0; i < 60; ++i) {
        Commit("churn" + std::to_string(i), RandomBytes(kEntry, 200 + i));
        // The favourite is played often: it stays among the recent entries.
        if (i % 3 == 0) {
            ASSERT_TRUE(cache_->ReadVerified("favourite", favourite.variants[0]).ok());
        }
        auto status = cache_->GetStatus();
        ASSERT_TRUE(status.ok());
        EXPECT_LE(status->used_bytes, kLimit) << "after " << i;
        EXPECT_EQ(status->pinned_bytes, 3 * static_cast<int64_t>(kEntry));
    }
    for (const Manifest& m : pinned) {
        EXPECT_TRUE(cache_->ReadVerified(m.track_id, m.variants[0]).ok()) << m.track_id;
    }
    EXPECT_TRUE(cache_->ReadVerified("favourite", favourite.variants[0]).ok());
    auto oldest = cache_->FindEntry("churn0", 160);
    ASSERT_TRUE(oldest.ok());
    EXPECT_FALSE(oldest->has_value());
    EXPECT_EQ(cache_->GetStatus()->entries, kLimit / static_cast<int64_t>(kEntry));
}

TEST_F(CacheStoreTest, PinsBeyondTheLimitAreRefused) {
    ASSERT_TRUE(cache_->SetLimit(100'000).ok());
    EXPECT_TRUE(cache_->CheckPinFits(100'000).ok());
    Status refused = cache_->CheckPinFits(100'001);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("cache set-limit"), std::string::npos);
}

TEST_F(CacheStoreTest, DefaultLimitIsAShareOfFreeDiskCapped) {
    ASSERT_TRUE(cache_->SetLimit(12345).ok());
    ASSERT_TRUE(cache_->SetLimit(0).ok());
    auto status = cache_->GetStatus();
    ASSERT_TRUE(status.ok());
    EXPECT_TRUE(status->limit_is_default);
    const auto share = static_cast<int64_t>(0.10 * static_cast<double>(status->free_disk_bytes));
    EXPECT_NEAR(static_cast<double>(status->limit_bytes),
                static_cast<double>(std::min(share, kDefaultLimitCap)), 1e7);
    EXPECT_LE(status->limit_bytes, kDefaultLimitCap);
}

TEST_F(CacheStoreTest, ClearKeepsPinnedAudioUnlessAll) {
    Manifest kept = Commit("kept", RandomBytes(1000, 1));
    Manifest dropped = Commit("dropped", RandomBytes(1000, 2));
    ASSERT_TRUE(cache_->ReplacePins("track:kept", {{"track:kept", "kept", 160}}).ok());
    ASSERT_TRUE(cache_->Clear(false).ok());
    EXPECT_TRUE(cache_->ReadVerified("kept", kept.variants[0]).ok());
    EXPECT_FALSE(cache_->ReadVerified("dropped", dropped.variants[0]).ok());
    ASSERT_TRUE(cache_->Clear(true).ok());
    EXPECT_FALSE(cache_->ReadVerified("kept", kept.variants[0]).ok());
    EXPECT_TRUE(cache_->Pins()->empty());
}

TEST_F(CacheStoreTest, ManifestsAreStoredWithoutSignedUrls) {
    Manifest m = ManifestFor("t1", RandomBytes(5000, 4));
    m.duration_samples = 44100;
    m.variants[0].header_bytes = 4000;
    m.variants[0].seek_index = {{0, 4000}};
    m.variants[0].url = "http://127.0.0.1:1/t1?sig=secret";
    m.variants[0].url_expires = 99;
    Track track;
    track.id = "t1";
    track.title = "Title";
    ASSERT_TRUE(cache_->StoreMetadata(m, track).ok());
    ASSERT_TRUE(cache_->StoreMetadata(m, std::nullopt).ok());  // keeps the track record
    auto loaded = cache_->LoadManifest("t1");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->variants[0].sha256, m.variants[0].sha256);
    EXPECT_TRUE(loaded->variants[0].url.empty());
    EXPECT_EQ(cache_->LoadTrack("t1")->title, "Title");
    EXPECT_EQ(cache_->LoadManifest("t2").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace tonearm::player
