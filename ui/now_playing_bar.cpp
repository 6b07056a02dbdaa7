#include "ui/now_playing_bar.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QProxyStyle>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "ui/player_controller.h"
#include "ui/time_format.h"

namespace tonearm::ui {
namespace {

// Makes a left click on the groove jump to that spot instead of paging, as
// listeners expect from a seek bar.
class ClickToSeekStyle : public QProxyStyle {
public:
    int styleHint(StyleHint hint, const QStyleOption* option, const QWidget* widget,
                  QStyleHintReturn* returned) const override {
        if (hint == SH_Slider_AbsoluteSetButtons) return Qt::LeftButton;
        return QProxyStyle::styleHint(hint, option, widget, returned);
    }
};

QIcon ThemedIcon(const char* theme_name, QStyle::StandardPixmap fallback, const QWidget* w) {
    return QIcon::fromTheme(QLatin1String(theme_name), w->style()->standardIcon(fallback));
}

QToolButton* MakeTransportButton(const QString& tooltip, QWidget* parent) {
    auto* button = new QToolButton(parent);
    button->setToolTip(tooltip);
    button->setAutoRaise(true);
    button->setIconSize(QSize(22, 22));
    return button;
}

}  // namespace

NowPlayingBar::NowPlayingBar(PlayerController* player, QWidget* parent)
    : QFrame(parent), player_(player) {
    setObjectName(QStringLiteral("nowPlayingBar"));
    setFrameShape(QFrame::NoFrame);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::AlternateBase);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(16);
    layout->addWidget(buildTrackInfo(), 3);
    layout->addWidget(buildTransport(), 5);
    layout->addWidget(buildVolume(), 2);

    connectPlayer();
    updateTrack();
    updateState();
}

QWidget* NowPlayingBar::buildTrackInfo() {
    auto* box = new QWidget(this);
    auto* column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    title_label_ = new QLabel(box);
    title_label_->setObjectName(QStringLiteral("nowPlayingTitle"));
    QFont title_font = title_label_->font();
    title_font.setBold(true);
    title_label_->setFont(title_font);
    detail_label_ = new QLabel(box);
    detail_label_->setForegroundRole(QPalette::PlaceholderText);
    for (QLabel* label : {title_label_, detail_label_}) {
        label->setMinimumWidth(120);
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        column->addWidget(label);
    }
    return box;
}

