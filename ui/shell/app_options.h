#pragma once
// AppOptions: the desktop application's command line, parsed with QCommandLineParser.
//   bnn-explorer [--data DIR] [--preset NAME] [--run | --compare] [--screenshot FILE]
//                [--view KEY] [--quit-when-done] [--no-confirm] [--measure] [--PARAM VALUE ...]
// where PARAM is any run parameter of bnn::runParamSpecs() (e.g. --seed 1 --warmup 300
// --samples 100 --step-size 4.5e-5), applied to the preset (and to both example presets with
// --compare), and KEY any registered view. Qt's own options (-platform, -style, ...) are left
// to Qt: parse leniently before QApplication exists (bad values of our options fail at once,
// also without a display), then strictly on QApplication::arguments(), from which Qt has taken
// its own. Parsing only; no side effects. Thread-safe (pure functions).

#include <QString>
#include <QStringList>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "run/run_config.h"

struct AppOptions {
  QString dataDir;
  QString preset = QStringLiteral("example-sgld");
  bool presetGiven = false;
  bool run = false;
  bool compare = false;
  QString screenshot;
  QString view;  // "" = the tab of the last session
  bool quitWhenDone = false;
  bool noConfirm = false;
  bool measure = false;           // --measure: AppMeasurement after the runs (implies quitWhenDone)
  bnn::ParamOverrides overrides;  // parameter key, value, in order

  /// Anything to automate (a run, a screenshot, quitting): the session leaves settings alone.
  bool automated() const { return run || compare || !screenshot.isEmpty() || quitWhenDone; }
  /// The preset with every override applied (checked by parseAppOptions: bnn::configFromOptions).
  bnn::RunConfig runConfig() const;
  /// The comparison's presets (bnn::comparisonPresetNames) with the overrides applied.
  std::vector<bnn::RunConfig> compareConfigs() const;
};

struct AppOptionsOutcome {
  std::optional<AppOptions> options;  // set when the arguments are fine (or deferred)
  QString error;                      // one line; the caller prints it and exits with code 2
  QString helpText;                   // --help: print and exit 0
  QString versionText;                // --version: print and exit 0
  /// Lenient parse only: options unknown to us (Qt's own, or wrong ones) wait for the strict
  /// parse after QApplication has taken Qt's.
  bool deferred = false;
};

/// `arguments` includes the program name (as QCoreApplication::arguments()).
AppOptionsOutcome parseAppOptions(const QStringList& arguments, bool strict);
