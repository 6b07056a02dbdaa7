#include "core/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

namespace tonearm {
namespace {

void GlobalInitOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct TransferState {
    HttpResponse* response;
    const HttpClient::BodySink* sink;
    bool sink_aborted = false;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<TransferState*>(user);
    size_t length = size * count;
    std::string line(data, length);
    if (line.compare(0, 5, "HTTP/") == 0) {
        // A new status line (redirect or 100-continue): forget earlier headers.
        state->response->headers.clear();
        size_t space = line.find(' ');
        state->response->status = space == std::string::npos ? 0 : std::atoi(line.c_str() + space);
        return length;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) return length;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    size_t begin = line.find_first_not_of(" \t", colon + 1);
    size_t end = line.find_last_not_of(" \t\r\n");
    std::string value =
        (begin == std::string::npos || end < begin) ? "" : line.substr(begin, end - begin + 1);
    state->response->headers[name] = value;
    return length;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<TransferState*>(user);
    size_t length = size * count;
    if (state->sink != nullptr) {
        if (!(*state->sink)(data, length)) {
            state->sink_aborted = true;
            return 0;  // makes curl fail with CURLE_WRITE_ERROR
        }
        return length;
    }
    state->response->body.append(data, length);
    return length;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* cancel = static_cast<const std::atomic<bool>*>(user);
    return (cancel != nullptr && cancel->load(std::memory_order_relaxed)) ? 1 : 0;
}

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient() {
    GlobalInitOnce();
    curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Result<HttpResponse> HttpClient::Perform(const HttpRequest& request) {
    return PerformStreaming(request, nullptr);
}

Result<HttpResponse> HttpClient::PerformStreaming(const HttpRequest& request,
                                                  const BodySink& sink) {
    CURL* curl = static_cast<CURL*>(curl_);
    if (curl == nullptr) return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
    curl_easy_reset(curl);

    HttpResponse response;
    TransferState state{&response, sink ? &sink : nullptr};
    in_flight_ = &response;

    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, request.low_speed_window_s);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancel_);
    // Never let a proxy from the environment see local traffic.
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");

    if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }

    std::string range;
    if (request.range_first >= 0) {
        range = std::to_string(request.range_first) + "-";
        if (request.range_last >= 0) range += std::to_string(request.range_last);
        curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
    }

    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
        headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    if (!request.body.empty()) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
    }
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    in_flight_ = nullptr;

    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    if (code != CURLE_OK) {
        if (state.sink_aborted || code == CURLE_ABORTED_BY_CALLBACK) {
            return MakeError(ErrorCode::kCancelled, "transfer cancelled");
        }
        const bool cut_short = code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR ||
                               code == CURLE_OPERATION_TIMEDOUT;
        if (request.keep_partial && cut_short && status >= 200 && status < 300 &&
            !response.body.empty()) {
            response.truncated = true;
            return response;
        }
        return MakeError(ErrorCode::kNetwork,
                         std::string(curl_easy_strerror(code)) + " (" + request.url + ")");
    }
    return response;
}

Result<HttpResponse> HttpClient::PerformStreamingWithHead(const HttpRequest& request,
                                                          const HeadSink& sink) {
    return PerformStreaming(request, [this, &sink](const char* data, size_t size) {
        return sink(*in_flight_, data, size);
    });
}

std::string JoinUrl(const std::string& base, const std::string& path) {
    if (!base.empty() && base.back() == '/' && !path.empty() && path.front() == '/') {
        return base + path.substr(1);
    }
    return base + path;
}

std::string UrlEncode(const std::string& value) {
    static const char kDigits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kDigits[c >> 4];
            out += kDigits[c & 15];
        }
    }
    return out;
}

}  // namespace tonearm
