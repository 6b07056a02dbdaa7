// Encoding one bitrate variant of a track with libvorbisenc.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "server-mock/source_audio.h"

namespace tonearm::server {

struct EncodedVariant {
    std::string bytes;         // the complete Ogg Vorbis file
    int64_t header_bytes = 0;  // the pages holding the three header packets
    int nominal_kbps = 0;      // the average bitrate the encoder was set up for; 0 in VBR mode
    bool abr = true;           // false if libvorbisenc only accepted a VBR quality
};

// Encodes pcm in libvorbisenc's managed average-bitrate mode at target_kbps.
// Where libvorbisenc has no setup for that bitrate at this rate and channel
// count (mono, low rates, many channels), the nearest bitrate it accepts is
// used instead, and failing that (rates above 50 kHz) the VBR quality whose
// usual stereo 44.1 kHz bitrate is target_kbps; nominal_kbps and abr record
// what was used. The header packets sit on pages of their own, so audio
// starts on a fresh page, and every audio page ends on a packet boundary
// (about 4 KiB per page). serial is the Ogg stream serial number.
// Fails with kUnsupported if libvorbisenc accepts no setup at all.
// Thread-safe: each call owns its encoder state.
Result<EncodedVariant> EncodeVariant(const PcmAudio& pcm, int target_kbps, uint32_t serial);

}  // namespace tonearm::server
