// Tables of the decisions: the reject-cost grid ends where nothing is deferred any more, and the
// CSV text reads back to the summaries, confusion cells and per-image decisions it was made from.
#include <QtTest>

#include <cmath>

#include "analysis/decision_tables.h"

using namespace bnn;

namespace {

QStringList lines(const std::string& text) {
  QStringList l = QString::fromStdString(text).split('\n');
  if (!l.isEmpty() && l.last().isEmpty()) l.removeLast();
  return l;
}

double csvNumber(const QString& s) {
  return s == QLatin1String("nan") ? std::numeric_limits<double>::quiet_NaN() : s.toDouble();
}

bool sameNumber(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Four images of three classes under 0-1 loss: risks 0.1, 0.5, 0.3, 0.6 (1 - max p̄).
const std::vector<double> kProbs = {0.9, 0.05, 0.05, 0.5, 0.3, 0.2, 0.1, 0.7, 0.2, 0.4, 0.3, 0.3};
const std::vector<uint8_t> kLabels = {0, 1, 1, 2};

}  // namespace

class TestDecisionTables : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void gridEndsWhereNothingIsDeferred_data();
  void gridEndsWhereNothingIsDeferred();
  void summariesCsv();
  void confusionCsvAndText();
  void perImageCsv();
};

void TestDecisionTables::gridEndsWhereNothingIsDeferred_data() {
  QTest::addColumn<double>("scale");  // costs multiplied by
  QTest::addColumn<double>("end");
  // Largest risk 0.6 -> 1; x3: 1.8 -> 2; x7: 4.2 -> 5; x0.1: 0.06 -> 0.1; x 20: 12 -> 20.
  QTest::newRow("0-1") << 1.0 << 1.0;
  QTest::newRow("x3") << 3.0 << 2.0;
  QTest::newRow("x7") << 7.0 << 5.0;
  QTest::newRow("x0.1") << 0.1 << 0.1;
  QTest::newRow("x20") << 20.0 << 20.0;
  QTest::newRow("no risk") << 0.0 << 1.0;
}

void TestDecisionTables::gridEndsWhereNothingIsDeferred() {
  QFETCH(double, scale);
  QFETCH(double, end);
  CostMatrix costs = zeroOneCosts(3);
  for (double& c : costs.cost) c *= scale;
  const Result<RiskProfile> p = riskProfile(std::span<const double>(kProbs), kLabels, costs);
  QVERIFY(p.ok());
  const RiskProfile* profiles[] = {&*p, nullptr};
  const std::vector<double> grid = rejectCostGrid(profiles, 11);
  QCOMPARE(grid.size(), size_t(11));
  QCOMPARE(grid.front(), 0.0);
  QCOMPARE(grid.back(), end);
  for (size_t i = 1; i < grid.size(); ++i) QVERIFY(grid[i] > grid[i - 1]);
  // Nothing is deferred at the end of the grid; at its start everything at risk is.
  QCOMPARE(decisionSummary(*p, grid.back()).deferred, int64_t(0));
  QCOMPARE(decisionSummary(*p, 0.0).deferred, scale > 0 ? int64_t(4) : int64_t(0));
  QCOMPARE(rejectCostGrid({}, 1).size(), size_t(2));
}

void TestDecisionTables::summariesCsv() {
  const Result<RiskProfile> p = riskProfile(std::span<const double>(kProbs), kLabels, zeroOneCosts(3));
  QVERIFY(p.ok());
  const std::vector<double> cs = {0.0, 0.35, 0.55, 1.0};
  const NamedSummaries series[] = {{"ensemble", rejectSweep(*p, cs)}, {"other", {decisionSummary(*p, 0.35)}}};
  const QStringList l = lines(decisionSummariesCsv(series));
  QCOMPARE(l.value(0), QStringLiteral("source,reject_cost,images,decided,deferred,deferral_rate,"
                                      "accuracy_on_decided,expected_cost_per_image,realised_cost_per_image"));
  QCOMPARE(l.size(), 1 + 4 + 1);
  for (int row = 1; row < l.size(); ++row) {
    const QStringList x = l[row].split(',');
    QCOMPARE(x.size(), 9);
    const DecisionSummary& s = row <= 4 ? series[0].summaries[size_t(row - 1)] : series[1].summaries[0];
    QCOMPARE(x[0], QString(row <= 4 ? "ensemble" : "other"));
    QCOMPARE(csvNumber(x[1]), s.rejectCost);
    QCOMPARE(x[2].toLongLong(), s.numImages);
    QCOMPARE(x[3].toLongLong(), s.decided);
    QCOMPARE(x[4].toLongLong(), s.deferred);
    QVERIFY(sameNumber(csvNumber(x[5]), s.deferralRate));
    QVERIFY(sameNumber(csvNumber(x[6]), s.accuracyOnDecided));
    QVERIFY(sameNumber(csvNumber(x[7]), s.expectedCostPerImage));
    QVERIFY(sameNumber(csvNumber(x[8]), s.realisedCostPerImage));
  }
  // By hand at c = 0.35: images 0 (risk 0.1, right) and 2 (0.3, right) decided, 1 and 3
  // deferred: realised (0 + 0 + 0.35 + 0.35) / 4, expected (0.1 + 0.3 + 0.7) / 4.
  const QStringList x = l[2].split(',');
  QCOMPARE(x[3], QStringLiteral("2"));
  QCOMPARE(csvNumber(x[5]), 0.5);
  QCOMPARE(csvNumber(x[6]), 1.0);
  QVERIFY(std::abs(csvNumber(x[7]) - 1.1 / 4) < 1e-15);
  QVERIFY(std::abs(csvNumber(x[8]) - 0.7 / 4) < 1e-15);
  // Nothing decided at c = 0: accuracy on decided is nan.
  QCOMPARE(l[1].split(',')[6], QStringLiteral("nan"));
}

