// ApiServer: catalog, search and delivery (manifest with signed URLs).
#include <charconv>
#include <ctime>

#include "core/log.h"
#include "server-mock/api_server.h"
#include "server-mock/http_common.h"

namespace tonearm::server {
namespace {

constexpr const char* kLog = "api";
constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 500;

// Reads an optional non-negative integer query parameter; false if present but malformed.
bool IntParam(const httplib::Request& request, const char* name, int64_t fallback, int64_t* out) {
    *out = fallback;
    if (!request.has_param(name)) return true;
    const std::string value = request.get_param_value(name);
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), *out);
    return ec == std::errc() && ptr == value.data() + value.size() && *out >= 0;
}

// offset and limit of a paged request; answers 400 itself and returns false when invalid.
bool PageParams(const httplib::Request& request, httplib::Response& response, int64_t* offset,
                int64_t* limit) {
    if (!IntParam(request, "offset", 0, offset) ||
        !IntParam(request, "limit", kDefaultLimit, limit)) {
        SendJsonError(response, 400, "offset and limit must be non-negative integers");
        return false;
    }
    *limit = std::min(*limit, kMaxLimit);
    return true;
}

}  // namespace

void ApiServer::ListTracks(const httplib::Request& request, httplib::Response& response) {
    int64_t offset = 0, limit = 0;
    if (!PageParams(request, response, &offset, &limit)) return;
    Result<CatalogPage> page = db_->ListTracks(offset, limit);
    if (!page.ok()) return SendJsonError(response, 500, "cannot read the catalog");
    SendJson(response, ToJson(*page));
}

void ApiServer::Search(const httplib::Request& request, httplib::Response& response) {
    const std::string query = request.get_param_value("q");
    if (query.empty()) return SendJsonError(response, 400, "missing query parameter 'q'");
    int64_t offset = 0, limit = 0;
    if (!PageParams(request, response, &offset, &limit)) return;
    Result<CatalogPage> page = db_->SearchTracks(query, offset, limit);
    if (!page.ok()) return SendJsonError(response, 500, "cannot search the catalog");
    SendJson(response, ToJson(*page));
}

void ApiServer::GetTrack(const httplib::Request& request, httplib::Response& response) {
    Result<std::optional<TrackRecord>> record = db_->FindTrack(request.matches[1].str());
    if (!record.ok()) return SendJsonError(response, 500, "cannot read the catalog");
    if (!record->has_value()) return SendJsonError(response, 404, "no such track");
    SendJson(response, ToJson((*record)->track));
}

void ApiServer::GetManifest(const httplib::Request& request, httplib::Response& response,
                            const AuthUser& user) {
    Result<std::optional<TrackRecord>> record = db_->FindTrack(request.matches[1].str());
    if (!record.ok()) return SendJsonError(response, 500, "cannot read the catalog");
    if (!record->has_value()) return SendJsonError(response, 404, "no such track");
    const Track& track = (*record)->track;
    Result<std::shared_ptr<const StoredManifest>> stored =
        store_->LoadManifest(track.id, track.version);
    if (!stored.ok()) {
        LOG_ERROR(kLog, "manifest of " << track.id << " v" << track.version
                                       << " unreadable: " << stored.error().message);
        return SendJsonError(response, 500, "the track's manifest is unavailable");
    }

    // The stored JSON keeps the fields beyond the wire type; only URLs are added.
    Json manifest = (*stored)->json;
    Json allowed = Json::array();
    const int64_t expires = static_cast<int64_t>(std::time(nullptr)) + config_.url_ttl_seconds;
    for (Json variant : manifest["variants"]) {
        int kbps = variant.value("kbps", 0);
        if (kbps > MaxKbpsForTier(user.tier)) continue;
        std::string path = MediaStore::UrlPath({track.id, track.version, kbps});
        variant["url"] = config_.cdn_base_url + signer_->Sign(path, expires);
        variant["url_expires"] = expires;
        allowed.push_back(std::move(variant));
    }
    manifest["variants"] = std::move(allowed);
    manifest["tier"] = TierName(user.tier);
    SendJson(response, manifest);
}

}  // namespace tonearm::server
