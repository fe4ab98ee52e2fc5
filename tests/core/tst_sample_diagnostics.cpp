// Per-sample diagnostics (run/sample_diagnostics.h, run/diagnostic_recorder.h): the CSV round
// trip and its errors; R̂ and ESS per scalar across chains on synthetic chains with known answers
// (AR(1) with integrated autocorrelation time (1 + φ)/(1 - φ), a chain with a shifted mean);
// a chain records one row per kept sample whose values are those of the kept state: the fixed
// parameters equal the sample's, the potential is the minibatch log-likelihood plus the prior
// term, and the configurational temperature ⟨θ, ∇U(θ)⟩ / d matches a finite difference of U
// along θ on the same minibatch; recording leaves the chain unchanged, and the rows survive
// saving and reading.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <numeric>

#include "common/test_helpers.h"
#include "run/chain_parts.h"
#include "run/diagnostic_recorder.h"
#include "run/posterior_samples.h"
#include "run/result_io.h"
#include "run/run_engine.h"
#include "run/sample_diagnostics.h"
#include "util/philox.h"
#include "util/random_stream.h"

using namespace bnn;

namespace {

// M chains of n draws of AR(1) x_t = φ x_{t-1} + ε_t started stationary, plus shift[c].
std::vector<std::vector<double>> ar1(int m, int n, double phi, uint64_t seed,
                                     const std::vector<double>& shift = {}) {
  const RandomStream rs(seed);
  std::vector<std::vector<double>> out(static_cast<size_t>(m));
  std::vector<float> eps(static_cast<size_t>(n) + 1);
  for (int c = 0; c < m; ++c) {
    rs.normals(static_cast<uint64_t>(c), 0, n + 1, eps.data());
    double x = eps[0] / std::sqrt(1 - phi * phi);
    for (int t = 0; t < n; ++t) {
      if (t > 0) x = phi * x + eps[static_cast<size_t>(t)];
      out[static_cast<size_t>(c)].push_back(x + (shift.empty() ? 0.0 : shift[static_cast<size_t>(c)]));
    }
  }
  return out;
}

// Diagnostics of M chains with the given scalars, chain c's rows interleaved with the others'
// (as a pooled result never holds them, to check that rows are taken by their chain column).
SampleDiagnostics fromTraces(const std::vector<std::string>& names,
                             const std::vector<std::vector<std::vector<double>>>& perScalar) {
  SampleDiagnostics d;
  d.names = names;
  const size_t m = perScalar[0].size(), n = perScalar[0][0].size();
  for (size_t t = 0; t < n; ++t)
    for (size_t c = 0; c < m; ++c) {
      std::vector<double> row;
      for (const auto& s : perScalar) row.push_back(s[c][t]);
      d.append(static_cast<int64_t>(c), static_cast<int64_t>(t), row);
    }
  return d;
}

}  // namespace

class TestSampleDiagnostics : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void csvRoundTripAndErrors() {
    SampleDiagnostics d;
    d.names = {"potential", "logit_7"};
    d.append(0, 9, {1.5, -0.1});
    d.append(1, 9, {std::nan(""), 3e-300});
    const std::string csv = diagnosticsCsv(d);
    QVERIFY(csv.rfind("chain,step,potential,logit_7\n0,9,1.5,-0.1\n1,9,nan,3e-300\n", 0) == 0);
    Result<SampleDiagnostics> back = parseDiagnosticsCsv("diagnostics.csv", csv);
    QVERIFY(back.ok());
    QCOMPARE(back->names, d.names);
    QCOMPARE(back->step, d.step);
    QCOMPARE(back->chain, d.chain);
    QVERIFY(std::isnan(back->values[2]) && back->values[3] == 3e-300);

