#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

extern char** environ;

namespace tonearm::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The parent's environment with extra entries replacing same-named ones.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
    std::map<std::string, std::string> vars;
    auto add = [&vars](const std::string& entry) {
        size_t eq = entry.find('=');
        vars[entry.substr(0, eq)] = entry;
    };
    for (char** e = environ; *e != nullptr; ++e)
        add(*e);
    for (const std::string& entry : extra)
        add(entry);
    std::vector<std::string> merged;
    for (auto& [name, entry] : vars)
        merged.push_back(entry);
    return merged;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (std::string& s : strings)
        pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

int ExitCodeFromStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// In the forked child: wires up stdio and executes; never returns.
[[noreturn]] void ExecChild(char** argv, char** envp, pid_t parent, int out_fd, int err_fd) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execvpe(argv[0], argv, envp);
    const char* reason = strerror(errno);
    (void)!write(STDERR_FILENO, "cannot execute ", 15);
    (void)!write(STDERR_FILENO, argv[0], strlen(argv[0]));
    (void)!write(STDERR_FILENO, ": ", 2);
    (void)!write(STDERR_FILENO, reason, strlen(reason));
    (void)!write(STDERR_FILENO, "\n", 1);
    _exit(127);
}

struct Spawned {
    pid_t pid = -1;
    int out_fd = -1;  // read end of the child's stdout
    int err_fd = -1;  // read end of the child's stderr
};

Result<Spawned> Spawn(const std::vector<std::string>& argv_strings,
                      const std::vector<std::string>& extra_env) {
    if (argv_strings.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty argv");
    std::vector<std::string> args = argv_strings;
    std::vector<std::string> env = MergedEnvironment(extra_env);
    std::vector<char*> argv = CStrings(args);
    std::vector<char*> envp = CStrings(env);

    int out_pipe[2];
    int err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0) return MakeError(ErrorCode::kIo, "pipe failed");
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return MakeError(ErrorCode::kIo, "pipe failed");
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) ExecChild(argv.data(), envp.data(), parent, out_pipe[1], err_pipe[1]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (pid < 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        return MakeError(ErrorCode::kIo, std::string("fork failed: ") + strerror(errno));
    }
    return Spawned{pid, out_pipe[0], err_pipe[0]};
}

// Reads what is available on fd into *sink; returns false at end of file.
bool Drain(int fd, std::string* sink) {
    char buffer[8192];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    sink->append(buffer, static_cast<size_t>(n));
    return true;
}

// Polls for the child's exit until deadline; returns its exit code or nullopt.
std::optional<int> ReapUntil(pid_t pid, Clock::time_point deadline) {
    while (true) {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return ExitCodeFromStatus(status);
        if (r < 0 && errno != EINTR) return -1;
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

int MillisUntil(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, int timeout_ms,
                         const std::vector<std::string>& extra_env) {
    ProcessResult result;
    Result<Spawned> spawned = Spawn(argv, extra_env);
    if (!spawned.ok()) {
        result.exit_code = 127;
        result.err = spawned.error().message;
        return result;
    }
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);

    pollfd fds[2] = {{spawned->out_fd, POLLIN, 0}, {spawned->err_fd, POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_count = 2;
    while (open_count > 0 && Clock::now() < deadline) {
        if (poll(fds, 2, MillisUntil(deadline)) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            if (!Drain(fds[i].fd, sinks[i])) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            }
        }
    }

    std::optional<int> code = ReapUntil(spawned->pid, deadline);
    if (!code.has_value()) {
        result.timed_out = true;
        kill(-spawned->pid, SIGKILL);
        code = ReapUntil(spawned->pid, Clock::now() + std::chrono::seconds(5));
    }
    for (pollfd& p : fds) {
        if (p.fd >= 0) close(p.fd);
    }
    result.exit_code = code.value_or(-1);
    return result;
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
    Result<Spawned> spawned = Spawn(argv, extra_env);
    if (!spawned.ok()) return spawned.error();
    std::unique_ptr<ChildProcess> child(new ChildProcess());
    child->pid_ = spawned->pid;
    child->reader_ =
        std::thread(&ChildProcess::ReaderLoop, child.get(), spawned->out_fd, spawned->err_fd);
    return child;
}

ChildProcess::~ChildProcess() {
    Terminate();
    if (reader_.joinable()) reader_.join();
}

void ChildProcess::ReaderLoop(int out_fd, int err_fd) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_count = 2;
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            std::string chunk;
            bool open = Drain(fds[i].fd, &chunk);
            std::lock_guard<std::mutex> lock(mu_);
            if (i == 1) {
                err_ += chunk;
            } else {
                partial_line_ += chunk;
                size_t nl;
                while ((nl = partial_line_.find('\n')) != std::string::npos) {
                    lines_.push_back(partial_line_.substr(0, nl));
                    partial_line_.erase(0, nl + 1);
                }
                if (!open) {
                    if (!partial_line_.empty()) lines_.push_back(partial_line_);
                    partial_line_.clear();
                    out_closed_ = true;
                }
            }
            cv_.notify_all();
            if (!open) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            }
        }
    }
    for (pollfd& p : fds) {
        if (p.fd >= 0) close(p.fd);
    }
    std::lock_guard<std::mutex> lock(mu_);
    out_closed_ = true;
    cv_.notify_all();
}

bool ChildProcess::ReadLine(std::string* line, int timeout_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                 [this] { return !lines_.empty() || out_closed_; });
    if (lines_.empty()) return false;
    *line = std::move(lines_.front());
    lines_.pop_front();
    return true;
}

std::optional<int> ChildProcess::WaitForExit(int timeout_ms) {
    if (exit_code_.has_value()) return exit_code_;
    exit_code_ = ReapUntil(pid_, Clock::now() + std::chrono::milliseconds(timeout_ms));
    return exit_code_;
}

int ChildProcess::Terminate() {
    if (!exit_code_.has_value()) {
        kill(pid_, SIGTERM);
        exit_code_ = ReapUntil(pid_, Clock::now() + std::chrono::seconds(5));
        if (!exit_code_.has_value()) {
            kill(-pid_, SIGKILL);
            exit_code_ = ReapUntil(pid_, Clock::now() + std::chrono::seconds(5)).value_or(-1);
        }
    }
    // Whatever the child left running in its group would keep the pipes open.
    kill(-pid_, SIGKILL);
    return *exit_code_;
}

std::string ChildProcess::err() const {
    std::lock_guard<std::mutex> lock(mu_);
    return err_;
}

}  // namespace tonearm::testing
