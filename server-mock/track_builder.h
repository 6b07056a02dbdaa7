// The pure steps of ingest: naming a track, filling in its metadata, and
// turning decoded audio into variants with their manifest entries. No I/O;
// every function is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"
#include "server-mock/source_audio.h"
#include "server-mock/variant_encoder.h"

namespace tonearm::server {

// Seek points are placed about this often.
inline constexpr double kSeekIntervalSeconds = 2.0;

// The track id of a source: the first 16 hex digits of the SHA-256 of its
// canonical absolute path, so re-ingesting the same file keeps the id.
std::string TrackIdForPath(const std::string& canonical_path);

// The Ogg serial number of a variant, derived from what it is, so that
// re-encoding gives the same bytes.
uint32_t VariantSerial(const std::string& track_id, int version, int kbps);

// The file name without folder and extension, '_' and '-' as spaces,
// whitespace collapsed ("01_Night-Drive.ogg" -> "01 Night Drive").
std::string TitleFromFileName(const std::string& path);

// The catalog entry for a decoded source: its tags, with the file name as
// title and "Unknown Artist" / "Unknown Album" where tags are missing.
Track MakeTrack(const std::string& track_id, int version, const std::string& path,
                const DecodedSource& source);

struct BuiltVariant {
    EncodedVariant encoded;
    Variant variant;          // kbps is the ladder rung, whatever the encoder reached
    double average_kbps = 0;  // audio bytes (without headers) over the duration
};

// Encodes one rung of the ladder and describes it: size, SHA-256, header
// bytes and seek index. Fails if the encoder fails, or with kInternal if the
// encoded stream does not end at exactly the source's sample count.
Result<BuiltVariant> BuildVariant(const PcmAudio& pcm, const std::string& track_id, int version,
                                  int kbps);

// The manifest.json of a version: the wire Manifest plus, per variant,
// "nominal_kbps", "average_kbps" and "bitrate_mode" ("abr" or "vbr").
Json ManifestJson(const Manifest& manifest, const std::vector<BuiltVariant>& variants);

}  // namespace tonearm::server
