// LoginDialog: asks for the server address, user name and password.
//
// GUI thread only. The dialog does not log in itself: it emits submitted()
// and stays open (showing a busy state) until the owner calls showError() or
// closes it. Open it with open() or show(), never exec(), so the event loop
// keeps running.
#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace tonearm::ui {

class LoginDialog : public QDialog {
    Q_OBJECT

public:
    explicit LoginDialog(QWidget* parent = nullptr);

    // Prefills the fields; the password is left as it is.
    void setValues(const QString& server_url, const QString& user);
    // Shows message under the fields and makes them editable again.
    void showError(const QString& message);

signals:
    void submitted(const QString& server_url, const QString& user, const QString& password);

private:
    void onAccept();
    void updateButtons();
    void setBusy(bool busy);

    QLineEdit* server_edit_ = nullptr;
    QLineEdit* user_edit_ = nullptr;
    QLineEdit* password_edit_ = nullptr;
    QLabel* error_label_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace tonearm::ui
