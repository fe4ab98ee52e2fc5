// Impossible values in a stored predictive and in a saved run are refused, naming the file, the
// image (row) and the value; values that real runs produce (no samples yet, huge logits) pass.

#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "run/predictive.h"
#include "run/predictive_validation.h"
#include "run/result_io.h"
#include "util/npy.h"

using namespace bnn;

namespace {

constexpr int kImages = 6;
constexpr int kClasses = 10;
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// Log-softmax of deterministic logits scaled by `scale` (large scales give extreme logits).
std::vector<float> sampleLogProbs(int s, double scale) {
  std::vector<float> lp(kImages * kClasses);
  for (int i = 0; i < kImages; ++i) {
    double z[kClasses];
    double m = -1e300;
    for (int k = 0; k < kClasses; ++k) {
      z[k] = scale * (((i * 5 + k * 3 + s * 7) % 13) / 13.0 + (k == i % kClasses ? 0.5 : 0.0));
      m = std::max(m, z[k]);
    }
    double sum = 0;
    for (int k = 0; k < kClasses; ++k) sum += std::exp(z[k] - m);
    for (int k = 0; k < kClasses; ++k) lp[i * kClasses + k] = float(z[k] - m - std::log(sum));
  }
  return lp;
}

// The arrays a saved run holds, as the writer produces them.
struct Arrays {
  int64_t samples = 0;
  std::vector<double> logSum, sumPLogP;
  std::vector<uint32_t> votes;
  std::vector<float> mean;
  std::vector<uint8_t> labels;

  PredictiveArrays view() const {
    PredictiveArrays a;
    a.images = kImages;
    a.classes = kClasses;
    a.samples = samples;
    a.logSum = logSum.data();
    a.sumPLogP = sumPLogP.data();
    a.votes = votes.data();
    a.mean = mean.data();
    a.labels = labels.data();
    return a;
  }
};

Arrays makeArrays(int samples, double scale = 3.0) {
  PredictiveAccumulator p(kImages, kClasses);
  for (int s = 0; s < samples; ++s) p.add(sampleLogProbs(s, scale).data());
  Arrays a;
  a.samples = p.sampleCount();
  a.logSum = p.logSum();
  a.sumPLogP = p.sumPLogP();
  a.votes = p.votes();
  a.mean = p.meanProbabilities();
  if (a.mean.empty()) a.mean.assign(kImages * kClasses, std::numeric_limits<float>::quiet_NaN());
  for (int i = 0; i < kImages; ++i) a.labels.push_back(uint8_t(i % kClasses));
  return a;
}

RunResult makeRun(int samples) {
  RunResult r;
  r.config = *presetConfig("example-sgld");
  r.config.samplingSteps = 10;
  r.outcome = {RunStatus::Completed, "completed", 20};
  r.datasetName = "synthetic";
  r.datasetDirectory = "data/synthetic";
  auto test = std::make_shared<ImageSet>();
  test->count = kImages;
  for (int i = 0; i < kImages; ++i) test->labels.push_back(uint8_t((i * 3) % kClasses));
  r.test = std::move(test);
  r.predictive.reset(kImages, kClasses);
  for (int s = 0; s < samples; ++s) r.predictive.add(sampleLogProbs(s, 3.0).data());
  CurvePoint w;
  w.step = 0;
  w.gradEvals = 1;
  w.wallSeconds = 0.5;
  w.pointwiseAccuracy = 0.5;
  r.curve.push_back(w);
  CurvePoint p;
  p.phase = Phase::Sampling;
  p.step = 0;
  p.gradEvals = 2;
  p.wallSeconds = 1.0;
  p.pointwiseAccuracy = 0.5;
  p.ensembleAccuracy = 0.5;
  p.samples = samples;
  r.curve.push_back(p);
  r.lastPointwiseAccuracy = 0.5;
  r.timings = RunTimings{2.0, 1.0, 0.5, 0.25, 20, 3, 2};
  return r;
}

std::string str(const QString& s) { return s.toStdString(); }

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& data) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  QCOMPARE(f.write(data), qint64(data.size()));
}

// Replaces the first occurrence of `from` in a text file by `to`.
void editText(const QString& path, const QByteArray& from, const QByteArray& to) {
  QByteArray b = readAll(path);
  const qsizetype at = b.indexOf(from);
  QVERIFY2(at >= 0, from.constData());
  b.replace(at, from.size(), to);
  writeAll(path, b);
}

}  // namespace

/// Runs on the test thread only.
class TestPredictiveValidation : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void validArrays_data();
  void validArrays();
  void impossibleArrays_data();
  void impossibleArrays();
  void savedRunRefused_data();
  void savedRunRefused();
};

