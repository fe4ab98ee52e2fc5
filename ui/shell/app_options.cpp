#include "shell/app_options.h"

#include <QCommandLineParser>
#include <QHash>

#include "views/view_registry.h"

bnn::RunConfig AppOptions::runConfig() const {
  return bnn::configFromOptions(preset.toStdString(), overrides).config.value_or(bnn::RunConfig{});
}

std::vector<bnn::RunConfig> AppOptions::compareConfigs() const {
  return bnn::configsFromOptions(bnn::comparisonPresetNames(), overrides).configs;
}

AppOptionsOutcome parseAppOptions(const QStringList& arguments, bool strict) {
  AppOptionsOutcome out;
  QStringList presets;
  for (const std::string& p : bnn::presetNames()) presets << QString::fromStdString(p);
  const QStringList views = viewKeys();

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral(
      "BNN Explorer: sample the posterior of a Bayesian neural network on MNIST with SGLD and "
      "SGHMC, watch the chains live, compare them and explore what the model is unsure about."));
  // -platform, -style, ... are single-dash words of Qt's: never read as bundles of letters.
  parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
  const QCommandLineOption help = parser.addHelpOption();
  const QCommandLineOption version = parser.addVersionOption();
  const QCommandLineOption data(QStringLiteral("data"),
                                QStringLiteral("Folder with the four MNIST-style IDX files (raw or .gz)."),
                                QStringLiteral("DIR"));
  const QCommandLineOption preset(
      QStringLiteral("preset"),
      QStringLiteral("Preset loaded into the run form: %1.").arg(presets.join(", ")), QStringLiteral("NAME"));
  const QCommandLineOption run(QStringLiteral("run"),
                               QStringLiteral("Start the configured chain once the data is loaded."));
  const QCommandLineOption compare(QStringLiteral("compare"),
                                   QStringLiteral("Start Example SGLD and Example SGHMC at once (the run "
                                                  "parameters below apply to both)."));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Save a PNG of the window when the runs are done (or once loaded)."),
      QStringLiteral("FILE"));
  const QCommandLineOption view(QStringLiteral("view"),
                                QStringLiteral("Tab to show: %1.").arg(views.join(", ")),
                                QStringLiteral("KEY"));
  const QCommandLineOption quit(
      QStringLiteral("quit-when-done"),
      QStringLiteral("Quit when every run has finished (exit code 1 if one did not complete)."));
  const QCommandLineOption noConfirm(QStringLiteral("no-confirm"),
                                     QStringLiteral("Do not ask before closing while chains run."));
  const QCommandLineOption measure(
      QStringLiteral("measure"),
      QStringLiteral(
          "With --run or --compare: after the runs, measure the event loop while a finished run is "
          "saved and opened again and while the data folder is read again during sampling, and "
          "the memory of ten short runs started, finished and removed; print the figures and "
          "quit."));
  for (const QCommandLineOption& o : {data, preset, run, compare, screenshot, view, quit, noConfirm, measure})
    parser.addOption(o);
  QHash<QString, const bnn::ParamSpec*> params;
  for (const bnn::ParamSpec& spec : bnn::runParamSpecs()) {
    const QString key = QString::fromStdString(spec.key);
    parser.addOption(QCommandLineOption(
        key, QString::fromStdString(spec.label) + QStringLiteral(". ") + QString::fromStdString(spec.tooltip),
        QStringLiteral("VALUE")));
    params.insert(key, &spec);
  }

  const bool parsed = parser.parse(arguments);
  if (parser.isSet(help)) {
    out.helpText = parser.helpText() +
                   QStringLiteral(
                       "\nRun parameters apply to the preset (to both example presets with --compare); "
                       "Qt's own options (-platform, -style, ...) are passed on to Qt.\n");
    return out;
  }
  if (parser.isSet(version)) {
    out.versionText = QStringLiteral("bnn-explorer %1\n").arg(QStringLiteral(BNN_VERSION_STRING));
    return out;
  }
  if (!parsed) {
    if (!strict && !parser.unknownOptionNames().isEmpty()) {
      out.deferred = true;  // Qt's options, or unknown ones: decided after QApplication
      out.options = AppOptions{};
      return out;
    }
    out.error = parser.errorText();
    return out;
  }
  if (!parser.positionalArguments().isEmpty()) {
    out.error = QStringLiteral("unexpected argument '%1' (options start with --; see --help)")
                    .arg(parser.positionalArguments().first());
    return out;
  }

  AppOptions o;
  o.dataDir = parser.value(data);
  if (parser.isSet(data) && o.dataDir.isEmpty()) {
    out.error = QStringLiteral("--data needs a folder");
    return out;
  }
  if (parser.isSet(preset)) {
    o.preset = parser.value(preset);
    o.presetGiven = true;
    if (!presets.contains(o.preset)) {
      out.error = QStringLiteral("--preset: unknown preset '%1' (expected one of %2)")
                      .arg(o.preset, presets.join(", "));
      return out;
    }
  }
  o.run = parser.isSet(run);
  o.compare = parser.isSet(compare);
  o.screenshot = parser.value(screenshot);
  if (parser.isSet(screenshot) && o.screenshot.isEmpty()) {
    out.error = QStringLiteral("--screenshot needs a file name");
    return out;
  }
  if (parser.isSet(view)) {
    o.view = parser.value(view);
    if (!views.contains(o.view)) {
      out.error = QStringLiteral("--view: expected one of %1, found '%2'").arg(views.join(", "), o.view);
      return out;
    }
  }
  o.quitWhenDone = parser.isSet(quit);
  o.noConfirm = parser.isSet(noConfirm);
  o.measure = parser.isSet(measure);
  if (o.measure && !o.run && !o.compare) {
    out.error = QStringLiteral("--measure needs --run or --compare");
    return out;
  }
  if (o.measure) o.quitWhenDone = true;
  // Parameters in the order given; a repeated one counts with each of its values in turn.
  QHash<QString, int> seen;
  for (const QString& name : parser.optionNames()) {
    if (!params.contains(name)) continue;
    const QStringList values = parser.values(name);
    const int i = seen[name]++;
    o.overrides.emplace_back(name.toStdString(), values.value(i).toStdString());
  }
  if (o.run && o.compare) {
    out.error = QStringLiteral("--run and --compare exclude each other");
    return out;
  }
  // Check the overrides now, against every config they will be applied to (the core's one
  // option path: preset, overrides in order, validate).
  if (const bnn::CheckedConfig c = bnn::configFromOptions(o.preset.toStdString(), o.overrides); !c) {
    out.error = QString::fromStdString(c.error);
    return out;
  }
  if (o.compare) {
    if (const bnn::CheckedConfigs cs = bnn::configsFromOptions(bnn::comparisonPresetNames(), o.overrides);
        !cs) {
      out.error = QString::fromStdString(cs.error);
      return out;
    }
  }
  out.options = std::move(o);
  return out;
}
