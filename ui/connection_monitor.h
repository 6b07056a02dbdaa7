// ConnectionMonitor: tells whether tonearm-server answers, by asking its
// GET /v1/health (no token needed) on a worker thread of its own.
//
// While the server answers, it is asked again every online_interval_ms.
// After a failed check the next one follows after first_retry_ms, and each
// further failure doubles the wait up to max_retry_ms; the first answer
// after failures emits reachabilityChanged(true) and goes back to the
// online interval. A check waits at most check_timeout_ms, so a server that
// hangs counts as unreachable.
//
// All public methods and signals belong to the GUI thread. The destructor
// waits for a check in flight (bounded by check_timeout_ms).
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>

namespace tonearm::ui {

struct ConnectionTiming {
    int online_interval_ms = 5000;
    int first_retry_ms = 1000;
    int max_retry_ms = 30000;
    int check_timeout_ms = 3000;
};

class ConnectionMonitor : public QObject {
    Q_OBJECT

public:
    explicit ConnectionMonitor(ConnectionTiming timing = {}, QObject* parent = nullptr);
    ~ConnectionMonitor() override;

    // Starts watching api_base_url (checks at once); another URL starts over
    // as reachable. An empty URL stops watching.
    void watch(const QString& api_base_url);
    // Checks now instead of at the next planned time, e.g. after another
    // request failed with a network error. No-op while a check runs.
    void checkNow();

    bool isWatching() const { return !url_.isEmpty(); }
    // True until a check failed; true again after a check succeeded.
    bool isReachable() const { return reachable_; }
    // Consecutive failed checks (0 while reachable).
    int failedChecks() const { return failures_; }
    // Milliseconds until the next planned check (-1 while not watching or
    // while a check runs).
    int msUntilNextCheck() const;

signals:
    void reachabilityChanged(bool reachable);
    // After every check, with its outcome.
    void checked(bool reachable);

private:
    void startCheck();
    void onCheckDone(quint64 generation, bool answered);
    int nextDelayMs() const;

    const ConnectionTiming timing_;
    QThread thread_;
    QObject* worker_ = nullptr;  // lives on thread_, runs the checks
    QTimer timer_;               // single shot: the next planned check
    QString url_;
    quint64 generation_ = 0;  // bumped by watch(); stale answers are dropped
    bool reachable_ = true;
    bool in_flight_ = false;
    int failures_ = 0;
};

}  // namespace tonearm::ui
