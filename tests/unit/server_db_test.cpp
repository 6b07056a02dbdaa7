// DATA/server.db on a real SQLite file: catalog order, search, users, tokens.
#include <gtest/gtest.h>

#include "server-mock/server_db.h"
#include "tests/support/temp_dir.h"

namespace tonearm::server {
namespace {

TrackRecord MakeRecord(const std::string& id, const std::string& artist, const std::string& album,
                       int number, const std::string& title) {
    TrackRecord r;
    r.track.id = id;
    r.track.title = title;
    r.track.artist = artist;
    r.track.album = album;
    r.track.track_number = number;
    r.track.sample_rate = 44100;
    r.track.channels = 2;
    r.track.duration_samples = 44100;
    r.source_path = "/music/" + id + ".ogg";
    r.source_sha256 = std::string(64, 'a');
    return r;
}

class ServerDbTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = ServerDatabase::Open(dir_.Join("server.db"));
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
    }
    testing::TempDir dir_;
    std::unique_ptr<ServerDatabase> db_;
};

TEST_F(ServerDbTest, CatalogIsOrderedByArtistAlbumNumberTitle) {
    ASSERT_TRUE(db_->PutTrack(MakeRecord("0000000000000001", "beta", "One", 2, "Song")).ok());
    ASSERT_TRUE(db_->PutTrack(MakeRecord("0000000000000002", "Alpha", "Two", 1, "Zed")).ok());
    ASSERT_TRUE(db_->PutTrack(MakeRecord("0000000000000003", "alpha", "One", 3, "Last")).ok());
    ASSERT_TRUE(db_->PutTrack(MakeRecord("0000000000000004", "Alpha", "one", 3, "first")).ok());
    ASSERT_TRUE(db_->PutTrack(MakeRecord("0000000000000005", "beta", "One", 1, "Opening")).ok());
    auto page = db_->ListTracks(0, 10);
    ASSERT_TRUE(page.ok());
    std::vector<std::string> order;
    for (const Track& t : page->items)
        order.push_back(t.id.substr(15));
    EXPECT_EQ(order, (std::vector<std::string>{"4", "3", "2", "5", "1"}));
    EXPECT_EQ(page->total, 5);

    auto second = db_->ListTracks(3, 10);
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(second->items.size(), 2u);
    EXPECT_EQ(second->items[0].id, "0000000000000005");
    EXPECT_EQ(second->offset, 3);
}

TEST_F(ServerDbTest, PutTrackReplacesTheRowAndKeepsVersionHistory) {
    TrackRecord r = MakeRecord("0000000000000001", "A", "B", 1, "Old");
    ASSERT_TRUE(db_->PutTrack(r).ok());
    r.track.version = 2;
    r.track.title = "New";
    ASSERT_TRUE(db_->PutTrack(r).ok());
    auto found = db_->FindTrack(r.track.id);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->track.version, 2);
    EXPECT_EQ((*found)->track.title, "New");
    auto stale = db_->StaleVersions();
    ASSERT_TRUE(stale.ok());
    ASSERT_EQ(stale->size(), 1u);
    EXPECT_EQ((*stale)[0].version, 1);
    auto missing = db_->FindTrack("ffffffffffffffff");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
}

TEST_F(ServerDbTest, SearchMatchesAnyFieldIgnoringCaseAndTreatsWildcardsLiterally) {
    ASSERT_TRUE(db_->PutTrack(MakeRecord("0000000000000001", "Night Owls", "X", 1, "Run")).ok());
    ASSERT_TRUE(db_->PutTrack(MakeRecord("0000000000000002", "Y", "Nightfall", 1, "Walk")).ok());
    ASSERT_TRUE(db_->PutTrack(MakeRecord("0000000000000003", "Z", "W", 1, "100% Pure")).ok());
    auto night = db_->SearchTracks("NIGHT", 0, 10);
    ASSERT_TRUE(night.ok());
    EXPECT_EQ(night->total, 2);
    auto percent = db_->SearchTracks("0%", 0, 10);
    ASSERT_TRUE(percent.ok());
    ASSERT_EQ(percent->total, 1);
    EXPECT_EQ(percent->items[0].title, "100% Pure");
    auto underscore = db_->SearchTracks("_", 0, 10);
    ASSERT_TRUE(underscore.ok());
    EXPECT_EQ(underscore->total, 0);
}

TEST_F(ServerDbTest, PasswordsAreCheckedAndNamesAreUnique) {
    ASSERT_TRUE(db_->CreateUser("ann", "secret", Tier::kPremium).ok());
    Status again = db_->CreateUser("ann", "other", Tier::kFree);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);

    auto good = db_->CheckPassword("ann", "secret");
    ASSERT_TRUE(good.ok() && good->has_value());
    EXPECT_EQ((*good)->tier, Tier::kPremium);
    auto bad = db_->CheckPassword("ann", "Secret");
    ASSERT_TRUE(bad.ok());
    EXPECT_FALSE(bad->has_value());
    auto nobody = db_->CheckPassword("bob", "secret");
    ASSERT_TRUE(nobody.ok());
    EXPECT_FALSE(nobody->has_value());
}

TEST_F(ServerDbTest, TokensResolveToTheirUserUntilTheyExpire) {
    ASSERT_TRUE(db_->CreateUser("ann", "secret", Tier::kFree).ok());
    ASSERT_TRUE(db_->StoreToken("tok", "ann", 1000).ok());
    auto valid = db_->UserForToken("tok", 999);
    ASSERT_TRUE(valid.ok() && valid->has_value());
    EXPECT_EQ((*valid)->name, "ann");
    auto expired = db_->UserForToken("tok", 1000);
    ASSERT_TRUE(expired.ok());
    EXPECT_FALSE(expired->has_value());
    auto unknown = db_->UserForToken("other", 0);
    ASSERT_TRUE(unknown.ok());
    EXPECT_FALSE(unknown->has_value());
}

}  // namespace
}  // namespace tonearm::server
