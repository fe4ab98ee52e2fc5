// The trust commands of bnn-cli as a user runs them: `report` prints and writes the calibration of
// the ensemble and the last sample, `decide` the cost-sensitive decisions; the numbers equal the
// core's on the same saved run. Bad options exit with 2 and one line, bad files with 1 and a line
// naming the file (and, for cost files, the row and column).
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>

#include "analysis/decision.h"
#include "analysis/run_calibration.h"
#include "analysis/uncertainty.h"
#include "common/cli_helpers.h"
#include "run/result_io.h"

using namespace bnn;
using test::csvLines;
using test::csvNumber;
using test::runCli;
using test::sameNumber;

namespace {

QJsonObject readJson(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

double jsonNumber(const QJsonValue& v) {
  return v.isNull() ? std::numeric_limits<double>::quiet_NaN() : v.toDouble();
}

bool writeFile(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

}  // namespace

class TestTrustCli : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void badOptions_data();
  void badOptions();
  void badFiles_data();
  void badFiles();
  void reportWritesCalibration();
  void decideMatchesCore_data();
  void decideMatchesCore();
  void zeroOneDecidedIsRetained();

 private:
  UncertaintyAnalysis analysis() const { return *analyzeUncertainty(m_saved); }

  QTemporaryDir m_tmp;
  QString m_run;  // a saved tiny run
  RunResult m_saved;
};

void TestTrustCli::initTestCase() {
  QVERIFY(m_tmp.isValid());
  const QString data = m_tmp.filePath("data");
  QVERIFY(test::writeIdxDataset(data, makeSyntheticDataset(400, 80, 11)));
  m_run = m_tmp.filePath("run");
  const test::CliOutcome run =
      runCli({"run", "--data", data, "--no-progress", "--hidden", "16", "--batch-size", "32", "--warmup",
              "20", "--eval-every", "10", "--samples", "12", "--seed", "3", "--out", m_run});
  QVERIFY2(run.exitCode == 0 && !run.crashed, qPrintable(run.err + run.out));
  Result<RunResult> saved = readRunResult(m_run.toStdString());
  QVERIFY(saved.ok());
  m_saved = std::move(saved.value());
}

void TestTrustCli::badOptions_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("reason");
  auto row = [](const char* name, QStringList args, const char* reason) {
    QTest::newRow(name) << args << reason;
  };
  row("report: bins 0", {"report", "a", "--bins", "0"},
      "--bins: expected a whole number from 1 to 1000, found '0'");
  row("report: bins 2.5", {"report", "a", "--bins", "2.5"}, "--bins: expected a whole number");
  row("report: equal-mass with a value", {"report", "a", "--equal-mass=1"}, "--equal-mass takes no value");
  row("decide: no folder", {"decide", "--costs", "zero-one", "--reject", "0.1"}, "missing RUN_DIR");
  row("decide: no costs", {"decide", "a", "--reject", "0.1"}, "missing --costs");
  row("decide: no reject", {"decide", "a", "--costs", "zero-one"}, "missing --reject");
  row("decide: negative reject", {"decide", "a", "--costs", "zero-one", "--reject", "-0.1"},
      "--reject: expected a number from 0 to 1e+12, found '-0.1'");
  row("decide: reject nan", {"decide", "a", "--costs", "zero-one", "--reject", "nan"}, "--reject: expected");
  row("decide: reject text", {"decide", "a", "--costs", "zero-one", "--reject", "0.1x"}, "found '0.1x'");
  row("decide: unknown option", {"decide", "a", "--frob"}, "unknown option '--frob'");
  row("decide: two folders", {"decide", "a", "b"}, "too many arguments");
}

void TestTrustCli::badOptions() {
  QFETCH(QStringList, args);
  QFETCH(QString, reason);
  const test::CliOutcome o = runCli(args);
  QVERIFY(!o.crashed);
  QCOMPARE(o.exitCode, 2);
  const QStringList lines = o.err.split('\n', Qt::SkipEmptyParts);
  QCOMPARE(lines.size(), 1);
  QVERIFY2(lines.first().startsWith("bnn-cli " + args.first() + ": "), qPrintable(o.err));
  QVERIFY2(lines.first().contains(reason), qPrintable(o.err));
  QVERIFY(o.out.isEmpty());
}

