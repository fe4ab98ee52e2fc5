// Step-size schedules against their formulas (README "Step-size schedules"), the refusals of
// cyclical configurations without sampling steps, and a run with each schedule: warm-up shared
// bit for bit with the constant schedule, exploration steps keep no sample.
#include <QtTest>

#include <cmath>
#include <numbers>

#include "common/test_helpers.h"
#include "run/run_engine.h"
#include "samplers/step_schedule.h"

using namespace bnn;

class TestStepSchedule : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void constantIsTheStepSize() {
    const StepSchedule s(ScheduleKind::Constant, 4.5e-5, 1000, 0.55, 4, 0.8, 1000);
    for (int64_t t : {0, 1, 500, 999}) {
      QCOMPARE(s.at(t).stepSize, 4.5e-5);
      QVERIFY(!s.at(t).explore);
    }
    QCOMPARE(s.warmup().stepSize, 4.5e-5);
  }

  void polynomialIsWellingTeh() {
    // h_t = a (b + t)^-gamma with a = h b^gamma: starts exactly at h.
    const double h = 3e-5, b = 250, gamma = 0.55;
    const StepSchedule s(ScheduleKind::Polynomial, h, b, gamma, 1, 0, 1000);
    QCOMPARE(s.at(0).stepSize, h);
    const double a = h * std::pow(b, gamma);
    for (int64_t t : {1, 7, 100, 999, 100000}) {
      const double want = a * std::pow(b + static_cast<double>(t), -gamma);
      QVERIFY2(std::fabs(s.at(t).stepSize - want) <= 1e-14 * want, qPrintable(QString::number(t)));
      QVERIFY(!s.at(t).explore);
      QVERIFY(s.at(t).stepSize < s.at(t - 1).stepSize);
    }
    // Halves after (2^(1/gamma) - 1) b steps.
    const double half = (std::pow(2.0, 1 / gamma) - 1) * b;
    QVERIFY(std::fabs(s.at(static_cast<int64_t>(std::round(half))).stepSize / h - 0.5) < 1e-3);
    QCOMPARE(s.warmup().stepSize, h);
  }

  void cyclicalIsZhangEtAl_data() {
    QTest::addColumn<int>("K");
    QTest::addColumn<int>("M");
    QTest::addColumn<double>("beta");
    QTest::newRow("1000 steps, 4 cycles, beta 0.8") << 1000 << 4 << 0.8;
    QTest::newRow("1000 steps, 7 cycles (143, ..., 142), beta 0.5") << 1000 << 7 << 0.5;
    QTest::newRow("10 steps, 4 cycles (3, 3, 3, 1), beta 0") << 10 << 4 << 0.0;
  }
  void cyclicalIsZhangEtAl() {
    QFETCH(int, K);
    QFETCH(int, M);
    QFETCH(double, beta);
    const double h0 = 2e-4;
    const StepSchedule s(ScheduleKind::Cyclical, h0, 1, 1, M, beta, K);
    const int len = (K + M - 1) / M;
    QCOMPARE(s.cycleLength(), int64_t{len});
    int sampling = 0, cycleStarts = 0;
    for (int t1 = 1; t1 <= K; ++t1) {  // the reference counts t from 1
      const double r = static_cast<double>((t1 - 1) % len) / len;
      const double want = h0 / 2 * (std::cos(std::numbers::pi * r) + 1);
      const StepControl c = s.at(t1 - 1);
      QVERIFY(std::fabs(c.stepSize - want) <= 1e-15 * h0);
      QCOMPARE(c.explore, r < beta);
      QCOMPARE(s.cycleOf(t1 - 1), int64_t{(t1 - 1) / len});
      sampling += !c.explore;
      if (r == 0) {
        ++cycleStarts;
        QCOMPARE(c.stepSize, h0);  // every cycle restarts at h exactly
      }
    }
    QCOMPARE(cycleStarts, M);
    QVERIFY(sampling > 0);
    QVERIFY(!s.at(K - 1).explore);  // the last step of the run samples
  }

  void cyclicalRefusals_data() {
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("cycles");
    QTest::addColumn<double>("beta");
    QTest::addColumn<QString>("message");
    QTest::newRow("more cycles than steps")
        << 3 << 4 << 0.0 << "Cycles M: must not exceed Sampling steps S (3), found 4";
    QTest::newRow("cycle lengths make fewer cycles")
        << 9 << 4 << 0.0
        << "Cycles M: 9 sampling steps in cycles of ceil(9 / 4) = 3 steps make 3 cycles, not 4";
    QTest::newRow("a cycle without a sampling step")
        << 10 << 4 << 0.5
        << "Exploration share beta: leaves a cycle without a sampling step (cycles of 3 steps, the last of "
           "1), found 0.5";
    QTest::newRow("exploring every step")
        << 100 << 2 << 0.99
        << "Exploration share beta: leaves a cycle without a sampling step (cycles of 50 steps), found 0.99";
  }
  void cyclicalRefusals() {
    QFETCH(int, samples);
    QFETCH(int, cycles);
    QFETCH(double, beta);
    QFETCH(QString, message);
    RunConfig c;
    c.schedule = ScheduleKind::Cyclical;
    c.samplingSteps = samples;
    c.cycles = cycles;
    c.exploration = beta;
    const std::optional<std::string> why = validate(c);
    QVERIFY(why.has_value());
    QCOMPARE(QString::fromStdString(*why), message);
    c.schedule = ScheduleKind::Constant;  // only the cyclical schedule cares
    QVERIFY(!validate(c).has_value());
  }

  // Same seed, different schedules: the warm-up is the same run; in the sampling phase the
  // cyclical schedule keeps a sample only at thinned steps outside exploration.
  void runsShareTheirWarmupAndExplorationKeepsNoSample_data() {
    QTest::addColumn<int>("sampler");
    for (SamplerKind k : {SamplerKind::Sgld, SamplerKind::Sghmc, SamplerKind::Psgld, SamplerKind::Sgnht})
      QTest::newRow(enumName(k)) << int(k);
  }
  void runsShareTheirWarmupAndExplorationKeepsNoSample() {
    QFETCH(int, sampler);
    RunConfig c = test::tinyConfig(static_cast<SamplerKind>(sampler));
    if (c.sampler == SamplerKind::Psgld) c.stepSize = 3e-6;
    if (c.sampler == SamplerKind::Sgnht) c.stepSize = 1e-2;
    c.samplingSteps = 40;
    c.thinning = 2;
    const RunResult constant = runChain(c, test::syntheticData(), nullptr, nullptr);
    // Ran to its end (a tiny chain may carry a chain-health warning; health has tests of its own).
    QVERIFY2(constant.outcome.status == RunStatus::Completed || constant.outcome.status == RunStatus::Warning,
             constant.outcome.message.c_str());
    QCOMPARE(constant.predictive.sampleCount(), int64_t{20});
    for (ScheduleKind kind : {ScheduleKind::Polynomial, ScheduleKind::Cyclical}) {
      RunConfig d = c;
      d.schedule = kind;
      d.scheduleB = 10;
      d.cycles = 4;          // cycles of 10 steps
      d.exploration = 0.45;  // steps 0-4 of each cycle explore
      const RunResult r = runChain(d, test::syntheticData(), nullptr, nullptr);
      QVERIFY2(r.outcome.status == RunStatus::Completed || r.outcome.status == RunStatus::Warning,
               r.outcome.message.c_str());
      size_t warm = 0;
      for (; warm < r.curve.size() && r.curve[warm].phase == Phase::Warmup; ++warm) {
        QCOMPARE(r.curve[warm].pointwiseAccuracy, constant.curve[warm].pointwiseAccuracy);
        QCOMPARE(r.curve[warm].gradEvals, constant.curve[warm].gradEvals);
      }
      QVERIFY(warm > 0);
      if (kind == ScheduleKind::Polynomial) {
        QCOMPARE(r.predictive.sampleCount(), int64_t{20});
        QVERIFY(!test::bitEqual(r, constant));
        continue;
      }
      // Kept: odd steps s (thinning 2) with s mod 10 >= 5: 5, 7, 9 of each cycle. While it
      // explores, the pointwise accuracy every evalEvery = 10 steps (steps 0, 10, 20, 30), a
      // curve point with no ensemble value and the samples kept so far.
      QCOMPARE(r.predictive.sampleCount(), int64_t{12});
      int explored = 0, sampled = 0;
      for (size_t i = warm; i < r.curve.size(); ++i) {
        const CurvePoint& p = r.curve[i];
        QCOMPARE(p.phase, Phase::Sampling);
        QVERIFY(!std::isnan(p.pointwiseAccuracy));
        if (std::isnan(p.ensembleAccuracy)) {
          QCOMPARE(p.step, int64_t{10} * explored);
          QCOMPARE(p.samples, int64_t{3} * explored);
          ++explored;
          continue;
        }
        QVERIFY(p.step % 10 >= 5);
        QCOMPARE(p.step % 2, int64_t{1});
        QCOMPARE(p.samples, int64_t{++sampled});
      }
      QCOMPARE(explored, 4);
      QCOMPARE(sampled, 12);
    }
  }
};

QTEST_GUILESS_MAIN(TestStepSchedule)
#include "tst_step_schedule.moc"
