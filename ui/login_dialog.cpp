#include "ui/login_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace tonearm::ui {

LoginDialog::LoginDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("loginDialog"));
    setWindowTitle(tr("Log In to Tonearm"));

    auto* heading = new QLabel(tr("Connect to a Tonearm server"), this);
    QFont heading_font = heading->font();
    heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25);
    heading_font.setBold(true);
    heading->setFont(heading_font);

    server_edit_ = new QLineEdit(this);
    server_edit_->setObjectName(QStringLiteral("serverEdit"));
    server_edit_->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080"));
    user_edit_ = new QLineEdit(this);
    user_edit_->setObjectName(QStringLiteral("userEdit"));
    password_edit_ = new QLineEdit(this);
    password_edit_->setObjectName(QStringLiteral("passwordEdit"));
    password_edit_->setEchoMode(QLineEdit::Password);

    auto* form = new QFormLayout;
    form->addRow(tr("Server:"), server_edit_);
    form->addRow(tr("User:"), user_edit_);
    form->addRow(tr("Password:"), password_edit_);

    error_label_ = new QLabel(this);
    error_label_->setObjectName(QStringLiteral("loginError"));
    error_label_->setWordWrap(true);
    QPalette error_palette = error_label_->palette();
    const bool dark = error_palette.color(QPalette::Window).lightness() < 128;
    error_palette.setColor(QPalette::WindowText,
                           dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e));
    error_label_->setPalette(error_palette);
    error_label_->hide();

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Log In"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 18, 20, 14);
    layout->setSpacing(12);
    layout->addWidget(heading);
    layout->addLayout(form);
    layout->addWidget(error_label_);
    layout->addWidget(buttons_);
    setMinimumWidth(420);

    connect(buttons_, &QDialogButtonBox::accepted, this, &LoginDialog::onAccept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit* edit : {server_edit_, user_edit_, password_edit_}) {
        connect(edit, &QLineEdit::textChanged, this, &LoginDialog::updateButtons);
    }
    updateButtons();
}

void LoginDialog::setValues(const QString& server_url, const QString& user) {
    server_edit_->setText(server_url);
    user_edit_->setText(user);
    (server_url.isEmpty() ? server_edit_
     : user.isEmpty()     ? user_edit_
                          : password_edit_)
        ->setFocus();
}

void LoginDialog::showError(const QString& message) {
    setBusy(false);
    error_label_->setText(message);
    error_label_->show();
    password_edit_->selectAll();
    password_edit_->setFocus();
}

void LoginDialog::onAccept() {
    error_label_->hide();
    setBusy(true);
    emit submitted(server_edit_->text().trimmed(), user_edit_->text().trimmed(),
                   password_edit_->text());
}

void LoginDialog::setBusy(bool busy) {
    for (QLineEdit* edit : {server_edit_, user_edit_, password_edit_})
        edit->setEnabled(!busy);
    buttons_->button(QDialogButtonBox::Ok)->setText(busy ? tr("Logging In…") : tr("Log In"));
    updateButtons();
    if (busy) buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);
}

void LoginDialog::updateButtons() {
    const bool complete =
        !server_edit_->text().trimmed().isEmpty() && !user_edit_->text().trimmed().isEmpty();
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(complete && server_edit_->isEnabled());
}

}  // namespace tonearm::ui