void TestTrustCli::badFiles_data() {
  QTest::addColumn<QByteArray>("costs");  // written to a file; empty: the file is missing
  QTest::addColumn<QStringList>("reason");
  QByteArray good;
  for (int a = 0; a < 10; ++a) {
    for (int k = 0; k < 10; ++k) good += (k ? "," : "") + QByteArray(a == k ? "0" : "1");
    good += '\n';
  }
  QTest::newRow("missing file") << QByteArray() << QStringList{"costs.csv", "no such file"};
  QByteArray nine = good.left(good.lastIndexOf('\n', good.size() - 2) + 1);
  QTest::newRow("nine rows") << nine << QStringList{"costs.csv", "too few rows", "9 rows"};
  QByteArray shortRow = good;
  shortRow.replace("0,1,1,1,1,1,1,1,1,1\n", "0,1,1,1,1,1,1,1,1\n");
  QTest::newRow("short row") << shortRow << QStringList{"row 1 (decision 0) is too short", "9 values"};
  QByteArray word = good;
  word.replace("1,0,1,1,1,1,1,1,1,1\n", "1,0,1,1,x,1,1,1,1,1\n");
  QTest::newRow("not a number") << word << QStringList{"row 2, column 5 (decision 1, true class 4)", "'x'"};
  QByteArray negative = good;
  negative.replace("1,1,1,1,1,1,1,1,1,0\n", "1,1,-2,1,1,1,1,1,1,0\n");
  QTest::newRow("negative") << negative << QStringList{"row 10, column 3", "negative"};
  QByteArray nan = good;
  nan.replace("1,1,0,1,1,1,1,1,1,1\n", "1,1,0,nan,1,1,1,1,1,1\n");
  QTest::newRow("NaN") << nan << QStringList{"row 3, column 4", "NaN"};
}

void TestTrustCli::badFiles() {
  QFETCH(QByteArray, costs);
  QFETCH(QStringList, reason);
  QTemporaryDir dir;
  const QString path = dir.filePath("costs.csv");
  if (!costs.isEmpty()) QVERIFY(writeFile(path, costs));
  const test::CliOutcome o =
      runCli({"decide", m_run, "--costs", path, "--reject", "0.2", "--out", dir.filePath("o")});
  QVERIFY(!o.crashed);
  QCOMPARE(o.exitCode, 1);
  const QStringList lines = o.err.split('\n', Qt::SkipEmptyParts);
  QCOMPARE(lines.size(), 1);
  QVERIFY2(lines.first().startsWith("bnn-cli decide: " + path), qPrintable(o.err));
  for (const QString& r : reason) QVERIFY2(lines.first().contains(r), qPrintable(o.err + " lacks " + r));
  QVERIFY(!QFileInfo::exists(dir.filePath("o")));

  // A folder that is not a run: exit 1 naming the file that is missing.
  const test::CliOutcome notRun = runCli({"decide", dir.path(), "--costs", "zero-one", "--reject", "0.2"});
  QCOMPARE(notRun.exitCode, 1);
  QVERIFY2(notRun.err.contains("config.json"), qPrintable(notRun.err));
}