void TestPredictiveValidation::validArrays_data() {
  QTest::addColumn<int>("samples");
  QTest::addColumn<double>("scale");
  QTest::newRow("no samples yet") << 0 << 3.0;
  QTest::newRow("one sample") << 1 << 3.0;
  QTest::newRow("many samples") << 50 << 3.0;
  QTest::newRow("uniform predictions") << 5 << 0.0;
  QTest::newRow("logits of +-400 (probabilities underflow)") << 7 << 400.0;
}

void TestPredictiveValidation::validArrays() {
  QFETCH(int, samples);
  QFETCH(double, scale);
  const Arrays a = makeArrays(samples, scale);
  const Status st = validatePredictiveArrays(a.view());
  QVERIFY2(st.ok(), st.ok() ? "" : st.error().message().c_str());

  // Without the optional arrays too.
  PredictiveArrays v = a.view();
  v.mean = nullptr;
  v.labels = nullptr;
  QVERIFY(validatePredictiveArrays(v).ok());
}

void TestPredictiveValidation::impossibleArrays_data() {
  QTest::addColumn<QString>("damage");
  QTest::addColumn<int>("samples");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("source");
  QTest::addColumn<QString>("where");
  QTest::addColumn<QString>("found");

  auto row = [](const char* damage, int samples, ErrorCode code, const char* source, const char* where,
                const char* found) {
    QTest::newRow(damage) << damage << samples << int(code) << source << where << found;
  };
  row("log sum nan", 4, ErrorCode::BadValue, "log_sum.npy", "image 2, class 4", "nan");
  row("log sum +inf", 4, ErrorCode::BadValue, "log_sum.npy", "image 2, class 4", "inf");
  row("log sum -inf with samples", 4, ErrorCode::BadValue, "log_sum.npy", "image 2, class 4", "-inf");
  row("log sum above log S", 4, ErrorCode::BadValue, "log_sum.npy", "image 2, class 4", "1.5");
  row("log sums inconsistent with S", 4, ErrorCode::BadValue, "log_sum.npy", "image 2", "a sum of 0.9");
  row("log sum finite without samples", 0, ErrorCode::BadValue, "log_sum.npy", "image 2, class 4", "-3");
  row("sum p log p positive", 4, ErrorCode::BadValue, "sum_plogp.npy", "image 3", "0.25");
  row("sum p log p nan", 4, ErrorCode::BadValue, "sum_plogp.npy", "image 3", "nan");
  row("sum p log p below -S log K", 4, ErrorCode::BadValue, "sum_plogp.npy", "image 3", "-10");
  row("sum p log p without samples", 0, ErrorCode::BadValue, "sum_plogp.npy", "image 3", "-1");
  row("votes short of S", 4, ErrorCode::BadValue, "votes.npy", "image 5", "3");
  row("votes beyond S", 4, ErrorCode::BadValue, "votes.npy", "image 5", "5");
  row("votes without samples", 0, ErrorCode::BadValue, "votes.npy", "image 5", "1");
  row("label outside the classes", 4, ErrorCode::LabelOutOfRange, "test_labels.npy", "image 1", "10");
  row("probability above 1", 4, ErrorCode::BadValue, "predictive.npy", "image 0, class 9", "1.5");
  row("probability negative", 4, ErrorCode::BadValue, "predictive.npy", "image 0, class 9", "-0.25");
  row("probability nan", 4, ErrorCode::BadValue, "predictive.npy", "image 0, class 9", "nan");
  row("probability disagrees with log sum", 4, ErrorCode::BadValue, "predictive.npy", "image 0, class 9",
      "0.5");
  row("probability without samples", 0, ErrorCode::BadValue, "predictive.npy", "image 0, class 9", "0.5");
}

