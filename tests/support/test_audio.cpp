#include "tests/support/test_audio.h"

#include <vorbis/codec.h>
#include <vorbis/vorbisenc.h>
#include <vorbis/vorbisfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numbers>

namespace tonearm::testing {
namespace {

constexpr int kStreamSerial = 0x546e6172;  // fixed, so encodes are reproducible
constexpr int kEncodeBlockFrames = 1024;

int64_t FrameCount(double seconds, int rate) {
    return static_cast<int64_t>(std::llround(seconds * rate));
}

PcmBuffer Blank(double seconds, int rate, int channels) {
    PcmBuffer pcm;
    pcm.sample_rate = rate;
    pcm.channels = channels;
    pcm.samples.assign(static_cast<size_t>(FrameCount(seconds, rate) * channels), 0.0f);
    return pcm;
}

// Owns the libvorbis encoder state and writes finished pages to a FILE.
class VorbisWriter {
public:
    VorbisWriter() {
        vorbis_info_init(&info_);
        vorbis_comment_init(&comment_);
    }
    ~VorbisWriter() {
        if (started_) {
            ogg_stream_clear(&stream_);
            vorbis_block_clear(&block_);
            vorbis_dsp_clear(&dsp_);
        }
        vorbis_comment_clear(&comment_);
        vorbis_info_clear(&info_);
    }

    Status Init(const PcmBuffer& pcm, float quality, const std::vector<std::string>& comments) {
        if (vorbis_encode_init_vbr(&info_, pcm.channels, pcm.sample_rate, quality) != 0) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "libvorbisenc refuses " + std::to_string(pcm.channels) +
                                 " channels at " + std::to_string(pcm.sample_rate) + " Hz");
        }
        for (const std::string& c : comments)
            vorbis_comment_add(&comment_, c.c_str());
        vorbis_analysis_init(&dsp_, &info_);
        vorbis_block_init(&dsp_, &block_);
        ogg_stream_init(&stream_, kStreamSerial);
        started_ = true;

        ogg_packet id, comm, code;
        vorbis_analysis_headerout(&dsp_, &comment_, &id, &comm, &code);
        ogg_stream_packetin(&stream_, &id);
        ogg_stream_packetin(&stream_, &comm);
        ogg_stream_packetin(&stream_, &code);
        return Status::Ok();
    }

    void WriteHeaders(std::string* out) {
        ogg_page page;
        while (ogg_stream_flush(&stream_, &page) != 0)
            Append(page, out);
    }

    // Feeds frames [first, first + count); count 0 marks the end of the stream.
    void Feed(const PcmBuffer& pcm, int64_t first, int count, std::string* out) {
        if (count > 0) {
            float** buffer = vorbis_analysis_buffer(&dsp_, count);
            for (int f = 0; f < count; ++f) {
                for (int c = 0; c < pcm.channels; ++c) {
                    buffer[c][f] = pcm.samples[static_cast<size_t>((first + f) * pcm.channels + c)];
                }
            }
        }
        vorbis_analysis_wrote(&dsp_, count);
        Drain(out);
    }

private:
    void Drain(std::string* out) {
        ogg_packet packet;
        ogg_page page;
        while (vorbis_analysis_blockout(&dsp_, &block_) == 1) {
            vorbis_analysis(&block_, nullptr);
            vorbis_bitrate_addblock(&block_);
            while (vorbis_bitrate_flushpacket(&dsp_, &packet) == 1) {
                ogg_stream_packetin(&stream_, &packet);
                while (ogg_stream_pageout(&stream_, &page) != 0)
                    Append(page, out);
            }
        }
        if (ogg_stream_eos(&stream_)) {
            while (ogg_stream_flush(&stream_, &page) != 0)
                Append(page, out);
        }
    }

    static void Append(const ogg_page& page, std::string* out) {
        out->append(reinterpret_cast<const char*>(page.header),
                    static_cast<size_t>(page.header_len));
        out->append(reinterpret_cast<const char*>(page.body), static_cast<size_t>(page.body_len));
    }

    vorbis_info info_;
    vorbis_comment comment_;
    vorbis_dsp_state dsp_;
    vorbis_block block_;
    ogg_stream_state stream_;
    bool started_ = false;
};

// vorbisfile callbacks over a string held in memory.
struct MemorySource {
    const std::string* bytes;
    size_t pos = 0;
};

size_t MemRead(void* ptr, size_t size, size_t nmemb, void* source) {
    auto* src = static_cast<MemorySource*>(source);
    size_t want = size * nmemb;
    size_t n = std::min(want, src->bytes->size() - src->pos);
    std::memcpy(ptr, src->bytes->data() + src->pos, n);
    src->pos += n;
    return size == 0 ? 0 : n / size;
}

int MemSeek(void* source, ogg_int64_t offset, int whence) {
    auto* src = static_cast<MemorySource*>(source);
    int64_t base = whence == SEEK_SET   ? 0
                   : whence == SEEK_CUR ? static_cast<int64_t>(src->pos)
                                        : static_cast<int64_t>(src->bytes->size());
    int64_t target = base + offset;
    if (target < 0 || target > static_cast<int64_t>(src->bytes->size())) return -1;
    src->pos = static_cast<size_t>(target);
    return 0;
}

long MemTell(void* source) { return static_cast<long>(static_cast<MemorySource*>(source)->pos); }

