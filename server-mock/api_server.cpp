#include "server-mock/api_server.h"

#include <ctime>

#include "core/crypto.h"
#include "core/log.h"
#include "server-mock/http_common.h"

namespace tonearm::server {
namespace {

constexpr const char* kLog = "api";
constexpr const char* kTrackId = "([0-9a-f]{16})";

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

// Reads a string member of a JSON object body; false when absent or not a string.
bool StringField(const Json& body, const char* name, std::string* out) {
    auto it = body.find(name);
    if (it == body.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
}

}  // namespace

ApiServer::ApiServer(ServerDatabase* db, MediaStore* store, std::shared_ptr<const UrlSigner> signer)
    : db_(db), store_(store), signer_(std::move(signer)) {
    ConfigureHttpServer(http_);
    http_.set_pre_routing_handler([](const httplib::Request& request, httplib::Response&) {
        TakeOverRangeHandling(request);
        return httplib::Server::HandlerResponse::Unhandled;
    });
    http_.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& request,
                                                                    httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = response.status == 404
                                  ? "no route " + request.method + " " + request.path
                                  : "request failed with HTTP " + std::to_string(response.status);
        SendJsonError(response, response.status, message);
        return httplib::Server::HandlerResponse::Handled;
    }));
    http_.set_exception_handler(
        [](const httplib::Request& request, httplib::Response& response, std::exception_ptr) {
            LOG_ERROR(kLog, "unexpected exception on " << log::Quote(request.path));
            SendJsonError(response, 500, "internal error");
        });
    RegisterRoutes();
}

Result<int> ApiServer::Bind(int port) {
    int bound = port == 0 ? http_.bind_to_any_port("127.0.0.1")
                          : (http_.bind_to_port("127.0.0.1", port) ? port : -1);
    if (bound <= 0) {
        return MakeError(ErrorCode::kIo,
                         "cannot bind the API to 127.0.0.1:" + std::to_string(port));
    }
    return bound;
}

void ApiServer::RegisterRoutes() {
    using httplib::Request;
    using httplib::Response;
    http_.Post("/v1/login", [this](const Request& q, Response& r) { Login(q, r); });
    http_.Get("/v1/health", [this](const Request&, Response& r) { Health(r); });
    HandleGet("/v1/me", [this](const Request&, Response& r, const AuthUser& u) { Me(r, u); });
    HandleGet("/v1/tracks",
              [this](const Request& q, Response& r, const AuthUser&) { ListTracks(q, r); });
    HandleGet(std::string("/v1/tracks/") + kTrackId,
              [this](const Request& q, Response& r, const AuthUser&) { GetTrack(q, r); });
    HandleGet(std::string("/v1/tracks/") + kTrackId + "/manifest",
              [this](const Request& q, Response& r, const AuthUser& u) { GetManifest(q, r, u); });
    HandleGet("/v1/search",
              [this](const Request& q, Response& r, const AuthUser&) { Search(q, r); });
}

std::optional<AuthUser> ApiServer::Authenticate(const httplib::Request& request) {
    const std::string header = request.get_header_value("Authorization");
    const std::string scheme = "Bearer ";
    if (header.size() <= scheme.size() || header.compare(0, scheme.size(), scheme) != 0) {
        return std::nullopt;
    }
    Result<std::optional<AuthUser>> user =
        db_->UserForToken(header.substr(scheme.size()), NowUnix());
    if (!user.ok()) {
        LOG_ERROR(kLog, "cannot check a token: " << user.error().message);
        return std::nullopt;
    }
    return *user;
}

httplib::Server::Handler ApiServer::RequireUser(AuthedHandler handler) {
    return [this, handler = std::move(handler)](const httplib::Request& request,
                                                httplib::Response& response) {
        std::optional<AuthUser> user = Authenticate(request);
        if (!user) {
            SendJsonError(response, 401, "missing, unknown or expired bearer token");
            return;
        }
        handler(request, response, *user);
    };
}

void ApiServer::HandleGet(const std::string& pattern, AuthedHandler handler) {
    http_.Get(pattern, RequireUser(std::move(handler)));
}
void ApiServer::HandlePost(const std::string& pattern, AuthedHandler handler) {
    http_.Post(pattern, RequireUser(std::move(handler)));
}
void ApiServer::HandlePut(const std::string& pattern, AuthedHandler handler) {
    http_.Put(pattern, RequireUser(std::move(handler)));
}
void ApiServer::HandleDelete(const std::string& pattern, AuthedHandler handler) {
    http_.Delete(pattern, RequireUser(std::move(handler)));
}

void ApiServer::Login(const httplib::Request& request, httplib::Response& response) {
    Result<Json> body = ParseJson(request.body);
    if (!body.ok())
        return SendJsonError(response, 400, "malformed JSON body: " + body.error().message);
    std::string name, password;
    if (!body->is_object() || !StringField(*body, "user", &name) ||
        !StringField(*body, "password", &password)) {
        return SendJsonError(response, 400,
                             "body must be {\"user\": string, \"password\": string}");
    }
    Result<std::optional<AuthUser>> user = db_->CheckPassword(name, password);
    if (!user.ok()) return SendJsonError(response, 500, "cannot check credentials");
    if (!user->has_value()) return SendJsonError(response, 401, "invalid user name or password");

    LoginResult login{crypto::RandomHex(32), (*user)->name, (*user)->tier};
    Status stored = db_->StoreToken(login.token, login.user, NowUnix() + config_.token_ttl_seconds);
    if (!stored.ok()) return SendJsonError(response, 500, "cannot store the session");
    LOG_INFO(kLog, "user " << log::Quote(login.user) << " logged in");
    SendJson(response, ToJson(login));
}

void ApiServer::Me(httplib::Response& response, const AuthUser& user) {
    SendJson(response, Json{{"user", user.name},
                            {"tier", TierName(user.tier)},
                            {"max_kbps", MaxKbpsForTier(user.tier)}});
}

void ApiServer::Health(httplib::Response& response) {
    Result<CatalogPage> page = db_->ListTracks(0, 0);
    if (!page.ok()) return SendJsonError(response, 503, "database unavailable");
    SendJson(response, Json{{"status", "ok"}, {"tracks", page->total}});
}

}  // namespace tonearm::server
