// Settings and small helpers shared by the API and CDN servers (cpp-httplib).
#pragma once

#include <httplib.h>

#include <string>

#include "core/wire.h"

namespace tonearm::server {

// Applies what both servers need: TCP_NODELAY (small answers otherwise wait
// ~40 ms for delayed ACKs), keep-alive for many requests per connection, and
// a worker pool larger than the default, since each open connection holds a
// pool thread. Call before binding.
void ConfigureHttpServer(httplib::Server& server);

// cpp-httplib re-slices any response to a request that carried a Range
// header, whatever status and body the handler chose, and does so without
// validating the range. Every handler here resolves ranges itself, so it
// first calls this to make the library treat the response as final. (The
// Request is a non-const object owned by the library's connection loop.)
void TakeOverRangeHandling(const httplib::Request& request);

// Sets a JSON body ({"error": message} for errors) with the given status.
void SendJson(httplib::Response& response, const Json& body, int status = 200);
void SendJsonError(httplib::Response& response, int status, const std::string& message);

}  // namespace tonearm::server
