// Running other programs from tests: one-shot commands and long-running
// children (tonearm-server, tonearm-cli in the background).
//
// Children start in their own process group with stdin on /dev/null and the
// parent's environment plus extra_env entries ("NAME=value", which replace a
// variable of the same name). They receive SIGTERM if the thread that started
// them ends, so a crashed test leaves no server behind: start children from
// the test's own thread, not from a short-lived worker thread.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"

namespace tonearm::testing {

struct ProcessResult {
    int exit_code = -1;      // exit status, or 128 + signal number if killed by a signal
    std::string out;         // everything the child wrote to stdout
    std::string err;         // everything the child wrote to stderr
    bool timed_out = false;  // true if the child was killed after timeout_ms
};

// Runs argv (argv[0] is looked up in PATH when it has no '/'), waits at most
// timeout_ms for it to exit and returns its exit code and output. On timeout
// the whole process group is killed with SIGKILL and timed_out is set. If
// the program cannot be started, exit_code is 127 and err says why.
// Thread-safe.
ProcessResult RunProcess(const std::vector<std::string>& argv, int timeout_ms,
                         const std::vector<std::string>& extra_env = {});

// A child that runs while the test talks to it. A reader thread owned by this
// object drains the child's stdout (into lines) and stderr (into a buffer), so
// the child never blocks on a full pipe. Methods are meant for the thread that
// started the child; err() may be called from any thread.
class ChildProcess {
public:
    // Starts argv as described above. Fails with kIo if fork or the pipes
    // fail; a program that cannot be executed exits at once with code 127.
    static Result<std::unique_ptr<ChildProcess>> Start(
        const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});

    // Terminates the child (see Terminate) and joins the reader thread.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Waits at most timeout_ms for the next complete stdout line and stores it
    // in *line without its '\n'. Returns false on timeout, or once stdout is
    // closed and every line has been read (a last unterminated line is still
    // returned).
    bool ReadLine(std::string* line, int timeout_ms);

    // Waits at most timeout_ms for the child to exit by itself; returns its
    // exit code (as in ProcessResult) or nullopt if it is still running.
    std::optional<int> WaitForExit(int timeout_ms);

    // Sends SIGTERM, waits up to 5 s, then sends SIGKILL to the process group.
    // Returns the exit code; calling it again returns the same code.
    int Terminate();

    bool running() const { return !exit_code_.has_value(); }
    pid_t pid() const { return pid_; }

    // Everything the child has written to stderr so far.
    std::string err() const;

private:
    ChildProcess() = default;
    void ReaderLoop(int out_fd, int err_fd);

    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::thread reader_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> lines_;  // guarded by mu_
    std::string partial_line_;       // guarded by mu_
    std::string err_;                // guarded by mu_
    bool out_closed_ = false;        // guarded by mu_
};

}  // namespace tonearm::testing
