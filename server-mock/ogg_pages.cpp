#include "server-mock/ogg_pages.h"

#include <ogg/ogg.h>

#include <cstring>

namespace tonearm::server {

OggLayout ScanOggPages(const std::string& bytes) {
    OggLayout layout;
    ogg_sync_state sync;
    ogg_sync_init(&sync);
    char* buffer = ogg_sync_buffer(&sync, static_cast<long>(bytes.size()));
    std::memcpy(buffer, bytes.data(), bytes.size());
    ogg_sync_wrote(&sync, static_cast<long>(bytes.size()));

    int64_t offset = 0;
    ogg_page page;
    while (true) {
        long n = ogg_sync_pageseek(&sync, &page);
        if (n == 0) break;
        if (n < 0) {
            if (layout.damaged_at < 0) layout.damaged_at = offset;
            offset += -n;
            continue;
        }
        OggPage p;
        p.offset = offset;
        p.size = n;
        p.granule = ogg_page_granulepos(&page);
        p.serial = static_cast<uint32_t>(ogg_page_serialno(&page));
        p.continued = ogg_page_continued(&page) != 0;
        p.bos = ogg_page_bos(&page) != 0;
        p.eos = ogg_page_eos(&page) != 0;
        layout.pages.push_back(p);
        offset += n;
    }
    layout.trailing_bytes = static_cast<int64_t>(bytes.size()) - offset;
    ogg_sync_clear(&sync);
    return layout;
}

std::vector<SeekPoint> BuildSeekIndex(const OggLayout& layout, int64_t header_bytes,
                                      int64_t interval_samples) {
    std::vector<SeekPoint> index;
    int64_t next_target = interval_samples;
    int64_t previous_granule = -1;
    for (const OggPage& page : layout.pages) {
        if (page.offset < header_bytes) {
            previous_granule = page.granule;
            continue;
        }
        if (index.empty()) {
            // The first audio page follows the header pages, whose granule is 0.
            index.push_back({previous_granule < 0 ? 0 : previous_granule, page.offset});
        } else if (!page.continued && previous_granule >= next_target) {
            index.push_back({previous_granule, page.offset});
            next_target = (previous_granule / interval_samples + 1) * interval_samples;
        }
        if (page.granule >= 0) previous_granule = page.granule;
    }
    return index;
}

}  // namespace tonearm::server
