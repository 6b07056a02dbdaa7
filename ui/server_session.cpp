#include "ui/server_session.h"

#include <memory>

#include "core/api_client.h"
#include "core/log.h"
#include "ui/catalog_model.h"

namespace tonearm::ui {
namespace {

constexpr char kLogCategory[] = "ui";

QString NormalisedServerUrl(const QString& url) {
    QString trimmed = url.trimmed();
    while (trimmed.endsWith(QLatin1Char('/')))
        trimmed.chop(1);
    if (!trimmed.isEmpty() && !trimmed.contains(QStringLiteral("://"))) {
        trimmed.prepend(QStringLiteral("http://"));
    }
    return trimmed;
}

}  // namespace

// Owns the blocking ApiClient; touched only on the worker thread.
class ServerSession::Worker : public QObject {
public:
    std::unique_ptr<ApiClient> api;
};

ServerSession::ServerSession(QObject* parent)
    : QObject(parent), worker_(new Worker), catalog_(new CatalogModel(this)) {
    thread_.setObjectName(QStringLiteral("tonearm-api"));
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

ServerSession::~ServerSession() {
    thread_.quit();
    thread_.wait();
}

template <typename Work, typename Done>
void ServerSession::runOnWorker(Work work, Done done) {
    const quint64 generation = generation_;
    Worker* worker = worker_;
    QMetaObject::invokeMethod(
        worker_,
        [this, worker, generation, work, done]() {
            auto result = work(*worker);
            QMetaObject::invokeMethod(
                this,
                [this, generation, done, result]() {
                    if (generation == generation_) (this->*done)(result);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void ServerSession::logIn(const QString& server_url, const QString& user, const QString& password) {
    ++generation_;
    server_url_ = NormalisedServerUrl(server_url);
    user_ = user;
    password_ = password;
    token_.clear();
    state_ = State::kLoggingIn;
    catalog_complete_ = false;
    catalog_failed_ = false;
    showing_cached_ = false;
    catalog_->clear();
    emit loginStarted();

    const std::string url = server_url_.toStdString();
    const std::string name = user.toStdString();
    const std::string secret = password.toStdString();
    runOnWorker(
        [url, name, secret](Worker& worker) {
            worker.api = std::make_unique<ApiClient>(url);
            return worker.api->Login(name, secret);
        },
        &ServerSession::onLoginAnswer);
}

void ServerSession::onLoginAnswer(const Result<LoginResult>& answer) {
    if (!answer.ok()) {
        state_ = State::kFailed;
        LOG_WARN(kLogCategory, "login to " << log::Quote(server_url_.toStdString())
                                           << " failed: " << answer.error().message);
        emit loginFailed(describeError(answer.error()));
        return;
    }
    token_ = answer->token;
    tier_ = answer->tier;
    state_ = State::kLoggedIn;
    LOG_INFO(kLogCategory, "logged in to " << log::Quote(server_url_.toStdString()) << " as "
                                           << log::Quote(answer->user));
    emit loggedIn();
    loadNextPage();
}

void ServerSession::retry() {
    if (state_ != State::kLoggedIn) {
        if (!server_url_.isEmpty()) logIn(server_url_, user_, password_);
        return;
    }
    if (catalog_failed_) {
        ++generation_;
        catalog_failed_ = false;
        loadNextPage();
    }
}

void ServerSession::reloadCatalog() {
    if (state_ != State::kLoggedIn) return;
    ++generation_;
    catalog_complete_ = false;
    catalog_failed_ = false;
    catalog_->clear();
    loadNextPage();
}

bool ServerSession::showCachedTracks(const std::vector<Track>& tracks) {
    if (state_ == State::kLoggedIn || state_ == State::kLoggingIn || tracks.empty() ||
        catalog_->rowCount() > 0) {
        return false;
    }
    showing_cached_ = true;
    catalog_->appendTracks(tracks);
    const qint64 count = catalog_->rowCount();
    catalog_complete_ = true;
    emit catalogProgress(count, count);
    return true;
}

void ServerSession::loadNextPage() {
    const int64_t offset = catalog_->rowCount();
    runOnWorker(
        [offset](Worker& worker) -> Result<CatalogPage> {
            if (!worker.api) return MakeError(ErrorCode::kInternal, "not logged in");
            return worker.api->Tracks(offset, kPageSize);
        },
        &ServerSession::onCatalogPage);
}

void ServerSession::onCatalogPage(const Result<CatalogPage>& answer) {
    if (!answer.ok()) {
        catalog_failed_ = true;
        LOG_WARN(kLogCategory, "catalog page failed: " << answer.error().message);
        const QString message = describeError(answer.error());
        // An expired token needs a new login; retry() then starts over.
        if (answer.error().code == ErrorCode::kUnauthorized) state_ = State::kFailed;
        emit catalogFailed(message);
        return;
    }
    catalog_->appendTracks(answer->items);
    const qint64 loaded = catalog_->rowCount();
    const qint64 total = qMax<qint64>(answer->total, loaded);
    emit catalogProgress(loaded, total);

    // An empty page before the announced total would otherwise loop forever.
    if (answer->items.empty() || loaded >= total) {
        catalog_complete_ = true;
        emit catalogComplete(loaded);
        return;
    }
    loadNextPage();
}

QString ServerSession::describeError(const Error& error) const {
    // The full error text goes to the log; the window gets a sentence a
    // listener can act on.
    switch (error.code) {
        case ErrorCode::kNetwork:
            return tr("Cannot reach the server at %1. Check that tonearm-server is running.")
                .arg(server_url_);
        case ErrorCode::kUnauthorized:
            if (state_ == State::kLoggedIn) return tr("The session has expired. Log in again.");
            return tr("Login failed: wrong user name or password.");
        default:
            return tr("The server answered with an error: %1")
                .arg(QString::fromStdString(error.message));
    }
}

}  // namespace tonearm::ui
