// bnn-cli as a user runs it: the built binary in a separate process. Wrong options exit with 2
// and one line saying why; `run --out` writes a folder that `report` turns into CSV tables whose
// values agree with the run; SIGINT during a run exits with 130 and writes nothing.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <cmath>
#include <csignal>

#include "analysis/uncertainty.h"
#include "common/cli_helpers.h"
#include "run/result_io.h"

using namespace bnn;

namespace {

using Outcome = test::CliOutcome;
using test::csvLines;
using test::csvNumber;
using test::runCli;
using test::sameNumber;

// The few lines of a tiny run on the synthetic data folder.
QStringList tinyRunArgs(const QString& data) {
  return {"run",    "--data",   data, "--no-progress", "--hidden", "16",        "--batch-size",
          "32",     "--warmup", "20", "--eval-every",  "10",       "--samples", "12",
          "--seed", "3"};
}

}  // namespace

class TestBnnCli : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void badOptions_data();
  void badOptions();
  void helpListsEveryParameter();
  void runThenReport();
  void compareWritesBothRuns();
  void sigintStopsAndWritesNothing_data();
  void sigintStopsAndWritesNothing();

 private:
  QTemporaryDir m_tmp;
  QString m_data;  // a synthetic MNIST-style folder
};

void TestBnnCli::initTestCase() {
  QVERIFY(m_tmp.isValid());
  QVERIFY2(QFileInfo(QStringLiteral(BNN_CLI)).isExecutable(), BNN_CLI);
  m_data = m_tmp.filePath("data");
  QVERIFY(test::writeIdxDataset(m_data, makeSyntheticDataset(400, 60, 11)));
}

void TestBnnCli::badOptions_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("reason");  // the one line on stderr contains this

  auto row = [](const char* name, QStringList args, const char* reason) {
    QTest::newRow(name) << args << reason;
  };
  row("unknown command", {"frobnicate"}, "unknown command 'frobnicate'");
  row("run: unknown option", {"run", "--frobnicate", "1"}, "unknown option '--frobnicate'");
  row("run: negative step size reaches the range check", {"run", "--step-size", "-1"},
      "Step size h: expected a number above 0, at most 100, found '-1'");
  row("run: negative step size, inline", {"run", "--step-size=-1e-3"}, "Step size h: expected");
  row("run: missing value", {"run", "--seed"}, "--seed needs a value");
  row("run: unknown preset", {"run", "--preset", "nope"}, "unknown preset 'nope'");
  row("run: compare and preset", {"run", "--compare", "--preset", "example-sgld"}, "contradict");
  row("run: flag with a value", {"run", "--compare=1"}, "--compare takes no value");
  row("run: threads", {"run", "--threads", "0"}, "--threads: expected a whole number from 1 to 256");
  row("run: integer out of range", {"run", "--warmup", "1e8"},
      "Warm-up steps W: expected a whole number from 0 to 1e7, found '1e8'");
  row("run: contradiction in one of the compared presets", {"run", "--compare", "--beta", "0.02"},
      "Example SGHMC: Noise estimate beta: must not exceed Friction alpha");
  row("run: stray argument", {"run", "extra"}, "unexpected argument 'extra'");
  row("report: no folder", {"report"}, "missing RUN_DIR");
  row("report: two folders", {"report", "a", "b"}, "too many arguments");
  row("report: negative threshold", {"report", "a", "--threshold", "-0.5"},
      "--threshold: expected a number from 0 to 1, found '-0.5'");
  row("report: unknown option", {"report", "a", "--frob"}, "unknown option '--frob'");
  row("data: no check", {"data"}, "expected 'check DIR'");
  row("data check: no folder", {"data", "check"}, "missing DIR");
}

void TestBnnCli::badOptions() {
  QFETCH(QStringList, args);
  QFETCH(QString, reason);
  const Outcome o = runCli(args);
  QVERIFY(!o.crashed);
  QCOMPARE(o.exitCode, 2);
  const QStringList lines = o.err.split('\n', Qt::SkipEmptyParts);
  QVERIFY2(!lines.isEmpty(), "nothing on stderr");
  QVERIFY2(lines.first().contains(reason), qPrintable(o.err));
  QVERIFY2(lines.first().startsWith(QLatin1String("bnn-cli")), qPrintable(o.err));
  // One line saying why (a usage summary may follow only when no option was wrong).
  if (args.size() > 1 || args.first() == QLatin1String("frobnicate"))
    QVERIFY2(lines.size() == 1 || !lines[1].startsWith(QLatin1String("bnn-cli")), qPrintable(o.err));
  QVERIFY(o.out.isEmpty());
}

