#include "ui/connection_monitor.h"

#include <memory>

#include "core/http_client.h"
#include "core/log.h"

namespace tonearm::ui {
namespace {

constexpr char kLogCategory[] = "ui";

// Lives on the monitor's thread; the HTTP client is used only there.
class HealthChecker : public QObject {
public:
    bool Check(const std::string& url, int timeout_ms) {
        HttpRequest request;
        request.url = url + "/v1/health";
        request.connect_timeout_ms = timeout_ms;
        request.timeout_ms = timeout_ms;
        Result<HttpResponse> answer = http_.Perform(request);
        return answer.ok() && answer->status == 200;
    }

private:
    HttpClient http_;
};

}  // namespace

ConnectionMonitor::ConnectionMonitor(ConnectionTiming timing, QObject* parent)
    : QObject(parent), timing_(timing) {
    thread_.setObjectName(QStringLiteral("tonearm-health"));
    worker_ = new HealthChecker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &ConnectionMonitor::startCheck);
}

ConnectionMonitor::~ConnectionMonitor() {
    timer_.stop();
    thread_.quit();
    thread_.wait();
}

void ConnectionMonitor::watch(const QString& api_base_url) {
    if (api_base_url == url_) return;
    ++generation_;
    url_ = api_base_url;
    in_flight_ = false;
    failures_ = 0;
    timer_.stop();
    if (!reachable_) {
        reachable_ = true;
        emit reachabilityChanged(true);
    }
    if (!url_.isEmpty()) startCheck();
}

void ConnectionMonitor::checkNow() {
    if (url_.isEmpty() || in_flight_) return;
    timer_.stop();
    startCheck();
}

int ConnectionMonitor::msUntilNextCheck() const {
    return timer_.isActive() ? timer_.remainingTime() : -1;
}

void ConnectionMonitor::startCheck() {
    if (url_.isEmpty() || in_flight_) return;
    in_flight_ = true;
    const quint64 generation = generation_;
    const std::string url = url_.toStdString();
    const int timeout_ms = timing_.check_timeout_ms;
    auto* checker = static_cast<HealthChecker*>(worker_);
    QMetaObject::invokeMethod(
        worker_,
        [this, checker, generation, url, timeout_ms] {
            const bool answered = checker->Check(url, timeout_ms);
            QMetaObject::invokeMethod(
                this, [this, generation, answered] { onCheckDone(generation, answered); },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void ConnectionMonitor::onCheckDone(quint64 generation, bool answered) {
    if (generation != generation_) return;
    in_flight_ = false;
    const bool was_reachable = reachable_;
    reachable_ = answered;
    failures_ = answered ? 0 : failures_ + 1;
    timer_.start(nextDelayMs());
    if (was_reachable != answered) {
        LOG_INFO(kLogCategory, "server " << log::Quote(url_.toStdString())
                                         << (answered ? " answers again" : " is unreachable"));
        emit reachabilityChanged(answered);
    }
    emit checked(answered);
}

int ConnectionMonitor::nextDelayMs() const {
    if (failures_ == 0) return timing_.online_interval_ms;
    qint64 delay = timing_.first_retry_ms;
    for (int i = 1; i < failures_ && delay < timing_.max_retry_ms; ++i)
        delay *= 2;
    return static_cast<int>(qMin<qint64>(delay, timing_.max_retry_ms));
}

}  // namespace tonearm::ui
