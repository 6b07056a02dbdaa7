// NowPlayingBar: the strip at the bottom of the main window that shows the
// current track and holds the transport controls, the seek slider with
// elapsed and total time, and the volume slider.
//
// GUI thread only. The bar does not own the controller it drives. While the
// user drags the position slider, position updates from the player do not
// move it; the seek happens on release (or at once for a click or a key).
#pragma once

#include <QFrame>

class QLabel;
class QSlider;
class QToolButton;

namespace tonearm::ui {

class PlayerController;

class NowPlayingBar : public QFrame {
    Q_OBJECT

public:
    explicit NowPlayingBar(PlayerController* player, QWidget* parent = nullptr);

    QSlider* positionSlider() const { return position_slider_; }
    QSlider* volumeSlider() const { return volume_slider_; }
    QToolButton* playPauseButton() const { return play_pause_button_; }
    QToolButton* shuffleButton() const { return shuffle_button_; }
    QToolButton* repeatButton() const { return repeat_button_; }

signals:
    // The listener moved the position slider (drag released, click or key);
    // the bar also forwards it to the player's seekMs().
    void seekRequested(qint64 position_ms);

private:
    QWidget* buildTrackInfo();
    QWidget* buildTransport();
    QWidget* buildVolume();
    void connectPlayer();

    void updateTrack();
    void updateState();
    void updateQueueModes();
    void updatePosition(qint64 position_ms, qint64 duration_ms);
    void onSliderAction(int action);
    void requestSeek(qint64 position_ms);

    PlayerController* player_;
    QLabel* title_label_ = nullptr;
    QLabel* detail_label_ = nullptr;
    QToolButton* previous_button_ = nullptr;
    QToolButton* play_pause_button_ = nullptr;
    QToolButton* next_button_ = nullptr;
    QToolButton* shuffle_button_ = nullptr;
    QToolButton* repeat_button_ = nullptr;
    QLabel* elapsed_label_ = nullptr;
    QSlider* position_slider_ = nullptr;
    QLabel* total_label_ = nullptr;
    QSlider* volume_slider_ = nullptr;
};

}  // namespace tonearm::ui