    struct Bad {
      const char* text;
      const char* says;
    };
    for (const Bad& b : {Bad{"", "an empty file"}, Bad{"step,chain,x\n", "a header"},
                         Bad{"chain,step,x y\n", "scalar names"}, Bad{"chain,step,x\n0,1\n", "3 fields"},
                         Bad{"chain,step,x\n0,1,abc\n", "a number in column 'x'"},
                         Bad{"chain,step,x\n-1,1,2\n", "integers >= 0"}}) {
      Result<SampleDiagnostics> r = parseDiagnosticsCsv("run/diagnostics.csv", b.text);
      QVERIFY2(!r.ok(), b.text);
      const std::string msg = r.error().message();
      QVERIFY2(msg.find("run/diagnostics.csv") != std::string::npos && msg.find(b.says) != std::string::npos,
               msg.c_str());
    }
  }

  void convergencePerScalarOnAr1AndShiftedChains() {
    // 4 chains x 4000 draws: scalar "ar" is AR(1) with φ = 0.5 (τ = 3: ESS ≈ M n / 3); "shifted"
    // is iid with the last chain shifted by 1 sd (R̂ ≈ 1.08, see tst_convergence); "iid" plain.
    // 20 replicates: the mean of ESS τ / (M n) is 1 within 4 of its standard errors + 2%.
    const int m = 4, n = 4000;
    std::vector<double> ratio;
    for (uint64_t r = 0; r < 20; ++r) {
      const SampleDiagnostics d = fromTraces(
          {"ar", "shifted", "iid"},
          {ar1(m, n, 0.5, 900 + r), ar1(m, n, 0.0, 1900 + r, {0, 0, 0, 1}), ar1(m, n, 0.0, 2900 + r)});
      const std::vector<ScalarConvergence> t = scalarConvergence(d);
      QCOMPARE(t.size(), size_t{3});
      QCOMPARE(t[0].name, std::string("ar"));
      QCOMPARE(t[0].d.numChains, m);
      QCOMPARE(t[0].d.numDraws, int64_t{n});
      ratio.push_back(t[0].d.essBulk * 3.0 / (m * n));
      QVERIFY2(t[0].d.rhat < 1.01, qPrintable(QString::number(t[0].d.rhat)));
      QVERIFY2(t[1].d.rhatBulk > 1.05, qPrintable(QString::number(t[1].d.rhatBulk)));
      QVERIFY2(t[2].d.rhat < 1.01, qPrintable(QString::number(t[2].d.rhat)));
      // Same numbers as convergence.h on the chains laid out one after the other.
      std::vector<double> flat;
      for (int c = 0; c < m; ++c) {
        const std::vector<double> tr = d.trace(0, c);
        flat.insert(flat.end(), tr.begin(), tr.end());
      }
      QCOMPARE(t[0].d.essBulk, essBulk(flat, m));
      QCOMPARE(t[0].d.rhat, rhat(flat, m));
    }
    const double mean = std::accumulate(ratio.begin(), ratio.end(), 0.0) / ratio.size();
    double ss = 0;
    for (double v : ratio) ss += (v - mean) * (v - mean);
    const double se = std::sqrt(ss / (ratio.size() - 1) / ratio.size());
    qInfo("AR(1) phi 0.5: bulk ESS x tau / (M n) = %.4f +- %.4f", mean, se);
    QVERIFY(std::fabs(mean - 1) < 4 * se + 0.02);

    // Chains of different lengths are cut to the shortest; fewer than 4 draws: no numbers.
    SampleDiagnostics uneven = fromTraces({"x"}, {ar1(2, 10, 0.0, 5)});
    uneven.append(0, 10, {0.5});
    QCOMPARE(scalarConvergence(uneven)[0].d.numDraws, int64_t{10});
    const SampleDiagnostics tiny = fromTraces({"x"}, {ar1(2, 3, 0.0, 5)});
    QCOMPARE(scalarConvergence(tiny)[0].d.numChains, 0);
    QVERIFY(std::isnan(scalarConvergence(tiny)[0].d.rhat));
    QVERIFY(convergenceText(scalarConvergence(tiny)).find("fewer than 4") != std::string::npos);
  }

  void chainRecordsItsKeptSamples() {
    RunConfig c = test::tinyConfig();
    c.samplingSteps = 40;
    c.keepSamples = 8;
    QTemporaryDir tmp;
    const RunResult r =
        runChain(c, test::syntheticData(), nullptr, nullptr, ChainStorage{tmp.path().toStdString()});
    // (The tiny run may end with a chain-health warning; it ran to its end either way.)
    QVERIFY2(r.outcome.status == RunStatus::Completed || r.outcome.status == RunStatus::Warning,
             r.outcome.message.c_str());
    QVERIFY(r.samples);
    const SampleDiagnostics& d = r.diagnostics;
    QCOMPARE(d.rows(), int64_t{8});
    QCOMPARE(d.step, r.samples->steps());
    QCOMPARE(d.chains(), std::vector<int64_t>{0});
    QCOMPARE(d.names.size(), size_t{4 + DiagnosticRecorder::kImages + 4});
    QCOMPARE(d.names[0], std::string("potential"));
    QCOMPARE(d.names[3], std::string("config_temperature"));

    const Dataset& data = *test::syntheticData();
    const MlpShape shape = mlpShapeFor(c, data);
    const Mlp mlp(shape);
    const int64_t dim = shape.numParams();
    const size_t w = d.names.size();
    MlpTarget target(mlp, data.train, c.batchSize, BatchMode::WithReplacement, c.priorSigma, 0,
                     RandomStream(streamKey(c.seed, chainStream(kDiagnosticBatchStream, c.chainIndex))));
    std::vector<float> g(static_cast<size_t>(dim)), scaled(static_cast<size_t>(dim));
    auto potential = [&](const float* theta) {
      target.dataGradient(theta, g.data());
      double sq = 0;
      for (int64_t j = 0; j < dim; ++j) sq += double(theta[j]) * theta[j];
      return -target.dataScale() * target.lastLogLikelihood() + 0.5 * target.priorPrecision() * sq;
    };
    for (int64_t k = 0; k < d.rows(); ++k) {
      const float* theta = r.samples->sample(k);
      const double* row = d.values.data() + k * w;
      // The fixed parameters are the kept state's.
      QCOMPARE(row[w - 4],
               double(theta[shape.weightOffset(0) + std::stoll(d.names[w - 4].substr(3)) * shape.sizes[1]]));
      QCOMPARE(row[w - 3], double(theta[shape.biasOffset(0)]));
      QCOMPARE(row[w - 2], double(theta[shape.weightOffset(1)]));
      QCOMPARE(row[w - 1], double(theta[shape.biasOffset(1)]));
      // Potential = -minibatch log-likelihood + prior term, on the recorder's k-th minibatch.
      target.nextMinibatch();
      const double u = potential(theta);
      QVERIFY2(std::fabs(row[0] - u) <= 1e-9 * std::fabs(u), qPrintable(QString::number(row[0] - u)));
      QVERIFY(std::fabs(row[0] + row[1] - (u + target.dataScale() * target.lastLogLikelihood())) <
              1e-6 * std::fabs(u));
      // ⟨θ, ∇U⟩ = d/dε U((1 + ε) θ) at 0: central difference, ε = 1e-3 (float θ: relative error
      // of U's float sums about 1e-7 U / ε, well inside 2%).
      const double eps = 1e-3;
      for (int64_t j = 0; j < dim; ++j) scaled[size_t(j)] = float((1 + eps) * theta[j]);
      const double up = potential(scaled.data());
      for (int64_t j = 0; j < dim; ++j) scaled[size_t(j)] = float((1 - eps) * theta[j]);
      const double down = potential(scaled.data());
      const double fd = (up - down) / (2 * eps) / double(dim);
      QVERIFY2(std::fabs(row[3] - fd) < 0.02 * std::fabs(fd) + 1e-6,
               qPrintable(QString("T_conf %1, finite difference %2").arg(row[3]).arg(fd)));
      // The test log-likelihood is a mean log-probability.
      QVERIFY(row[2] < 0 && row[2] > -50);
    }

    // Saved and read back unchanged, with R̂ and ESS in summary.json.
    const QString dir = tmp.filePath("run");
    QVERIFY(writeRunResult(r, dir.toStdString()).ok());
    Result<RunResult> back = readRunResult(dir.toStdString());
    QVERIFY(back.ok());
    QCOMPARE(back->diagnostics.names, d.names);
    QCOMPARE(back->diagnostics.step, d.step);
    for (size_t i = 0; i < d.values.size(); ++i) QCOMPARE(back->diagnostics.values[i], d.values[i]);
    QFile summary(dir + "/summary.json");
    QVERIFY(summary.open(QIODevice::ReadOnly));
    const QByteArray json = summary.readAll();
    QVERIFY(json.contains("\"convergence\"") && json.contains("\"config_temperature\"") &&
            json.contains("\"ess_bulk\""));
  }

  void sameRowsWhateverTheThreadCount() {
    RunConfig c = test::tinyConfig();
    c.keepSamples = 10;
    const RunResult one = runChains({c}, test::syntheticData(), 1).front();
    const RunResult two = runChains({c}, test::syntheticData(), 2).front();
    QCOMPARE(one.diagnostics.rows(), int64_t{10});
    QCOMPARE(one.diagnostics.step, two.diagnostics.step);
    QCOMPARE(one.diagnostics.values.size(), two.diagnostics.values.size());
    QVERIFY(std::memcmp(one.diagnostics.values.data(), two.diagnostics.values.data(),
                        sizeof(double) * one.diagnostics.values.size()) == 0);
  }

  void recordingLeavesTheChainUnchanged() {
    // The same run with and without kept samples (which decide where rows are recorded) gives the
    // same predictive bit for bit: the recorder's minibatches come from a stream of their own.
    RunConfig a = test::tinyConfig();
    a.keepSamples = 0;  // records at the steps of 100 kept samples: every sample of 30
    RunConfig b = a;
    b.keepSamples = 3;
    QTemporaryDir tmp;
    const RunResult ra =
        runChain(a, test::syntheticData(), nullptr, nullptr, ChainStorage{tmp.path().toStdString()});
    const RunResult rb =
        runChain(b, test::syntheticData(), nullptr, nullptr, ChainStorage{tmp.path().toStdString()});
    QCOMPARE(ra.diagnostics.rows(), int64_t{30});
    QCOMPARE(rb.diagnostics.rows(), int64_t{3});
    QVERIFY(ra.predictive.logSum() == rb.predictive.logSum());
    QVERIFY(ra.lastProbs == rb.lastProbs);
  }
};

QTEST_GUILESS_MAIN(TestSampleDiagnostics)
#include "tst_sample_diagnostics.moc"
