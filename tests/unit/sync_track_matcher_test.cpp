// Matching imported playlist entries to catalog tracks by metadata.
#include <gtest/gtest.h>

#include "sync/track_matcher.h"

namespace tonearm::sync {
namespace {

Track MakeTrack(const std::string& id, const std::string& title, const std::string& artist,
                double seconds) {
    Track t;
    t.id = id;
    t.title = title;
    t.artist = artist;
    t.sample_rate = 44100;
    t.duration_samples = static_cast<int64_t>(seconds * 44100);
    return t;
}

PlaylistFileEntry Entry(const std::string& title, const std::string& artist,
                        const std::string& location = "", int64_t duration_ms = -1) {
    PlaylistFileEntry e;
    e.title = title;
    e.artist = artist;
    e.location = location;
    e.duration_ms = duration_ms;
    return e;
}

const std::vector<Track> kCatalog = {
    MakeTrack("t1", "Helplessly Hoping", "Crosby, Stills & Nash", 161),
    MakeTrack("t2", "Helplessly Hoping", "Other Band", 200),
    MakeTrack("t3", "Intro", "", 30),
    MakeTrack("t4", "Intro", "", 95),
    MakeTrack("t5", "Bells", "Tuxracer", 60),
};

std::string MatchId(const PlaylistFileEntry& e) {
    std::optional<Track> t = BestMatch(e, kCatalog);
    return t ? t->id : "";
}

TEST(TrackMatcher, TitleAndArtistMustBothAgree) {
    EXPECT_EQ(MatchId(Entry("helplessly  hoping", "crosby, stills & nash")), "t1");
    EXPECT_EQ(MatchId(Entry("Helplessly Hoping", "Other Band")), "t2");
    EXPECT_EQ(MatchId(Entry("Helplessly Hoping", "Nobody")), "");
    EXPECT_EQ(MatchId(Entry("Helpless", "Crosby, Stills & Nash")), "");
}

TEST(TrackMatcher, DurationBreaksTiesBetweenEqualCandidates) {
    EXPECT_EQ(MatchId(Entry("Intro", "", "", 94'000)), "t4");
    EXPECT_EQ(MatchId(Entry("Intro", "", "", 31'000)), "t3");
    EXPECT_EQ(MatchId(Entry("Helplessly Hoping", "", "", 199'000)), "t2");
    EXPECT_EQ(MatchId(Entry("Intro", "")), "t3");  // no duration: the first
}

TEST(TrackMatcher, ArtistInsideTheTitleOrTheFileName) {
    // "Artist - Title" that no reader split, e.g. a PLS title that was kept whole.
    EXPECT_EQ(MatchId(Entry("Tuxracer - Bells", "")), "t5");
    EXPECT_EQ(MatchId(Entry("", "", "/music/05 - Tuxracer - Bells.ogg")), "t5");
    EXPECT_EQ(MatchId(Entry("", "", "C:/music/bells.OGG")), "t5");
    EXPECT_EQ(MatchId(Entry("", "", "/music/03_Intro.ogg", 95'000)), "t4");
    EXPECT_EQ(MatchId(Entry("", "", "")), "");
}

TEST(TrackMatcher, QueriesAreTheReadingsOfTheEntry) {
    EXPECT_EQ(MatchQueries(Entry("Tuxracer - Bells", "")),
              (std::vector<std::string>{"Tuxracer - Bells", "Bells"}));
    EXPECT_EQ(MatchQueries(Entry("", "", "/m/01 - Bells_Ringing.ogg")),
              (std::vector<std::string>{"Bells Ringing", "01 - Bells Ringing"}));
    EXPECT_TRUE(MatchQueries(Entry("", "", "")).empty());
}

}  // namespace
}  // namespace tonearm::sync
