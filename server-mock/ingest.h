// `tonearm-server ingest`: turns Ogg Vorbis sources into catalog entries.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/result.h"

namespace tonearm::server {

struct IngestOptions {
    std::string data_dir;
    std::vector<std::string> paths;  // files, or folders searched recursively for *.ogg / *.oga
    int workers = 0;                 // 0: one per core
};

struct IngestSummary {
    int ingested = 0;
    int unchanged = 0;
    int failed = 0;
};

// Ingests every source (see docs/server.md): decodes and checks it, measures
// its loudness, encodes the 96/160/320 kbps variants on a pool of worker
// threads over (file, variant) jobs, writes DATA/audio/<id>/v<version>/ and
// records the track in DATA/server.db. A source whose content is already
// ingested is "unchanged"; changed content becomes the next version. One line
// per source goes to out ("ingested ...", "unchanged ...") or err
// ("failed PATH: reason"), then a summary line to out. A failing source does
// not stop the others. Fails only if DATA itself cannot be used.
// Call from one thread; it starts and joins its own workers.
Result<IngestSummary> RunIngest(const IngestOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tonearm::server
