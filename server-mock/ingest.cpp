#include "server-mock/ingest.h"

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <optional>
#include <set>

#include "core/crypto.h"
#include "core/log.h"
#include "server-mock/loudness.h"
#include "server-mock/media_store.h"
#include "server-mock/server_db.h"
#include "server-mock/track_builder.h"
#include "server-mock/worker_pool.h"

namespace tonearm::server {
namespace {

namespace fs = std::filesystem;
constexpr const char* kLog = "ingest";
constexpr size_t kRungs = std::size(kLadderKbps);

// One source on its way through ingest.
struct SourceJob {
    std::string path;   // canonical absolute path
    std::string error;  // set when the source failed
    bool unchanged = false;
    std::string source_sha256;
    std::optional<DecodedSource> source;  // dropped once encoded
    Loudness loudness;
    Track track;
    std::optional<BuiltVariant> variants[kRungs];
    std::string variant_errors[kRungs];  // one slot per rung, so workers never share one
};

bool HasAudioExtension(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return ext == ".ogg" || ext == ".oga";
}

// Expands folders and canonicalises; a path that does not exist becomes a failed job.
std::vector<SourceJob> CollectSources(const std::vector<std::string>& paths) {
    std::vector<SourceJob> jobs;
    std::set<std::string> seen;
    auto add = [&](const fs::path& p, const char* error) {
        std::error_code ec;
        std::string canonical = fs::canonical(p, ec).string();
        if (ec) canonical = fs::absolute(p).string();
        if (!seen.insert(canonical).second) return;
        jobs.emplace_back();
        jobs.back().path = canonical;
        jobs.back().error = error;
    };
    for (const std::string& given : paths) {
        std::error_code ec;
        if (fs::is_directory(given, ec)) {
            std::vector<fs::path> found;
            for (auto it = fs::recursive_directory_iterator(
                     given, fs::directory_options::skip_permission_denied, ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                if (it->is_regular_file(ec) && HasAudioExtension(it->path())) {
                    found.push_back(it->path());
                }
            }
            std::sort(found.begin(), found.end());
            for (const fs::path& p : found)
                add(p, "");
        } else {
            add(given, fs::exists(given, ec) ? "" : "no such file or folder");
        }
    }
    return jobs;
}

Result<std::string> ReadWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kIo, "cannot open the file");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return MakeError(ErrorCode::kIo, "cannot read the file");
    return bytes;
}

// Decides new / unchanged, decodes and measures. Runs on a worker thread.
void PrepareSource(SourceJob* job, ServerDatabase* db, MediaStore* store) {
    if (!job->error.empty()) return;
    Result<std::string> bytes = ReadWholeFile(job->path);
    if (!bytes.ok()) {
        job->error = bytes.error().message;
        return;
    }
    job->source_sha256 = crypto::Sha256Hex(*bytes);
    const std::string id = TrackIdForPath(job->path);
    Result<std::optional<TrackRecord>> existing = db->FindTrack(id);
    if (!existing.ok()) {
        job->error = existing.error().message;
        return;
    }
    int version = 1;
    if (existing->has_value()) {
        const TrackRecord& record = **existing;
        job->track = record.track;
        if (record.source_sha256 == job->source_sha256 &&
            store->LoadManifest(id, record.track.version).ok()) {
            job->unchanged = true;
            return;
        }
        version = record.track.version + 1;
    }

    Result<DecodedSource> decoded = DecodeSource(*bytes);
    if (!decoded.ok()) {
        job->error = decoded.error().message;
        return;
    }
    Result<Loudness> loudness = MeasureLoudness(decoded->pcm);
    if (!loudness.ok()) {
        job->error = loudness.error().message;
        return;
    }
    job->loudness = *loudness;
    job->track = MakeTrack(id, version, job->path, *decoded);
    job->source = std::move(*decoded);
}

Status WriteFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return MakeError(ErrorCode::kIo, "cannot write " + path);
    return Status::Ok();
}

