// Runs independent jobs on a fixed number of threads.
#pragma once

#include <cstddef>
#include <functional>

namespace tonearm::server {

// The number of worker threads ingest uses: one per core the system reports
// (std::thread::hardware_concurrency), at least 1.
int DefaultWorkerCount();

// Calls job(i) for every i in [0, count) on up to worker_count threads (the
// calling thread waits and does not run jobs) and returns when all are done.
// Jobs are handed out in index order; each runs exactly once. Jobs must not
// throw and must synchronise any state they share.
void ParallelFor(size_t count, int worker_count, const std::function<void(size_t)>& job);

}  // namespace tonearm::server