void TestBnnCli::helpListsEveryParameter() {
  const Outcome o = runCli({"run", "--help"});
  QCOMPARE(o.exitCode, 0);
  for (const ParamSpec& s : runParamSpecs()) {
    const QString key = QStringLiteral("--") + QString::fromStdString(s.key);
    QVERIFY2(o.out.contains(key + QLatin1Char(' ')), qPrintable(key));
    QVERIFY2(o.out.contains(QString::fromStdString(s.label)), s.label.c_str());
    QVERIFY2(o.out.contains(QString::fromStdString(s.accepts)), s.accepts.c_str());
  }
  QVERIFY(o.out.contains(QStringLiteral("example-sgld and example-sghmc")));
}

void TestBnnCli::runThenReport() {
  const QString out = m_tmp.filePath("one run");
  const Outcome run = runCli(tinyRunArgs(m_data) << "--out" << out);
  QVERIFY2(run.exitCode == 0 && !run.crashed, qPrintable(run.err + run.out));
  QVERIFY2(run.out.contains(QStringLiteral("saved to ") + out), qPrintable(run.out));

  const Result<RunResult> saved = readRunResult(out.toStdString());
  QVERIFY2(saved.ok(), saved.ok() ? "" : saved.error().message().c_str());
  QCOMPARE(saved->outcome.status, RunStatus::Completed);
  QCOMPARE(saved->predictive.sampleCount(), int64_t(12));
  QCOMPARE(saved->testCount(), int64_t(60));
  QCOMPARE(saved->config.hidden, std::vector<int>{16});
  QCOMPARE(saved->config.seed, uint64_t(3));

  const QString tables = m_tmp.filePath("tables");
  const Outcome rep = runCli({"report", out, "--out", tables, "--threshold", "0.8"});
  QVERIFY2(rep.exitCode == 0 && !rep.crashed, qPrintable(rep.err + rep.out));
  QVERIFY(rep.out.contains(QStringLiteral("tables written to")));

  // The same analysis in process, from the saved folder: every CSV value must equal it exactly
  // (the numbers are written in shortest round-trip form).
  const Result<UncertaintyAnalysis> analysis = analyzeUncertainty(*saved);
  QVERIFY(analysis.ok());
  const UncertaintyAnalysis& a = *analysis;

  const QStringList ranked = csvLines(tables + "/uncertain_ranked.csv");
  QCOMPARE(
      ranked.value(0),
      QStringLiteral("index,true,predicted,max_prob,entropy,mutual_information,vote_share_of_predicted"));
  QCOMPARE(ranked.size(), 61);
  double previous = -1;
  for (int row = 1; row < ranked.size(); ++row) {
    const QStringList f = ranked[row].split(',');
    QCOMPARE(f.size(), 7);
    const int i = f[0].toInt();
    QCOMPARE(f[1].toInt(), int(saved->testLabels()[size_t(i)]));
    QCOMPARE(f[2].toInt(), int(a.predicted[size_t(i)]));
    QVERIFY(sameNumber(csvNumber(f[3]), a.maxProb[size_t(i)]));
    QVERIFY(sameNumber(csvNumber(f[4]), a.entropy[size_t(i)]));
    QVERIFY(csvNumber(f[3]) >= previous);  // least confident first
    previous = csvNumber(f[3]);
  }

  const QStringList perDigit = csvLines(tables + "/per_digit.csv");
  QCOMPARE(perDigit.value(0), QStringLiteral("digit,test_images,uncertain,uncertain_share,threshold"));
  QCOMPARE(perDigit.size(), 11);
  int64_t images = 0, uncertain = 0;
  for (int row = 1; row < perDigit.size(); ++row) {
    const QStringList f = perDigit[row].split(',');
    QCOMPARE(f.size(), 5);
    QCOMPARE(f[0].toInt(), row - 1);
    images += f[1].toLongLong();
    uncertain += f[2].toLongLong();
    QCOMPARE(f[4], QStringLiteral("0.8"));
  }
  int64_t below = 0;
  for (double m : a.maxProb) below += m < 0.8;
  QCOMPARE(images, int64_t(60));
  QCOMPARE(uncertain, below);

  const QStringList curve = csvLines(tables + "/threshold_curve.csv");
  QCOMPARE(curve.value(0), QStringLiteral("threshold,retained,accuracy_on_retained,percent_dropped"));
  const std::vector<double> grid = defaultThresholds();
  QCOMPARE(curve.size(), int(grid.size()) + 1);
  for (size_t k = 0; k < grid.size(); ++k) {
    const QStringList f = curve[int(k) + 1].split(',');
    QCOMPARE(csvNumber(f[0]), grid[k]);
    const int64_t retained = f[1].toLongLong();
    int64_t expected = 0;
    for (double m : a.maxProb) expected += m >= grid[k];
    QCOMPARE(retained, expected);
    // Percentages of 60 images print as the decimal they are (no 0.16999999999999238).
    QCOMPARE(csvNumber(f[3]), 100.0 * double(60 - retained) / 60.0);
    QVERIFY2(f[3].size() <= 18, qPrintable(f[3]));
  }

  const QStringList rc = csvLines(tables + "/risk_coverage.csv");
  QCOMPARE(rc.value(0), QStringLiteral("coverage,risk,max_prob_threshold"));
  QVERIFY(rc.size() >= 2);
  const QStringList last = rc.last().split(',');
  QCOMPARE(csvNumber(last[0]), 1.0);
  // At full coverage the risk is the ensemble's error, as summary.json has it.
  QFile summary(out + "/summary.json");
  QVERIFY(summary.open(QIODevice::ReadOnly));
  const double ensemble = QJsonDocument::fromJson(summary.readAll()).object()["ensemble_accuracy"].toDouble();
  QCOMPARE(csvNumber(last[1]), double(60 - std::lround(ensemble * 60)) / 60.0);
}

