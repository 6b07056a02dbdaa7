#include <gtest/gtest.h>

#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QToolButton>

#include "tests/ui/ui_test_helpers.h"
#include "ui/now_playing_bar.h"
#include "ui/player_controller.h"

namespace tonearm::ui {
namespace {

// A bar over a controller that holds a two-minute track but no engine
// session (no server is set), so the test drives its signals by hand.
class NowPlayingBarTest : public ::testing::Test {
protected:
    void SetUp() override {
        Track track;
        track.id = "t1";
        track.title = "Two Minutes";
        track.artist = "Clock";
        track.sample_rate = 44100;
        track.duration_samples = 120 * 44100;
        player_.playQueue({track}, 0);
        bar_.resize(900, 90);
        bar_.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&bar_));
        emit player_.positionChanged(10'000, 120'000);
    }

    QPoint GroovePoint(double fraction) const {
        QSlider* slider = bar_.positionSlider();
        return QPoint(static_cast<int>(slider->width() * fraction), slider->height() / 2);
    }

    PlayerController player_;
    NowPlayingBar bar_{&player_};
};

TEST_F(NowPlayingBarTest, ShuffleAndRepeatButtonsSetTheQueueModes) {
    using player::RepeatMode;
    EXPECT_FALSE(bar_.shuffleButton()->isChecked());
    QTest::mouseClick(bar_.shuffleButton(), Qt::LeftButton);
    EXPECT_TRUE(player_.shuffle());
    EXPECT_TRUE(bar_.shuffleButton()->isChecked());

    const std::vector<std::pair<RepeatMode, QString>> cycle = {
        {RepeatMode::kAll, "Repeat: all"},
        {RepeatMode::kOne, "Repeat: this track"},
        {RepeatMode::kOff, "Repeat: off"}};
    for (const auto& [mode, tooltip] : cycle) {
        QTest::mouseClick(bar_.repeatButton(), Qt::LeftButton);
        EXPECT_EQ(player_.repeat(), mode);
        EXPECT_EQ(bar_.repeatButton()->toolTip(), tooltip);
        EXPECT_EQ(bar_.repeatButton()->isChecked(), mode != RepeatMode::kOff);
    }
}

TEST_F(NowPlayingBarTest, ShowsTrackAndTimes) {
    EXPECT_EQ(bar_.findChild<QLabel*>("nowPlayingTitle")->text(), "Two Minutes");
    EXPECT_EQ(bar_.findChild<QLabel*>("elapsedLabel")->text(), "0:10");
    EXPECT_EQ(bar_.findChild<QLabel*>("totalLabel")->text(), "2:00");
    EXPECT_EQ(bar_.positionSlider()->maximum(), 120'000);
    EXPECT_EQ(bar_.positionSlider()->value(), 10'000);
}

TEST_F(NowPlayingBarTest, PositionUpdatesDoNotMoveTheSliderWhileItIsHeld) {
    QSlider* slider = bar_.positionSlider();
    QSignalSpy seeks(&bar_, &NowPlayingBar::seekRequested);

    // A press on the groove jumps the handle there and starts a drag.
    QTest::mousePress(slider, Qt::LeftButton, Qt::NoModifier, GroovePoint(0.75));
    ASSERT_TRUE(slider->isSliderDown());
    const int held = slider->value();
    EXPECT_NEAR(held, 90'000, 8'000);

    emit player_.positionChanged(11'000, 120'000);
    emit player_.positionChanged(12'000, 120'000);
    EXPECT_EQ(slider->value(), held);
    EXPECT_EQ(seeks.count(), 0);

    QTest::mouseRelease(slider, Qt::LeftButton, Qt::NoModifier, GroovePoint(0.75));
    ASSERT_EQ(seeks.count(), 1);
    EXPECT_EQ(seeks.at(0).at(0).toLongLong(), held);

    emit player_.positionChanged(13'000, 120'000);
    EXPECT_EQ(slider->value(), 13'000);
    EXPECT_EQ(bar_.findChild<QLabel*>("elapsedLabel")->text(), "0:13");
}

TEST_F(NowPlayingBarTest, ArrowKeySeeksAtOnce) {
    QSignalSpy seeks(&bar_, &NowPlayingBar::seekRequested);
    bar_.positionSlider()->setFocus();
    QTest::keyClick(bar_.positionSlider(), Qt::Key_Right);
    ASSERT_EQ(seeks.count(), 1);
    EXPECT_EQ(seeks.at(0).at(0).toLongLong(), 15'000);
}

TEST_F(NowPlayingBarTest, VolumeSliderAndPlayerStayInStep) {
    bar_.volumeSlider()->setValue(40);
    EXPECT_DOUBLE_EQ(player_.volume(), 0.4);
    player_.setVolume(0.85);
    EXPECT_EQ(bar_.volumeSlider()->value(), 85);
}

}  // namespace
}  // namespace tonearm::ui
