// ErrorBanner: an inline strip at the top of the main window that shows the
// latest error with the ways out of it (retry, log in again, dismiss).
//
// GUI thread only. Never modal: it neither blocks the event loop nor steals
// focus, so automated tests and a listener can carry on around it.
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace tonearm::ui {

class ErrorBanner : public QFrame {
    Q_OBJECT

public:
    enum Action { kNone = 0, kRetry = 1, kLogIn = 2 };
    Q_DECLARE_FLAGS(Actions, Action)

    explicit ErrorBanner(QWidget* parent = nullptr);

    // Shows message with the buttons for actions; replaces an earlier error.
    void showError(const QString& message, Actions actions);
    // Hides the banner.
    void clear();
    // The text on show, or "" while hidden.
    QString message() const;

signals:
    void retryRequested();
    void logInRequested();

private:
    QLabel* icon_label_ = nullptr;
    QLabel* message_label_ = nullptr;
    QPushButton* retry_button_ = nullptr;
    QPushButton* log_in_button_ = nullptr;
};

}  // namespace tonearm::ui

Q_DECLARE_OPERATORS_FOR_FLAGS(tonearm::ui::ErrorBanner::Actions)
