#include "server-mock/serve.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "core/crypto.h"
#include "core/log.h"
#include "server-mock/api_server.h"
#include "server-mock/cdn_server.h"
#include "server-mock/fault_admin.h"
#include "server-mock/media_store.h"
#include "server-mock/playlist_routes.h"
#include "server-mock/server_db.h"
#include "server-mock/signing_keys.h"

namespace tonearm::server {
namespace {

constexpr const char* kLog = "serve";

struct DemoUser {
    const char* name;
    const char* password;
    Tier tier;
};
constexpr DemoUser kDemoUsers[] = {{"demo", "demo", Tier::kPremium}, {"free", "free", Tier::kFree}};

Status CreateDemoUsers(ServerDatabase* db) {
    for (const DemoUser& user : kDemoUsers) {
        Result<bool> exists = db->UserExists(user.name);
        if (!exists.ok()) return exists.error();
        if (*exists) continue;
        Status created = db->CreateUser(user.name, user.password, user.tier);
        if (!created.ok()) return created;
    }
    return Status::Ok();
}

void PrintBanner(const std::string& api_url, const std::string& cdn_url, ServerDatabase* db,
                 const std::string& admin_token) {
    std::printf("api: %s\ncdn: %s\n", api_url.c_str(), cdn_url.c_str());
    std::fflush(stdout);
    for (const DemoUser& user : kDemoUsers) {
        Result<bool> exists = db->UserExists(user.name);
        if (exists.ok() && *exists) {
            std::printf("user: %s (password %s, %s tier)\n", user.name, user.password,
                        TierName(user.tier));
        }
    }
    std::printf("log in: tonearm-cli --server %s login --user demo --password demo\n",
                api_url.c_str());
    Result<CatalogPage> catalog = db->ListTracks(0, 0);
    if (catalog.ok()) std::printf("catalog: %lld tracks\n", static_cast<long long>(catalog->total));
    std::printf("admin-token: %s\n", admin_token.c_str());
    std::fflush(stdout);
}

// Runs a server's accept loop; if it ends unasked, wakes the main thread.
std::thread ListenThread(std::function<bool()> listen, const std::atomic<bool>* stopping) {
    return std::thread([listen = std::move(listen), stopping] {
        if (!listen() && !stopping->load()) {
            LOG_ERROR(kLog, "a listener stopped unexpectedly; shutting down");
            kill(getpid(), SIGTERM);
        }
    });
}

// Other modules register their API routes here, before the servers listen.
void RegisterRouteModules(ApiServer& /*api*/) {}

}  // namespace

Status RunServe(const ServeOptions& options) {
    // Block the stop signals in every thread; the main thread takes them with sigwait.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    std::error_code ec;
    std::filesystem::create_directories(options.data_dir + "/audio", ec);
    if (ec)
        return MakeError(ErrorCode::kIo, "cannot create " + options.data_dir + ": " + ec.message());
    auto db = ServerDatabase::Open(options.data_dir + "/server.db");
    if (!db.ok()) return db.error();
    if (options.demo_users) {
        Status demo = CreateDemoUsers(db->get());
        if (!demo.ok()) return demo.error().Wrap("cannot create the demo users");
    }
    auto signer = LoadOrCreateSigningKeys(options.data_dir);
    if (!signer.ok()) return signer.error();

    MediaStore store(options.data_dir);
    auto faults = std::make_shared<CdnFaults>(options.cdn_faults, options.url_ttl_seconds);
    const std::string admin_token =
        options.admin_token.empty() ? crypto::RandomHex(16) : options.admin_token;
    CdnServer cdn(&store, *signer, faults);
    ApiServer api(db->get(), &store, *signer);
    int wanted_cdn_port = options.cdn_port;
    if (wanted_cdn_port < 0) wanted_cdn_port = options.api_port == 0 ? 0 : options.api_port + 1;
    Result<int> cdn_port = cdn.Bind(wanted_cdn_port);
    if (!cdn_port.ok()) return cdn_port.error();
    Result<int> api_port = api.Bind(options.api_port);
    if (!api_port.ok()) return api_port.error();
    const std::string api_url = "http://127.0.0.1:" + std::to_string(*api_port);
    const std::string cdn_url = "http://127.0.0.1:" + std::to_string(*cdn_port);
    api.set_config(ApiConfig{cdn_url, options.url_ttl_seconds});
    RegisterRouteModules(api);
    RegisterFaultAdminRoutes(api, faults, admin_token);
    auto playlists = RegisterPlaylistRoutes(api, options.data_dir);
    if (!playlists.ok()) return playlists.error();

    std::atomic<bool> stopping{false};
    std::thread cdn_thread = ListenThread([&cdn] { return cdn.Listen(); }, &stopping);
    std::thread api_thread = ListenThread([&api] { return api.Listen(); }, &stopping);
    // httplib ignores stop() until its accept loop runs, so a signal arriving
    // earlier would leave the loops running forever.
    for (int i = 0; i < 5000 && !(api.running() && cdn.running()); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    PrintBanner(api_url, cdn_url, db->get(), admin_token);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    LOG_INFO(kLog, "signal " << signal_number << " received, stopping");
    stopping = true;
    (*playlists)->Shutdown();  // ends pending long polls
    api.Stop();
    cdn.Stop();
    api_thread.join();
    cdn_thread.join();
    return Status::Ok();
}

}  // namespace tonearm::server
