// Session and argument helpers shared by the tonearm-cli commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/cli_common.h"
#include "core/api_client.h"
#include "core/result.h"

namespace tonearm::cli {

// What `login` keeps in <profile>/session.json.
struct SavedSession {
    std::string server;
    std::string token;
    std::string user;
    std::string tier;
};

// Reads the saved session; an absent file is an empty session, a corrupt
// one is an Error naming the file.
Result<SavedSession> LoadSession(const CliOptions& options);
// Writes the session atomically (temporary file, then rename), mode 0600.
Status SaveSession(const CliOptions& options, const SavedSession& session);

// An ApiClient for --server (or the saved session's server) with the saved
// token. Fails when no server is known.
Result<ApiClient> MakeApiClient(const CliOptions& options);

// Command arguments: "--name value" options, "--flag" switches, positionals.
class ArgList {
public:
    ArgList(const std::vector<std::string>& args, const std::vector<std::string>& value_options,
            const std::vector<std::string>& flag_options);

    // Empty when the arguments parsed; otherwise a usage message.
    const std::string& error() const { return error_; }
    std::optional<std::string> Value(const std::string& name) const;
    bool Flag(const std::string& name) const;
    // All values given for an option that may repeat.
    std::vector<std::string> Values(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }

private:
    std::vector<std::pair<std::string, std::string>> values_;
    std::vector<std::string> flags_;
    std::vector<std::string> positionals_;
    std::string error_;
};

// Finds a track by id, or else by a search on its title (the first match).
// Fails with kNotFound naming the text when neither finds one.
Result<Track> ResolveTrack(ApiClient& client, const std::string& id_or_title);

// Parses a number option, or explains what is wrong in *error.
std::optional<double> ParseNumber(const std::string& text, std::string* error);

int RunLogin(const CliOptions& options, const std::vector<std::string>& args);
int RunLogout(const CliOptions& options, const std::vector<std::string>& args);
int RunTracks(const CliOptions& options, const std::vector<std::string>& args);
int RunSearch(const CliOptions& options, const std::vector<std::string>& args);
int RunManifest(const CliOptions& options, const std::vector<std::string>& args);
int RunPlay(const CliOptions& options, const std::vector<std::string>& args);  // cli_play.cpp

}  // namespace tonearm::cli
