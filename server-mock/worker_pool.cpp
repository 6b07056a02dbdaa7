#include "server-mock/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace tonearm::server {

int DefaultWorkerCount() {
    unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : static_cast<int>(cores);
}

void ParallelFor(size_t count, int worker_count, const std::function<void(size_t)>& job) {
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1))
            job(i);
    };
    size_t threads = std::min(count, static_cast<size_t>(std::max(1, worker_count)));
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (size_t t = 0; t < threads; ++t)
        pool.emplace_back(worker);
    for (std::thread& t : pool)
        t.join();
}

}  // namespace tonearm::server
