// Quiet failures: a chain whose potential explodes or whose test accuracy stays at chance after
// warm-up ends with a warning that says at which step, what was seen and a step size to try; a
// healthy chain completes; a diverged chain's message carries a suggestion too.
#include <QtTest>

#include <cmath>

#include "common/test_helpers.h"
#include "run/chain_health.h"
#include "run/run_engine.h"

using namespace bnn;

class TestChainHealth : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void chanceIsTheMostCommonClass() {
    QCOMPARE(ChainHealth::chanceAccuracy({0, 1, 1, 2, 1, 3, 3, 1}, 4), 0.5);
    QCOMPARE(ChainHealth::chanceAccuracy({}, 10), 0.0);
    QCOMPARE(ChainHealth::chanceThreshold(0.1), 0.19);
    QCOMPARE(ChainHealth::chanceThreshold(0.5), 0.55);
    // The margin must be 3 standard errors: at chance 0.1, 0.09 >= 3 sqrt(0.09 / n) from n = 100 on.
    QVERIFY(ChainHealth::canJudgeChance(0.1, 110));
    QVERIFY(!ChainHealth::canJudgeChance(0.1, 90));
    QVERIFY(ChainHealth::canJudgeChance(0.1135, 10000));
    QVERIFY(!ChainHealth::canJudgeChance(0.1, 60));
  }

  void suggestionsHaveTwoDigits() {
    QCOMPARE(ChainHealth::suggestedStepSize(1e-2, false), 1e-3);
    QCOMPARE(ChainHealth::suggestedStepSize(4.5e-5, false), 4.5e-6);
    QCOMPARE(ChainHealth::suggestedStepSize(1.2345e-7, true), 1.2e-6);
  }

  void healthyChainHasNoWarning() {
    ChainHealth h(1e-4, 0.1135, 1000, 1.0);
    h.potential(Phase::Warmup, 0, 1.4e5);
    for (int s = 0; s < 1000; s += 100) {
      h.potential(Phase::Warmup, s, 1e5 / (1 + s));
      h.evaluated(Phase::Warmup, s, 0.1 + s * 1e-3);
    }
    h.potential(Phase::Sampling, 9, 1.4e6);  // below 10 (1.4e5 + 1000 / 2)
    h.evaluated(Phase::Sampling, 9, 0.95);
    QVERIFY(!h.warning(0.96, 2.0).has_value());
  }

  void explosionSaysWhereAndWhat() {
    ChainHealth h(1e-2, 0.1135, 1000, 1.0);
    h.potential(Phase::Warmup, 0, 1e5);
    h.potential(Phase::Warmup, 100, 1.005e6);  // 10 (1e5 + 1000 / 2) = 1.005e6: not above
    h.potential(Phase::Warmup, 200, 2e6);      // first above
    h.potential(Phase::Warmup, 300, 5e7);
    h.evaluated(Phase::Sampling, 9, 0.9);
    const auto w = h.warning(0.9, 3.0);
    QVERIFY(w.has_value());
    QCOMPARE(QString::fromStdString(*w),
             QStringLiteral("warning: the potential exploded at warm-up step 200: U = 2e+06, more than 10 "
                            "times its value at the first step plus d T / 2 (1e+05 + 500) with step size h = "
                            "0.01; suggested "
                            "step size h = 0.001"));
  }

  void chanceAfterWarmupSaysSince() {
    ChainHealth h(1e-2, 0.1135, 1000, 1.0);
    h.potential(Phase::Warmup, 0, 1e5);
    h.evaluated(Phase::Warmup, 0, 0.1);
    h.evaluated(Phase::Warmup, 100, 0.45);  // learnt, then lost it
    h.evaluated(Phase::Warmup, 200, 0.12);
    h.evaluated(Phase::Sampling, 9, 0.1009);
    QVERIFY(!h.warning(0.25, 2.0).has_value());  // the ensemble is above chance: not flagged
    const auto w = h.warning(0.1316, 2.0);
    QVERIFY(w.has_value());
    QCOMPARE(QString::fromStdString(*w),
             QStringLiteral("warning: test accuracy at chance level after warm-up: ensemble 0.1316, last "
                            "sample 0.1009 (always answering the most common class scores 0.1135; at most "
                            "0.2021 counts as chance), at every evaluation after warm-up step 100 with step "
                            "size h = 0.01; suggested step size h = 0.001"));
    // One sampling evaluation above chance: not at chance after warm-up.
    h.evaluated(Phase::Sampling, 19, 0.3);
    QVERIFY(!h.warning(0.1316, 2.0).has_value());
  }

  void smallTestSetsAreNotJudged() {
    ChainHealth h(1e-9, 0.1, 1000, 1.0, 60);
    h.potential(Phase::Warmup, 0, 1e5);
    h.evaluated(Phase::Sampling, 0, 0.09);
    QVERIFY(!h.warning(0.09, 0.01).has_value());
  }

  void chanceWithoutMovingSuggestsALargerStep() {
    ChainHealth h(1e-9, 0.1135, 1000, 1.0);
    h.potential(Phase::Warmup, 0, 1e5);
    h.evaluated(Phase::Warmup, 0, 0.09);
    h.evaluated(Phase::Sampling, 0, 0.09);
    const auto w = h.warning(0.09, 0.01);
    QVERIFY(w.has_value());
    QVERIFY2(QString::fromStdString(*w).endsWith(
                 QStringLiteral("at every evaluation of the run; the parameters barely moved from their "
                                "initialisation with step size h = 1e-09; suggested step size h = 1e-08")),
             w->c_str());
  }

  // Through the run engine: a step size far too small leaves the chain at its initialisation
  // (at chance on this data), and the run ends with the warning instead of "completed".
  void engineReportsAChainAtChance() {
    RunConfig c = test::tinyConfig(SamplerKind::Sgld);
    const RunResult ok = runChain(c, test::syntheticData(), nullptr, nullptr);
    QVERIFY2(ok.outcome.status == RunStatus::Completed, ok.outcome.message.c_str());
    QCOMPARE(ok.outcome.message, std::string("completed"));
    c.stepSize = 1e-12;
    const RunResult r = runChain(c, test::syntheticData(), nullptr, nullptr);
    qInfo("%s (ensemble %.4f)", r.outcome.message.c_str(), r.ensembleAccuracy());
    QCOMPARE(r.outcome.status, RunStatus::Warning);
    QVERIFY(r.outcome.message.find("test accuracy at chance level after warm-up") != std::string::npos);
    QVERIFY(r.outcome.message.find("suggested step size h = 1e-11") != std::string::npos);
    QCOMPARE(r.predictive.sampleCount(), int64_t{30});  // the results are all there
  }

  void engineDivergenceSuggestsAStepSize() {
    RunConfig c = test::tinyConfig(SamplerKind::Sgld);
    c.stepSize = 50;
    const RunResult r = runChain(c, test::syntheticData(), nullptr, nullptr);
    QCOMPARE(r.outcome.status, RunStatus::Diverged);
    QVERIFY2(r.outcome.message.find("with step size h = 50 (non-finite values); suggested step size h = 5 or "
                                    "smaller") != std::string::npos,
             r.outcome.message.c_str());
  }
};

QTEST_GUILESS_MAIN(TestChainHealth)
#include "tst_chain_health.moc"
