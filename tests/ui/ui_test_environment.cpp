#include "tests/ui/ui_test_environment.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include "tests/support/alsa_file_sink.h"

namespace tonearm::testing {
namespace {

UiTestEnvironment* g_environment = nullptr;

}  // namespace

UiTestEnvironment::UiTestEnvironment() {
    const std::string runtime = home_.Join("runtime");
    ::mkdir(runtime.c_str(), 0700);
    ::setenv("HOME", home_.path().c_str(), 1);
    ::setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", home_.Join("config").c_str(), 1);
    ::setenv("XDG_CACHE_HOME", home_.Join("cache").c_str(), 1);

    const std::string fifo = home_.Join("playback.raw");
    audio_ = std::make_unique<PacedAudioSink>(fifo, kSinkRate, kSinkChannels, kAudioSpeed);
    Status sink = InstallAlsaFileSink(home_.path(), fifo, kSinkRate, kSinkChannels);
    if (!sink.ok()) {
        std::fprintf(stderr, "cannot install the ALSA file sink: %s\n",
                     sink.error().message.c_str());
        std::abort();
    }
    StartSessionBus();
    g_environment = this;
}

UiTestEnvironment::~UiTestEnvironment() {
    g_environment = nullptr;
    if (bus_) bus_->Terminate();
}

UiTestEnvironment& UiTestEnvironment::Get() { return *g_environment; }

void UiTestEnvironment::StartSessionBus() {
    // Never fall back to the developer's own bus.
    ::setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tonearm-test-bus", 1);
    const std::string address = "unix:dir=" + home_.path();
    auto bus = ChildProcess::Start({"dbus-daemon", "--session", "--nofork", "--nopidfile",
                                    "--address=" + address, "--print-address=1"});
    if (!bus.ok()) {
        bus_error_ = "cannot start dbus-daemon: " + bus.error().message;
        return;
    }
    std::string line;
    if (!(*bus)->ReadLine(&line, 10000) || line.empty()) {
        bus_error_ = "dbus-daemon printed no address: " + (*bus)->err();
        return;
    }
    ::setenv("DBUS_SESSION_BUS_ADDRESS", line.c_str(), 1);
    bus_ = std::move(*bus);
}

}  // namespace tonearm::testing
