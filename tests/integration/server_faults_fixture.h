// The fixture of server_faults_test: one ingested noise track per test
// binary, a tonearm-server started per test with fault flags, timed
// transfers through libcurl, and calls to /v1/admin/faults.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/api_client.h"
#include "core/http_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {

using Clock = std::chrono::steady_clock;

// One timed GET of a CDN URL.
struct Transfer {
    int status = 0;      // 0 when the transfer failed
    std::string body;    // what arrived, also when it failed
    std::string error;   // transport error; empty when the body arrived whole
    double seconds = 0;  // from the request to the last byte
    double longest_gap_s = 0;
    std::vector<std::pair<double, size_t>> arrivals;  // (seconds since origin, bytes so far)

    double BytesPerSecond() const { return seconds > 0 ? double(body.size()) / seconds : 0; }

    // The rate between two instants after the origin, from the arrivals.
    double BytesPerSecondBetween(double from, double to) const {
        auto bytes_at = [this](double t) {
            size_t bytes = 0;
            for (const auto& [when, total] : arrivals)
                if (when <= t) bytes = total;
            return bytes;
        };
        return double(bytes_at(to) - bytes_at(from)) / (to - from);
    }
};

class ServerFaultsTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir();
        // White noise encodes near the nominal bitrate: 6 s give a 320 kbps
        // variant of about 240 kB.
        PcmBuffer noise = MakeSilence(6.0, 44100, 2);
        uint32_t state = 12345;
        for (float& sample : noise.samples) {
            state = state * 1664525u + 1013904223u;
            sample = 0.3f * (float(state >> 8) / float(1 << 24) * 2.0f - 1.0f);
        }
        const std::string source = dir_->Join("noise.ogg");
        ASSERT_TRUE(WriteOggVorbis(source, noise, 0.9f, {"TITLE=Noise"}).ok());
        std::string output;
        ASSERT_TRUE(RunIngest(dir_->Join("data"), {source}, &output).ok()) << output;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }

    // Starts a server with the given flags, reads its admin token, logs in
    // and fetches the track's manifest. Records a failure and returns false
    // when any step fails.
    bool Start(const std::vector<std::string>& flags) {
        auto server = ServerProcess::Start(dir_->Join("data"), flags);
        if (!server.ok()) {
            ADD_FAILURE() << server.error().message;
            return false;
        }
        server_ = std::move(*server);
        std::string line;
        while (admin_token_.empty() && server_->process().ReadLine(&line, 5000)) {
            if (line.rfind("admin-token: ", 0) == 0) admin_token_ = line.substr(13);
        }
        api_ = std::make_unique<ApiClient>(server_->api_url());
        if (admin_token_.empty() || !api_->Login("demo", "demo").ok()) {
            ADD_FAILURE() << "no admin token or no log-in";
            return false;
        }
        return RefreshManifest();
    }

    // Asks for the manifest again: fresh URLs.
    bool RefreshManifest() {
        auto page = api_->Tracks(0, 1);
        if (!page.ok() || page->items.size() != 1) return false;
        auto manifest = api_->GetManifest(page->items[0].id);
        if (!manifest.ok()) return false;
        manifest_ = *manifest;
        return true;
    }

    const Variant& variant(int kbps) const { return *manifest_.FindVariant(kbps); }

    // The bytes of a variant file as stored on disk.
    const std::string& file(int kbps) {
        std::string& bytes = files_[kbps];
        if (bytes.empty()) {
            auto read = ReadFileBytes(dir_->Join("data") + "/audio/" + manifest_.track_id + "/v" +
                                      std::to_string(manifest_.version) + "/" +
                                      std::to_string(kbps) + ".ogg");
            EXPECT_TRUE(read.ok());
            if (read.ok()) bytes = *read;
        }
        return bytes;
    }

    // GETs url (bytes first..last when first >= 0; last < 0 is open-ended),
    // abandoning it after stop_after_s when that is > 0. Arrival times count
    // from origin, by default the moment of the request.
    static Transfer Fetch(const std::string& url, int64_t first = -1, int64_t last = -1,
                          double stop_after_s = 0, Clock::time_point origin = Clock::now()) {
        HttpRequest request;
        request.url = url;
        request.range_first = first;
        request.range_last = last;
        Transfer t;
        HttpClient http;
        const Clock::time_point started = Clock::now();
        Clock::time_point previous = started;
        auto response = http.PerformStreaming(request, [&](const char* data, size_t size) {
            const Clock::time_point now = Clock::now();
            t.body.append(data, size);
            t.arrivals.emplace_back(Seconds(now - origin), t.body.size());
            if (t.arrivals.size() > 1)
                t.longest_gap_s = std::max(t.longest_gap_s, Seconds(now - previous));
            previous = now;
            return stop_after_s <= 0 || Seconds(now - started) < stop_after_s;
        });
        t.seconds = Seconds(previous - started);
        if (response.ok()) {
            t.status = response->status;
        } else {
            t.error = response.error().message;
        }
        return t;
    }

    // Calls /v1/admin/faults with the server's admin token (or the given one).
    HttpResponse Admin(const std::string& method, const std::string& body,
                       const std::string* token = nullptr) {
        HttpRequest request;
        request.method = method;
        request.url = server_->api_url() + "/v1/admin/faults";
        request.body = body;
        request.headers = {{"Authorization", "Bearer " + (token ? *token : admin_token_)}};
        HttpClient http;
        auto response = http.Perform(request);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : HttpResponse{};
    }

    // As Admin, expecting 200 and a JSON body.
    Json AdminJson(const std::string& method, const std::string& body) {
        HttpResponse response = Admin(method, body);
        EXPECT_EQ(response.status, 200) << response.body;
        auto json = ParseJson(response.body);
        return json.ok() ? *json : Json();
    }

    std::string WriteTrace(const std::string& name, const std::string& text) {
        const std::string path = dir_->Join(name);
        EXPECT_TRUE(WriteFileBytes(path, text).ok());
        return path;
    }

    static double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

    static inline TempDir* dir_ = nullptr;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<ApiClient> api_;
    std::string admin_token_;
    Manifest manifest_;
    std::map<int, std::string> files_;
};

}  // namespace tonearm::testing
