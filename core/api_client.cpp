#include "core/api_client.h"

namespace tonearm {

Error ErrorFromHttpStatus(int status, const std::string& body) {
    std::string message = "HTTP " + std::to_string(status);
    auto json = ParseJson(body);
    if (json && json->is_object() && json->contains("error") && (*json)["error"].is_string()) {
        message += ": " + (*json)["error"].get<std::string>();
    }
    ErrorCode code = ErrorCode::kProtocol;
    if (status == 401) code = ErrorCode::kUnauthorized;
    if (status == 403) code = ErrorCode::kForbidden;
    if (status == 404) code = ErrorCode::kNotFound;
    if (status == 400) code = ErrorCode::kInvalidArgument;
    return MakeError(code, message, status);
}

ApiClient::ApiClient(std::string base_url)
    : base_url_(std::move(base_url)), http_(std::make_unique<HttpClient>()) {}

ApiClient::ApiClient(const ApiClient& other)
    : base_url_(other.base_url_), token_(other.token_), http_(std::make_unique<HttpClient>()) {}

Result<Json> ApiClient::Call(const std::string& method, const std::string& path, const Json* body) {
    HttpRequest request;
    request.method = method;
    request.url = JoinUrl(base_url_, path);
    request.timeout_ms = 15000;
    if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
    if (body != nullptr) request.body = body->dump();

    auto response = http_->Perform(request);
    if (!response) return response.error().Wrap(method + " " + path);
    if (response->status < 200 || response->status >= 300) {
        return ErrorFromHttpStatus(response->status, response->body).Wrap(method + " " + path);
    }
    auto json = ParseJson(response->body);
    if (!json) return json.error().Wrap(method + " " + path);
    return json;
}

Result<Json> ApiClient::GetJson(const std::string& path) { return Call("GET", path, nullptr); }

Result<Json> ApiClient::SendJson(const std::string& method, const std::string& path,
                                 const Json& body) {
    return Call(method, path, &body);
}

Result<LoginResult> ApiClient::Login(const std::string& user, const std::string& password) {
    Json body{{"user", user}, {"password", password}};
    auto json = Call("POST", "/v1/login", &body);
    if (!json) return json.error();
    auto login = LoginResultFromJson(*json);
    if (!login) return login.error().Wrap("login answer");
    token_ = login->token;
    return login;
}

Result<CatalogPage> ApiClient::Tracks(int64_t offset, int64_t limit) {
    auto json =
        GetJson("/v1/tracks?offset=" + std::to_string(offset) + "&limit=" + std::to_string(limit));
    if (!json) return json.error();
    auto page = CatalogPageFromJson(*json);
    if (!page) return page.error().Wrap("catalog answer");
    return page;
}

Result<Track> ApiClient::GetTrack(const std::string& track_id) {
    auto json = GetJson("/v1/tracks/" + UrlEncode(track_id));
    if (!json) return json.error();
    auto track = TrackFromJson(*json);
    if (!track) return track.error().Wrap("track answer");
    return track;
}

Result<Manifest> ApiClient::GetManifest(const std::string& track_id) {
    auto json = GetJson("/v1/tracks/" + UrlEncode(track_id) + "/manifest");
    if (!json) return json.error();
    auto manifest = ManifestFromJson(*json);
    if (!manifest) return manifest.error().Wrap("manifest answer");
    return manifest;
}

}  // namespace tonearm