Result<PcmBuffer> DecodeOpened(OggVorbis_File* vf) {
    PcmBuffer pcm;
    vorbis_info* first = ov_info(vf, -1);
    pcm.sample_rate = static_cast<int>(first->rate);
    pcm.channels = first->channels;
    while (true) {
        float** channels = nullptr;
        int link = 0;
        long frames = ov_read_float(vf, &channels, 4096, &link);
        if (frames == 0) break;
        if (frames == OV_HOLE) return MakeError(ErrorCode::kCorrupt, "stream has a hole");
        if (frames < 0) return MakeError(ErrorCode::kCorrupt, "undecodable packet");
        vorbis_info* info = ov_info(vf, link);
        if (info->channels != pcm.channels || info->rate != pcm.sample_rate) {
            return MakeError(ErrorCode::kCorrupt, "chained link changes rate or channels");
        }
        for (long f = 0; f < frames; ++f) {
            for (int c = 0; c < pcm.channels; ++c)
                pcm.samples.push_back(channels[c][f]);
        }
    }
    return pcm;
}

}  // namespace

PcmBuffer MakeSine(double freq_hz, double seconds, int rate, int channels, float amplitude) {
    PcmBuffer pcm = Blank(seconds, rate, channels);
    const double step = 2.0 * std::numbers::pi * freq_hz / rate;
    for (int64_t f = 0; f < pcm.frames(); ++f) {
        float v = amplitude * static_cast<float>(std::sin(step * static_cast<double>(f)));
        for (int c = 0; c < channels; ++c)
            pcm.samples[static_cast<size_t>(f * channels + c)] = v;
    }
    return pcm;
}

PcmBuffer MakeClickTrain(double interval_s, double seconds, int rate, int channels) {
    PcmBuffer pcm = Blank(seconds, rate, channels);
    const int64_t interval = std::max<int64_t>(1, FrameCount(interval_s, rate));
    for (int64_t f = 0; f < pcm.frames(); f += interval) {
        for (int c = 0; c < channels; ++c)
            pcm.samples[static_cast<size_t>(f * channels + c)] = 0.9f;
    }
    return pcm;
}

PcmBuffer MakeSilence(double seconds, int rate, int channels) {
    return Blank(seconds, rate, channels);
}

Status WriteOggVorbis(const std::string& path, const PcmBuffer& pcm, float quality,
                      const std::vector<std::string>& comments) {
    VorbisWriter writer;
    Status init = writer.Init(pcm, quality, comments);
    if (!init.ok()) return init.error().Wrap("cannot encode " + path);

    std::string bytes;
    writer.WriteHeaders(&bytes);
    for (int64_t first = 0; first < pcm.frames(); first += kEncodeBlockFrames) {
        int count = static_cast<int>(std::min<int64_t>(kEncodeBlockFrames, pcm.frames() - first));
        writer.Feed(pcm, first, count, &bytes);
    }
    writer.Feed(pcm, pcm.frames(), 0, &bytes);
    return WriteFileBytes(path, bytes);
}

Result<PcmBuffer> DecodeOggVorbisBytes(const std::string& bytes) {
    MemorySource source{&bytes};
    ov_callbacks callbacks{MemRead, MemSeek, nullptr, MemTell};
    OggVorbis_File vf;
    int rc = ov_open_callbacks(&source, &vf, nullptr, 0, callbacks);
    if (rc != 0) {
        return MakeError(ErrorCode::kCorrupt, "not a valid Ogg Vorbis stream (vorbisfile error " +
                                                  std::to_string(rc) + ")");
    }
    Result<PcmBuffer> pcm = DecodeOpened(&vf);
    ov_clear(&vf);
    return pcm;
}

Result<PcmBuffer> DecodeOggVorbisFile(const std::string& path) {
    Result<std::string> bytes = ReadFileBytes(path);
    if (!bytes.ok()) return bytes.error();
    Result<PcmBuffer> pcm = DecodeOggVorbisBytes(*bytes);
    if (!pcm.ok()) return pcm.error().Wrap("cannot decode " + path);
    return pcm;
}

Status WriteRawFloat(const std::string& path, const PcmBuffer& pcm) {
    std::string bytes(pcm.samples.size() * sizeof(float), '\0');
    std::memcpy(bytes.data(), pcm.samples.data(), bytes.size());  // the host is little-endian
    return WriteFileBytes(path, bytes);
}

Status WriteWav16(const std::string& path, const PcmBuffer& pcm) {
    auto put16 = [](std::string* s, uint16_t v) {
        s->push_back(static_cast<char>(v & 0xff));
        s->push_back(static_cast<char>(v >> 8));
    };
    auto put32 = [](std::string* s, uint32_t v) {
        for (int i = 0; i < 4; ++i)
            s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    const uint32_t data_bytes = static_cast<uint32_t>(pcm.samples.size() * 2);
    std::string out = "RIFF";
    put32(&out, 36 + data_bytes);
    out += "WAVEfmt ";
    put32(&out, 16);
    put16(&out, 1);  // PCM
    put16(&out, static_cast<uint16_t>(pcm.channels));
    put32(&out, static_cast<uint32_t>(pcm.sample_rate));
    put32(&out, static_cast<uint32_t>(pcm.sample_rate * pcm.channels * 2));
    put16(&out, static_cast<uint16_t>(pcm.channels * 2));
    put16(&out, 16);
    out += "data";
    put32(&out, data_bytes);
    for (float s : pcm.samples) {
        long v = std::lround(std::clamp(s, -1.0f, 1.0f) * 32767.0f);
        put16(&out, static_cast<uint16_t>(static_cast<int16_t>(v)));
    }
    return WriteFileBytes(path, out);
}

Result<std::string> ReadFileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kIo, "cannot open " + path);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return MakeError(ErrorCode::kIo, "cannot read " + path);
    return bytes;
}

Status WriteFileBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return MakeError(ErrorCode::kIo, "cannot write " + path);
    return Status::Ok();
}

}  // namespace tonearm::testing
