#include "server-mock/cleanup.h"

#include <ctime>
#include <filesystem>

#include "server-mock/media_store.h"
#include "server-mock/server_db.h"

namespace tonearm::server {
namespace {

namespace fs = std::filesystem;

// Removes the folders a crashed ingest left beside the versions of track_id.
int RemovePartialFolders(const MediaStore& store, const std::string& track_id, std::ostream& out) {
    int removed = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(store.TrackDir(track_id), ec)) {
        if (entry.path().filename().string().find(".partial-") == std::string::npos) continue;
        fs::remove_all(entry.path(), ec);
        if (!ec) {
            out << "removed " << entry.path().string() << " (interrupted ingest)\n";
            ++removed;
        }
    }
    return removed;
}

}  // namespace

Result<int> RunCleanup(const CleanupOptions& options, std::ostream& out) {
    auto db = ServerDatabase::Open(options.data_dir + "/server.db");
    if (!db.ok()) return db.error();
    Result<std::vector<StaleVersion>> stale = (*db)->StaleVersions();
    if (!stale.ok()) return stale.error().Wrap("cannot list replaced versions");

    MediaStore store(options.data_dir);
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    int removed = 0;
    int kept = 0;
    for (const StaleVersion& v : *stale) {
        const std::string dir = store.VersionDir(v.track_id, v.version);
        std::error_code ec;
        if (!fs::exists(dir, ec)) continue;
        if (now - v.replaced_at < options.min_age_seconds) {
            ++kept;
            continue;
        }
        fs::remove_all(dir, ec);
        if (ec) return MakeError(ErrorCode::kIo, "cannot remove " + dir + ": " + ec.message());
        out << "removed " << dir << "\n";
        ++removed;
    }
    Result<CatalogPage> catalog = (*db)->ListTracks(0, INT64_MAX);
    if (catalog.ok()) {
        for (const Track& t : catalog->items)
            removed += RemovePartialFolders(store, t.id, out);
    }
    out << "cleanup: " << removed << " folders removed, " << kept
        << " replaced versions kept until their URLs expire\n";
    return removed;
}

}  // namespace tonearm::server
