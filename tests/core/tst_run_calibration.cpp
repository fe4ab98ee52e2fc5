// Calibration of a run, ensemble beside last sample: the ensemble is calibrationReport of the
// explorer's p̄, the last sample that of the probabilities given; what is missing says why; the
// CSV tables read back to the reports; summary.json carries the same numbers.
#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>

#include "analysis/run_calibration.h"
#include "analysis/uncertainty.h"
#include "common/test_helpers.h"
#include "run/result_io.h"
#include "run/run_engine.h"

using namespace bnn;

namespace {

// Two samples over six images of three classes (log-probabilities), and the labels.
struct Fixture {
  PredictiveAccumulator predictive{6, 3};
  std::vector<uint8_t> labels{0, 1, 2, 0, 1, 2};
  std::vector<float> lastProbs;  // the second sample's probabilities
  Fixture() {
    const std::vector<std::vector<float>> samples = {
        {0.9f, 0.05f, 0.05f, 0.2f, 0.7f, 0.1f, 0.3f, 0.3f, 0.4f, 0.1f, 0.8f, 0.1f, 0.5f, 0.25f, 0.25f, 0.6f,
         0.2f, 0.2f},
        {0.7f, 0.2f, 0.1f, 0.1f, 0.85f, 0.05f, 0.2f, 0.2f, 0.6f, 0.3f, 0.6f, 0.1f, 0.4f, 0.4f, 0.2f, 0.5f,
         0.1f, 0.4f},
    };
    for (const auto& s : samples) {
      std::vector<float> logs(s.size());
      for (size_t i = 0; i < s.size(); ++i) logs[i] = std::log(s[i]);
      predictive.add(logs.data());
    }
    lastProbs = samples.back();
  }
};

QStringList lines(const std::string& text) {
  QStringList l = QString::fromStdString(text).split('\n');
  if (!l.isEmpty() && l.last().isEmpty()) l.removeLast();
  return l;
}

bool sameNumber(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

double csvNumber(const QString& s) {
  return s == QLatin1String("nan") ? std::numeric_limits<double>::quiet_NaN() : s.toDouble();
}

void compareReports(const CalibrationReport& got, const CalibrationReport& want) {
  QCOMPARE(got.numImages, want.numImages);
  QCOMPARE(got.bins.size(), want.bins.size());
  for (size_t b = 0; b < got.bins.size(); ++b) {
    QCOMPARE(got.bins[b].count, want.bins[b].count);
    QVERIFY(sameNumber(got.bins[b].confidence, want.bins[b].confidence));
  }
  QCOMPARE(got.ece, want.ece);
  QCOMPARE(got.mce, want.mce);
  QCOMPARE(got.negLogLikelihood, want.negLogLikelihood);
  QCOMPARE(got.brier, want.brier);
  QCOMPARE(got.accuracy, want.accuracy);
}

}  // namespace

class TestRunCalibration : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void ensembleAndLastSample_data();
  void ensembleAndLastSample();
  void unavailableSaysWhy();
  void binsCsvReadsBack();
  void tableCsvAndText();
  void summaryJsonCarriesTheNumbers();
};

void TestRunCalibration::ensembleAndLastSample_data() {
  QTest::addColumn<int>("scheme");
  QTest::addColumn<int>("bins");
  QTest::newRow("15 equal-width") << int(BinScheme::EqualWidth) << 15;
  QTest::newRow("4 equal-mass") << int(BinScheme::EqualMass) << 4;
  QTest::newRow("1 bin") << int(BinScheme::EqualWidth) << 1;
}

void TestRunCalibration::ensembleAndLastSample() {
  QFETCH(int, scheme);
  QFETCH(int, bins);
  const Fixture f;
  const Result<UncertaintyAnalysis> a = analyzeUncertainty(f.predictive, f.labels);
  QVERIFY(a.ok());
  const CalibrationOptions options{bins, BinScheme(scheme)};
  const RunCalibration c = runCalibration(&*a, f.labels, f.lastProbs, options);
  QVERIFY(c.ensemble.report && c.lastSample.report);
  QVERIFY(c.ensemble.unavailable.empty() && c.lastSample.unavailable.empty());
  const auto ens = calibrationReport(std::span<const double>(a->meanProbs), 3, f.labels, options);
  const auto last = calibrationReport(std::span<const float>(f.lastProbs), 3, f.labels, options);
  compareReports(*c.ensemble.report, *ens);
  compareReports(*c.lastSample.report, *last);
  QCOMPARE(int(c.ensemble.report->bins.size()), bins);
  // By hand: the last sample predicts 0, 1, 2, 1, 0 (0.4 vs 0.4: lowest class), 0 against the
  // labels 0, 1, 2, 0, 1, 2: 3 of 6 right.
  QCOMPARE(c.lastSample.report->accuracy, 3.0 / 6.0);
  // p̄ of image 2 is (0.3 + 0.2, 0.3 + 0.2, 0.4 + 0.6) / 2: class 2 with 0.5.
  QVERIFY(std::abs(a->meanProbs[8] - 0.5) < 1e-7);
  // The ensemble's NLL is the explorer's (from the log-sums) up to the exp/log round trip.
  QVERIFY(std::abs(c.ensemble.report->negLogLikelihood - a->negLogLikelihood) < 1e-12);
}

