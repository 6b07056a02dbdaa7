#include "server-mock/server_db.h"

#include <ctime>

namespace tonearm::server {

using sqlite::Statement;
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tracks (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    source_path TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    artist TEXT NOT NULL,
    album TEXT NOT NULL,
    track_number INTEGER NOT NULL,
    sample_rate INTEGER NOT NULL,
    channels INTEGER NOT NULL,
    duration_samples INTEGER NOT NULL,
    ingested_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tracks_catalog_order ON tracks (
    artist COLLATE NOCASE, album COLLATE NOCASE, track_number, title COLLATE NOCASE, id);
CREATE TABLE IF NOT EXISTS track_versions (
    track_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    source_sha256 TEXT NOT NULL,
    ingested_at INTEGER NOT NULL,
    PRIMARY KEY (track_id, version));
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    tier TEXT NOT NULL,
    salt TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    iterations INTEGER NOT NULL,
    created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token_sha256 TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL);
)sql";

constexpr const char* kTrackColumns =
    "id, version, title, artist, album, track_number, sample_rate, channels, duration_samples, "
    "source_path, source_sha256";
constexpr const char* kCatalogOrder =
    " ORDER BY artist COLLATE NOCASE, album COLLATE NOCASE, track_number, title COLLATE NOCASE, id";
constexpr const char* kSearchWhere =
    " WHERE title LIKE ?1 ESCAPE '\\' OR artist LIKE ?1 ESCAPE '\\' OR album LIKE ?1 ESCAPE '\\'";

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

TrackRecord ReadTrack(const Statement& s) {
    TrackRecord r;
    r.track.id = s.Text(0);
    r.track.version = static_cast<int>(s.Int(1));
    r.track.title = s.Text(2);
    r.track.artist = s.Text(3);
    r.track.album = s.Text(4);
    r.track.track_number = static_cast<int>(s.Int(5));
    r.track.sample_rate = static_cast<int>(s.Int(6));
    r.track.channels = static_cast<int>(s.Int(7));
    r.track.duration_samples = s.Int(8);
    r.source_path = s.Text(9);
    r.source_sha256 = s.Text(10);
    return r;
}

// "%text%" for LIKE, with the wildcard characters of text escaped.
std::string ContainsPattern(const std::string& text) {
    std::string pattern = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

}  // namespace

Result<std::unique_ptr<ServerDatabase>> ServerDatabase::Open(const std::string& path) {
    auto db = sqlite::Database::Open(path, 10000);
    if (!db.ok()) return db.error();
    std::unique_ptr<ServerDatabase> store(new ServerDatabase(std::move(db.value()), path));
    Status schema = store->CreateSchema();
    if (!schema.ok()) return schema.error().Wrap("cannot set up database " + path);
    return store;
}

ServerDatabase::~ServerDatabase() = default;

Status ServerDatabase::CreateSchema() {
    std::lock_guard<std::mutex> lock(mu_);
    Status pragmas = db_->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    if (!pragmas.ok()) return pragmas;
    sqlite::Transaction transaction(db_.get());
    if (!transaction.status().ok()) return transaction.status();
    Status schema = db_->Exec(kSchema);
    return schema.ok() ? transaction.Commit() : schema;
}

Result<std::optional<TrackRecord>> ServerDatabase::FindTrack(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string sql = std::string("SELECT ") + kTrackColumns + " FROM tracks WHERE id = ?1";
    Statement s(db_.get(), sql.c_str());
    s.Bind(1, id);
    if (s.Step()) return std::optional<TrackRecord>(ReadTrack(s));
    if (!s.status().ok()) return s.status().error();
    return std::optional<TrackRecord>();
}

Status ServerDatabase::PutTrack(const TrackRecord& r) {
    std::lock_guard<std::mutex> lock(mu_);
    sqlite::Transaction transaction(db_.get());
    if (!transaction.status().ok()) return transaction.status();
    Statement put(db_.get(),
                  "INSERT OR REPLACE INTO tracks (id, version, title, artist, album, track_number, "
                  "sample_rate, channels, duration_samples, source_path, source_sha256, "
                  "ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    put.Bind(1, r.track.id).Bind(2, int64_t{r.track.version}).Bind(3, r.track.title);
    put.Bind(4, r.track.artist).Bind(5, r.track.album).Bind(6, int64_t{r.track.track_number});
    put.Bind(7, int64_t{r.track.sample_rate}).Bind(8, int64_t{r.track.channels});
    put.Bind(9, r.track.duration_samples).Bind(10, r.source_path).Bind(11, r.source_sha256);
    put.Bind(12, NowUnix());
    Status status = put.Run();
    if (status.ok()) {
        Statement history(
            db_.get(),
            "INSERT OR REPLACE INTO track_versions (track_id, version, source_sha256, "
            "ingested_at) VALUES (?1, ?2, ?3, ?4)");
        history.Bind(1, r.track.id).Bind(2, int64_t{r.track.version}).Bind(3, r.source_sha256);
        status = history.Bind(4, NowUnix()).Run();
    }
    return status.ok() ? transaction.Commit() : status;
}

Result<CatalogPage> ServerDatabase::QueryPage(const char* count_sql, const char* page_sql,
                                              const std::string& pattern, int64_t offset,
                                              int64_t limit) {
    std::lock_guard<std::mutex> lock(mu_);
    CatalogPage page;
    page.offset = offset;
    Statement count(db_.get(), count_sql);
    if (!pattern.empty()) count.Bind(1, pattern);
    if (count.Step()) page.total = count.Int(0);
    if (!count.status().ok()) return count.status().error();

    Statement rows(db_.get(), page_sql);
    if (!pattern.empty()) rows.Bind(1, pattern);
    rows.Bind(2, limit).Bind(3, offset);
    while (rows.Step())
        page.items.push_back(ReadTrack(rows).track);
    if (!rows.status().ok()) return rows.status().error();
    return page;
}

Result<CatalogPage> ServerDatabase::ListTracks(int64_t offset, int64_t limit) {
    std::string sql = std::string("SELECT ") + kTrackColumns + " FROM tracks" + kCatalogOrder +
                      " LIMIT ?2 OFFSET ?3";
    return QueryPage("SELECT COUNT(*) FROM tracks", sql.c_str(), "", offset, limit);
}

Result<CatalogPage> ServerDatabase::SearchTracks(const std::string& query, int64_t offset,
                                                 int64_t limit) {
    std::string count_sql = std::string("SELECT COUNT(*) FROM tracks") + kSearchWhere;
    std::string sql = std::string("SELECT ") + kTrackColumns + " FROM tracks" + kSearchWhere +
                      kCatalogOrder + " LIMIT ?2 OFFSET ?3";
    return QueryPage(count_sql.c_str(), sql.c_str(), ContainsPattern(query), offset, limit);
}

Result<std::vector<StaleVersion>> ServerDatabase::StaleVersions() {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_.get(),
                "SELECT v.track_id, v.version, t.ingested_at FROM track_versions v JOIN tracks t "
                "ON t.id = v.track_id WHERE v.version <> t.version ORDER BY v.track_id, v.version");
    std::vector<StaleVersion> stale;
    while (s.Step())
        stale.push_back({s.Text(0), static_cast<int>(s.Int(1)), s.Int(2)});
    if (!s.status().ok()) return s.status().error();
    return stale;
}

}  // namespace tonearm::server
