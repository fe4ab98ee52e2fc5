// bnn-explorer: the desktop application of BNN Explorer.
#include <QApplication>
#include <cstdio>

#include "app_options.h"
#include "main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("BNN Explorer"));
  QApplication::setApplicationName(QStringLiteral("BNN Explorer"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

  const auto [options, error] = parseAppOptions(QApplication::arguments().mid(1));
  if (!options) {
    std::fprintf(stderr, "bnn-explorer: %s\n", error.toLocal8Bit().constData());
    return 2;
  }
  if (options->help) {
    std::fputs(appUsage().toLocal8Bit().constData(), stdout);
    return 0;
  }

  MainWindow window;
  window.applyOptions(*options);
  window.show();
  return app.exec();
}
