#include "tests/support/server_process.h"

#include <chrono>

namespace tonearm::testing {
namespace {

constexpr int kStartupTimeoutMs = 15000;
constexpr int kIngestTimeoutMs = 180000;

// Returns the URL of a line "<label>: URL", or "" if line has another form.
std::string UrlAfterLabel(const std::string& line, const std::string& label) {
    const std::string prefix = label + ": ";
    if (line.compare(0, prefix.size(), prefix) != 0) return "";
    return line.substr(prefix.size());
}

}  // namespace

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& data_dir, const std::vector<std::string>& extra_args) {
    std::vector<std::string> argv = {TONEARM_SERVER_BIN, "serve", "--data",     data_dir,
                                     "--port",           "0",     "--cdn-port", "0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    Result<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(argv);
    if (!child.ok()) return child.error().Wrap("cannot start tonearm-server");

    std::unique_ptr<ServerProcess> server(new ServerProcess());
    server->child_ = std::move(*child);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartupTimeoutMs);
    std::string line;
    while (server->api_url_.empty() || server->cdn_url_.empty()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !server->child_->ReadLine(&line, static_cast<int>(left.count()))) {
            int code = server->child_->Terminate();
            return MakeError(ErrorCode::kIo, "tonearm-server did not print its URLs (exit code " +
                                                 std::to_string(code) +
                                                 "); stderr: " + server->child_->err());
        }
        if (std::string url = UrlAfterLabel(line, "api"); !url.empty()) server->api_url_ = url;
        if (std::string url = UrlAfterLabel(line, "cdn"); !url.empty()) server->cdn_url_ = url;
    }
    return server;
}

Status RunIngest(const std::string& data_dir, const std::vector<std::string>& paths,
                 std::string* output) {
    std::vector<std::string> argv = {TONEARM_SERVER_BIN, "ingest", "--data", data_dir};
    argv.insert(argv.end(), paths.begin(), paths.end());
    ProcessResult result = RunProcess(argv, kIngestTimeoutMs);
    if (output != nullptr) *output = result.out + result.err;
    if (result.timed_out) return MakeError(ErrorCode::kIo, "tonearm-server ingest timed out");
    if (result.exit_code != 0) {
        return MakeError(ErrorCode::kIo, "tonearm-server ingest exited with code " +
                                             std::to_string(result.exit_code) + ": " + result.err);
    }
    return Status::Ok();
}

}  // namespace tonearm::testing
