// tonearm-server: the reference backend. See docs/server.md.
#include <charconv>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "server-mock/cleanup.h"
#include "server-mock/ingest.h"
#include "server-mock/serve.h"

namespace {

using tonearm::server::IngestOptions;
using tonearm::server::ServeOptions;
using tonearm::server::TakeFaultFlag;

constexpr const char* kUsage =
    "usage: tonearm-server ingest --data DIR [--workers N] PATH...\n"
    "       tonearm-server serve --data DIR [--port N] [--cdn-port M] [--url-ttl SECONDS]\n"
    "                            [--no-demo-users] [--admin-token TOKEN] [CDN faults]\n"
    "       tonearm-server cleanup --data DIR [--min-age SECONDS]\n";

void PrintUsage(std::ostream& out) { out << kUsage << tonearm::server::kFaultFlagsUsage; }

int UsageError(const std::string& message) {
    std::cerr << "tonearm-server: " << message << "\n";
    PrintUsage(std::cerr);
    return 2;
}

bool ParseInt(const char* text, int64_t min, int64_t max, int64_t* out) {
    const char* end = text + std::strlen(text);
    auto [ptr, ec] = std::from_chars(text, end, *out);
    return ec == std::errc() && ptr == end && *out >= min && *out <= max;
}

// Reads the value of option args[*i] into *out; false (after printing why) if missing or bad.
bool TakeInt(const std::vector<std::string>& args, size_t* i, int64_t min, int64_t max,
             int64_t* out) {
    if (*i + 1 >= args.size() || !ParseInt(args[*i + 1].c_str(), min, max, out)) {
        std::cerr << "tonearm-server: " << args[*i] << " needs a number from " << min << " to "
                  << max << "\n";
        return false;
    }
    ++*i;
    return true;
}

int Ingest(const std::vector<std::string>& args) {
    IngestOptions options;
    for (size_t i = 0; i < args.size(); ++i) {
        int64_t n = 0;
        if (args[i] == "--data" && i + 1 < args.size()) {
            options.data_dir = args[++i];
        } else if (args[i] == "--workers") {
            if (!TakeInt(args, &i, 1, 256, &n)) return 2;
            options.workers = static_cast<int>(n);
        } else if (args[i].rfind("--", 0) == 0) {
            return UsageError("unknown option " + args[i]);
        } else {
            options.paths.push_back(args[i]);
        }
    }
    if (options.data_dir.empty()) return UsageError("ingest needs --data DIR");
    if (options.paths.empty()) return UsageError("ingest needs at least one PATH");
    auto summary = tonearm::server::RunIngest(options, std::cout, std::cerr);
    if (!summary.ok()) {
        std::cerr << "tonearm-server: " << summary.error().message << "\n";
        return 1;
    }
    return summary->failed > 0 ? 1 : 0;
}

int Serve(const std::vector<std::string>& args) {
    ServeOptions options;
    tonearm::server::FaultChanges changes;  // all apply at start anyway
    for (size_t i = 0; i < args.size(); ++i) {
        auto fault = TakeFaultFlag(args, &i, &options.cdn_faults, &changes);
        if (!fault.ok()) {
            std::cerr << "tonearm-server: " << fault.error().message << "\n";
            return 2;
        }
        if (*fault) continue;

        int64_t n = 0;
        if (args[i] == "--data" && i + 1 < args.size()) {
            options.data_dir = args[++i];
        } else if (args[i] == "--port" || args[i] == "--cdn-port") {
            if (!TakeInt(args, &i, 0, 65535, &n)) return 2;
            (args[i - 1] == "--port" ? options.api_port : options.cdn_port) = static_cast<int>(n);
        } else if (args[i] == "--url-ttl") {
            if (!TakeInt(args, &i, 1, 365LL * 24 * 3600, &n)) return 2;
            options.url_ttl_seconds = n;
        } else if (args[i] == "--admin-token" && i + 1 < args.size()) {
            options.admin_token = args[++i];
            if (options.admin_token.size() < 16)
                return UsageError("--admin-token: 16 characters or more");
        } else if (args[i] == "--no-demo-users") {
            options.demo_users = false;
        } else {
            return UsageError("unknown argument " + args[i]);
        }
    }
    if (options.data_dir.empty()) return UsageError("serve needs --data DIR");
    tonearm::Status status = tonearm::server::RunServe(options);
    if (!status.ok()) {
        std::cerr << "tonearm-server: " << status.error().message << "\n";
        return 1;
    }
    return 0;
}

int Cleanup(const std::vector<std::string>& args) {
    tonearm::server::CleanupOptions options;
    for (size_t i = 0; i < args.size(); ++i) {
        int64_t n = 0;
        if (args[i] == "--data" && i + 1 < args.size()) {
            options.data_dir = args[++i];
        } else if (args[i] == "--min-age") {
            if (!TakeInt(args, &i, 0, 365LL * 24 * 3600, &n)) return 2;
            options.min_age_seconds = n;
        } else {
            return UsageError("unknown argument " + args[i]);
        }
    }
    if (options.data_dir.empty()) return UsageError("cleanup needs --data DIR");
    auto removed = tonearm::server::RunCleanup(options, std::cout);
    if (!removed.ok()) {
        std::cerr << "tonearm-server: " << removed.error().message << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return UsageError("missing command");
    std::string command = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "ingest") return Ingest(args);
    if (command == "serve") return Serve(args);
    if (command == "cleanup") return Cleanup(args);
    if (command == "--help" || command == "help") {
        PrintUsage(std::cout);
        return 0;
    }
    return UsageError("unknown command " + command);
}
