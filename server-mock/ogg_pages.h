// Ogg page layout of a complete file held in memory: where each page starts,
// what it ends, and the seek index built from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/wire.h"

namespace tonearm::server {

struct OggPage {
    int64_t offset = 0;    // byte offset of "OggS" in the file
    int64_t size = 0;      // header plus body bytes
    int64_t granule = -1;  // granule position; -1 when no packet ends on this page
    uint32_t serial = 0;
    bool continued = false;  // the first packet started on an earlier page
    bool bos = false;
    bool eos = false;
};

struct OggLayout {
    std::vector<OggPage> pages;  // in file order, each with a valid CRC
    int64_t damaged_at = -1;     // offset of the first bytes that are not a valid page, or -1
    int64_t trailing_bytes = 0;  // bytes after the last complete page (an unfinished page)
};

// Splits bytes into pages with libogg, checking each page's CRC. Never fails:
// damage and an unfinished last page are reported in the layout. Thread-safe.
OggLayout ScanOggPages(const std::string& bytes);

// Builds the seek index of an encoded variant: the first audio page (the one
// at header_bytes), then, for each multiple of interval_samples, the first
// later page that begins with a fresh packet and whose predecessor ends at or
// after that multiple. Each point holds the granule of the previous page and
// the offset of its page, so decoding from that offset yields the samples
// after the granule once the decoder has primed on the first packet.
std::vector<SeekPoint> BuildSeekIndex(const OggLayout& layout, int64_t header_bytes,
                                      int64_t interval_samples);

}  // namespace tonearm::server
