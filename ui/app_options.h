#pragma once
// AppOptions: the desktop application's command line (automation hooks).
//   bnn-explorer [--data DIR] [--preset NAME] [--run | --compare] [--screenshot FILE]
//                [--view warmup|sampling|comparison|uncertainty] [--quit-when-done]
//                [--no-confirm] [--KEY VALUE ...]
// where KEY is any run parameter of bnn::runParamSpecs() (e.g. --seed 1 --warmup 300
// --samples 100 --step-size 4.5e-5), applied with bnn::setParam to the preset (and to both presets
// with --compare). Parsing only; no side effects. Thread-safe (pure function).

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
  QString view;  // "" = default tab
  bool quitWhenDone = false;
  bool noConfirm = false;
  bool help = false;
  std::vector<std::pair<std::string, std::string>> overrides;  // spec key, value

  /// The preset with every override applied (validated by parseAppOptions).
  bnn::RunConfig runConfig() const;
  /// Both example presets with the overrides applied.
  std::vector<bnn::RunConfig> compareConfigs() const;
};

/// Parses arguments (without the program name). Returns the options, or an error reason in one
/// line (the caller prints it to stderr and exits with code 2).
std::pair<std::optional<AppOptions>, QString> parseAppOptions(const QStringList& args);

/// Usage text for --help.
QString appUsage();

/// Applies overrides to a config; returns an error reason or an empty string.
QString applyOverrides(bnn::RunConfig& config,
                       const std::vector<std::pair<std::string, std::string>>& overrides);
