// bnn-explorer: the desktop application of BNN Explorer.
#include <QApplication>
#include <cstdio>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "shell/app_automation.h"
#include "shell/app_options.h"
#include "shell/main_window.h"

namespace {

QStringList rawArguments(int argc, char** argv) {
  QStringList args;
  for (int i = 0; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
  return args;
}

// Prints what the outcome asks for; returns the exit code, or -1 to go on.
int report(const AppOptionsOutcome& o) {
  if (!o.helpText.isEmpty()) {
    std::fputs(o.helpText.toLocal8Bit().constData(), stdout);
    return 0;
  }
  if (!o.versionText.isEmpty()) {
    std::fputs(o.versionText.toLocal8Bit().constData(), stdout);
    return 0;
  }
  if (!o.options) {
    std::fprintf(stderr, "bnn-explorer: %s\n", o.error.toLocal8Bit().constData());
    return 2;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // glibc gives every thread that allocates an arena of its own (up to eight per core); the
  // chains' threads leave theirs fragmented, and malloc_trim cannot return that memory: ten short
  // runs started, finished and removed kept 73-99 MB resident with the default, 5 MB with one
  // arena and none with two (measured with --measure). Chains allocate only when they start,
  // snapshot and end, so two arenas cost them nothing measurable.
  mallopt(M_ARENA_MAX, 2);
#endif
  // Our options are checked before a display is needed: bad input fails fast, also without one.
  // Options we do not know may be Qt's (-platform, -style, ...): QApplication takes those, and
  // the strict parse of what it leaves decides about the rest.
  const AppOptionsOutcome early = parseAppOptions(rawArguments(argc, argv), false);
  if (const int code = report(early); code >= 0) return code;

  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("BNN Explorer"));
  QApplication::setApplicationName(QStringLiteral("BNN Explorer"));
  QApplication::setApplicationVersion(QStringLiteral(BNN_VERSION_STRING));
  AppOptions options = *early.options;
  if (early.deferred) {
    const AppOptionsOutcome strict = parseAppOptions(QApplication::arguments(), true);
    if (const int code = report(strict); code >= 0) return code;
    options = *strict.options;
  }

  MainWindow window;
  AppAutomation automation(&window, options);
  automation.start();
  window.show();
  // Runs a crashed session left unsaved are offered, except to a scripted session.
  if (!options.automated()) window.offerRecovery();
  return app.exec();
}