void TestTrustCli::reportWritesCalibration() {
  const QString out = m_tmp.filePath("report");
  const test::CliOutcome rep = runCli({"report", m_run, "--out", out});
  QVERIFY2(rep.exitCode == 0 && !rep.crashed, qPrintable(rep.err + rep.out));
  QVERIFY2(rep.out.contains("calibration (15 equal-width bins)"), qPrintable(rep.out));
  QVERIFY(rep.out.contains("ECE"));

  const UncertaintyAnalysis a = analysis();
  const RunCalibration c = runCalibration(&a, m_saved.testLabels(), {});
  QVERIFY(c.ensemble.report);
  const QStringList bins = csvLines(out + "/calibration.csv");
  QCOMPARE(bins.value(0),
           QStringLiteral("source,scheme,bin,lower,upper,count,correct,accuracy,confidence,gap"));
  QVERIFY(bins.size() == 16 || bins.size() == 31);
  int64_t images = 0;
  for (int row = 1; row <= 15; ++row) {
    const QStringList x = bins[row].split(',');
    const ReliabilityBin& b = c.ensemble.report->bins[size_t(row - 1)];
    QCOMPARE(x[0], QStringLiteral("ensemble"));
    QCOMPARE(x[5].toLongLong(), b.count);
    QVERIFY(sameNumber(csvNumber(x[7]), b.accuracy));
    QVERIFY(sameNumber(csvNumber(x[8]), b.confidence));
    images += b.count;
  }
  QCOMPARE(images, int64_t(80));
  const QStringList table = csvLines(out + "/calibration_table.csv");
  QCOMPARE(table.value(3).section(',', 0, 0), QStringLiteral("ece"));
  QCOMPARE(csvNumber(table.value(3).section(',', 1, 1)), c.ensemble.report->ece);
  // summary.json has the same ECE.
  const QJsonObject summary = readJson(m_run + "/summary.json");
  QCOMPARE(summary["calibration"].toObject()["ensemble"].toObject()["ece"].toDouble(),
           c.ensemble.report->ece);

  // Equal-mass, 5 bins.
  const test::CliOutcome mass = runCli({"report", m_run, "--out", out, "--bins", "5", "--equal-mass"});
  QCOMPARE(mass.exitCode, 0);
  QVERIFY(mass.out.contains("calibration (5 equal-mass bins)"));
  const QStringList massBins = csvLines(out + "/calibration.csv");
  QCOMPARE(massBins.value(1).section(',', 1, 1), QStringLiteral("equal-mass"));
  const RunCalibration cm = runCalibration(&a, m_saved.testLabels(), {}, {5, BinScheme::EqualMass});
  QCOMPARE(csvNumber(csvLines(out + "/calibration_table.csv").value(3).section(',', 1, 1)),
           cm.ensemble.report->ece);
}

void TestTrustCli::decideMatchesCore_data() {
  QTest::addColumn<QString>("costs");  // a preset name, or "file"
  QTest::addColumn<double>("c");
  for (CostPreset preset : kCostPresets)
    for (double c : {0.05, 0.2, 0.5})
      QTest::addRow("%s, c = %g", enumName(preset), c) << QString(enumName(preset)) << c;
  QTest::newRow("file, c = 0.3") << QStringLiteral("file") << 0.3;
  QTest::newRow("file, c = 0") << QStringLiteral("file") << 0.0;
}

