// bnn-explorer: the desktop application of BNN Explorer.
#include <QApplication>
#include <QSet>
#include <QStringList>
#include <cstdio>

#include "app_options.h"
#include "main_window.h"

namespace {

// Our options start with "--"; Qt's own (-platform xcb, -style fusion, -reverse, ...) with one
// dash and are left to QApplication.
QStringList ownArguments(int argc, char** argv) {
  static const QSet<QString> qtOptionsWithValue{"-platform",
                                                "-platformpluginpath",
                                                "-platformtheme",
                                                "-plugin",
                                                "-qmljsdebugger",
                                                "-style",
                                                "-stylesheet",
                                                "-session",
                                                "-display",
                                                "-geometry",
                                                "-qwindowgeometry",
                                                "-qwindowtitle",
                                                "-qwindowicon",
                                                "-name",
                                                "-title",
                                                "-visual",
                                                "-font",
                                                "-fn",
                                                "-bg",
                                                "-fg",
                                                "-btn"};
  QStringList out;
  for (int i = 1; i < argc; ++i) {
    const QString a = QString::fromLocal8Bit(argv[i]);
    if (a.startsWith(QLatin1String("--")) || !a.startsWith(QLatin1Char('-'))) {
      out << a;
    } else if (qtOptionsWithValue.contains(a)) {
      ++i;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // Options are checked before a display is needed: bad input fails fast, also without one.
  const auto [options, error] = parseAppOptions(ownArguments(argc, argv));
  if (!options) {
    std::fprintf(stderr, "bnn-explorer: %s\n", error.toLocal8Bit().constData());
    return 2;
  }
  if (options->help) {
    std::fputs(appUsage().toLocal8Bit().constData(), stdout);
    return 0;
  }

  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("BNN Explorer"));
  QApplication::setApplicationName(QStringLiteral("BNN Explorer"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

  MainWindow window;
  window.applyOptions(*options);
  window.show();
  return app.exec();
}
