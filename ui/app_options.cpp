#include "app_options.h"

namespace {
const QStringList kViews{QStringLiteral("warmup"), QStringLiteral("sampling"), QStringLiteral("comparison"),
                         QStringLiteral("uncertainty")};
}  // namespace

QString applyOverrides(bnn::RunConfig& config,
                       const std::vector<std::pair<std::string, std::string>>& overrides) {
  for (const auto& [key, value] : overrides)
    if (auto err = bnn::setParam(config, key, value)) return QString::fromStdString(*err);
  if (auto err = bnn::validate(config)) return QString::fromStdString(*err);
  return {};
}

bnn::RunConfig AppOptions::runConfig() const {
  bnn::RunConfig c = bnn::presetConfig(preset.toStdString()).value_or(bnn::RunConfig{});
  applyOverrides(c, overrides);
  return c;
}

std::vector<bnn::RunConfig> AppOptions::compareConfigs() const {
  std::vector<bnn::RunConfig> out;
  for (const char* name : {"example-sgld", "example-sghmc"}) {
    bnn::RunConfig c = bnn::presetConfig(name).value_or(bnn::RunConfig{});
    applyOverrides(c, overrides);
    out.push_back(c);
  }
  return out;
}

QString appUsage() {
  QString s = QStringLiteral(
      "usage: bnn-explorer [--data DIR] [--preset NAME] [--run | --compare]\n"
      "                    [--screenshot FILE.png] [--view warmup|sampling|comparison|uncertainty]\n"
      "                    [--quit-when-done] [--no-confirm] [--KEY VALUE ...]\n"
      "\n"
      "  --data DIR          folder with the four MNIST-style IDX files (raw or .gz)\n"
      "  --preset NAME       preset loaded into the run form:");
  for (const std::string& p : bnn::presetNames()) s += QLatin1Char(' ') + QString::fromStdString(p);
  s += QStringLiteral(
      "\n"
      "  --run               start the configured chain once the data is loaded\n"
      "  --compare           start Example SGLD and Example SGHMC at once\n"
      "  --screenshot FILE   save a PNG of the window when the runs are done (or once loaded)\n"
      "  --view NAME         tab to show\n"
      "  --quit-when-done    quit when every run has finished (exit 1 if one did not complete)\n"
      "  --no-confirm        do not ask before closing while chains run\n"
      "run parameters (applied to the preset, and to both presets with --compare):\n");
  for (const bnn::ParamSpec& spec : bnn::runParamSpecs())
    s += QStringLiteral("  --%1 VALUE  %2\n")
             .arg(QString::fromStdString(spec.key), QString::fromStdString(spec.label));
  return s;
}

std::pair<std::optional<AppOptions>, QString> parseAppOptions(const QStringList& args) {
  AppOptions o;
  auto fail = [](const QString& why) {
    return std::pair<std::optional<AppOptions>, QString>{std::nullopt, why};
  };
  for (int i = 0; i < args.size(); ++i) {
    const QString& a = args[i];
    if (!a.startsWith(QLatin1String("--")) || a.size() < 3)
      return fail(QStringLiteral("unexpected argument '%1' (options start with --; see --help)").arg(a));
    QString name = a.mid(2);
    QString value;
    bool hasInlineValue = false;
    if (const int eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
      value = name.mid(eq + 1);
      name = name.left(eq);
      hasInlineValue = true;
    }
    auto flag = [&](bool& target) -> bool {
      if (hasInlineValue) return false;
      target = true;
      return true;
    };
    if (name == QLatin1String("help")) {
      o.help = true;
      continue;
    }
    if (name == QLatin1String("run")) {
      if (!flag(o.run)) return fail("--run takes no value");
      continue;
    }
    if (name == QLatin1String("compare")) {
      if (!flag(o.compare)) return fail("--compare takes no value");
      continue;
    }
    if (name == QLatin1String("quit-when-done")) {
      if (!flag(o.quitWhenDone)) return fail("--quit-when-done takes no value");
      continue;
    }
    if (name == QLatin1String("no-confirm")) {
      if (!flag(o.noConfirm)) return fail("--no-confirm takes no value");
      continue;
    }
    if (!hasInlineValue) {
      if (i + 1 >= args.size()) return fail(QStringLiteral("--%1 needs a value").arg(name));
      value = args[++i];
    }
    if (name == QLatin1String("data")) {
      if (value.isEmpty()) return fail(QStringLiteral("--data needs a folder"));
      o.dataDir = value;
    } else if (name == QLatin1String("preset")) {
      if (!bnn::presetConfig(value.toStdString())) {
        QStringList names;
        for (const std::string& p : bnn::presetNames()) names << QString::fromStdString(p);
        return fail(QStringLiteral("--preset: unknown preset '%1' (expected one of %2)")
                        .arg(value, names.join(QStringLiteral(", "))));
      }
      o.preset = value;
      o.presetGiven = true;
    } else if (name == QLatin1String("screenshot")) {
      if (value.isEmpty()) return fail(QStringLiteral("--screenshot needs a file name"));
      o.screenshot = value;
    } else if (name == QLatin1String("view")) {
      if (!kViews.contains(value))
        return fail(QStringLiteral("--view: expected one of %1, found '%2'")
                        .arg(kViews.join(QStringLiteral(", ")), value));
      o.view = value;
    } else if (bnn::findParamSpec(name.toStdString())) {
      o.overrides.emplace_back(name.toStdString(), value.toStdString());
    } else {
      return fail(QStringLiteral("unknown option --%1 (see --help)").arg(name));
    }
  }
  if (o.run && o.compare) return fail(QStringLiteral("--run and --compare exclude each other"));
  // Check the overrides now, against every config they will be applied to.
  bnn::RunConfig base = bnn::presetConfig(o.preset.toStdString()).value_or(bnn::RunConfig{});
  if (const QString err = applyOverrides(base, o.overrides); !err.isEmpty()) return fail(err);
  if (o.compare) {
    for (const char* name : {"example-sgld", "example-sghmc"}) {
      bnn::RunConfig c = bnn::presetConfig(name).value_or(bnn::RunConfig{});
      if (const QString err = applyOverrides(c, o.overrides); !err.isEmpty())
        return fail(QStringLiteral("%1 (preset %2)").arg(err, QLatin1String(name)));
    }
  }
  return {o, QString()};
}
