#include "player/cache_index.h"

namespace tonearm::player {
namespace {

using Query = sqlite::Statement;

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS entries(sha256 TEXT PRIMARY KEY, track_id TEXT NOT NULL,"
    " version INTEGER NOT NULL, kbps INTEGER NOT NULL, size INTEGER NOT NULL,"
    " last_used INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entries_by_track ON entries(track_id, kbps);"
    "CREATE TABLE IF NOT EXISTS pins(source TEXT NOT NULL, track_id TEXT NOT NULL,"
    " kbps INTEGER NOT NULL, PRIMARY KEY(source, track_id));"
    "CREATE TABLE IF NOT EXISTS metadata(track_id TEXT PRIMARY KEY, manifest TEXT NOT NULL,"
    " track TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);";

constexpr char kEntryColumns[] =
    "SELECT e.sha256, e.track_id, e.version, e.kbps, e.size, e.last_used,"
    " EXISTS(SELECT 1 FROM pins p WHERE p.track_id = e.track_id AND p.kbps = e.kbps)"
    " FROM entries e ";

CacheEntry ReadEntry(const Query& q) {
    CacheEntry e;
    e.sha256 = q.Text(0);
    e.track_id = q.Text(1);
    e.version = static_cast<int>(q.Int(2));
    e.kbps = static_cast<int>(q.Int(3));
    e.size = q.Int(4);
    e.last_used = q.Int(5);
    e.pinned = q.Int(6) != 0;
    return e;
}

}  // namespace

Result<std::unique_ptr<CacheIndex>> CacheIndex::Open(const std::string& path) {
    auto db = sqlite::Database::Open(path, 5000);
    if (!db.ok()) return db.error().Wrap("cannot open cache index");
    std::unique_ptr<CacheIndex> index(new CacheIndex(std::move(db.value())));
    Status ready = index->db_->Exec(kSchema);
    if (!ready.ok()) return ready.error().Wrap("cannot prepare cache index '" + path + "'");
    return index;
}

CacheIndex::~CacheIndex() = default;

Status CacheIndex::PutEntry(const CacheEntry& e) {
    return Query(db_.get(),
                 "INSERT OR REPLACE INTO entries VALUES(?, ?, ?, ?, ?,"
                 " (SELECT IFNULL(MAX(last_used), 0) + 1 FROM entries))")
        .Bind(1, e.sha256)
        .Bind(2, e.track_id)
        .Bind(3, int64_t{e.version})
        .Bind(4, int64_t{e.kbps})
        .Bind(5, e.size)
        .Run();
}

Result<std::optional<CacheEntry>> CacheIndex::FindEntry(const std::string& track_id, int kbps) {
    Query q(db_.get(), (std::string(kEntryColumns) +
                        "WHERE e.track_id = ? AND e.kbps = ? ORDER BY e.version DESC LIMIT 1")
                           .c_str());
    q.Bind(1, track_id).Bind(2, int64_t{kbps});
    std::optional<CacheEntry> found;
    if (q.Step()) found = ReadEntry(q);
    if (!q.status().ok()) return q.status().error();
    return found;
}

Status CacheIndex::Touch(const std::string& sha256) {
    return Query(db_.get(),
                 "UPDATE entries SET last_used = (SELECT MAX(last_used) + 1 FROM entries)"
                 " WHERE sha256 = ?")
        .Bind(1, sha256)
        .Run();
}

Status CacheIndex::RemoveEntry(const std::string& sha256) {
    return Query(db_.get(), "DELETE FROM entries WHERE sha256 = ?").Bind(1, sha256).Run();
}

Result<std::vector<CacheEntry>> CacheIndex::Entries() {
    Query q(db_.get(), (std::string(kEntryColumns) + "ORDER BY e.last_used").c_str());
    std::vector<CacheEntry> entries;
    while (q.Step())
        entries.push_back(ReadEntry(q));
    if (!q.status().ok()) return q.status().error();
    return entries;
}

Status CacheIndex::ReplacePins(const std::string& source, const std::vector<CachePin>& pins) {
    sqlite::Transaction transaction(db_.get());
    if (!transaction.status().ok()) return transaction.status();
    Status status = Query(db_.get(), "DELETE FROM pins WHERE source = ?").Bind(1, source).Run();
    for (const CachePin& pin : pins) {
        if (!status.ok()) break;
        status = Query(db_.get(), "INSERT OR REPLACE INTO pins VALUES(?, ?, ?)")
                     .Bind(1, source)
                     .Bind(2, pin.track_id)
                     .Bind(3, int64_t{pin.kbps})
                     .Run();
    }
    if (!status.ok()) return status;  // the transaction rolls back
    return transaction.Commit();
}

Result<std::vector<CachePin>> CacheIndex::Pins() {
    Query q(db_.get(), "SELECT source, track_id, kbps FROM pins ORDER BY source, track_id");
    std::vector<CachePin> pins;
    while (q.Step())
        pins.push_back({q.Text(0), q.Text(1), static_cast<int>(q.Int(2))});
    if (!q.status().ok()) return q.status().error();
    return pins;
}

Status CacheIndex::PutMetadata(const std::string& track_id, const std::string& manifest_json,
                               const std::string& track_json) {
    return Query(db_.get(), "INSERT OR REPLACE INTO metadata VALUES(?, ?, ?)")
        .Bind(1, track_id)
        .Bind(2, manifest_json)
        .Bind(3, track_json)
        .Run();
}

Result<std::optional<std::pair<std::string, std::string>>> CacheIndex::FindMetadata(
    const std::string& track_id) {
    Query q(db_.get(), "SELECT manifest, track FROM metadata WHERE track_id = ?");
    q.Bind(1, track_id);
    std::optional<std::pair<std::string, std::string>> found;
    if (q.Step()) found.emplace(q.Text(0), q.Text(1));
    if (!q.status().ok()) return q.status().error();
    return found;
}

Result<std::optional<std::string>> CacheIndex::Setting(const std::string& key) {
    Query q(db_.get(), "SELECT value FROM settings WHERE key = ?");
    q.Bind(1, key);
    std::optional<std::string> value;
    if (q.Step()) value = q.Text(0);
    if (!q.status().ok()) return q.status().error();
    return value;
}

Status CacheIndex::SetSetting(const std::string& key, const std::string& value) {
    return Query(db_.get(), "INSERT OR REPLACE INTO settings VALUES(?, ?)")
        .Bind(1, key)
        .Bind(2, value)
        .Run();
}

Status CacheIndex::RemoveSetting(const std::string& key) {
    return Query(db_.get(), "DELETE FROM settings WHERE key = ?").Bind(1, key).Run();
}

Result<std::vector<std::pair<std::string, std::string>>> CacheIndex::SettingsWithPrefix(
    const std::string& prefix) {
    Query q(db_.get(), "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key");
    q.Bind(1, static_cast<int64_t>(prefix.size())).Bind(2, prefix);
    std::vector<std::pair<std::string, std::string>> found;
    while (q.Step())
        found.emplace_back(q.Text(0), q.Text(1));
    if (!q.status().ok()) return q.status().error();
    return found;
}

Status CacheIndex::Clear() {
    return db_->Exec(
        "BEGIN IMMEDIATE; DELETE FROM entries; DELETE FROM pins; DELETE FROM metadata;"
        " DELETE FROM settings WHERE key LIKE 'source:%'; COMMIT;");
}

}  // namespace tonearm::player
