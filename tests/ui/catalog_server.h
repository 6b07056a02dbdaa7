// The real tonearm-server the UI tests talk to: three generated Ogg Vorbis
// tracks with tags, ingested into a temporary folder and served on 127.0.0.1
// with free ports. Started on first use and shared by every test of the
// process; call from the test thread only.
#pragma once

#include <string>
#include <vector>

#include "tests/support/server_process.h"

namespace tonearm::testing {

struct GeneratedTrack {
    std::string title;
    std::string artist;
    std::string album;
    double freq_hz = 440.0;
    double seconds = 10.0;
};

class CatalogServer {
public:
    // The ingested tracks, in the order they were generated.
    static const std::vector<GeneratedTrack>& Tracks();

    // Ingests and starts the server on the first call. Returns null with
    // *error set if generating, ingesting or starting fails.
    static ServerProcess* Get(std::string* error);

    // Stops the server and removes its data folder.
    static void Shutdown();
};

}  // namespace tonearm::testing
