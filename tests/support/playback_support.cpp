#include "tests/support/playback_support.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include "core/api_client.h"
#include "core/http_client.h"

namespace tonearm::testing {

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

PcmBuffer MakeCosine(double freq_hz, double seconds, int rate) {
    PcmBuffer pcm;
    pcm.sample_rate = rate;
    pcm.channels = 2;
    auto frames = static_cast<int64_t>(std::lround(seconds * rate));
    for (int64_t i = 0; i < frames; ++i) {
        auto v = static_cast<float>(0.5 * std::cos(2 * M_PI * freq_hz * i / rate));
        pcm.samples.push_back(v);
        pcm.samples.push_back(v);
    }
    return pcm;
}

// The smallest 44.1 kHz demo track above 200 kB (long enough to play several seconds).
std::string PickDemoTrack(int rate_wanted) {
    std::string best;
    uintmax_t best_size = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(TONEARM_DEMO_MUSIC_DIR, ec)) {
        if (entry.path().extension() != ".ogg" || entry.file_size() < 200000) continue;
        auto bytes = ReadFileBytes(entry.path().string());
        // Vorbis identification header: the rate is at byte 40 of the first page.
        if (!bytes.ok() || bytes->size() < 44) continue;
        uint32_t rate = 0;
        for (int i = 3; i >= 0; --i)
            rate = (rate << 8) | static_cast<uint8_t>((*bytes)[40 + i]);
        if (static_cast<int>(rate) != rate_wanted) continue;
        if (best.empty() || entry.file_size() < best_size) {
            best = entry.path().string();
            best_size = entry.file_size();
        }
    }
    return best;
}

Result<std::string> Login(const std::string& api_url) {
    ApiClient api(api_url);
    auto login = api.Login("demo", "demo");
    if (!login.ok()) return login.error();
    return login->token;
}

// The id of the first catalog track whose title is title (empty == any
// title not in excluded).
std::string FindTrackId(const std::string& api_url, const std::string& token,
                        const std::string& title, const std::vector<std::string>& excluded) {
    ApiClient api(api_url);
    api.SetToken(token);
    auto page = api.Tracks(0, 100);
    if (!page.ok()) return {};
    for (const Track& track : page->items) {
        bool excluded_title =
            std::find(excluded.begin(), excluded.end(), track.title) != excluded.end();
        if (title.empty() ? !excluded_title : track.title == title) return track.id;
    }
    return {};
}

Result<PcmBuffer> DownloadAndDecodeVariant(const std::string& api_url, const std::string& token,
                                           const std::string& track_id, int kbps) {
    ApiClient api(api_url);
    api.SetToken(token);
    auto manifest = api.GetManifest(track_id);
    if (!manifest.ok()) return manifest.error();
    const Variant* variant = manifest->FindVariant(kbps);
    if (variant == nullptr) return MakeError(ErrorCode::kNotFound, "no such variant");
    HttpClient http;
    HttpRequest request;
    request.url = variant->url;
    auto response = http.Perform(request);
    if (!response.ok()) return response.error();
    if (response->status != 200) {
        return MakeError(ErrorCode::kProtocol, "HTTP " + std::to_string(response->status));
    }
    return DecodeOggVorbisBytes(response->body);
}

// The first frame at or after from where both channels exceed threshold.
int64_t FirstLoudFrame(const PcmBuffer& pcm, int64_t from, float threshold) {
    for (int64_t i = from; i < pcm.frames(); ++i) {
        if (std::fabs(pcm.samples[2 * i]) > threshold &&
            std::fabs(pcm.samples[2 * i + 1]) > threshold) {
            return i;
        }
    }
    return -1;
}

}  // namespace tonearm::testing
