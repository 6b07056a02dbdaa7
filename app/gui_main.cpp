// tonearm: the desktop client. Parses the command line and hands over to
// tonearm::ui::DesktopClient; everything else lives in ui/.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>
#include <cstdlib>

#include "ui/desktop_client.h"

namespace {

// Qt aborts when no platform plugin can start; say what to do instead.
bool HasDisplay() {
    auto set = [](const char* name) {
        const char* value = std::getenv(name);
        return value != nullptr && *value != '\0';
    };
    return set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM");
}

}  // namespace

int main(int argc, char* argv[]) {
#if defined(__linux__)
    if (!HasDisplay()) {
        std::fputs(
            "tonearm: no display (DISPLAY and WAYLAND_DISPLAY are unset).\n"
            "Run it inside a desktop session, under a virtual display (xvfb-run -a tonearm ...),\n"
            "or with QT_QPA_PLATFORM=offscreen.\n",
            stderr);
        return 1;
    }
#endif
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tonearm"));
    QApplication::setOrganizationName(QStringLiteral("Tonearm"));
    QApplication::setDesktopFileName(QStringLiteral("tonearm"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/tonearm/icons/tonearm.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Tonearm music client"));
    parser.addHelpOption();
    const QCommandLineOption server({QStringLiteral("s"), QStringLiteral("server")},
                                    QStringLiteral("tonearm-server API base URL."),
                                    QStringLiteral("URL"));
    const QCommandLineOption user({QStringLiteral("u"), QStringLiteral("user")},
                                  QStringLiteral("User name to log in with."),
                                  QStringLiteral("USER"));
    const QCommandLineOption password({QStringLiteral("p"), QStringLiteral("password")},
                                      QStringLiteral("Password; with --user logs in at start."),
                                      QStringLiteral("PASSWORD"));
    const QCommandLineOption no_mpris(QStringLiteral("no-mpris"),
                                      QStringLiteral("Do not register on the D-Bus session bus."));
    parser.addOptions({server, user, password, no_mpris});
    parser.process(app);

    tonearm::ui::ClientOptions options;
    options.server_url = parser.value(server);
    options.user = parser.value(user);
    options.password = parser.value(password);
    options.mpris = !parser.isSet(no_mpris);

    tonearm::ui::DesktopClient client(std::move(options));
    client.start();
    return QApplication::exec();
}
