// A blocking HTTP client on libcurl.
//
// One HttpClient owns one curl easy handle and so one connection cache: use
// an instance from one thread at a time (each engine thread has its own).
// Transport failures are kNetwork Errors; any HTTP status is a successful
// Result whose caller decides what the status means.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace tonearm {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;          // sent for POST/PUT/PATCH
    int64_t range_first = -1;  // >= 0: send "Range: bytes=first-last"
    int64_t range_last = -1;   // < 0 with range_first >= 0: open-ended
    long connect_timeout_ms = 5000;
    long timeout_ms = 30000;       // whole transfer
    long low_speed_window_s = 10;  // abort if < 1 byte/s for this long
    // A body cut short by the network after a 2xx status line (a reset, a
    // closed connection) is returned with truncated set instead of failing,
    // so a range download can keep what arrived and ask for the rest.
    bool keep_partial = false;
};

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased, last value wins
    std::string body;                            // empty when streamed to a sink
    bool truncated = false;                      // the body stopped short (only with keep_partial)

    std::string Header(const std::string& lower_name) const;
};

class HttpClient {
public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Performs the request and buffers the whole body.
    Result<HttpResponse> Perform(const HttpRequest& request);

    // Performs the request and hands each piece of the body to sink as it
    // arrives; sink returns false to abort (the Result is then kCancelled).
    // The sink runs on the calling thread.
    using BodySink = std::function<bool(const char* data, size_t size)>;
    Result<HttpResponse> PerformStreaming(const HttpRequest& request, const BodySink& sink);

    // As PerformStreaming, but sink also sees the answer's status and
    // headers, which arrive before the first byte of the body, so it can
    // refuse a body it does not want before storing any of it.
    using HeadSink = std::function<bool(const HttpResponse& head, const char* data, size_t size)>;
    Result<HttpResponse> PerformStreamingWithHead(const HttpRequest& request, const HeadSink& sink);
    // When set, a transfer in progress aborts soon after *flag becomes true.
    void SetCancelFlag(const std::atomic<bool>* flag) { cancel_ = flag; }

private:
    void* curl_;  // CURL*
    const std::atomic<bool>* cancel_ = nullptr;
    const HttpResponse* in_flight_ = nullptr;  // during PerformStreaming only
};

// Joins a base URL ("http://host:port") and a path ("/v1/x"). Escapes nothing.
std::string JoinUrl(const std::string& base, const std::string& path);

// Percent-encodes a query parameter value.
std::string UrlEncode(const std::string& value);

}  // namespace tonearm
