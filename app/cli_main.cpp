// tonearm-cli: drives the engines without a window, for QA and tests.
//
//   tonearm-cli [--server URL] [--profile DIR] [--json] COMMAND [ARGS...]
//
// Each command lives in a cli_<area>.cpp; this file parses the global
// options, keeps the session in the profile folder and prints events.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>

#include "app/cli_common.h"
#include "app/cli_session.h"
#include "core/api_client.h"

namespace tonearm::cli {
namespace {

const auto kStart = std::chrono::steady_clock::now();

void PrintUsage() {
    std::fputs(
        "usage: tonearm-cli [--server URL] [--profile DIR] [--json] COMMAND [ARGS]\n"
        "\n"
        "commands:\n"
        "  login --user U --password P   log in and keep the session in the profile\n"
        "  logout                        forget the session\n"
        "  tracks [--offset N] [--limit N]  list the catalog\n"
        "  search QUERY                  search titles, artists and albums\n"
        "  manifest TRACK                the playback manifest with signed URLs\n"
        "  play TRACK... [--seconds N] [--quality auto|96|160|320] [--abr NAME]\n"
        "       [--volume V] [--seek S] [--normalize on|off] [--target-lufs L]\n"
        "       [--crossfade S] [--shuffle [--seed N]] [--repeat off|one|all]\n"
        "       [--buffer S] [--chunk-seconds S]\n"
        "                                stream a track to the default audio device\n"
        "  playlists | playlist ... | library ... | sync   playlists and sync\n"
        "  offline pin PLAYLIST|TRACK [--quality Q] [--max-rate B/s] | unpin ID | status\n"
        "          | refresh\n"
        "                                keep audio for offline play\n"
        "  cache status | clear [--all] | set-limit BYTES|default   the audio cache\n"
        "  abr-sim --trace FILE... --scale S [--algorithm NAME...]  replay traces\n"
        "\n"
        "--profile defaults to $XDG_CONFIG_HOME/tonearm (or ~/.config/tonearm).\n"
        "--server defaults to the server of the saved session.\n"
        "The audio cache is <profile>/cache with --profile, else $XDG_CACHE_HOME/tonearm.\n",
        stderr);
}

std::string DefaultProfileDir() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
        return std::string(xdg) + "/tonearm";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return std::string(home) + "/.config/tonearm";
    }
    return ".tonearm";
}

using Command = std::function<int(const CliOptions&, const std::vector<std::string>&)>;

const std::map<std::string, Command>& Commands() {
    static const std::map<std::string, Command> commands = {
        {"login", RunLogin},     {"logout", RunLogout},       {"tracks", RunTracks},
        {"search", RunSearch},   {"manifest", RunManifest},   {"play", RunPlay},
        {"abr-sim", RunAbrSim},  {"playlists", RunPlaylists}, {"playlist", RunPlaylist},
        {"library", RunLibrary}, {"sync", RunSync},           {"offline", RunOffline},
        {"cache", RunCache},
    };
    return commands;
}

}  // namespace

void PrintEvent(const CliOptions& options, const Json& event) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (options.json) {
        Json line = event;
        line["t_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - kStart)
                           .count();
        std::cout << line.dump(-1, ' ', false, Json::error_handler_t::replace) << std::endl;
        return;
    }
    std::string text = event.value("event", std::string("event"));
    for (const auto& [key, value] : event.items()) {
        if (key == "event") continue;
        text += " " + key + "=" +
                (value.is_string() ? value.get<std::string>()
                                   : value.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    std::cout << text << std::endl;
}

int PrintError(const CliOptions& options, const std::string& message) {
    if (options.json) {
        PrintEvent(options, Json{{"event", "error"}, {"message", message}});
    } else {
        std::cerr << "tonearm-cli: " << message << std::endl;
    }
    return kExitFailure;
}

}  // namespace tonearm::cli

int main(int argc, char** argv) {
    using namespace tonearm::cli;
    CliOptions options;
    std::vector<std::string> rest;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (!rest.empty()) {
            rest.push_back(arg);  // options after the command belong to it
        } else if ((arg == "--server" || arg == "--profile") && i + 1 < argc) {
            (arg == "--server" ? options.server : options.profile_dir) = argv[++i];
        } else if (arg == "--json") {
            options.json = true;
        } else if (arg == "--help" || arg == "-h") {
            PrintUsage();
            return kExitOk;
        } else if (arg.rfind("--", 0) == 0) {
            std::cerr << "tonearm-cli: unknown option '" << arg << "'\n";
            PrintUsage();
            return kExitUsage;
        } else {
            rest.push_back(arg);
        }
    }
    // --json may also follow the command, as QA scripts tend to write it.
    for (auto it = rest.begin(); it != rest.end();) {
        if (*it == "--json") {
            options.json = true;
            it = rest.erase(it);
        } else {
            ++it;
        }
    }
    if (rest.empty()) {
        PrintUsage();
        return kExitUsage;
    }
    if (options.profile_dir.empty()) options.profile_dir = DefaultProfileDir();

    auto command = Commands().find(rest.front());
    if (command == Commands().end()) {
        std::cerr << "tonearm-cli: unknown command '" << rest.front() << "'\n";
        PrintUsage();
        return kExitUsage;
    }
    std::vector<std::string> args(rest.begin() + 1, rest.end());
    return command->second(options, args);
}
