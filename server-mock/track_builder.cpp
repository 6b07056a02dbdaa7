#include "server-mock/track_builder.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/crypto.h"
#include "server-mock/ogg_pages.h"

namespace tonearm::server {
namespace {

std::string Trimmed(const std::string& text) {
    std::istringstream words(text);
    std::string word, out;
    while (words >> word)
        out += (out.empty() ? "" : " ") + word;
    return out;
}

}  // namespace

std::string TrackIdForPath(const std::string& canonical_path) {
    return crypto::Sha256Hex(canonical_path).substr(0, 16);
}

uint32_t VariantSerial(const std::string& track_id, int version, int kbps) {
    std::string name = track_id + "/v" + std::to_string(version) + "/" + std::to_string(kbps);
    return static_cast<uint32_t>(std::stoul(crypto::Sha256Hex(name).substr(0, 8), nullptr, 16));
}

std::string TitleFromFileName(const std::string& path) {
    std::string stem = std::filesystem::path(path).stem().string();
    for (char& c : stem) {
        if (c == '_' || c == '-') c = ' ';
    }
    std::string title = Trimmed(stem);
    return title.empty() ? "Untitled" : title;
}

Track MakeTrack(const std::string& track_id, int version, const std::string& path,
                const DecodedSource& source) {
    Track track;
    track.id = track_id;
    track.version = version;
    track.title = Trimmed(source.tags.title);
    if (track.title.empty()) track.title = TitleFromFileName(path);
    track.artist = Trimmed(source.tags.artist);
    if (track.artist.empty()) track.artist = "Unknown Artist";
    track.album = Trimmed(source.tags.album);
    if (track.album.empty()) track.album = "Unknown Album";
    track.track_number = source.tags.track_number;
    track.sample_rate = source.pcm.sample_rate;
    track.channels = source.pcm.channels;
    track.duration_samples = source.pcm.frames();
    return track;
}

Result<BuiltVariant> BuildVariant(const PcmAudio& pcm, const std::string& track_id, int version,
                                  int kbps) {
    Result<EncodedVariant> encoded =
        EncodeVariant(pcm, kbps, VariantSerial(track_id, version, kbps));
    if (!encoded.ok()) return encoded.error().Wrap(std::to_string(kbps) + " kbps variant");

    BuiltVariant built;
    built.encoded = std::move(*encoded);
    const std::string& bytes = built.encoded.bytes;
    OggLayout layout = ScanOggPages(bytes);
    if (layout.pages.empty() || layout.pages.back().granule != pcm.frames()) {
        return MakeError(ErrorCode::kInternal, std::to_string(kbps) +
                                                   " kbps variant does not end at sample " +
                                                   std::to_string(pcm.frames()));
    }

    built.variant.kbps = kbps;
    built.variant.size = static_cast<int64_t>(bytes.size());
    built.variant.sha256 = crypto::Sha256Hex(bytes);
    built.variant.header_bytes = built.encoded.header_bytes;
    built.variant.seek_index =
        BuildSeekIndex(layout, built.encoded.header_bytes,
                       static_cast<int64_t>(std::llround(kSeekIntervalSeconds * pcm.sample_rate)));
    double seconds = static_cast<double>(pcm.frames()) / pcm.sample_rate;
    built.average_kbps =
        static_cast<double>(built.variant.size - built.variant.header_bytes) * 8.0 / seconds / 1000;
    return built;
}

Json ManifestJson(const Manifest& manifest, const std::vector<BuiltVariant>& variants) {
    Json json = ToJson(manifest);
    for (size_t i = 0; i < variants.size() && i < json["variants"].size(); ++i) {
        Json& v = json["variants"][i];
        v["nominal_kbps"] = variants[i].encoded.nominal_kbps;
        v["average_kbps"] = std::round(variants[i].average_kbps * 10) / 10;
        v["bitrate_mode"] = variants[i].encoded.abr ? "abr" : "vbr";
    }
    return json;
}

}  // namespace tonearm::server