void TestRunCalibration::unavailableSaysWhy() {
  const Fixture f;
  const Result<UncertaintyAnalysis> a = analyzeUncertainty(f.predictive, f.labels);
  const RunCalibration noLast = runCalibration(&*a, f.labels, {});
  QVERIFY(noLast.ensemble.report);
  QVERIFY(!noLast.lastSample.report);
  QCOMPARE(noLast.lastSample.unavailable, std::string(kNoLastSampleProbs));
  const RunCalibration custom = runCalibration(&*a, f.labels, {}, {}, "the run stopped before sampling");
  QCOMPARE(custom.lastSample.unavailable, std::string("the run stopped before sampling"));

  const RunCalibration nothing = runCalibration(nullptr, f.labels, {});
  QVERIFY(!nothing.ensemble.report);
  QCOMPARE(nothing.ensemble.unavailable, std::string("nothing has been sampled yet"));

  // Probabilities with a NaN: refused by calibrationReport, its message kept.
  std::vector<float> bad = f.lastProbs;
  bad[4] = std::numeric_limits<float>::quiet_NaN();
  const RunCalibration nan = runCalibration(&*a, f.labels, bad);
  QVERIFY(!nan.lastSample.report);
  QVERIFY2(QString::fromStdString(nan.lastSample.unavailable).contains("NaN"),
           nan.lastSample.unavailable.c_str());

  // A run that never sampled.
  RunResult empty;
  empty.predictive.reset(6, 3);
  const RunCalibration fromRun = runCalibration(empty);
  QCOMPARE(fromRun.ensemble.unavailable, std::string("nothing has been sampled yet"));
  const std::string text = calibrationTableText(fromRun);
  QVERIFY(QString::fromStdString(text).contains("Ensemble unavailable: nothing has been sampled yet"));
  QVERIFY(QString::fromStdString(text).contains("Last sample unavailable: the run kept no"));

  // The pooled result of K chains has no one last sample, and says that instead.
  RunResult pooled = empty;
  pooled.config.chains = 4;
  pooled.config.chainIndex = -1;
  QCOMPARE(noLastSampleReason(pooled),
           std::string("the 4 chains are pooled, and a pool has no one last sample "
                       "(each chain's folder keeps its own)"));
  QCOMPARE(runCalibration(pooled).lastSample.unavailable, noLastSampleReason(pooled));
  pooled.config.chainIndex = 2;  // one chain of the four
  QCOMPARE(noLastSampleReason(pooled), std::string(kNoLastSampleProbs));
}

void TestRunCalibration::binsCsvReadsBack() {
  const Fixture f;
  const Result<UncertaintyAnalysis> a = analyzeUncertainty(f.predictive, f.labels);
  const RunCalibration c = runCalibration(&*a, f.labels, f.lastProbs);
  const QStringList l = lines(calibrationBinsCsv(c));
  QCOMPARE(l.value(0), QStringLiteral("source,scheme,bin,lower,upper,count,correct,accuracy,confidence,gap"));
  QCOMPARE(l.size(), 1 + 2 * 15);
  int64_t counted[2] = {0, 0};
  for (int row = 1; row < l.size(); ++row) {
    const QStringList x = l[row].split(',');
    QCOMPARE(x.size(), 10);
    const int s = row <= 15 ? 0 : 1;
    QCOMPARE(x[0], QString(s == 0 ? "ensemble" : "last_sample"));
    QCOMPARE(x[1], QStringLiteral("equal-width"));
    const int b = x[2].toInt();
    QCOMPARE(b, (row - 1) % 15);
    const ReliabilityBin& bin = (s == 0 ? *c.ensemble.report : *c.lastSample.report).bins[size_t(b)];
    QCOMPARE(csvNumber(x[3]), bin.lower);
    QCOMPARE(csvNumber(x[4]), bin.upper);
    QCOMPARE(x[5].toLongLong(), bin.count);
    QCOMPARE(x[6].toLongLong(), bin.correct);
    QVERIFY(sameNumber(csvNumber(x[7]), bin.accuracy));
    QVERIFY(sameNumber(csvNumber(x[8]), bin.confidence));
    QVERIFY(sameNumber(csvNumber(x[9]), bin.gap()));
    counted[s] += bin.count;
  }
  QCOMPARE(counted[0], int64_t(6));
  QCOMPARE(counted[1], int64_t(6));
  // Without a last sample only the ensemble's rows.
  QCOMPARE(lines(calibrationBinsCsv(runCalibration(&*a, f.labels, {}))).size(), 16);
}

