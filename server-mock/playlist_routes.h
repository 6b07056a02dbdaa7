// HTTP routes for playlist sync on tonearm-server (protocol in docs/sync.md):
//   POST /v1/sync            push ops, pull changes after a cursor
//   GET  /v1/sync/changes    long poll: ?cursor=&wait=seconds (at most 25)
//   GET  /v1/playlists       the caller's playlists (owned, shared, followed)
//   GET  /v1/playlists/{id}  one playlist, if the caller may read it
// Every route requires a bearer token (ApiServer's check); the token's user
// is the only author a push may carry.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/result.h"
#include "server-mock/api_server.h"
#include "server-mock/playlist_store.h"

namespace tonearm::server {

class PlaylistRoutes {
public:
    // Opens the store at store_path (e.g. DATA/playlists.db).
    static Result<std::unique_ptr<PlaylistRoutes>> Open(const std::string& store_path);

    // Registers the routes on api; this object must outlive api's serving.
    void Register(ApiServer& api);

    // Ends pending long polls at once; call before ApiServer::Stop().
    void Shutdown() { store_->Shutdown(); }

    PlaylistStore& store() { return *store_; }

private:
    explicit PlaylistRoutes(std::unique_ptr<PlaylistStore> store) : store_(std::move(store)) {}
    void Sync(const httplib::Request& request, httplib::Response& response, const AuthUser& user);
    void Changes(const httplib::Request& request, httplib::Response& response,
                 const AuthUser& user);

    std::unique_ptr<PlaylistStore> store_;
    // Long polls each hold an httplib worker thread; beyond this many the
    // poll answers at once so ordinary requests always find a thread.
    std::atomic<int> waiting_{0};
};

// The one call serve.cpp needs: opens DATA/playlists.db and registers the
// routes on api. The returned object must live until the server stopped.
Result<std::unique_ptr<PlaylistRoutes>> RegisterPlaylistRoutes(ApiServer& api,
                                                               const std::string& data_dir);

}  // namespace tonearm::server
