// Entry point of ui_test: GoogleTest inside a QApplication on the offscreen
// platform, in the private environment of UiTestEnvironment.
#include <gtest/gtest.h>

#include <QApplication>

#include "tests/support/alsa_file_sink.h"
#include "tests/ui/catalog_server.h"
#include "tests/ui/ui_test_environment.h"

namespace {

QtMessageHandler g_default_handler = nullptr;

// The offscreen platform warns on every top-level window it cannot size by
// hints; that says nothing about the code under test.
void FilterPlatformNoise(QtMsgType type, const QMessageLogContext& context, const QString& text) {
    if (text.contains(QLatin1String("does not support propagateSizeHints"))) return;
    g_default_handler(type, context, text);
}

}  // namespace

int main(int argc, char** argv) {
    // ctest sets this too; a direct run of the binary must not need a display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    ::testing::InitGoogleTest(&argc, argv);

    g_default_handler = qInstallMessageHandler(FilterPlatformNoise);
    tonearm::testing::UiTestEnvironment environment;
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tonearm-ui-test"));

    int result = 1;
    // PortAudio probes ALSA and JACK noisily on a machine without them.
    tonearm::testing::RunWithAudioNoiseFiltered([&] { result = RUN_ALL_TESTS(); });
    tonearm::testing::CatalogServer::Shutdown();
    return result;
}
