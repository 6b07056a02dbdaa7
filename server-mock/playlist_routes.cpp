#include "server-mock/playlist_routes.h"

#include <algorithm>
#include <cstdlib>

#include "server-mock/http_common.h"
#include "sync/model/hlc.h"

namespace tonearm::server {
namespace {

constexpr size_t kPullLimit = 500;
constexpr size_t kMaxPushOps = 500;
constexpr int kMaxWaitSeconds = 25;
constexpr int kMaxConcurrentPolls = 4;

// Parses a cursor ("" is the start); nullopt if it is not a decimal count.
std::optional<int64_t> ParseCursor(const std::string& text) {
    if (text.empty()) return 0;
    if (text.size() > 18 || !std::all_of(text.begin(), text.end(), ::isdigit)) return std::nullopt;
    return std::strtoll(text.c_str(), nullptr, 10);
}

}  // namespace

Result<std::unique_ptr<PlaylistRoutes>> PlaylistRoutes::Open(const std::string& store_path) {
    Result<std::unique_ptr<PlaylistStore>> store = PlaylistStore::Open(store_path);
    if (!store.ok()) return store.error();
    return std::unique_ptr<PlaylistRoutes>(new PlaylistRoutes(std::move(*store)));
}

void PlaylistRoutes::Register(ApiServer& api) {
    api.HandlePost("/v1/sync",
                   [this](const auto& rq, auto& rs, const auto& u) { Sync(rq, rs, u); });
    api.HandleGet("/v1/sync/changes",
                  [this](const auto& rq, auto& rs, const auto& u) { Changes(rq, rs, u); });
    api.HandleGet("/v1/playlists", [this](const auto&, auto& rs, const AuthUser& u) {
        SendJson(rs, Json{{"playlists", store_->PlaylistsOf(u.name)}});
    });
    api.HandleGet(R"(/v1/playlists/([^/]+))",
                  [this](const httplib::Request& rq, auto& rs, const AuthUser& u) {
                      Result<Json> view = store_->PlaylistView(u.name, rq.matches[1].str());
                      if (!view.ok()) return SendJsonError(rs, 404, view.error().message);
                      SendJson(rs, *view);
                  });
}

void PlaylistRoutes::Sync(const httplib::Request& request, httplib::Response& response,
                          const AuthUser& user) {
    Result<Json> body = ParseJson(request.body);
    if (!body.ok() || !body->is_object()) {
        return SendJsonError(response, 400, "sync body is not a JSON object");
    }
    auto ops = body->find("ops");
    auto cursor_field = body->find("cursor");
    if (ops == body->end() || !ops->is_array() || ops->size() > kMaxPushOps) {
        return SendJsonError(response, 400,
                             "'ops' must be an array of at most " + std::to_string(kMaxPushOps));
    }
    std::optional<int64_t> cursor = cursor_field != body->end() && cursor_field->is_string()
                                        ? ParseCursor(cursor_field->get<std::string>())
                                        : std::nullopt;
    if (!cursor) return SendJsonError(response, 400, "'cursor' must be a decimal string");

    const int64_t now = sync::SystemWallMs();
    Result<PushOutcome> pushed =
        store_->Push(user.name, std::vector<Json>(ops->begin(), ops->end()), now);
    if (!pushed.ok()) return SendJsonError(response, 500, pushed.error().message);

    ChangeSet changes = store_->ChangesFor(user.name, *cursor, kPullLimit);
    Json pulled = Json::array();
    for (const sync::Op& op : changes.ops)
        pulled.push_back(sync::ToJson(op));
    SendJson(response, Json{{"acked", pushed->acked},
                            {"rejected", pushed->rejected},
                            {"ops", std::move(pulled)},
                            {"cursor", std::to_string(changes.cursor)},
                            {"more", changes.more},
                            {"server_time_ms", now}});
}

void PlaylistRoutes::Changes(const httplib::Request& request, httplib::Response& response,
                             const AuthUser& user) {
    std::optional<int64_t> cursor = ParseCursor(request.get_param_value("cursor"));
    if (!cursor) return SendJsonError(response, 400, "'cursor' must be a decimal string");
    const int wait =
        std::clamp(std::atoi(request.get_param_value("wait").c_str()), 0, kMaxWaitSeconds);
    bool changed = false;
    if (waiting_.fetch_add(1) < kMaxConcurrentPolls) {
        changed = store_->WaitForChange(user.name, *cursor, wait * 1000);
    } else {
        changed = store_->WaitForChange(user.name, *cursor, 0);
    }
    waiting_.fetch_sub(1);
    SendJson(response, Json{{"changed", changed}});
}

Result<std::unique_ptr<PlaylistRoutes>> RegisterPlaylistRoutes(ApiServer& api,
                                                               const std::string& data_dir) {
    Result<std::unique_ptr<PlaylistRoutes>> routes =
        PlaylistRoutes::Open(data_dir + "/playlists.db");
    if (!routes.ok()) return routes.error();
    (*routes)->Register(api);
    return routes;
}

}  // namespace tonearm::server
