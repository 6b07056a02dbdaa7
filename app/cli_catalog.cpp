// tonearm-cli commands for the session and the catalog.
#include <iostream>

#include "app/cli_session.h"

namespace tonearm::cli {
namespace {

Json TrackEvent(const Track& track) {
    Json event = ToJson(track);
    event["event"] = "track";
    return event;
}

int UsageError(const CliOptions& options, const std::string& message) {
    PrintError(options, message);
    return kExitUsage;
}

}  // namespace

int RunLogin(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {"--user", "--password"}, {});
    if (!list.error().empty()) return UsageError(options, list.error());
    auto user = list.Value("--user");
    auto password = list.Value("--password");
    if (!user || !password) return UsageError(options, "login needs --user U --password P");

    auto client = MakeApiClient(options);
    if (!client) return PrintError(options, client.error().message);
    auto login = client->Login(*user, *password);
    if (!login) return PrintError(options, "login failed: " + login.error().message);

    SavedSession session{client->base_url(), login->token, login->user, TierName(login->tier)};
    if (Status saved = SaveSession(options, session); !saved) {
        return PrintError(options, saved.error().message);
    }
    PrintEvent(options, Json{{"event", "login"},
                             {"user", login->user},
                             {"tier", TierName(login->tier)},
                             {"server", client->base_url()}});
    return kExitOk;
}

int RunLogout(const CliOptions& options, const std::vector<std::string>& args) {
    if (!args.empty()) return UsageError(options, "logout takes no arguments");
    auto session = LoadSession(options);
    SavedSession cleared;
    if (session) cleared.server = session->server;
    if (Status saved = SaveSession(options, cleared); !saved) {
        return PrintError(options, saved.error().message);
    }
    PrintEvent(options, Json{{"event", "logout"}});
    return kExitOk;
}

int RunTracks(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {"--offset", "--limit"}, {});
    if (!list.error().empty()) return UsageError(options, list.error());
    std::string error;
    double offset = 0;
    double limit = -1;  // all
    if (auto v = list.Value("--offset")) {
        auto n = ParseNumber(*v, &error);
        if (!n || *n < 0) return UsageError(options, "--offset: " + (error.empty() ? *v : error));
        offset = *n;
    }
    if (auto v = list.Value("--limit")) {
        auto n = ParseNumber(*v, &error);
        if (!n || *n < 1) return UsageError(options, "--limit: " + (error.empty() ? *v : error));
        limit = *n;
    }

    auto client = MakeApiClient(options);
    if (!client) return PrintError(options, client.error().message);
    auto next = static_cast<int64_t>(offset);
    int64_t printed = 0;
    int64_t total = 0;
    do {
        int64_t page_size = limit < 0 ? 200 : std::min<int64_t>(200, int64_t(limit) - printed);
        auto page = client->Tracks(next, page_size);
        if (!page) return PrintError(options, "cannot list tracks: " + page.error().message);
        total = page->total;
        for (const Track& track : page->items)
            PrintEvent(options, TrackEvent(track));
        printed += static_cast<int64_t>(page->items.size());
        next += static_cast<int64_t>(page->items.size());
        if (page->items.empty()) break;
    } while (next < total && (limit < 0 || printed < limit));
    PrintEvent(options, Json{{"event", "tracks"}, {"total", total}, {"printed", printed}});
    return kExitOk;
}

int RunSearch(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {"--limit"}, {});
    if (!list.error().empty()) return UsageError(options, list.error());
    if (list.positionals().empty()) return UsageError(options, "search needs a QUERY");
    std::string query;
    for (const std::string& word : list.positionals())
        query += (query.empty() ? "" : " ") + word;

    auto client = MakeApiClient(options);
    if (!client) return PrintError(options, client.error().message);
    auto json = client->GetJson("/v1/search?q=" + UrlEncode(query) +
                                "&limit=" + list.Value("--limit").value_or("50"));
    if (!json) return PrintError(options, "search failed: " + json.error().message);
    auto items = json->find("items");
    if (items == json->end() || !items->is_array()) {
        return PrintError(options, "search answer has no 'items'");
    }
    int64_t count = 0;
    for (const Json& item : *items) {
        auto track = TrackFromJson(item);
        if (!track) return PrintError(options, "search answer: " + track.error().message);
        PrintEvent(options, TrackEvent(*track));
        ++count;
    }
    PrintEvent(options, Json{{"event", "search"}, {"query", query}, {"count", count}});
    return kExitOk;
}

int RunManifest(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {}, {});
    if (!list.error().empty() || list.positionals().size() != 1) {
        return UsageError(options, "manifest needs exactly one TRACK (id or title)");
    }
    auto client = MakeApiClient(options);
    if (!client) return PrintError(options, client.error().message);
    auto track = ResolveTrack(*client, list.positionals()[0]);
    if (!track) return PrintError(options, "cannot get manifest: " + track.error().message);
    auto manifest = client->GetManifest(track->id);
    if (!manifest) return PrintError(options, "cannot get manifest: " + manifest.error().message);
    Json event = ToJson(*manifest);
    event["event"] = "manifest";
    if (options.json) {
        PrintEvent(options, event);
    } else {
        event.erase("event");
        std::cout << event.dump(2) << std::endl;
    }
    return kExitOk;
}

}  // namespace tonearm::cli
