#include "app/cli_session.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tonearm::cli {
namespace {

std::string SessionPath(const CliOptions& options) { return options.profile_dir + "/session.json"; }

}  // namespace

Result<SavedSession> LoadSession(const CliOptions& options) {
    SavedSession session;
    std::ifstream in(SessionPath(options));
    if (!in) return session;
    std::stringstream text;
    text << in.rdbuf();
    auto json = ParseJson(text.str());
    if (!json || !json->is_object()) {
        return MakeError(ErrorCode::kCorrupt, "session file " + SessionPath(options) +
                                                  " is not valid JSON; log in again");
    }
    session.server = json->value("server", "");
    session.token = json->value("token", "");
    session.user = json->value("user", "");
    session.tier = json->value("tier", "");
    return session;
}

Status SaveSession(const CliOptions& options, const SavedSession& session) {
    std::error_code ec;
    std::filesystem::create_directories(options.profile_dir, ec);
    if (ec) {
        return MakeError(ErrorCode::kIo, "cannot create profile folder " + options.profile_dir +
                                             ": " + ec.message());
    }
    std::string path = SessionPath(options);
    std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << Json{{"server", session.server},
                    {"token", session.token},
                    {"user", session.user},
                    {"tier", session.tier}}
                   .dump(2)
            << "\n";
        out.flush();
        if (!out) return MakeError(ErrorCode::kIo, "cannot write " + temp);
    }
    ::chmod(temp.c_str(), 0600);
    std::filesystem::rename(temp, path, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot replace " + path + ": " + ec.message());
    return Status::Ok();
}

std::string LoadToken(const CliOptions& options) {
    auto session = LoadSession(options);
    return session ? session->token : std::string();
}

Result<ApiClient> MakeApiClient(const CliOptions& options) {
    auto session = LoadSession(options);
    if (!session) return session.error();
    std::string server = options.server.empty() ? session->server : options.server;
    if (server.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "no server: pass --server URL (or log in with one first)");
    }
    while (!server.empty() && server.back() == '/')
        server.pop_back();
    ApiClient client(server);
    if (session->server.empty() || session->server == server) client.SetToken(session->token);
    return client;
}

ArgList::ArgList(const std::vector<std::string>& args,
                 const std::vector<std::string>& value_options,
                 const std::vector<std::string>& flag_options) {
    auto contains = [](const std::vector<std::string>& list, const std::string& item) {
        return std::find(list.begin(), list.end(), item) != list.end();
    };
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0 || arg == "--") {
            positionals_.push_back(arg);
        } else if (contains(value_options, arg)) {
            if (i + 1 >= args.size()) {
                error_ = "option " + arg + " needs a value";
                return;
            }
            values_.emplace_back(arg, args[++i]);
        } else if (contains(flag_options, arg)) {
            flags_.push_back(arg);
        } else {
            error_ = "unknown option '" + arg + "'";
            return;
        }
    }
}

std::optional<std::string> ArgList::Value(const std::string& name) const {
    std::optional<std::string> found;
    for (const auto& [key, value] : values_) {
        if (key == name) found = value;
    }
    return found;
}

std::vector<std::string> ArgList::Values(const std::string& name) const {
    std::vector<std::string> found;
    for (const auto& [key, value] : values_) {
        if (key == name) found.push_back(value);
    }
    return found;
}

bool ArgList::Flag(const std::string& name) const {
    return std::find(flags_.begin(), flags_.end(), name) != flags_.end();
}

Result<Track> ResolveTrack(ApiClient& client, const std::string& id_or_title) {
    auto track = client.GetTrack(id_or_title);
    if (track || track.error().code != ErrorCode::kNotFound) return track;
    auto found = client.GetJson("/v1/search?q=" + UrlEncode(id_or_title) + "&limit=1");
    if (!found) return found.error();
    auto items = found->find("items");
    if (items != found->end() && items->is_array() && !items->empty()) {
        return TrackFromJson(items->front());
    }
    return MakeError(ErrorCode::kNotFound, "no track with id or title '" + id_or_title + "'");
}

// A finite decimal number ("12", "-0.5", "1e3"); no hexadecimal, inf or nan.
std::optional<double> ParseNumber(const std::string& text, std::string* error) {
    double value = 0.0;
    const char* end = text.data() + text.size();
    const auto parsed = std::from_chars(text.data(), end, value, std::chars_format::general);
    if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end || !std::isfinite(value)) {
        *error = "'" + text + "' is not a number";
        return std::nullopt;
    }
    return value;
}

}  // namespace tonearm::cli
