#include "server-mock/variant_encoder.h"

#include <vorbis/codec.h>
#include <vorbis/vorbisenc.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace tonearm::server {
namespace {

constexpr int kPageTargetBytes = 4096;
constexpr int kFeedFrames = 4096;
constexpr int kStepKbps = 8;

// Tries average-bitrate mode at exactly kbps; on failure leaves *info cleared
// and re-initialised. As oggenc -b does, the bitrate management engine is
// switched off after the setup: libvorbisenc then encodes VBR at the quality
// that the setup derived from kbps, which averages close to kbps at a quarter
// of the CPU cost of managing every packet (measured by ingest_bench).
bool TryManaged(vorbis_info* info, const PcmAudio& pcm, int kbps) {
    if (vorbis_encode_setup_managed(info, pcm.channels, pcm.sample_rate, -1, kbps * 1000L, -1) ==
            0 &&
        vorbis_encode_ctl(info, OV_ECTL_RATEMANAGE2_SET, nullptr) == 0 &&
        vorbis_encode_setup_init(info) == 0) {
        return true;
    }
    vorbis_info_clear(info);
    vorbis_info_init(info);
    return false;
}

// libvorbis' documented nominal bitrates of quality 0..10 for stereo 44.1 kHz.
constexpr int kQualityKbps[] = {64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 500};

float QualityForKbps(int kbps) {
    for (int q = 1; q < 11; ++q) {
        if (kbps <= kQualityKbps[q]) {
            float fraction = static_cast<float>(kbps - kQualityKbps[q - 1]) /
                             static_cast<float>(kQualityKbps[q] - kQualityKbps[q - 1]);
            return std::max(0.0f, (static_cast<float>(q - 1) + fraction) / 10.0f);
        }
    }
    return 1.0f;
}

// Sets up *info for the bitrate nearest target_kbps that libvorbisenc accepts.
Status SetUpEncoder(vorbis_info* info, const PcmAudio& pcm, int target_kbps, EncodedVariant* out) {
    // Candidates by distance from the target: target, target - 8, target + 8, ...
    std::vector<int> candidates = {target_kbps};
    for (int distance = kStepKbps; distance <= target_kbps + 512; distance += kStepKbps) {
        if (target_kbps - distance >= kStepKbps) candidates.push_back(target_kbps - distance);
        candidates.push_back(target_kbps + distance);
    }
    for (int kbps : candidates) {
        if (TryManaged(info, pcm, kbps)) {
            out->nominal_kbps = kbps;
            return Status::Ok();
        }
    }
    // No managed setup exists (rates above 50 kHz): use the VBR quality whose
    // typical stereo 44.1 kHz bitrate matches the rung.
    if (vorbis_encode_init_vbr(info, pcm.channels, pcm.sample_rate, QualityForKbps(target_kbps)) ==
        0) {
        out->nominal_kbps = 0;
        out->abr = false;
        return Status::Ok();
    }
    return MakeError(ErrorCode::kUnsupported, "libvorbisenc cannot encode " +
                                                  std::to_string(pcm.channels) + " channels at " +
                                                  std::to_string(pcm.sample_rate) + " Hz");
}

class PageWriter {
public:
    explicit PageWriter(uint32_t serial) { ogg_stream_init(&stream_, static_cast<int>(serial)); }
    ~PageWriter() { ogg_stream_clear(&stream_); }

    // Adds a packet; flushes a page once enough bytes wait, so pages end on packets.
    void Add(ogg_packet* packet, std::string* out) {
        ogg_stream_packetin(&stream_, packet);
        pending_ += packet->bytes;
        if (pending_ >= kPageTargetBytes || packet->e_o_s) Flush(out);
    }

    void Flush(std::string* out) {
        ogg_page page;
        while (ogg_stream_flush(&stream_, &page) != 0) {
            out->append(reinterpret_cast<const char*>(page.header),
                        static_cast<size_t>(page.header_len));
            out->append(reinterpret_cast<const char*>(page.body),
                        static_cast<size_t>(page.body_len));
        }
        pending_ = 0;
    }

private:
    ogg_stream_state stream_;
    long pending_ = 0;
};

struct EncoderState {
    vorbis_info info;
    vorbis_comment comment;
    vorbis_dsp_state dsp;
    vorbis_block block;
    bool analysis_started = false;

    EncoderState() {
        vorbis_info_init(&info);
        vorbis_comment_init(&comment);
    }
    ~EncoderState() {
        if (analysis_started) {
            vorbis_block_clear(&block);
            vorbis_dsp_clear(&dsp);
        }
        vorbis_comment_clear(&comment);
        vorbis_info_clear(&info);
    }
};

void DrainPackets(EncoderState* enc, PageWriter* writer, std::string* out) {
    ogg_packet packet;
    while (vorbis_analysis_blockout(&enc->dsp, &enc->block) == 1) {
        vorbis_analysis(&enc->block, nullptr);
        vorbis_bitrate_addblock(&enc->block);
        while (vorbis_bitrate_flushpacket(&enc->dsp, &packet) == 1)
            writer->Add(&packet, out);
    }
}

void FeedFrames(EncoderState* enc, const PcmAudio& pcm, int64_t first, int count) {
    float** buffer = vorbis_analysis_buffer(&enc->dsp, count);
    const float* src = pcm.samples.data() + first * pcm.channels;
    for (int f = 0; f < count; ++f) {
        for (int c = 0; c < pcm.channels; ++c)
            buffer[c][f] = src[f * pcm.channels + c];
    }
    vorbis_analysis_wrote(&enc->dsp, count);
}

}  // namespace

Result<EncodedVariant> EncodeVariant(const PcmAudio& pcm, int target_kbps, uint32_t serial) {
    EncodedVariant out;
    EncoderState enc;
    Status setup = SetUpEncoder(&enc.info, pcm, target_kbps, &out);
    if (!setup.ok()) return setup.error();
    vorbis_comment_add_tag(&enc.comment, "ENCODER", "tonearm-server");
    vorbis_analysis_init(&enc.dsp, &enc.info);
    vorbis_block_init(&enc.dsp, &enc.block);
    enc.analysis_started = true;

    PageWriter writer(serial);
    ogg_packet id, comments, codebooks;
    vorbis_analysis_headerout(&enc.dsp, &enc.comment, &id, &comments, &codebooks);
    writer.Add(&id, &out.bytes);
    writer.Flush(&out.bytes);  // the identification header has a page of its own by spec
    writer.Add(&comments, &out.bytes);
    writer.Add(&codebooks, &out.bytes);
    writer.Flush(&out.bytes);
    out.header_bytes = static_cast<int64_t>(out.bytes.size());

    for (int64_t first = 0; first < pcm.frames(); first += kFeedFrames) {
        int count = static_cast<int>(std::min<int64_t>(kFeedFrames, pcm.frames() - first));
        FeedFrames(&enc, pcm, first, count);
        DrainPackets(&enc, &writer, &out.bytes);
    }
    vorbis_analysis_wrote(&enc.dsp, 0);
    DrainPackets(&enc, &writer, &out.bytes);
    writer.Flush(&out.bytes);
    return out;
}

}  // namespace tonearm::server
