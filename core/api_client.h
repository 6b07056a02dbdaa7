// Client of the tonearm-server JSON API (docs/api.md).
//
// Not thread-safe: use one ApiClient per thread (copies share nothing but
// the base URL and token). Every call returns the decoded value or an Error
// whose code follows the HTTP status (401 -> kUnauthorized, 403 -> kForbidden,
// 404 -> kNotFound, other 4xx/5xx -> kProtocol) and whose message carries the
// server's "error" text.
#pragma once

#include <memory>
#include <string>

#include "core/http_client.h"
#include "core/result.h"
#include "core/wire.h"

namespace tonearm {

class ApiClient {
public:
    explicit ApiClient(std::string base_url);
    ApiClient(const ApiClient& other);
    ApiClient& operator=(const ApiClient&) = delete;

    const std::string& base_url() const { return base_url_; }
    const std::string& token() const { return token_; }
    void SetToken(std::string token) { token_ = std::move(token); }

    // On success also stores the returned token for later calls.
    Result<LoginResult> Login(const std::string& user, const std::string& password);

    Result<CatalogPage> Tracks(int64_t offset, int64_t limit);
    Result<Track> GetTrack(const std::string& track_id);
    // The playback manifest with a signed URL for each variant the tier allows.
    Result<Manifest> GetManifest(const std::string& track_id);

    // Generic calls for endpoints without a typed wrapper; path starts with '/'.
    Result<Json> GetJson(const std::string& path);
    Result<Json> SendJson(const std::string& method, const std::string& path, const Json& body);

private:
    Result<Json> Call(const std::string& method, const std::string& path, const Json* body);

    std::string base_url_;
    std::string token_;
    std::unique_ptr<HttpClient> http_;
};

// Maps an HTTP error answer to an Error (see ApiClient).
Error ErrorFromHttpStatus(int status, const std::string& body);

}  // namespace tonearm
