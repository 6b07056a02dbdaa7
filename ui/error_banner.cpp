#include "ui/error_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

namespace tonearm::ui {
namespace {

// A soft red that reads as an error on light and dark palettes alike.
QPalette BannerPalette(const QPalette& base) {
    QPalette palette = base;
    const bool dark = base.color(QPalette::Window).lightness() < 128;
    palette.setColor(QPalette::Window, dark ? QColor(0x5c, 0x22, 0x22) : QColor(0xfd, 0xe8, 0xe6));
    palette.setColor(QPalette::WindowText,
                     dark ? QColor(0xff, 0xe0, 0xdc) : QColor(0x6e, 0x1a, 0x12));
    return palette;
}

}  // namespace

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("errorBanner"));
    setAutoFillBackground(true);
    setPalette(BannerPalette(palette()));
    setFrameShape(QFrame::NoFrame);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 6, 6);
    icon_label_ = new QLabel(this);
    icon_label_->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(20, 20));
    message_label_ = new QLabel(this);
    message_label_->setObjectName(QStringLiteral("errorMessage"));
    message_label_->setWordWrap(true);
    message_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    retry_button_ = new QPushButton(tr("Retry"), this);
    retry_button_->setObjectName(QStringLiteral("retryButton"));
    log_in_button_ = new QPushButton(tr("Log In…"), this);
    log_in_button_->setObjectName(QStringLiteral("logInButton"));
    auto* dismiss = new QToolButton(this);
    dismiss->setAutoRaise(true);
    dismiss->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    dismiss->setToolTip(tr("Dismiss"));

    layout->addWidget(icon_label_);
    layout->addWidget(message_label_, 1);
    layout->addWidget(retry_button_);
    layout->addWidget(log_in_button_);
    layout->addWidget(dismiss);

    connect(retry_button_, &QPushButton::clicked, this, &ErrorBanner::retryRequested);
    connect(log_in_button_, &QPushButton::clicked, this, &ErrorBanner::logInRequested);
    connect(dismiss, &QToolButton::clicked, this, &ErrorBanner::clear);
    hide();
}

void ErrorBanner::showError(const QString& message, Actions actions) {
    message_label_->setText(message);
    retry_button_->setVisible(actions.testFlag(kRetry));
    log_in_button_->setVisible(actions.testFlag(kLogIn));
    show();
}

void ErrorBanner::clear() {
    message_label_->clear();
    hide();
}

QString ErrorBanner::message() const { return isHidden() ? QString() : message_label_->text(); }

}  // namespace tonearm::ui