void TestDecisionTables::confusionCsvAndText() {
  CostMatrix costs = zeroOneCosts(3);
  costs.at(0, 1) = 4;  // deciding 0 when the truth is 1 costs 4
  const Result<RiskProfile> p = riskProfile(std::span<const double>(kProbs), kLabels, costs);
  QVERIFY(p.ok());
  const DecisionConfusion m = decisionConfusion(*p, 0.65);
  const QStringList l = lines(decisionConfusionCsv(m));
  QCOMPARE(l.value(0), QStringLiteral("true_class,decision,count,cost"));
  QCOMPARE(l.size(), 1 + 3 * 4);
  int64_t images = 0;
  double total = 0;
  for (int row = 1; row < l.size(); ++row) {
    const QStringList x = l[row].split(',');
    const int y = (row - 1) / 4, col = (row - 1) % 4;
    QCOMPARE(x[0].toInt(), y);
    QCOMPARE(x[1], col == 3 ? QStringLiteral("deferred") : QString::number(col));
    QCOMPARE(x[2].toLongLong(), m.count(y, col));
    QCOMPARE(csvNumber(x[3]), m.cellCost(y, col));
    images += m.count(y, col);
    total += csvNumber(x[3]);
  }
  QCOMPARE(images, int64_t(4));
  QCOMPARE(total, m.totalCost());
  const QStringList text = lines(decisionConfusionText(m));
  QCOMPARE(text.size(), 4);
  QVERIFY(text[0].contains("deferred"));
  QVERIFY(text[0].contains("cost"));
  // One number per column plus the row's cost.
  QCOMPARE(text[1].split(' ', Qt::SkipEmptyParts).size(), 1 + 4 + 1);
}

void TestDecisionTables::perImageCsv() {
  const Result<RiskProfile> p = riskProfile(std::span<const double>(kProbs), kLabels, zeroOneCosts(3));
  const Decisions d = decide(*p, 0.45);
  const QStringList l = lines(perImageDecisionsCsv(*p, d));
  QCOMPARE(l.value(0), QStringLiteral("index,true,decision,min_risk,expected_cost,realised_cost"));
  QCOMPARE(l.size(), 5);
  // Image 0: decided 0, right; 1: deferred (risk 0.5 > 0.45); 2: decided 1, right; 3: deferred.
  QCOMPARE(l[1].section(',', 0, 2), QStringLiteral("0,0,0"));
  QCOMPARE(l[2].section(',', 0, 2), QStringLiteral("1,1,deferred"));
  QCOMPARE(l[3].section(',', 0, 2), QStringLiteral("2,1,1"));
  QCOMPARE(l[4].section(',', 0, 2), QStringLiteral("3,2,deferred"));
  for (int i = 0; i < 4; ++i) {
    const QStringList x = l[i + 1].split(',');
    QCOMPARE(csvNumber(x[3]), p->minRisk[size_t(i)]);
    QCOMPARE(csvNumber(x[4]), d.expectedCost[size_t(i)]);
    QCOMPARE(csvNumber(x[5]), d.realisedCost[size_t(i)]);
  }
  // Without labels: true and realised cost are nan.
  const Result<RiskProfile> unlabelled = riskProfile(std::span<const double>(kProbs), {}, zeroOneCosts(3));
  QVERIFY(unlabelled.ok());
  const QStringList u = lines(perImageDecisionsCsv(*unlabelled, decide(*unlabelled, 0.45)));
  QCOMPARE(u[1].section(',', 1, 1), QStringLiteral("nan"));
  QCOMPARE(u[1].section(',', 5, 5), QStringLiteral("nan"));
}

QTEST_GUILESS_MAIN(TestDecisionTables)
#include "tst_decision_tables.moc"
