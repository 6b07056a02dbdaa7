#include "server-mock/http_common.h"

namespace tonearm::server {
namespace {

constexpr size_t kWorkerThreads = 32;
constexpr size_t kKeepAliveRequests = 100000;
constexpr time_t kKeepAliveSeconds = 10;

}  // namespace

void ConfigureHttpServer(httplib::Server& server) {
    // The library's default also sets SO_REUSEPORT, which lets a second
    // server bind a port already in use and take half of its connections.
    // SO_REUSEADDR alone allows a restart on the same port and nothing more.
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof yes);
    });
    server.set_tcp_nodelay(true);
    server.set_keep_alive_max_count(kKeepAliveRequests);
    server.set_keep_alive_timeout(kKeepAliveSeconds);
    server.set_payload_max_length(1 << 20);
    server.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
}

void TakeOverRangeHandling(const httplib::Request& request) {
    const_cast<httplib::Request&>(request).ranges.clear();
}

void SendJson(httplib::Response& response, const Json& body, int status) {
    response.status = status;
    // Tags are not always valid UTF-8; replace bad bytes rather than fail the answer.
    response.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace),
                         "application/json");
}

void SendJsonError(httplib::Response& response, int status, const std::string& message) {
    SendJson(response, Json{{"error", message}}, status);
}

}  // namespace tonearm::server
