#include "server-mock/source_audio.h"

#include <vorbis/vorbisfile.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "server-mock/ogg_pages.h"

namespace tonearm::server {
namespace {

struct MemoryFile {
    const std::string* bytes;
    size_t pos = 0;
};

size_t ReadMemory(void* ptr, size_t size, size_t count, void* source) {
    auto* file = static_cast<MemoryFile*>(source);
    if (size == 0) return 0;
    size_t n = std::min(size * count, file->bytes->size() - file->pos) / size;
    std::memcpy(ptr, file->bytes->data() + file->pos, n * size);
    file->pos += n * size;
    return n;
}

int SeekMemory(void* source, ogg_int64_t offset, int whence) {
    auto* file = static_cast<MemoryFile*>(source);
    int64_t base = 0;
    if (whence == SEEK_CUR) base = static_cast<int64_t>(file->pos);
    if (whence == SEEK_END) base = static_cast<int64_t>(file->bytes->size());
    int64_t target = base + offset;
    if (target < 0 || target > static_cast<int64_t>(file->bytes->size())) return -1;
    file->pos = static_cast<size_t>(target);
    return 0;
}

long TellMemory(void* source) { return static_cast<long>(static_cast<MemoryFile*>(source)->pos); }

Error Corrupt(const std::string& reason) { return MakeError(ErrorCode::kCorrupt, reason); }

// Checks the page structure before vorbisfile sees it: vorbisfile quietly
// stops at damage or at a cut, which would ingest half a track.
Status CheckPages(const std::string& bytes) {
    if (bytes.size() < 4 || bytes.compare(0, 4, "OggS") != 0) {
        return Corrupt("not an Ogg Vorbis file");
    }
    OggLayout layout = ScanOggPages(bytes);
    if (layout.damaged_at >= 0) {
        return Corrupt("corrupt: damaged Ogg data at byte " + std::to_string(layout.damaged_at));
    }
    if (layout.trailing_bytes > 0) {
        return Corrupt("truncated: the file ends inside an Ogg page (" +
                       std::to_string(layout.trailing_bytes) + " stray bytes at the end)");
    }
    if (layout.pages.empty() || !layout.pages.back().eos) {
        return Corrupt("truncated: the stream ends without its end-of-stream page");
    }
    return Status::Ok();
}

Error OpenError(int rc) {
    switch (rc) {
        case OV_ENOTVORBIS: return Corrupt("not an Ogg Vorbis file (the Ogg stream is not Vorbis)");
        case OV_EBADHEADER: return Corrupt("corrupt: invalid Vorbis headers");
        case OV_EVERSION: return MakeError(ErrorCode::kUnsupported, "unsupported Vorbis version");
        default:
            return Corrupt("corrupt: vorbisfile cannot open the stream (error " +
                           std::to_string(rc) + ")");
    }
}

SourceTags ReadTags(OggVorbis_File* vf) {
    std::vector<std::string> comments;
    if (vorbis_comment* vc = ov_comment(vf, 0)) {
        for (int i = 0; i < vc->comments; ++i) {
            comments.emplace_back(vc->user_comments[i],
                                  static_cast<size_t>(vc->comment_lengths[i]));
        }
    }
    SourceTags tags;
    tags.title = FindTag(comments, "TITLE");
    tags.artist = FindTag(comments, "ARTIST");
    tags.album = FindTag(comments, "ALBUM");
    tags.track_number = ParseTrackNumber(FindTag(comments, "TRACKNUMBER"));
    return tags;
}

Status DecodeAll(OggVorbis_File* vf, PcmAudio* pcm) {
    vorbis_info* first = ov_info(vf, 0);
    pcm->sample_rate = static_cast<int>(first->rate);
    pcm->channels = first->channels;
    ogg_int64_t total = ov_pcm_total(vf, -1);
    if (total > 0) pcm->samples.reserve(static_cast<size_t>(total * pcm->channels));
    while (true) {
        float** channels = nullptr;
        int link = 0;
        long frames = ov_read_float(vf, &channels, 4096, &link);
        if (frames == 0) break;
        if (frames < 0) {
            return Corrupt("corrupt: undecodable audio near sample " +
                           std::to_string(pcm->frames()));
        }
        vorbis_info* info = ov_info(vf, link);
        if (info->channels != pcm->channels || info->rate != pcm->sample_rate) {
            return MakeError(ErrorCode::kUnsupported,
                             "chained links with different rates or channel counts");
        }
        for (long f = 0; f < frames; ++f) {
            for (int c = 0; c < pcm->channels; ++c)
                pcm->samples.push_back(channels[c][f]);
        }
    }
    if (pcm->frames() == 0) return Corrupt("the stream holds no audio");
    return Status::Ok();
}

}  // namespace

Result<DecodedSource> DecodeSource(const std::string& bytes) {
    Status pages = CheckPages(bytes);
    if (!pages.ok()) return pages.error();

    MemoryFile file{&bytes};
    OggVorbis_File vf;
    int rc = ov_open_callbacks(&file, &vf, nullptr, 0,
                               ov_callbacks{ReadMemory, SeekMemory, nullptr, TellMemory});
    if (rc != 0) return OpenError(rc);

    DecodedSource source;
    source.tags = ReadTags(&vf);
    Status decoded = DecodeAll(&vf, &source.pcm);
    ov_clear(&vf);
    if (!decoded.ok()) return decoded.error();
    return source;
}

std::string FindTag(const std::vector<std::string>& comments, const std::string& name) {
    for (const std::string& comment : comments) {
        size_t eq = comment.find('=');
        if (eq != name.size()) continue;
        bool same = std::equal(name.begin(), name.end(), comment.begin(), [](char a, char b) {
            return std::toupper(static_cast<unsigned char>(a)) ==
                   std::toupper(static_cast<unsigned char>(b));
        });
        if (same && eq + 1 < comment.size()) return comment.substr(eq + 1);
    }
    return "";
}

int ParseTrackNumber(const std::string& value) {
    int number = 0;
    size_t i = value.find_first_not_of(" \t");
    for (; i < value.size() && std::isdigit(static_cast<unsigned char>(value[i])); ++i) {
        number = number * 10 + (value[i] - '0');
        if (number > 100000) return 0;
    }
    return number;
}

}  // namespace tonearm::server
