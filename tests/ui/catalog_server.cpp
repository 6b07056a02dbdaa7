#include "tests/ui/catalog_server.h"

#include <memory>

#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {
namespace {

struct ServerState {
    std::unique_ptr<TempDir> folder;
    std::unique_ptr<ServerProcess> server;
    std::string error;
    bool tried = false;
};

ServerState& State() {
    static ServerState state;
    return state;
}

Status WriteTracks(const TempDir& folder, std::vector<std::string>* paths) {
    int index = 0;
    for (const GeneratedTrack& track : CatalogServer::Tracks()) {
        const std::string path = folder.Join("source-" + std::to_string(index++) + ".ogg");
        PcmBuffer pcm = MakeSine(track.freq_hz, track.seconds, 44100, 2);
        Status written = WriteOggVorbis(
            path, pcm, 0.3f,
            {"TITLE=" + track.title, "ARTIST=" + track.artist, "ALBUM=" + track.album});
        if (!written.ok()) return written.error().Wrap("cannot write " + path);
        paths->push_back(path);
    }
    return Status::Ok();
}

void StartServer(ServerState& state) {
    state.folder = std::make_unique<TempDir>();
    std::vector<std::string> sources;
    Status written = WriteTracks(*state.folder, &sources);
    if (!written.ok()) {
        state.error = written.error().message;
        return;
    }
    const std::string data = state.folder->Join("data");
    std::string output;
    Status ingested = RunIngest(data, sources, &output);
    if (!ingested.ok()) {
        state.error = "ingest failed: " + ingested.error().message + "\n" + output;
        return;
    }
    auto server = ServerProcess::Start(data);
    if (!server.ok()) {
        state.error = "cannot start tonearm-server: " + server.error().message;
        return;
    }
    state.server = std::move(*server);
}

}  // namespace

const std::vector<GeneratedTrack>& CatalogServer::Tracks() {
    static const std::vector<GeneratedTrack> tracks = {
        {"Concert A", "Test Tones", "Generated Signals", 440.0, 12.0},
        {"Low Hum", "Test Tones", "Generated Signals", 220.0, 10.0},
        {"High Whistle", "Signal Choir", "Other Signals", 880.0, 14.0},
    };
    return tracks;
}

ServerProcess* CatalogServer::Get(std::string* error) {
    ServerState& state = State();
    if (!state.tried) {
        state.tried = true;
        StartServer(state);
    }
    if (!state.server) *error = state.error;
    return state.server.get();
}

void CatalogServer::Shutdown() {
    ServerState& state = State();
    state.server.reset();
    state.folder.reset();
}

}  // namespace tonearm::testing