// Writes the version folder under a temporary name, renames it into place,
// then records the track. Runs on the ingest thread.
Status CommitTrack(const SourceJob& job, ServerDatabase* db, MediaStore* store) {
    const Track& t = job.track;
    Manifest manifest{t.id,         t.version, t.sample_rate, t.channels, t.duration_samples,
                      job.loudness, {}};
    std::vector<BuiltVariant> built;
    for (const auto& v : job.variants) {
        manifest.variants.push_back(v->variant);
        built.push_back(*v);
    }
    const std::string final_dir = store->VersionDir(t.id, t.version);
    const std::string temp_dir = final_dir + ".partial-" + std::to_string(getpid());
    std::error_code ec;
    fs::remove_all(temp_dir, ec);
    fs::create_directories(temp_dir, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create " + temp_dir + ": " + ec.message());
    for (const BuiltVariant& v : built) {
        Status s =
            WriteFile(temp_dir + "/" + std::to_string(v.variant.kbps) + ".ogg", v.encoded.bytes);
        if (!s.ok()) return s;
    }
    Status s = WriteFile(temp_dir + "/manifest.json", ManifestJson(manifest, built).dump(2) + "\n");
    if (!s.ok()) return s;
    // A folder left by an interrupted run was never recorded in the database.
    fs::remove_all(final_dir, ec);
    fs::rename(temp_dir, final_dir, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot rename " + temp_dir + ": " + ec.message());
    return db->PutTrack(TrackRecord{t, job.path, job.source_sha256});
}

void ReportIngested(const SourceJob& job, std::ostream& out) {
    const Track& t = job.track;
    out << "ingested " << job.path << ": " << t.id << " v" << t.version << ", \"" << t.title
        << "\" by " << t.artist << ", " << std::fixed << std::setprecision(3) << t.DurationSeconds()
        << " s, " << t.sample_rate << " Hz, " << t.channels << " ch, " << std::setprecision(1)
        << job.loudness.integrated_lufs << " LUFS\n";
    for (const auto& v : job.variants) {
        if (v->encoded.nominal_kbps == v->variant.kbps && v->encoded.abr) continue;
        out << "note " << job.path << ": the " << v->variant.kbps << " kbps variant ";
        if (v->encoded.abr) {
            out << "is encoded at " << v->encoded.nominal_kbps << " kbps, the nearest average";
        } else {
            out << "is encoded in VBR mode, as no average";
        }
        out << " libvorbisenc offers for " << t.channels << " ch at " << t.sample_rate
            << " Hz (it averages " << std::setprecision(1) << v->average_kbps << " kbps)\n";
    }
}

// Runs one batch of sources through decode, encode and commit.
void IngestBatch(std::vector<SourceJob*>& batch, int workers, ServerDatabase* db, MediaStore* store,
                 IngestSummary* summary, std::ostream& out, std::ostream& err) {
    ParallelFor(batch.size(), workers, [&](size_t i) { PrepareSource(batch[i], db, store); });
    ParallelFor(batch.size() * kRungs, workers, [&](size_t i) {
        SourceJob* job = batch[i / kRungs];
        if (!job->source.has_value()) return;
        Result<BuiltVariant> built = BuildVariant(job->source->pcm, job->track.id,
                                                  job->track.version, kLadderKbps[i % kRungs]);
        if (built.ok()) {
            job->variants[i % kRungs] = std::move(*built);
        } else {
            job->variant_errors[i % kRungs] = built.error().message;
        }
    });
    for (SourceJob* job : batch) {
        job->source.reset();
        for (const std::string& e : job->variant_errors) {
            if (job->error.empty()) job->error = e;
        }
        if (job->error.empty() && !job->unchanged) {
            Status committed = CommitTrack(*job, db, store);
            if (!committed.ok()) job->error = committed.error().message;
        }
        if (!job->error.empty()) {
            ++summary->failed;
            err << "failed " << job->path << ": " << job->error << "\n";
            LOG_INFO(kLog, "cannot ingest " << log::Quote(job->path) << ": " << job->error);
        } else if (job->unchanged) {
            ++summary->unchanged;
            out << "unchanged " << job->path << ": " << job->track.id << " v" << job->track.version
                << "\n";
        } else {
            ++summary->ingested;
            ReportIngested(*job, out);
        }
        out.flush();
        *job = SourceJob{};  // release the encoded bytes
    }
}

}  // namespace

Result<IngestSummary> RunIngest(const IngestOptions& options, std::ostream& out,
                                std::ostream& err) {
    std::error_code ec;
    fs::create_directories(options.data_dir + "/audio", ec);
    if (ec)
        return MakeError(ErrorCode::kIo, "cannot create " + options.data_dir + ": " + ec.message());
    Result<std::unique_ptr<ServerDatabase>> db =
        ServerDatabase::Open(options.data_dir + "/server.db");
    if (!db.ok()) return db.error();
    MediaStore store(options.data_dir);

    const int workers = options.workers > 0 ? options.workers : DefaultWorkerCount();
    std::vector<SourceJob> jobs = CollectSources(options.paths);
    IngestSummary summary;
    // Batches bound the decoded audio held in memory to one track per worker.
    const size_t batch_size = static_cast<size_t>(workers);
    for (size_t first = 0; first < jobs.size(); first += batch_size) {
        std::vector<SourceJob*> batch;
        for (size_t i = first; i < std::min(jobs.size(), first + batch_size); ++i)
            batch.push_back(&jobs[i]);
        IngestBatch(batch, workers, db->get(), &store, &summary, out, err);
    }
    out << "ingest: " << summary.ingested << " ingested, " << summary.unchanged << " unchanged, "
        << summary.failed << " failed (" << workers << " worker threads)\n";
    return summary;
}

}  // namespace tonearm::server