void TestPredictiveValidation::impossibleArrays() {
  QFETCH(QString, damage);
  QFETCH(int, samples);
  QFETCH(int, code);
  QFETCH(QString, source);
  QFETCH(QString, where);
  QFETCH(QString, found);

  Arrays a = makeArrays(samples);
  const std::map<QString, std::function<void()>> damages{
      {"log sum nan", [&] { a.logSum[2 * kClasses + 4] = kNaN; }},
      {"log sum +inf", [&] { a.logSum[2 * kClasses + 4] = kInf; }},
      {"log sum -inf with samples", [&] { a.logSum[2 * kClasses + 4] = -kInf; }},
      {"log sum above log S", [&] { a.logSum[2 * kClasses + 4] = 1.5; }},  // log 4 = 1.386
      {"log sums inconsistent with S",
       [&] {
         for (int k = 0; k < kClasses; ++k) a.logSum[2 * kClasses + k] -= 0.1;  // Σ = e^-0.1 S
       }},
      {"log sum finite without samples", [&] { a.logSum[2 * kClasses + 4] = -3; }},
      {"sum p log p positive", [&] { a.sumPLogP[3] = 0.25; }},
      {"sum p log p nan", [&] { a.sumPLogP[3] = kNaN; }},
      {"sum p log p below -S log K", [&] { a.sumPLogP[3] = -10; }},  // 4 log 10 = 9.21
      {"sum p log p without samples", [&] { a.sumPLogP[3] = -1; }},
      {"votes short of S", [&] { a.votes[5 * kClasses] -= a.votes[5 * kClasses] > 0 ? 1 : 0; }},
      {"votes beyond S", [&] { a.votes[5 * kClasses + 1] += 1; }},
      {"votes without samples", [&] { a.votes[5 * kClasses + 1] = 1; }},
      {"label outside the classes", [&] { a.labels[1] = 10; }},
      {"probability above 1", [&] { a.mean[9] = 1.5f; }},
      {"probability negative", [&] { a.mean[9] = -0.25f; }},
      {"probability nan", [&] { a.mean[9] = std::numeric_limits<float>::quiet_NaN(); }},
      {"probability disagrees with log sum", [&] { a.mean[9] = 0.5f; }},
      {"probability without samples", [&] { a.mean[9] = 0.5f; }},
  };
  if (damage == "votes short of S") {
    // Take the vote from a class that has one.
    int k = 0;
    while (a.votes[5 * kClasses + k] == 0) ++k;
    a.votes[5 * kClasses + k] -= 1;
  } else {
    const auto it = damages.find(damage);
    QVERIFY2(it != damages.end(), qPrintable(damage));
    it->second();
  }
  if (damage == "probability disagrees with log sum")
    QVERIFY(std::fabs(std::exp(a.logSum[9]) / 4 - 0.5) > 1e-3);

  PredictiveSources sources;
  sources.logSum = "run/log_sum.npy";
  sources.sumPLogP = "run/sum_plogp.npy";
  sources.votes = "run/votes.npy";
  sources.mean = "run/predictive.npy";
  sources.labels = "run/test_labels.npy";
  const Status st = validatePredictiveArrays(a.view(), sources);
  QVERIFY(!st.ok());
  const Error& e = st.error();
  const QString msg = QString::fromStdString(e.message());
  QVERIFY2(int(e.code) == code, qPrintable(QString("code %1: %2").arg(errorCodeName(e.code)).arg(msg)));
  QCOMPARE(QString::fromStdString(e.path), "run/" + source);
  QVERIFY2(msg.startsWith("run/" + source + ": "), qPrintable(msg));
  QVERIFY2(msg.contains("(" + where + ")") || msg.contains("(" + where + ","), qPrintable(msg));
  QVERIFY2(QString::fromStdString(e.found).startsWith(found), qPrintable(msg));
  QVERIFY2(msg.contains("expected "), qPrintable(msg));
}

void TestPredictiveValidation::savedRunRefused_data() {
  QTest::addColumn<QString>("damage");
  QTest::addColumn<QString>("file");  // the error's path ends with this
  QTest::addColumn<QString>("text");  // and its message contains this
  auto row = [](const char* damage, const char* file, const char* text) {
    QTest::newRow(damage) << damage << file << text;
  };
  row("log_sum.npy holds NaN", "log_sum.npy",
      "(image 2, class 4): expected a finite log sum of 3 samples, found nan");
  row("log_sum.npy holds Inf", "log_sum.npy", "found inf");
  row("sum_plogp.npy positive", "sum_plogp.npy", "(image 1): expected a finite value <= 0");
  row("votes.npy row short", "votes.npy", "(image 0): expected votes summing to the sample count 3, found 2");
  row("predictive.npy above 1", "predictive.npy", "expected a probability in [0, 1], found 2");
  row("config.json sample_count beyond the schedule", "config.json", "key 'sample_count'");
  row("config.json contradictory", "config.json", "Sample with SGLD: applies only to the sghmc sampler");
  row("config.json negative time", "config.json", "key 'timings.eval_seconds'");
  row("config.json accuracy above 1", "config.json", "key 'last_pointwise_accuracy'");
  row("summary.json negative NLL", "summary.json", "key 'nll'");
  row("summary.json accuracy above 1", "summary.json", "key 'ensemble_accuracy'");
  row("curve.csv infinite time", "curve.csv", "row 2, wall_seconds");
  row("curve.csv accuracy above 1", "curve.csv", "row 1, pointwise_accuracy");
  row("curve.csv more samples than the run", "curve.csv", "row 2, step / grad_evals / samples");
}

