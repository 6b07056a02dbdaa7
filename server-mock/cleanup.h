// `tonearm-server cleanup`: removes audio of versions that re-ingests replaced.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/result.h"

namespace tonearm::server {

struct CleanupOptions {
    std::string data_dir;
    // Keep a replaced version until its successor is at least this old, so
    // that URLs signed for it (valid for --url-ttl) have expired. Default:
    // the default URL lifetime.
    int64_t min_age_seconds = 3600;
};

// Deletes DATA/audio/<id>/v<N> for every version N that is not the track's
// current one and was replaced at least min_age_seconds ago, plus folders
// left by interrupted ingests of tracks that are in the catalog. Prints one
// line per removed folder and a summary to out; returns the number removed.
// Fails with kIo if the database cannot be read.
Result<int> RunCleanup(const CleanupOptions& options, std::ostream& out);

}  // namespace tonearm::server