void TestTrustCli::decideMatchesCore() {
  QFETCH(QString, costs);
  QFETCH(double, c);
  QTemporaryDir dir;
  CostMatrix matrix;
  QString costsArg = costs;
  if (costs == QLatin1String("file")) {
    // An asymmetric matrix: mistakes on odd truths cost their class number.
    matrix = zeroOneCosts(10);
    for (int a = 0; a < 10; ++a)
      for (int k = 1; k < 10; k += 2)
        if (a != k) matrix.at(a, k) = k;
    costsArg = dir.filePath("my costs.csv");
    QVERIFY(writeCostMatrixCsv(costsArg.toStdString(), matrix).ok());
  } else {
    matrix = costPreset(*costPresetFromName(costs.toStdString()));
  }
  const QString out = dir.filePath("decisions");
  const test::CliOutcome o =
      runCli({"decide", m_run, "--costs", costsArg, "--reject", QString::number(c), "--out", out});
  QVERIFY2(o.exitCode == 0 && !o.crashed, qPrintable(o.err + o.out));
  QVERIFY(o.out.contains("realised cost / image"));
  QVERIFY(o.out.contains("decision confusion matrix, Ensemble"));

  const UncertaintyAnalysis a = analysis();
  const Result<RiskProfile> p =
      riskProfile(std::span<const double>(a.meanProbs), m_saved.testLabels(), matrix);
  QVERIFY(p.ok());
  const DecisionSummary want = decisionSummary(*p, c);

  const QJsonObject j = readJson(out + "/decisions.json");
  QCOMPARE(j["reject_cost"].toDouble(), c);
  QCOMPARE(j["cost_matrix"].toArray().size(), 100);
  for (int i = 0; i < 100; ++i) QCOMPARE(j["cost_matrix"].toArray()[i].toDouble(), matrix.cost[size_t(i)]);
  const QJsonObject ens = j["ensemble"].toObject();
  QCOMPARE(ens["decided"].toInteger(), want.decided);
  QCOMPARE(ens["deferred"].toInteger(), want.deferred);
  QVERIFY(sameNumber(jsonNumber(ens["deferral_rate"]), want.deferralRate));
  QVERIFY(sameNumber(jsonNumber(ens["accuracy_on_decided"]), want.accuracyOnDecided));
  QVERIFY(sameNumber(jsonNumber(ens["expected_cost_per_image"]), want.expectedCostPerImage));
  QVERIFY(sameNumber(jsonNumber(ens["realised_cost_per_image"]), want.realisedCostPerImage));
  QVERIFY(j.contains("last_sample"));

  // costs.csv reads back to the matrix used.
  const Result<CostMatrix> back = readCostMatrixCsv((out + "/costs.csv").toStdString(), 10);
  QVERIFY(back.ok());
  QVERIFY(*back == matrix);

  // The confusion matrix counts every test image once and its costs add up to the realised cost.
  const QStringList confusion = csvLines(out + "/confusion_ensemble.csv");
  QCOMPARE(confusion.size(), 1 + 10 * 11);
  int64_t images = 0, deferred = 0;
  double cost = 0;
  for (int row = 1; row < confusion.size(); ++row) {
    const QStringList x = confusion[row].split(',');
    images += x[2].toLongLong();
    if (x[1] == QLatin1String("deferred")) deferred += x[2].toLongLong();
    cost += csvNumber(x[3]);
  }
  QCOMPARE(images, int64_t(80));
  QCOMPARE(deferred, want.deferred);
  QVERIFY(std::abs(cost / 80 - want.realisedCostPerImage) < 1e-12);

  // Per image: one row each, deferred ones as "deferred".
  const QStringList perImage = csvLines(out + "/per_image_ensemble.csv");
  QCOMPARE(perImage.size(), 81);
  QCOMPARE(perImage.filter(",deferred,").size(), int(want.deferred));

  // The sweep starts at c = 0 and ends where nothing is deferred.
  const QStringList sweep = csvLines(out + "/reject_sweep.csv");
  QVERIFY(sweep.size() >= 102);
  const QStringList first = sweep[1].split(','), lastRow = sweep[101].split(',');
  QCOMPARE(first[0], QStringLiteral("ensemble"));
  QCOMPARE(csvNumber(first[1]), 0.0);
  QCOMPARE(lastRow[4], QStringLiteral("0"));
}

void TestTrustCli::zeroOneDecidedIsRetained() {
  // Under 0-1 loss "decided at c" is "retained at t = 1 - c" in the explorer, point for point.
  const UncertaintyAnalysis a = analysis();
  QTemporaryDir dir;
  for (double t : defaultThresholds()) {
    const double c = 1 - t;
    if (std::abs(t - 0.5) > 0.06 && std::abs(t - 0.9) > 0.02) continue;  // a few points via the CLI
    const test::CliOutcome o = runCli({"decide", m_run, "--costs", "zero-one", "--reject",
                                       QString::number(c, 'g', 17), "--out", dir.path()});
    QCOMPARE(o.exitCode, 0);
    const QJsonObject ens = readJson(dir.filePath("decisions.json"))["ensemble"].toObject();
    QCOMPARE(ens["decided"].toInteger(), retainedCount(a, t));
  }
}

QTEST_GUILESS_MAIN(TestTrustCli)
#include "tst_trust_cli.moc"