void TestPredictiveValidation::savedRunRefused() {
  QFETCH(QString, damage);
  QFETCH(QString, file);
  QFETCH(QString, text);
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString dir = tmp.filePath("run");
  const RunResult run = makeRun(3);
  QVERIFY(writeRunResult(run, str(dir)).ok());
  const Result<RunResult> good = readRunResult(str(dir));
  QVERIFY2(good.ok(), good.ok() ? "" : good.error().message().c_str());
  const QString p = dir + "/";

  auto patchNpy = [&](const char* name, auto value, int64_t index) {
    using T = decltype(value);
    const std::string path = str(p + name);
    NpyType type = std::is_same_v<T, double>  ? NpyType::Float64
                   : std::is_same_v<T, float> ? NpyType::Float32
                                              : NpyType::UInt32;
    Result<NpyArray> a =
        readNpy(path, type, std::is_same_v<T, double> && std::string(name) == "sum_plogp.npy" ? 1 : 2);
    QVERIFY(a.ok());
    std::vector<T> v = a->template values<T>();
    v[size_t(index)] = value;
    QVERIFY(writeNpy(path, a->shape, v).ok());
  };
  const std::map<QString, std::function<void()>> damages{
      {"log_sum.npy holds NaN", [&] { patchNpy("log_sum.npy", kNaN, 2 * kClasses + 4); }},
      {"log_sum.npy holds Inf", [&] { patchNpy("log_sum.npy", kInf, 2 * kClasses + 4); }},
      {"sum_plogp.npy positive", [&] { patchNpy("sum_plogp.npy", 0.5, 1); }},
      {"votes.npy row short",
       [&] {
         std::vector<uint32_t> v = run.predictive.votes();
         int k = 0;
         while (v[size_t(k)] == 0) ++k;
         patchNpy("votes.npy", uint32_t(v[size_t(k)] - 1), k);
       }},
      {"predictive.npy above 1", [&] { patchNpy("predictive.npy", 2.0f, 7); }},
      {"config.json sample_count beyond the schedule",
       [&] { editText(p + "config.json", "\"samples\": 10", "\"samples\": 2"); }},
      {"config.json contradictory",
       [&] {
         editText(p + "config.json", "\"sampling-phase-sgld\": false", "\"sampling-phase-sgld\": true");
       }},
      {"config.json negative time",
       [&] { editText(p + "config.json", "\"eval_seconds\": 0.25", "\"eval_seconds\": -0.25"); }},
      {"config.json accuracy above 1",
       [&] {
         editText(p + "config.json", "\"last_pointwise_accuracy\": 0.5", "\"last_pointwise_accuracy\": 50");
       }},
      {"summary.json negative NLL",
       [&] {
         QByteArray b = readAll(p + "summary.json");
         // The top-level key (two spaces in), not the calibration object's.
         const qsizetype at = b.indexOf("\n  \"nll\": ");
         QVERIFY(at >= 0);
         b.insert(at + 10, '-');
         writeAll(p + "summary.json", b);
       }},
      {"summary.json accuracy above 1",
       [&] {
         QByteArray b = readAll(p + "summary.json");
         const qsizetype at = b.indexOf("\"ensemble_accuracy\": ");
         QVERIFY(at >= 0);
         b.insert(at + 21, "1");
         writeAll(p + "summary.json", b);
       }},
      {"curve.csv infinite time", [&] { editText(p + "curve.csv", "sampling,0,2,1,", "sampling,0,2,inf,"); }},
      {"curve.csv accuracy above 1",
       [&] { editText(p + "curve.csv", "warmup,0,1,0.5,0.5", "warmup,0,1,0.5,1.5"); }},
      {"curve.csv more samples than the run",
       [&] { editText(p + "curve.csv", ",0.5,0.5,3\n", ",0.5,0.5,4\n"); }},
  };
  const auto it = damages.find(damage);
  QVERIFY2(it != damages.end(), qPrintable(damage));
  it->second();
  if (QTest::currentTestFailed()) return;

  const Result<RunResult> r = readRunResult(str(dir));
  QVERIFY(!r.ok());
  const QString msg = QString::fromStdString(r.error().message());
  QVERIFY2(QString::fromStdString(r.error().path).endsWith("/" + file), qPrintable(msg));
  QVERIFY2(msg.contains(text), qPrintable(msg));
}

QTEST_GUILESS_MAIN(TestPredictiveValidation)
#include "tst_predictive_validation.moc"
