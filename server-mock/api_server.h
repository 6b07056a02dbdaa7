// The JSON API of tonearm-server (routes in docs/api.md).
//
// Other modules add their routes through the seam at the bottom of the
// class: they reach the httplib::Server before it listens, and reuse the
// bearer-token check with Authenticate() or the Handle*() wrappers, which
// answer 401 themselves. Handlers run on httplib's worker threads.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/url_signing.h"
#include "server-mock/media_store.h"
#include "server-mock/server_db.h"

namespace tonearm::server {

struct ApiConfig {
    std::string cdn_base_url;  // "http://127.0.0.1:port", prefix of signed URLs
    int64_t url_ttl_seconds = 3600;
    int64_t token_ttl_seconds = 30LL * 24 * 3600;
};

class ApiServer {
public:
    // db, store and signer must outlive this object. Routes are registered
    // here; call set_config before Listen.
    ApiServer(ServerDatabase* db, MediaStore* store, std::shared_ptr<const UrlSigner> signer);

    void set_config(ApiConfig config) { config_ = std::move(config); }

    // Binds 127.0.0.1:port (0 picks one); returns the port or kIo.
    Result<int> Bind(int port);
    // Serves until Stop(); call on the thread that should run the accept loop.
    bool Listen() { return http_.listen_after_bind(); }
    // Thread-safe; makes Listen() return. Has no effect before the accept
    // loop runs, so wait for running() first.
    void Stop() { http_.stop(); }
    bool running() const { return http_.is_running(); }

    // --- Seam for other route modules -----------------------------------
    using AuthedHandler =
        std::function<void(const httplib::Request&, httplib::Response&, const AuthUser&)>;

    // The server itself, e.g. for routes that need no log-in. Register only
    // before Listen().
    httplib::Server& http() { return http_; }
    ServerDatabase& database() { return *db_; }

    // The user of the request's "Authorization: Bearer <token>", or nullopt
    // for a missing, unknown or expired token. Thread-safe.
    std::optional<AuthUser> Authenticate(const httplib::Request& request);

    // Register pattern (an httplib regex) for a method; requests without a
    // valid token get 401 {"error": ...} and never reach handler.
    void HandleGet(const std::string& pattern, AuthedHandler handler);
    void HandlePost(const std::string& pattern, AuthedHandler handler);
    void HandlePut(const std::string& pattern, AuthedHandler handler);
    void HandleDelete(const std::string& pattern, AuthedHandler handler);

private:
    httplib::Server::Handler RequireUser(AuthedHandler handler);
    void RegisterRoutes();
    void Login(const httplib::Request& request, httplib::Response& response);
    void Me(httplib::Response& response, const AuthUser& user);
    void ListTracks(const httplib::Request& request, httplib::Response& response);
    void GetTrack(const httplib::Request& request, httplib::Response& response);
    void GetManifest(const httplib::Request& request, httplib::Response& response,
                     const AuthUser& user);
    void Search(const httplib::Request& request, httplib::Response& response);
    void Health(httplib::Response& response);

    ServerDatabase* db_;
    MediaStore* store_;
    std::shared_ptr<const UrlSigner> signer_;
    ApiConfig config_;  // written before Listen(), read-only afterwards
    httplib::Server http_;
};

}  // namespace tonearm::server