QWidget* NowPlayingBar::buildTransport() {
    auto* box = new QWidget(this);
    auto* column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);

    auto* buttons = new QHBoxLayout;
    previous_button_ = MakeTransportButton(tr("Previous track"), box);
    previous_button_->setIcon(
        ThemedIcon("media-skip-backward", QStyle::SP_MediaSkipBackward, this));
    play_pause_button_ = MakeTransportButton(tr("Play"), box);
    play_pause_button_->setObjectName(QStringLiteral("playPauseButton"));
    play_pause_button_->setIconSize(QSize(28, 28));
    next_button_ = MakeTransportButton(tr("Next track"), box);
    next_button_->setIcon(ThemedIcon("media-skip-forward", QStyle::SP_MediaSkipForward, this));
    shuffle_button_ = MakeTransportButton(tr("Shuffle"), box);
    shuffle_button_->setObjectName(QStringLiteral("shuffleButton"));
    shuffle_button_->setCheckable(true);
    // Qt's own style has no shuffle or repeat icons: without an icon theme
    // the two buttons are words, not two identical arrows.
    if (QIcon::hasThemeIcon(QStringLiteral("media-playlist-shuffle"))) {
        shuffle_button_->setIcon(QIcon::fromTheme(QStringLiteral("media-playlist-shuffle")));
    } else {
        shuffle_button_->setText(tr("Shuffle"));
    }
    repeat_button_ = MakeTransportButton(tr("Repeat: off"), box);
    repeat_button_->setObjectName(QStringLiteral("repeatButton"));
    repeat_button_->setCheckable(true);
    if (QIcon::hasThemeIcon(QStringLiteral("media-playlist-repeat"))) {
        repeat_button_->setIcon(QIcon::fromTheme(QStringLiteral("media-playlist-repeat")));
        repeat_button_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    }
    buttons->addStretch();
    buttons->addWidget(shuffle_button_);
    buttons->addWidget(previous_button_);
    buttons->addWidget(play_pause_button_);
    buttons->addWidget(next_button_);
    buttons->addWidget(repeat_button_);
    buttons->addStretch();
    column->addLayout(buttons);

    auto* seek_row = new QHBoxLayout;
    elapsed_label_ = new QLabel(FormatDuration(0), box);
    elapsed_label_->setObjectName(QStringLiteral("elapsedLabel"));
    total_label_ = new QLabel(FormatDuration(0), box);
    total_label_->setObjectName(QStringLiteral("totalLabel"));
    position_slider_ = new QSlider(Qt::Horizontal, box);
    position_slider_->setObjectName(QStringLiteral("positionSlider"));
    auto* seek_style = new ClickToSeekStyle;
    seek_style->setParent(position_slider_);
    position_slider_->setStyle(seek_style);
    position_slider_->setSingleStep(5000);
    position_slider_->setPageStep(30000);
    position_slider_->setToolTip(tr("Position"));
    for (QLabel* label : {elapsed_label_, total_label_}) {
        label->setMinimumWidth(label->fontMetrics().horizontalAdvance(QStringLiteral("00:00:00")));
        label->setAlignment(Qt::AlignCenter);
    }
    seek_row->addWidget(elapsed_label_);
    seek_row->addWidget(position_slider_, 1);
    seek_row->addWidget(total_label_);
    column->addLayout(seek_row);
    return box;
}

QWidget* NowPlayingBar::buildVolume() {
    auto* box = new QWidget(this);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    auto* icon = new QLabel(box);
    icon->setPixmap(ThemedIcon("audio-volume-high", QStyle::SP_MediaVolume, this).pixmap(18, 18));
    volume_slider_ = new QSlider(Qt::Horizontal, box);
    volume_slider_->setObjectName(QStringLiteral("volumeSlider"));
    volume_slider_->setRange(0, 100);
    volume_slider_->setMaximumWidth(140);
    volume_slider_->setToolTip(tr("Volume"));
    volume_slider_->setValue(static_cast<int>(std::lround(player_->volume() * 100)));
    row->addStretch();
    row->addWidget(icon);
    row->addWidget(volume_slider_);
    return box;
}

void NowPlayingBar::updateQueueModes() {
    using player::RepeatMode;
    shuffle_button_->setChecked(player_->shuffle());
    const RepeatMode mode = player_->repeat();
    repeat_button_->setChecked(mode != RepeatMode::kOff);
    const bool themed = !repeat_button_->icon().isNull();
    repeat_button_->setText(themed ? (mode == RepeatMode::kOne ? QStringLiteral("1") : QString())
                                   : (mode == RepeatMode::kOne ? tr("Repeat 1") : tr("Repeat")));
    repeat_button_->setToolTip(mode == RepeatMode::kOff   ? tr("Repeat: off")
                               : mode == RepeatMode::kAll ? tr("Repeat: all")
                                                          : tr("Repeat: this track"));
    next_button_->setEnabled(player_->canGoNext());
}

