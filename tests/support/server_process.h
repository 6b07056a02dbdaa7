// Runs the real tonearm-server (TONEARM_SERVER_BIN) for integration tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "tests/support/process.h"

namespace tonearm::testing {

// One `tonearm-server serve` child on 127.0.0.1 with free ports. Use from the
// thread that started it (see ChildProcess).
class ServerProcess {
public:
    // Starts `serve --data data_dir --port 0 --cdn-port 0` plus extra_args and
    // waits at most 15 s for its "api: URL" and "cdn: URL" lines. Fails with
    // kIo (its stderr in the message) if the server exits or does not print
    // them in time; the child is then stopped.
    static Result<std::unique_ptr<ServerProcess>> Start(
        const std::string& data_dir, const std::vector<std::string>& extra_args = {});

    // Stops the server (SIGTERM, then SIGKILL after 5 s).
    ~ServerProcess() = default;
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    const std::string& api_url() const { return api_url_; }  // "http://127.0.0.1:port"
    const std::string& cdn_url() const { return cdn_url_; }  // "http://127.0.0.1:port"

    // The remaining stdout lines (demo users, log-in hint) are readable here.
    ChildProcess& process() { return *child_; }

    // Sends SIGTERM and returns the exit code (0 for a clean shutdown).
    int Stop() { return child_->Terminate(); }

private:
    ServerProcess() = default;

    std::unique_ptr<ChildProcess> child_;
    std::string api_url_;
    std::string cdn_url_;
};

// Runs `tonearm-server ingest --data data_dir paths...` (at most 180 s).
// Fails with kIo, naming the exit code, if it does not exit with 0. When
// output is given it receives stdout followed by stderr, whatever the result.
Status RunIngest(const std::string& data_dir, const std::vector<std::string>& paths,
                 std::string* output = nullptr);

}  // namespace tonearm::testing
