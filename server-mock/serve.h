// `tonearm-server serve`: the API and CDN servers of one data folder.
#pragma once

#include <string>

#include "core/result.h"
#include "server-mock/fault_settings.h"

namespace tonearm::server {

struct ServeOptions {
    std::string data_dir;
    int api_port = 8080;  // 0 picks a free port
    int cdn_port = -1;    // 0 picks a free port; -1: api_port + 1, or free when api_port is 0
    int64_t url_ttl_seconds = 3600;
    bool demo_users = true;    // create demo/demo (premium) and free/free (free)
    FaultSettings cdn_faults;  // faults and shaping of the CDN at start (docs/server.md)
    std::string admin_token;   // for /v1/admin/faults; empty: a random one
};

// Opens DATA, binds both servers on 127.0.0.1, prints the "api: URL" and
// "cdn: URL" lines (flushed), the log-in hints and "admin-token: T" on
// stdout, then serves
// until SIGTERM or SIGINT. Returns once both servers have stopped; fails if
// DATA cannot be opened or a port cannot be bound. Call from the main
// thread before any other thread is started (it blocks those signals).
Status RunServe(const ServeOptions& options);

}  // namespace tonearm::server
