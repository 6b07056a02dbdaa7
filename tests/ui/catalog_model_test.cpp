#include <gtest/gtest.h>

#include <QSortFilterProxyModel>

#include "tests/ui/ui_test_helpers.h"
#include "ui/catalog_model.h"
#include "ui/time_format.h"

namespace tonearm::ui {
namespace {

using testing::ColumnTexts;

Track MakeTrack(const std::string& id, const std::string& title, const std::string& artist,
                double seconds) {
    Track track;
    track.id = id;
    track.title = title;
    track.artist = artist;
    track.album = "Album of " + artist;
    track.sample_rate = 48000;
    track.channels = 2;
    track.duration_samples = static_cast<int64_t>(seconds * 48000);
    return track;
}

TEST(TimeFormat, ShowsMinutesAndSecondsAndHoursWhenNeeded) {
    EXPECT_EQ(FormatDuration(0), "0:00");
    EXPECT_EQ(FormatDuration(999), "0:00");
    EXPECT_EQ(FormatDuration(61'000), "1:01");
    EXPECT_EQ(FormatDuration(599'999), "9:59");
    EXPECT_EQ(FormatDuration(3'725'000), "1:02:05");
    EXPECT_EQ(FormatDuration(-5'000), "0:00");
}

TEST(CatalogModel, ShowsTitleArtistAlbumAndLength) {
    CatalogModel model;
    model.appendTracks({MakeTrack("t1", "Blue Moon", "Ella", 183.4)});

    ASSERT_EQ(model.rowCount(), 1);
    ASSERT_EQ(model.columnCount(), 4);
    EXPECT_EQ(model.index(0, CatalogModel::kTitle).data().toString(), "Blue Moon");
    EXPECT_EQ(model.index(0, CatalogModel::kArtist).data().toString(), "Ella");
    EXPECT_EQ(model.index(0, CatalogModel::kAlbum).data().toString(), "Album of Ella");
    EXPECT_EQ(model.index(0, CatalogModel::kLength).data().toString(), "3:03");
    EXPECT_EQ(model.headerData(CatalogModel::kLength, Qt::Horizontal).toString(), "Length");
    EXPECT_EQ(model.index(0, 2).data(CatalogModel::kTrackIdRole).toString(), "t1");
}

TEST(CatalogModel, UntaggedTrackFallsBackToIdAndUnknownArtist) {
    CatalogModel model;
    model.appendTracks({MakeTrack("abc123", "", "", 5)});
    EXPECT_EQ(model.index(0, CatalogModel::kTitle).data().toString(), "abc123");
    EXPECT_EQ(model.index(0, CatalogModel::kArtist).data().toString(), "Unknown artist");
}

TEST(CatalogModel, PagesAppendInServerOrder) {
    CatalogModel model;
    model.appendTracks({MakeTrack("a", "One", "X", 1), MakeTrack("b", "Two", "X", 2)});
    model.appendTracks({});
    model.appendTracks({MakeTrack("c", "Three", "X", 3)});
    EXPECT_EQ(ColumnTexts(model, 0), QStringList({"One", "Two", "Three"}));
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(CatalogModel, LengthSortsByDurationNotByText) {
    CatalogModel model;
    // As text "1:01:40" < "3:20" < "9:00"; as durations 200 s < 540 s < 3700 s.
    model.appendTracks({MakeTrack("a", "Long", "X", 3700), MakeTrack("b", "Short", "X", 200),
                        MakeTrack("c", "Middle", "X", 540)});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(CatalogModel::kSortRole);
    proxy.sort(CatalogModel::kLength, Qt::AscendingOrder);
    EXPECT_EQ(ColumnTexts(proxy, 0), QStringList({"Short", "Middle", "Long"}));
    proxy.sort(CatalogModel::kTitle, Qt::DescendingOrder);
    EXPECT_EQ(ColumnTexts(proxy, 0), QStringList({"Short", "Middle", "Long"}));
    proxy.sort(CatalogModel::kTitle, Qt::AscendingOrder);
    EXPECT_EQ(ColumnTexts(proxy, 0), QStringList({"Long", "Middle", "Short"}));
}

TEST(CatalogModel, FilterMatchesAnyColumnIgnoringCase) {
    CatalogModel model;
    model.appendTracks({MakeTrack("a", "Blue Moon", "Ella", 1),
                        MakeTrack("b", "So What", "Miles", 1),
                        MakeTrack("c", "Moonlight", "Ludwig", 1)});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterFixedString("MOON");
    EXPECT_EQ(ColumnTexts(proxy, 0), QStringList({"Blue Moon", "Moonlight"}));
    proxy.setFilterFixedString("miles");
    EXPECT_EQ(ColumnTexts(proxy, 0), QStringList({"So What"}));
}

TEST(CatalogModel, PlayingRowIsBold) {
    CatalogModel model;
    model.appendTracks({MakeTrack("a", "One", "X", 1), MakeTrack("b", "Two", "X", 2)});
    model.setPlayingTrackId("b");
    EXPECT_TRUE(model.index(1, 0).data(Qt::FontRole).value<QFont>().bold());
    EXPECT_FALSE(model.index(0, 0).data(Qt::FontRole).isValid());
    model.setPlayingTrackId("");
    EXPECT_FALSE(model.index(1, 0).data(Qt::FontRole).isValid());
}

}  // namespace
}  // namespace tonearm::ui