void NowPlayingBar::connectPlayer() {
    connect(play_pause_button_, &QToolButton::clicked, player_, &PlayerController::togglePlayPause);
    connect(previous_button_, &QToolButton::clicked, player_, &PlayerController::previous);
    connect(next_button_, &QToolButton::clicked, player_, &PlayerController::next);
    connect(shuffle_button_, &QToolButton::clicked, player_, &PlayerController::setShuffle);
    // Off -> all -> one -> off, as in most players.
    connect(repeat_button_, &QToolButton::clicked, this, [this] {
        using player::RepeatMode;
        const RepeatMode now = player_->repeat();
        player_->setRepeat(now == RepeatMode::kOff   ? RepeatMode::kAll
                           : now == RepeatMode::kAll ? RepeatMode::kOne
                                                     : RepeatMode::kOff);
    });
    connect(player_, &PlayerController::queueModesChanged, this, &NowPlayingBar::updateQueueModes);
    connect(player_, &PlayerController::trackChanged, this, &NowPlayingBar::updateTrack);
    connect(player_, &PlayerController::stateChanged, this, &NowPlayingBar::updateState);
    connect(player_, &PlayerController::positionChanged, this, &NowPlayingBar::updatePosition);

    connect(position_slider_, &QSlider::sliderMoved, this,
            [this](int value) { elapsed_label_->setText(FormatDuration(value)); });
    connect(position_slider_, &QSlider::sliderReleased, this,
            [this] { requestSeek(position_slider_->value()); });
    connect(position_slider_, &QSlider::actionTriggered, this, &NowPlayingBar::onSliderAction);

    connect(volume_slider_, &QSlider::valueChanged, this,
            [this](int value) { player_->setVolume(value / 100.0); });
    connect(player_, &PlayerController::volumeChanged, this, [this](double volume) {
        const QSignalBlocker blocker(volume_slider_);
        volume_slider_->setValue(static_cast<int>(std::lround(volume * 100)));
    });
}

void NowPlayingBar::onSliderAction(int action) {
    // Keyboard steps seek at once; a drag seeks when released.
    if (action == QAbstractSlider::SliderMove || position_slider_->isSliderDown()) return;
    requestSeek(position_slider_->sliderPosition());
}

void NowPlayingBar::requestSeek(qint64 position_ms) {
    emit seekRequested(position_ms);
    player_->seekMs(position_ms);
}

void NowPlayingBar::updateTrack() {
    if (!player_->hasTrack()) {
        title_label_->setText(tr("Nothing playing"));
        detail_label_->setText(tr("Double-click a track to play it"));
    } else {
        const Track& track = player_->currentTrack();
        const QString title = QString::fromStdString(track.title.empty() ? track.id : track.title);
        QString detail =
            track.artist.empty() ? tr("Unknown artist") : QString::fromStdString(track.artist);
        if (!track.album.empty())
            detail += QStringLiteral(" — ") + QString::fromStdString(track.album);
        title_label_->setText(title);
        detail_label_->setText(detail);
        title_label_->setToolTip(title);
        detail_label_->setToolTip(detail);
    }
    updateState();
}

void NowPlayingBar::updateState() {
    const bool active = player_->isActive();
    play_pause_button_->setIcon(
        active ? ThemedIcon("media-playback-pause", QStyle::SP_MediaPause, this)
               : ThemedIcon("media-playback-start", QStyle::SP_MediaPlay, this));
    play_pause_button_->setToolTip(active ? tr("Pause") : tr("Play"));
    previous_button_->setEnabled(player_->canGoPrevious());
    next_button_->setEnabled(player_->canGoNext());
    position_slider_->setEnabled(player_->hasTrack() && player_->durationMs() > 0);
    updateQueueModes();
}

void NowPlayingBar::updatePosition(qint64 position_ms, qint64 duration_ms) {
    total_label_->setText(FormatDuration(duration_ms));
    position_slider_->setEnabled(player_->hasTrack() && duration_ms > 0);
    if (position_slider_->isSliderDown()) return;  // the listener is dragging it
    const QSignalBlocker blocker(position_slider_);
    position_slider_->setRange(0, static_cast<int>(qMin<qint64>(duration_ms, INT_MAX)));
    position_slider_->setValue(static_cast<int>(qMin<qint64>(position_ms, INT_MAX)));
    elapsed_label_->setText(FormatDuration(position_ms));
}

}  // namespace tonearm::ui
