#pragma once
// Shared pieces of the tests in tests/cli, which run the built bnn-cli (BNN_CLI) as a separate
// process: run it and collect the outcome, read the CSV files it writes. Header only.

#include <QtTest>

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <cmath>
#include <limits>

#include "common/test_helpers.h"

namespace bnn::test {

struct CliOutcome {
  int exitCode = -1;
  bool crashed = false;
  QString out, err;
};

/// Runs bnn-cli with `args` to the end (killed after timeoutMs, which counts as a crash).
inline CliOutcome runCli(const QStringList& args, int timeoutMs = kPatientMs) {
  QProcess p;
  p.start(QStringLiteral(BNN_CLI), args);
  CliOutcome o;
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    o.crashed = true;
  }
  o.crashed = o.crashed || p.exitStatus() != QProcess::NormalExit;
  o.exitCode = p.exitCode();
  o.out = QString::fromUtf8(p.readAllStandardOutput());
  o.err = QString::fromUtf8(p.readAllStandardError());
  return o;
}

/// The small run of test_helpers.h: its data folder written to `dataDir` and the run (bnn-cli
/// run) to `runDir`. "" when both are there, else what went wrong.
inline QString makeSmallRun(const QString& dataDir, const QString& runDir, int keepSamples = 12,
                            int warmup = 20, int samples = 12) {
  if (!QFileInfo::exists(dataDir) && !writeIdxDataset(dataDir, smallRunData()))
    return QStringLiteral("cannot write ") + dataDir;
  const CliOutcome o = runCli(smallRunArguments(dataDir, runDir, keepSamples, warmup, samples));
  return o.exitCode == 0 && !o.crashed ? QString() : o.err + o.out;
}

/// The lines of a text file without the empty one after the last '\n' (empty when unreadable).
inline QStringList csvLines(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  QStringList lines = QString::fromUtf8(f.readAll()).split('\n');
  if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
  return lines;
}

/// A CSV number as written: shortest round trip, "nan" for NaN.
inline double csvNumber(const QString& text) {
  if (text == QLatin1String("nan")) return std::numeric_limits<double>::quiet_NaN();
  bool ok = false;
  const double v = text.toDouble(&ok);
  if (!ok) qWarning("not a number: %s", qPrintable(text));
  return ok ? v : -12345.0;
}

/// Equal, or both NaN.
inline bool sameNumber(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace bnn::test