void TestRunCalibration::tableCsvAndText() {
  const Fixture f;
  const Result<UncertaintyAnalysis> a = analyzeUncertainty(f.predictive, f.labels);
  const RunCalibration c = runCalibration(&*a, f.labels, {});
  const QStringList l = lines(calibrationTableCsv(c));
  QCOMPARE(l.value(0), QStringLiteral("measure,ensemble,last_sample"));
  const QStringList keys = {"accuracy", "mean_confidence", "ece", "mce", "nll", "brier"};
  QCOMPARE(l.size(), 1 + keys.size());
  const CalibrationReport& r = *c.ensemble.report;
  const double want[] = {r.accuracy, r.meanConfidence, r.ece, r.mce, r.negLogLikelihood, r.brier};
  for (int i = 0; i < keys.size(); ++i) {
    const QStringList x = l[i + 1].split(',');
    QCOMPARE(x.value(0), keys[i]);
    QCOMPARE(csvNumber(x.value(1)), want[i]);
    QCOMPARE(x.value(2), QStringLiteral("nan"));
  }
  const QString text = QString::fromStdString(calibrationTableText(c));
  QVERIFY(text.startsWith("calibration (15 equal-width bins)"));
  QVERIFY(text.contains("ECE"));
  QVERIFY(text.contains("n/a"));
}

void TestRunCalibration::summaryJsonCarriesTheNumbers() {
  RunConfig config = test::tinyConfig();
  const RunResult run = runChain(config, test::syntheticData(), nullptr, nullptr);
  QCOMPARE(run.outcome.status, RunStatus::Completed);
  QTemporaryDir dir;
  const std::string folder = dir.filePath("run").toStdString();
  QVERIFY(writeRunResult(run, folder).ok());
  QFile f(QString::fromStdString(folder) + "/summary.json");
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QJsonObject summary = QJsonDocument::fromJson(f.readAll()).object();
  const QJsonObject cal = summary["calibration"].toObject();
  QCOMPARE(cal["bins"].toInt(), 15);
  QCOMPARE(cal["scheme"].toString(), QStringLiteral("equal-width"));
  const RunCalibration c = runCalibration(run);
  QVERIFY(c.ensemble.report);
  const QJsonObject ens = cal["ensemble"].toObject();
  QCOMPARE(ens["ece"].toDouble(), c.ensemble.report->ece);
  QCOMPARE(ens["mce"].toDouble(), c.ensemble.report->mce);
  QCOMPARE(ens["nll"].toDouble(), c.ensemble.report->negLogLikelihood);
  QCOMPARE(ens["brier"].toDouble(), c.ensemble.report->brier);
  QCOMPARE(ens["accuracy"].toDouble(), summary["ensemble_accuracy"].toDouble());
  // The run's own NLL (from the log-sums) and the calibration NLL (from p̄) agree.
  QVERIFY(std::abs(ens["nll"].toDouble() - summary["nll"].toDouble()) < 1e-9);
  if (c.lastSample.report) {
    QCOMPARE(cal["last_sample"].toObject()["ece"].toDouble(), c.lastSample.report->ece);
    QCOMPARE(cal["last_sample"].toObject()["accuracy"].toDouble(),
             summary["last_sample_accuracy"].toDouble());
  } else {
    QVERIFY(cal["last_sample"].isNull());
    QCOMPARE(cal["last_sample_unavailable"].toString(), QString::fromStdString(c.lastSample.unavailable));
  }
  // The folder still reads back.
  QVERIFY(readRunResult(folder).ok());
}

QTEST_GUILESS_MAIN(TestRunCalibration)
#include "tst_run_calibration.moc"
