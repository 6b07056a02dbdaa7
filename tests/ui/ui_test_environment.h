// The process-wide setting every UI test runs in: a private HOME with an
// ALSA configuration that sends PortAudio's default device into a paced
// FIFO, a private XDG runtime folder and a private D-Bus session bus, so no
// test touches the developer's desktop, sound card or session bus.
//
// Set up once in main() before QApplication and PortAudio exist; read from
// the test thread.
#pragma once

#include <memory>
#include <string>

#include "tests/support/paced_audio_sink.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace tonearm::testing {

class UiTestEnvironment {
public:
    // Playback in the tests runs at this multiple of real time.
    static constexpr double kAudioSpeed = 2.0;
    static constexpr int kSinkRate = 44100;
    static constexpr int kSinkChannels = 2;

    // Sets HOME, XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS for this
    // process. A missing dbus-daemon leaves the bus address pointing nowhere
    // (the MPRIS test then fails with that reason); the audio sink always works.
    UiTestEnvironment();
    ~UiTestEnvironment();

    static UiTestEnvironment& Get();

    PacedAudioSink& audio() { return *audio_; }
    bool has_session_bus() const { return bus_ != nullptr; }
    // Why there is no session bus, or "".
    const std::string& bus_error() const { return bus_error_; }

private:
    void StartSessionBus();

    TempDir home_;
    std::unique_ptr<PacedAudioSink> audio_;
    std::unique_ptr<ChildProcess> bus_;
    std::string bus_error_;
};

}  // namespace tonearm::testing
