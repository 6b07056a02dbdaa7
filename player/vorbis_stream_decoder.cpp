#include "player/vorbis_stream_decoder.h"

#include <algorithm>
#include <cstring>

namespace tonearm::player {

VorbisStreamDecoder::VorbisStreamDecoder() {
    ogg_sync_init(&sync_);
    vorbis_info_init(&vi_);
    vorbis_comment_init(&vc_);
}

VorbisStreamDecoder::~VorbisStreamDecoder() {
    ClearCodec();
    vorbis_comment_clear(&vc_);
    vorbis_info_clear(&vi_);
    if (stream_ready_) ogg_stream_clear(&stream_);
    ogg_sync_clear(&sync_);
}

void VorbisStreamDecoder::ClearCodec() {
    if (!codec_ready_) return;
    vorbis_block_clear(&block_);
    vorbis_dsp_clear(&dsp_);
    codec_ready_ = false;
}

Status VorbisStreamDecoder::Open(const std::string& header_pages) {
    ClearCodec();
    vorbis_comment_clear(&vc_);
    vorbis_info_clear(&vi_);
    vorbis_info_init(&vi_);
    vorbis_comment_init(&vc_);
    if (stream_ready_) ogg_stream_clear(&stream_);
    stream_ready_ = false;

    ogg_sync_reset(&sync_);
    char* buffer = ogg_sync_buffer(&sync_, static_cast<long>(header_pages.size()));
    std::memcpy(buffer, header_pages.data(), header_pages.size());
    ogg_sync_wrote(&sync_, static_cast<long>(header_pages.size()));

    int headers = 0;
    ogg_page page;
    while (headers < 3 && ogg_sync_pageout(&sync_, &page) == 1) {
        if (!stream_ready_) {
            ogg_stream_init(&stream_, ogg_page_serialno(&page));
            stream_ready_ = true;
        }
        ogg_stream_pagein(&stream_, &page);
        ogg_packet packet;
        while (headers < 3 && ogg_stream_packetout(&stream_, &packet) == 1) {
            if (vorbis_synthesis_headerin(&vi_, &vc_, &packet) != 0) {
                return MakeError(ErrorCode::kCorrupt,
                                 "header packet " + std::to_string(headers) + " is not Vorbis");
            }
            ++headers;
        }
    }
    if (headers < 3) {
        return MakeError(ErrorCode::kCorrupt, "header pages hold fewer than three packets");
    }
    info_.sample_rate = static_cast<int>(vi_.rate);
    info_.channels = vi_.channels;
    pending_.assign(static_cast<size_t>(info_.channels), {});
    Restart(true, 0);
    return Status::Ok();
}

void VorbisStreamDecoder::Restart(bool stream_start, int64_t duration_samples) {
    ClearCodec();
    vorbis_synthesis_init(&dsp_, &vi_);
    vorbis_block_init(&dsp_, &block_);
    codec_ready_ = true;

    ogg_sync_reset(&sync_);
    ogg_stream_reset(&stream_);
    stream_start_ = stream_start;
    next_sample_ = stream_start ? 0 : -1;
    duration_ = duration_samples;
    reached_end_ = false;
    for (auto& channel : pending_)
        channel.clear();
}

void VorbisStreamDecoder::Feed(const char* data, size_t size, const FrameSink& sink) {
    if (!codec_ready_ || reached_end_) return;
    char* buffer = ogg_sync_buffer(&sync_, static_cast<long>(size));
    std::memcpy(buffer, data, size);
    ogg_sync_wrote(&sync_, static_cast<long>(size));

    ogg_page page;
    for (;;) {
        int result = ogg_sync_pageout(&sync_, &page);
        if (result == 0) break;
        if (result < 0) {
            ++warnings_;  // skipped bytes while looking for the next page
            continue;
        }
        HandlePage(&page, sink);
        if (reached_end_) break;
    }
}

void VorbisStreamDecoder::HandlePage(ogg_page* page, const FrameSink& sink) {
    if (ogg_page_serialno(page) != stream_.serialno) {
        ++warnings_;  // a page of another logical stream; chaining is not supported
        return;
    }
    if (ogg_stream_pagein(&stream_, page) != 0) {
        ++warnings_;
        return;
    }

    ogg_packet packet;
    for (;;) {
        int result = ogg_stream_packetout(&stream_, &packet);
        if (result == 0) break;
        if (result < 0) {
            // A hole: earlier samples no longer overlap with what follows, so
            // start over as after a seek and take the position from the next granule.
            ++warnings_;
            vorbis_synthesis_restart(&dsp_);
            for (auto& channel : pending_)
                channel.clear();
            next_sample_ = -1;
            stream_start_ = false;
            continue;
        }
        DecodePacket(&packet);
    }

    int64_t granule = ogg_page_granulepos(page);
    if (granule >= 0) EmitPending(granule, ogg_page_eos(page) != 0, sink);
}

void VorbisStreamDecoder::DecodePacket(ogg_packet* packet) {
    if (vorbis_synthesis(&block_, packet) != 0 || vorbis_synthesis_blockin(&dsp_, &block_) != 0) {
        ++warnings_;
        return;
    }
    float** pcm = nullptr;
    int frames;
    while ((frames = vorbis_synthesis_pcmout(&dsp_, &pcm)) > 0) {
        for (int c = 0; c < info_.channels; ++c) {
            pending_[c].insert(pending_[c].end(), pcm[c], pcm[c] + frames);
        }
        vorbis_synthesis_read(&dsp_, frames);
    }
}

void VorbisStreamDecoder::EmitPending(int64_t page_granule, bool last_page, const FrameSink& sink) {
    const int64_t count = pending_.empty() ? 0 : static_cast<int64_t>(pending_[0].size());
    int64_t start;
    if (stream_start_) {
        // The first page may end before its samples do: the excess is trimmed
        // from the beginning (a last page instead trims the end, below).
        start = last_page ? 0 : page_granule - count;
    } else if (next_sample_ >= 0 && (last_page || next_sample_ + count == page_granule)) {
        start = next_sample_;
    } else {
        // Unknown or inconsistent position: the page's samples end at its
        // granule. That is a guess on a last page, whose granule may cut its
        // samples short, so it counts as a warning there (callers restart at
        // least one page earlier, as vorbisfile does).
        if (next_sample_ >= 0 || last_page) ++warnings_;
        start = page_granule - count;
    }

    int64_t end = start + count;
    if (last_page) end = std::min(end, page_granule);
    if (duration_ > 0) end = std::min(end, duration_);
    int64_t first = std::max<int64_t>(start, 0);
    if (end > first) {
        std::vector<const float*> channels(pending_.size());
        for (size_t c = 0; c < pending_.size(); ++c)
            channels[c] = pending_[c].data() + (first - start);
        sink(channels.data(), static_cast<int>(end - first), first);
    }

    next_sample_ = start + count;
    stream_start_ = false;
    reached_end_ = last_page || (duration_ > 0 && next_sample_ >= duration_);
    for (auto& channel : pending_)
        channel.clear();
}

}  // namespace tonearm::player
