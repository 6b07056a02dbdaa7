#include "tests/support/alsa_file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tonearm::testing {

Status InstallAlsaFileSink(const std::string& home_dir, const std::string& raw_path, int rate,
                           int channels) {
    std::ostringstream conf;
    conf << "# Written by the Tonearm tests: the default PCM records to a raw file.\n"
         << "pcm.!default {\n"
         << "    type plug\n"
         << "    slave {\n"
         << "        pcm \"tonearm_capture\"\n"
         << "        format S16_LE\n"
         << "        rate " << rate << "\n"
         << "        channels " << channels << "\n"
         << "    }\n"
         << "}\n"
         << "pcm.tonearm_capture {\n"
         << "    type file\n"
         << "    slave.pcm \"null\"\n"
         << "    file \"" << raw_path << "\"\n"
         << "    format \"raw\"\n"
         << "}\n";
    std::ofstream out(home_dir + "/.asoundrc", std::ios::trunc);
    out << conf.str();
    out.close();
    if (!out) return MakeError(ErrorCode::kIo, "cannot write " + home_dir + "/.asoundrc");
    return Status::Ok();
}

Result<PcmBuffer> ReadRawS16(const std::string& raw_path, int rate, int channels) {
    auto bytes = ReadFileBytes(raw_path);
    if (!bytes.ok()) return bytes.error();
    const size_t frame_bytes = 2 * static_cast<size_t>(channels);
    if (bytes->size() % frame_bytes != 0) {
        return MakeError(ErrorCode::kCorrupt, raw_path + " does not hold whole frames");
    }
    PcmBuffer pcm;
    pcm.sample_rate = rate;
    pcm.channels = channels;
    pcm.samples.resize(bytes->size() / 2);
    for (size_t i = 0; i < pcm.samples.size(); ++i) {
        auto lo = static_cast<uint8_t>((*bytes)[2 * i]);
        auto hi = static_cast<uint8_t>((*bytes)[2 * i + 1]);
        auto value = static_cast<int16_t>(static_cast<uint16_t>(lo | (hi << 8)));
        pcm.samples[i] = static_cast<float>(value) / 32768.0f;
    }
    return pcm;
}

int64_t StripLeadingSilence(PcmBuffer* pcm) {
    size_t zeros = 0;
    while (zeros < pcm->samples.size() && pcm->samples[zeros] == 0.0f)
        ++zeros;
    const size_t frames = zeros / static_cast<size_t>(pcm->channels);
    pcm->samples.erase(pcm->samples.begin(),
                       pcm->samples.begin() + static_cast<std::ptrdiff_t>(frames * pcm->channels));
    return static_cast<int64_t>(frames);
}

bool IsAudioBackendNoise(const std::string& line) {
    static const char* const kAlsaProbing[] = {
        "Unknown PCM",
        "cannot find card",
        "snd_func_",
        "_snd_config_evaluate",
        "Evaluate error",
        "unable to open slave",
        "/dev/dsp",
        "pcm_oss",
        "pcm_a52",
        "pcm_usb_stream",
        "pcm_dmix",
        "pcm_dsnoop",
        "snd_config_expand",
        "snd_pcm_open_noupdate",
        "snd_config_get_card",
        "pulse_connect",
    };
    static const char* const kJackProbing[] = {
        "Cannot connect to server socket",
        "Cannot connect to server request channel",
        "jack server is not running",
        "JackShmReadWritePtr",
        "connect(2) call to",
        "attempt to connect to server failed",
    };
    if (line.rfind("ALSA lib ", 0) == 0) {
        for (const char* pattern : kAlsaProbing) {
            if (line.find(pattern) != std::string::npos) return true;
        }
        return false;
    }
    for (const char* pattern : kJackProbing) {
        if (line.find(pattern) != std::string::npos) return true;
    }
    return false;
}

void RunWithAudioNoiseFiltered(const std::function<void()>& body) {
    std::fflush(stderr);
    FILE* capture = std::tmpfile();
    int saved = dup(STDERR_FILENO);
    if (capture == nullptr || saved < 0) {
        body();  // cannot capture: run unfiltered rather than not at all
        if (capture != nullptr) std::fclose(capture);
        if (saved >= 0) close(saved);
        return;
    }
    dup2(fileno(capture), STDERR_FILENO);
    body();
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);

    std::rewind(capture);
    char line[4096];
    bool after_noise = false;
    while (std::fgets(line, sizeof line, capture) != nullptr) {
        std::string text(line);
        std::string bare = text.substr(0, text.find_last_not_of("\r\n") + 1);
        bool blank = bare.find_first_not_of(" \t\r\n") == std::string::npos;
        // Some probes end their message with an empty line of its own.
        bool noise = IsAudioBackendNoise(bare) || (blank && after_noise);
        if (!noise) std::fputs(text.c_str(), stderr);
        after_noise = noise;
    }
    std::fclose(capture);
}

}  // namespace tonearm::testing