void TestBnnCli::compareWritesBothRuns() {
  const QString out = m_tmp.filePath("pair");
  const Outcome run = runCli(tinyRunArgs(m_data) << "--compare"
                                                 << "--out" << out);
  QVERIFY2(run.exitCode == 0 && !run.crashed, qPrintable(run.err + run.out));
  QCOMPARE(QDir(out).entryList(QDir::Dirs | QDir::NoDotAndDotDot),
           (QStringList{"example-sghmc", "example-sgld"}));
  QCOMPARE(QDir(m_tmp.path()).entryList({"pair*"}, QDir::AllEntries | QDir::Hidden), QStringList{"pair"});
  for (const char* preset : {"example-sgld", "example-sghmc"}) {
    const Result<RunResult> r = readRunResult((out + "/" + preset).toStdString());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message().c_str());
    QCOMPARE(r->config.name, presetTitle(preset));
    QCOMPARE(r->config.warmupSteps, int64_t(20));
  }
  QVERIFY(run.out.contains(QStringLiteral("comparison: ensemble accuracy")));
}

void TestBnnCli::sigintStopsAndWritesNothing_data() {
  QTest::addColumn<bool>("compare");
  QTest::newRow("one run") << false;
  QTest::newRow("compare") << true;
}

void TestBnnCli::sigintStopsAndWritesNothing() {
  QFETCH(bool, compare);
  QTemporaryDir parent;
  const QString out = parent.filePath("interrupted");
  QStringList args = tinyRunArgs(m_data);
  args << "--warmup"
       << "10000000"
       << "--out" << out;
  if (compare) args << "--compare";
  QProcess p;
  p.start(QStringLiteral(BNN_CLI), args);
  QVERIFY(p.waitForStarted());
  // The data line is printed (and flushed) once the data are loaded and the chains about to start.
  QByteArray stdoutText;
  while (!stdoutText.contains("data:")) {
    QVERIFY2(p.state() == QProcess::Running, p.readAllStandardError().constData());
    if (p.waitForReadyRead(test::kPatientMs)) stdoutText += p.readAllStandardOutput();
  }
  QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
  QVERIFY(p.waitForFinished(test::kPatientMs));
  stdoutText += p.readAllStandardOutput();
  const QString err = QString::fromUtf8(p.readAllStandardError());
  QCOMPARE(p.exitStatus(), QProcess::NormalExit);
  QCOMPARE(p.exitCode(), 130);
  QVERIFY2(err.contains(QStringLiteral("interrupted")), qPrintable(err));
  QVERIFY2(stdoutText.contains("nothing saved"), qPrintable(QString::fromUtf8(stdoutText) + err));
  // No folder, complete or half-written, and no temporary beside it.
  QCOMPARE(QDir(parent.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
           QStringList());
}

QTEST_GUILESS_MAIN(TestBnnCli)
#include "tst_bnn_cli.moc"
