// Results folder: write / read round trip of every field, the .npy header as NumPy defines it,
// atomic replacement, failing writes that leave nothing behind, and read errors that name the
// file and what is wrong.

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>

#include "common/test_helpers.h"
#include "run/result_io.h"
#include "util/npy.h"

using namespace bnn;

namespace {

constexpr int kImages = 7;
constexpr int kClasses = 10;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Normalised log-probabilities of sample s: a deterministic softmax over small integer logits.
std::vector<float> sampleLogProbs(int s) {
  std::vector<float> lp(kImages * kClasses);
  for (int i = 0; i < kImages; ++i) {
    double z[kClasses];
    double m = -1e300;
    for (int k = 0; k < kClasses; ++k) {
      z[k] = ((i * 3 + k * 7 + s * 5) % 11) * 0.45 + (k == i % kClasses ? 2.0 : 0.0);
      m = std::max(m, z[k]);
    }
    double sum = 0;
    for (int k = 0; k < kClasses; ++k) sum += std::exp(z[k] - m);
    for (int k = 0; k < kClasses; ++k) lp[i * kClasses + k] = float(z[k] - m - std::log(sum));
  }
  return lp;
}

enum Variant { Full, WithoutImages, NoSamples, EmptyPredictive, Diverged };

RunResult makeResult(Variant v = Full) {
  RunResult r;
  r.config = *presetConfig("example-sghmc");
  r.config.name = "SGHMC \"cold\", h = 4.5e-6 \xE2\x80\x94 test";
  r.config.temperature = 0.1;
  r.config.hidden = {400, 400};
  r.config.seed = 12345678901234567890ull;
  r.config.stepSize = 1.0 / 3.0 * 1e-5;
  r.outcome.status = RunStatus::Completed;
  r.outcome.message = "finished, all \"3\" samples\ttaken";
  r.outcome.step = 3339;
  r.lastPointwiseAccuracy = 4.0 / 7.0;
  r.timings = RunTimings{12.345678901234567, 8.25, 1.0 / 7.0, 2.5e-3, 123456789012, 1026, 2};
  r.datasetName = "synthetic";
  r.datasetDirectory = "/data/mnist, copy";
  auto test = std::make_shared<ImageSet>();
  test->count = kImages;
  for (int i = 0; i < kImages; ++i) test->labels.push_back(uint8_t((i * 7) % kClasses));
  if (v != WithoutImages)
    for (int j = 0; j < kImages * 28 * 28; ++j) test->pixels.push_back(uint8_t((j * 37) & 0xff));
  r.test = std::move(test);

  CurvePoint w;
  w.phase = Phase::Warmup;
  for (int s = 0; s < 3; ++s) {
    w.step = s * 100 + 99;
    w.gradEvals = (s * 100 + 100) * 10;
    w.wallSeconds = 0.1 * (s + 1) + 1e-9;
    w.pointwiseAccuracy = s == 1 ? kNaN : 0.1 * s + 0.123456789;
    r.curve.push_back(w);  // ensemble accuracy NaN, samples 0
  }
  if (v == EmptyPredictive) return r;
  r.predictive.reset(kImages, kClasses);
  if (v == NoSamples) {
    r.lastPointwiseAccuracy = kNaN;
    return r;
  }
  for (int s = 0; s < 3; ++s) {
    r.predictive.add(sampleLogProbs(s).data());
    CurvePoint p;
    p.phase = Phase::Sampling;
    p.step = s;
    p.gradEvals = 3000 + 10 * (s + 1);
    p.wallSeconds = 1.0 + s / 3.0;
    p.pointwiseAccuracy = (s + 2) / 7.0;
    p.ensembleAccuracy = s == 0 ? kNaN : (s + 3) / 7.0;
    p.samples = s + 1;
    r.curve.push_back(p);
  }
  if (v == Diverged) {
    r.outcome.status = RunStatus::Diverged;
    r.outcome.message = "diverged at sampling step 2 with step size h = 0.1";
    r.timings.totalSeconds = kNaN;
  }
  return r;
}

bool sameDouble(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

#define COMPARE_DOUBLE(a, b)     \
  QVERIFY2(sameDouble((a), (b)), \
           qPrintable(QString("%1: %2 vs %3").arg(#a).arg(a, 0, 'g', 17).arg(b, 0, 'g', 17)))

void compareResults(const RunResult& a, const RunResult& b) {
  for (const ParamSpec& s : runParamSpecs()) QCOMPARE(getParam(a.config, s.key), getParam(b.config, s.key));
  QCOMPARE(a.config.stepSize, b.config.stepSize);
  QCOMPARE(a.config.seed, b.config.seed);
  QCOMPARE(a.config.hidden, b.config.hidden);
  QCOMPARE(a.outcome.status, b.outcome.status);
  QCOMPARE(a.outcome.message, b.outcome.message);
  QCOMPARE(a.outcome.step, b.outcome.step);
  QCOMPARE(a.curve.size(), b.curve.size());
  for (size_t i = 0; i < a.curve.size(); ++i) {
    const CurvePoint& p = a.curve[i];
    const CurvePoint& q = b.curve[i];
    QCOMPARE(p.phase, q.phase);
    QCOMPARE(p.step, q.step);
    QCOMPARE(p.gradEvals, q.gradEvals);
    COMPARE_DOUBLE(p.wallSeconds, q.wallSeconds);
    COMPARE_DOUBLE(p.pointwiseAccuracy, q.pointwiseAccuracy);
    COMPARE_DOUBLE(p.ensembleAccuracy, q.ensembleAccuracy);
    QCOMPARE(p.samples, q.samples);
  }
  QCOMPARE(a.predictive.numImages(), b.predictive.numImages());
  QCOMPARE(a.predictive.numClasses(), b.predictive.numClasses());
  QCOMPARE(a.predictive.sampleCount(), b.predictive.sampleCount());
  QCOMPARE(a.predictive.logSum().size(), b.predictive.logSum().size());
  for (size_t i = 0; i < a.predictive.logSum().size(); ++i)
    COMPARE_DOUBLE(a.predictive.logSum()[i], b.predictive.logSum()[i]);
  QCOMPARE(a.predictive.sumPLogP().size(), b.predictive.sumPLogP().size());
  for (size_t i = 0; i < a.predictive.sumPLogP().size(); ++i)
    COMPARE_DOUBLE(a.predictive.sumPLogP()[i], b.predictive.sumPLogP()[i]);
  QCOMPARE(a.predictive.votes(), b.predictive.votes());
  QCOMPARE(a.predictive.meanProbabilities(), b.predictive.meanProbabilities());
  COMPARE_DOUBLE(a.lastPointwiseAccuracy, b.lastPointwiseAccuracy);
  COMPARE_DOUBLE(a.timings.totalSeconds, b.timings.totalSeconds);
  COMPARE_DOUBLE(a.timings.gradientSeconds, b.timings.gradientSeconds);
  COMPARE_DOUBLE(a.timings.updateSeconds, b.timings.updateSeconds);
  COMPARE_DOUBLE(a.timings.evalSeconds, b.timings.evalSeconds);
  QCOMPARE(a.timings.gradEvals, b.timings.gradEvals);
  QCOMPARE(a.timings.testPasses, b.timings.testPasses);
  QCOMPARE(a.timings.threads, b.timings.threads);
  QCOMPARE(a.datasetName, b.datasetName);
  QCOMPARE(a.datasetDirectory, b.datasetDirectory);
  QCOMPARE(a.imageRows(), b.imageRows());
  QCOMPARE(a.imageCols(), b.imageCols());
  QCOMPARE(a.testLabels(), b.testLabels());
  QCOMPARE(a.testImages(), b.testImages());
  QCOMPARE(b.test->count, b.testCount());
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.readAll();
}

void writeAll(const QString& path, const QByteArray& data) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  QCOMPARE(f.write(data), qint64(data.size()));
}

QJsonObject readJson(const QString& path) { return QJsonDocument::fromJson(readAll(path)).object(); }

void editJson(const QString& path, const std::function<void(QJsonObject&)>& edit) {
  QJsonObject o = readJson(path);
  edit(o);
  writeAll(path, QJsonDocument(o).toJson());
}

QStringList entries(const QString& dir) {
  QStringList l = QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
  l.sort();
  return l;
}

std::string str(const QString& s) { return s.toStdString(); }

}  // namespace

class TestResultIo : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void roundTrip_data();
  void roundTrip();
  void everyParameterSurvivesSaveAndReopen();
  void opensFolderOfFormatVersion1();
  void resultSharesTestSplit();
  void npyHeaderBytes();
  void npyReadBack_data();
  void npyReadBack();
  void jsonContents();
  void curveCsvText();
  void overwriteIsAtomic();
  void refusesForeignFolder();
  void failingWriteLeavesNothing();
  void readErrors_data();
  void readErrors();
};

void TestResultIo::roundTrip_data() {
  QTest::addColumn<int>("variant");
  QTest::newRow("full") << int(Full);
  QTest::newRow("without images") << int(WithoutImages);
  QTest::newRow("no samples") << int(NoSamples);
  QTest::newRow("empty predictive") << int(EmptyPredictive);
  QTest::newRow("diverged, NaN timing") << int(Diverged);
}

void TestResultIo::roundTrip() {
  QFETCH(int, variant);
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString dir = tmp.filePath("run one");
  const RunResult r = makeResult(Variant(variant));
  const Status s = writeRunResult(r, str(dir));
  QVERIFY2(s.ok(), s.ok() ? "" : s.error().message().c_str());

  QStringList expected{"config.json",   "curve.csv",    "log_sum.npy",     "predictive.npy",
                       "sum_plogp.npy", "summary.json", "test_labels.npy", "votes.npy"};
  if (!r.testImages().empty()) expected << "test_images.npy";
  expected.sort();
  QCOMPARE(entries(dir), expected);
  QCOMPARE(entries(tmp.path()), QStringList{"run one"});  // no temporary folders left

  const Result<RunResult> back = readRunResult(str(dir));
  QVERIFY2(back.ok(), back.ok() ? "" : back.error().message().c_str());
  compareResults(r, *back);

  // A trailing separator names the same folder.
  const Result<RunResult> again = readRunResult(str(dir + "/"));
  QVERIFY(again.ok());
  QVERIFY(writeRunResult(*back, str(dir + "/")).ok());
  QCOMPARE(entries(tmp.path()), QStringList{"run one"});
}

// A configuration that differs from the defaults in every field comes back equal.
void TestResultIo::everyParameterSurvivesSaveAndReopen() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("r");
  RunResult r = makeResult();
  r.config = test::unusualConfig();
  for (const ParamSpec& s : runParamSpecs())
    QVERIFY2(getParam(r.config, s.key) != getParam(RunConfig{}, s.key), s.key.c_str());
  QVERIFY(writeRunResult(r, str(dir)).ok());
  const Result<RunResult> back = readRunResult(str(dir));
  QVERIFY2(back.ok(), back.ok() ? "" : back.error().message().c_str());
  QVERIFY(back->config == r.config);
  QVERIFY(readAll(dir + "/config.json").contains("\"seed\": 18446744073709551615"));
}

// config.json exactly as the first format version wrote it (a short SGHMC run, cut to 7 images):
// run folders saved before the parameter table still open, with the same configuration.
void TestResultIo::opensFolderOfFormatVersion1() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("old");
  QVERIFY(writeRunResult(makeResult(), str(dir)).ok());
  writeAll(dir + "/config.json", R"({
  "alpha": 0.01,
  "batch-mode": "with-replacement",
  "batch-size": 512,
  "beta": 0.0,
  "dataset": {
    "directory": "data/mnist",
    "image_cols": 28,
    "image_rows": 28,
    "name": "MNIST",
    "test_images": 7
  },
  "eval-every": 100,
  "format": "bnn-explorer-run",
  "fresh-batch-per-inner-step": false,
  "hidden": [
    500
  ],
  "init": "lecun-normal",
  "last_pointwise_accuracy": 0.9463,
  "leapfrog-steps": 10,
  "name": "Example SGHMC",
  "num_classes": 10,
  "outcome": {
    "message": "completed",
    "status": "completed",
    "step": 250
  },
  "prior-sigma": 1.0,
  "sample_count": 3,
  "sampler": "sghmc",
  "samples": 50,
  "sampling-phase-sgld": false,
  "seed": 3,
  "sghmc-form": "chen",
  "step-size": 4.5e-06,
  "temperature": 1.0,
  "thinning": 1,
  "timings": {
    "eval_seconds": 0.7037225899999999,
    "grad_evals": 2500,
    "gradient_seconds": 4.463402489000016,
    "test_passes": 52,
    "threads": 2,
    "total_seconds": 6.14544368,
    "update_seconds": 0.8750694339999837
  },
  "version": 1,
  "warmup": 200
}
)");
  const Result<RunResult> back = readRunResult(str(dir));
  QVERIFY2(back.ok(), back.ok() ? "" : back.error().message().c_str());
  RunConfig expected = *presetConfig("example-sghmc");
  expected.seed = 3;
  expected.warmupSteps = 200;
  expected.samplingSteps = 50;
  expected.keepSamples = 0;  // saved before runs kept posterior samples
  QVERIFY(back->config == expected);
  QVERIFY(!back->samples);
  QVERIFY(back->lastProbs.empty());
  QCOMPARE(back->datasetCheck, DatasetCheck::Verified);  // only verified MNIST was named "MNIST"
  QCOMPARE(back->classNoun(), std::string("digit"));
  QCOMPARE(back->datasetName, std::string("MNIST"));
  QCOMPARE(back->timings.gradEvals, int64_t(2500));
  COMPARE_DOUBLE(back->lastPointwiseAccuracy, 0.9463);
}

// A result read from a folder owns its test split; copies of the result share it.
void TestResultIo::resultSharesTestSplit() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("r");
  QVERIFY(writeRunResult(makeResult(), str(dir)).ok());
  const Result<RunResult> back = readRunResult(str(dir));
  QVERIFY(back.ok());
  QVERIFY(back->test);
  QCOMPARE(back->test->count, int64_t(kImages));
  QVERIFY(QString::fromStdString(back->test->labelsPath).endsWith("/test_labels.npy"));
  QVERIFY(QString::fromStdString(back->test->imagesPath).endsWith("/test_images.npy"));
  const RunResult copy = *back;
  QCOMPARE(copy.test.get(), back->test.get());
  QCOMPARE(copy.testImages().data(), back->testImages().data());
}

void TestResultIo::npyHeaderBytes() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("r");
  const RunResult r = makeResult();
  QVERIFY(writeRunResult(r, str(dir)).ok());

  const QByteArray bytes = readAll(dir + "/predictive.npy");
  QVERIFY(bytes.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)));
  const int headerLen = uchar(bytes[8]) | (uchar(bytes[9]) << 8);
  QCOMPARE((10 + headerLen) % 64, 0);
  const QByteArray header = bytes.mid(10, headerLen);
  QCOMPARE(header, QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (7, 10), }")
                           .leftJustified(headerLen - 1, ' ') +
                       '\n');
  QVERIFY(header.contains("'descr': '<f4'"));
  QVERIFY(header.contains("'shape': (7, 10)"));
  QCOMPARE(bytes.size(), 10 + headerLen + kImages * kClasses * 4);
  const std::vector<float> mean = r.predictive.meanProbabilities();
  QCOMPARE(std::memcmp(bytes.constData() + 10 + headerLen, mean.data(), mean.size() * 4), 0);

  struct Expect {
    const char* file;
    const char* descr;
    const char* shape;
    int itemSize;
    int count;
  };
  for (const Expect& e :
       {Expect{"log_sum.npy", "<f8", "(7, 10)", 8, 70}, Expect{"sum_plogp.npy", "<f8", "(7,)", 8, 7},
        Expect{"votes.npy", "<u4", "(7, 10)", 4, 70}, Expect{"test_labels.npy", "|u1", "(7,)", 1, 7},
        Expect{"test_images.npy", "|u1", "(7, 28, 28)", 1, 7 * 28 * 28}}) {
    const QByteArray b = readAll(dir + "/" + e.file);
    QVERIFY2(b.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)), e.file);
    const int len = uchar(b[8]) | (uchar(b[9]) << 8);
    QCOMPARE((10 + len) % 64, 0);
    const QByteArray h = b.mid(10, len);
    QVERIFY2(h.contains(QByteArray("'descr': '") + e.descr + "'"), e.file);
    QVERIFY2(h.contains(QByteArray("'shape': ") + e.shape), e.file);
    QVERIFY2(h.contains("'fortran_order': False"), e.file);
    QVERIFY2(h.endsWith('\n'), e.file);
    QCOMPARE(b.size(), 10 + len + e.itemSize * e.count);
  }
  const QByteArray labels = readAll(dir + "/test_labels.npy");
  QCOMPARE(labels.right(kImages), QByteArray(reinterpret_cast<const char*>(r.testLabels().data()), kImages));
}

void TestResultIo::npyReadBack_data() {
  QTest::addColumn<QString>("shape");
  QTest::newRow("scalar ()") << "";
  QTest::newRow("(5,)") << "5";
  QTest::newRow("(0, 10)") << "0,10";
  QTest::newRow("(2, 3, 4)") << "2,3,4";
}

void TestResultIo::npyReadBack() {
  QFETCH(QString, shape);
  std::vector<int64_t> dims;
  for (const QString& d : shape.split(',', Qt::SkipEmptyParts)) dims.push_back(d.toLongLong());
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  QTemporaryDir tmp;
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = i * 0.1 - 1e-300;
  const std::string path = str(tmp.filePath("a.npy"));
  QVERIFY(writeNpy(path, dims, v).ok());
  const Result<NpyArray> a = readNpy(path, NpyType::Float64, int(dims.size()));
  QVERIFY2(a.ok(), a.ok() ? "" : a.error().message().c_str());
  QCOMPARE(a->shape, dims);
  QCOMPARE(a->elementCount(), n);
  QCOMPARE(a->values<double>(), v);
  QVERIFY(readAll(QString::fromStdString(path))
              .contains(QByteArray("'shape': ") + QByteArray::fromStdString(npyShapeText(dims))));
  // Type and rank expectations are enforced.
  const Result<NpyArray> wrongType = readNpy(path, NpyType::Float32, int(dims.size()));
  QVERIFY(!wrongType.ok());
  QCOMPARE(wrongType.error().code, ErrorCode::BadItemType);
  const Result<NpyArray> wrongRank = readNpy(path, NpyType::Float64, int(dims.size()) + 1);
  QVERIFY(!wrongRank.ok());
  QCOMPARE(wrongRank.error().code, ErrorCode::BadDimensions);
}

void TestResultIo::jsonContents() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("r");
  RunResult r = makeResult();
  r.lastPointwiseAccuracy = kNaN;
  QVERIFY(writeRunResult(r, str(dir)).ok());

  const QJsonObject c = readJson(dir + "/config.json");
  QCOMPARE(c["format"].toString(), QString("bnn-explorer-run"));
  QCOMPARE(c["version"].toInt(), 1);
  for (const ParamSpec& s : runParamSpecs())
    QVERIFY2(c.contains(QString::fromStdString(s.key)), s.key.c_str());
  QVERIFY(c["step-size"].isDouble());
  QCOMPARE(c["step-size"].toDouble(), r.config.stepSize);
  QCOMPARE(c["batch-size"].toInt(), 512);
  QCOMPARE(c["sampler"].toString(), QString("sghmc"));
  QCOMPARE(c["fresh-batch-per-inner-step"].toBool(true), false);
  QVERIFY(c["fresh-batch-per-inner-step"].isBool());
  QCOMPARE(c["hidden"].toArray(), (QJsonArray{400, 400}));
  QCOMPARE(c["name"].toString().toStdString(), r.config.name);
  QVERIFY(c["last_pointwise_accuracy"].isNull());
  QCOMPARE(c["sample_count"].toInt(), 3);
  QCOMPARE(c["dataset"].toObject()["name"].toString(), QString("synthetic"));
  QCOMPARE(c["dataset"].toObject()["image_rows"].toInt(), 28);
  QCOMPARE(c["outcome"].toObject()["status"].toString(), QString("completed"));
  QCOMPARE(c["outcome"].toObject()["step"].toInt(), 3339);
  QCOMPARE(c["timings"].toObject()["threads"].toInt(), 2);
  QVERIFY(readAll(dir + "/config.json").contains("\"seed\": 12345678901234567890"));

  const QJsonObject s = readJson(dir + "/summary.json");
  const double ensemble = r.predictive.accuracy(r.testLabels().data());
  QCOMPARE(s["ensemble_accuracy"].toDouble(), ensemble);
  QVERIFY(s["last_sample_accuracy"].isNull());
  QVERIFY(s["difference"].isNull());  // ensemble - NaN
  QCOMPARE(s["certain_share_095"].toDouble(), certainShare(r.predictive, 0.95));
  QCOMPARE(s["nll"].toDouble(), r.predictive.negLogLikelihood(r.testLabels().data()));
  QCOMPARE(s["samples"].toInt(), 3);
  QCOMPARE(s["status"].toString(), QString("completed"));

  r.lastPointwiseAccuracy = 0.5;
  QVERIFY(writeRunResult(r, str(dir)).ok());
  QCOMPARE(readJson(dir + "/summary.json")["difference"].toDouble(), ensemble - 0.5);
}

void TestResultIo::curveCsvText() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("r");
  const RunResult r = makeResult();
  QVERIFY(writeRunResult(r, str(dir)).ok());
  const QList<QByteArray> lines = readAll(dir + "/curve.csv").split('\n');
  QCOMPARE(lines.size(), int(r.curve.size()) + 2);  // header, rows, final empty
  QCOMPARE(lines[0], QByteArray("phase,step,grad_evals,wall_seconds,pointwise_accuracy,"
                                "ensemble_accuracy,samples"));
  QCOMPARE(lines[1], QByteArray("warmup,99,1000,0.100000001,0.123456789,nan,0"));
  QVERIFY(lines[2].contains(",nan,nan,0"));
  QVERIFY(lines[4].startsWith("sampling,0,3010,1,"));
  QCOMPARE(lines.last(), QByteArray());
}

void TestResultIo::overwriteIsAtomic() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("r");
  RunResult first = makeResult(Full);
  QVERIFY(writeRunResult(first, str(dir)).ok());
  QVERIFY(QFile::exists(dir + "/test_images.npy"));

  RunResult second = makeResult(WithoutImages);
  second.config.name = "second";
  second.outcome.status = RunStatus::Cancelled;
  const Status s = writeRunResult(second, str(dir));
  QVERIFY2(s.ok(), s.ok() ? "" : s.error().message().c_str());
  QVERIFY(!QFile::exists(dir + "/test_images.npy"));  // replaced, not merged
  QCOMPARE(entries(tmp.path()), QStringList{"r"});    // no .tmp- or .old- folders left
  const Result<RunResult> back = readRunResult(str(dir));
  QVERIFY(back.ok());
  compareResults(second, *back);

  // An existing empty folder is a valid destination too.
  const QString empty = tmp.filePath("empty");
  QVERIFY(QDir().mkdir(empty));
  QVERIFY(writeRunResult(first, str(empty)).ok());
  QVERIFY(readRunResult(str(empty)).ok());
}

void TestResultIo::refusesForeignFolder() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("documents");
  QVERIFY(QDir().mkdir(dir));
  writeAll(dir + "/notes.txt", "keep me");
  const Status s = writeRunResult(makeResult(), str(dir));
  QVERIFY(!s.ok());
  QVERIFY(s.error().message().find("documents") != std::string::npos);
  QCOMPARE(entries(dir), QStringList{"notes.txt"});
  QCOMPARE(readAll(dir + "/notes.txt"), QByteArray("keep me"));
  QCOMPARE(entries(tmp.path()), QStringList{"documents"});

  // A regular file in the destination's place is not replaced either.
  const QString file = tmp.filePath("file");
  writeAll(file, "data");
  const Status s2 = writeRunResult(makeResult(), str(file));
  QVERIFY(!s2.ok());
  QCOMPARE(s2.error().code, ErrorCode::NotADirectory);
  QCOMPARE(readAll(file), QByteArray("data"));
}

void TestResultIo::failingWriteLeavesNothing() {
  QTemporaryDir tmp;
  const QString parent = tmp.filePath("plain-file");
  writeAll(parent, "not a folder");
  const QString dir = parent + "/run";
  const Status s = writeRunResult(makeResult(), str(dir));
  QVERIFY(!s.ok());
  QCOMPARE(s.error().code, ErrorCode::Io);
  QVERIFY2(s.error().message().find(str(parent)) != std::string::npos, s.error().message().c_str());
  QCOMPARE(entries(tmp.path()), QStringList{"plain-file"});
  QCOMPARE(readAll(parent), QByteArray("not a folder"));

  // Inconsistent data is refused before anything is written.
  RunResult bad = makeResult();
  auto fewer = std::make_shared<ImageSet>(*bad.test);
  fewer->labels.pop_back();
  fewer->count = int64_t(fewer->labels.size());
  bad.test = std::move(fewer);
  const Status s2 = writeRunResult(bad, str(tmp.filePath("bad")));
  QVERIFY(!s2.ok());
  QCOMPARE(entries(tmp.path()), QStringList{"plain-file"});
}

void TestResultIo::readErrors_data() {
  QTest::addColumn<QString>("damage");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("file");  // the error's path ends with this
  QTest::addColumn<QString>("text");  // and its message contains this

  auto row = [](const char* damage, ErrorCode code, const char* file, const char* text = "") {
    QTest::newRow(damage) << damage << int(code) << file << text;
  };
  row("missing folder", ErrorCode::NotFound, "r");
  row("folder is a file", ErrorCode::NotADirectory, "r");
  row("missing config.json", ErrorCode::MissingFile, "config.json");
  row("config.json not JSON", ErrorCode::BadFormat, "config.json", "invalid JSON");
  row("config.json empty", ErrorCode::Empty, "config.json");
  row("config.json wrong version", ErrorCode::BadFormat, "config.json",
      "expected version 1, found version 2");
  row("config.json wrong format", ErrorCode::BadFormat, "config.json", "bnn-explorer-run");
  row("config.json missing key", ErrorCode::BadFormat, "config.json", "'step-size'");
  row("config.json wrong type", ErrorCode::BadFormat, "config.json", "'batch-size'");
  row("config.json invalid value", ErrorCode::InvalidConfig, "config.json", "Step size h: expected");
  row("config.json unknown status", ErrorCode::BadFormat, "config.json", "outcome.status");
  row("missing summary.json", ErrorCode::MissingFile, "summary.json");
  row("summary.json samples disagree", ErrorCode::BadFormat, "summary.json", "samples");
  row("missing curve.csv", ErrorCode::MissingFile, "curve.csv");
  row("curve.csv bad number", ErrorCode::BadFormat, "curve.csv", "line 3");
  row("curve.csv bad header", ErrorCode::BadFormat, "curve.csv", "header");
  row("missing votes.npy", ErrorCode::MissingFile, "votes.npy");
  row("truncated log_sum.npy", ErrorCode::PayloadTooShort, "log_sum.npy", "found 555 bytes");
  row("truncated npy header", ErrorCode::TruncatedHeader, "predictive.npy");
  row("npy longer than declared", ErrorCode::PayloadTooLong, "sum_plogp.npy");
  row("npy bad magic", ErrorCode::BadMagic, "votes.npy", "at byte 0");
  row("npy bad version", ErrorCode::BadFormat, "votes.npy", "version 9.0");
  row("npy bad header", ErrorCode::BadFormat, "votes.npy", "header dictionary");
  row("npy wrong dtype", ErrorCode::BadItemType, "votes.npy", "'<f4'");
  row("npy big endian", ErrorCode::BadItemType, "log_sum.npy", "'>f8'");
  row("log_sum rows != labels", ErrorCode::BadDimensions, "log_sum.npy", "(6, 10)");
  row("votes shape != log_sum", ErrorCode::BadDimensions, "votes.npy", "(7, 9)");
  row("predictive rank", ErrorCode::BadDimensions, "predictive.npy", "2 dimensions");
  row("labels != config count", ErrorCode::BadDimensions, "test_labels.npy", "(8,)");
  row("images shape", ErrorCode::BadDimensions, "test_images.npy", "(7, 28, 27)");
  row("label out of range", ErrorCode::LabelOutOfRange, "test_labels.npy");
  row("too many votes", ErrorCode::BadValue, "votes.npy", "votes summing to the sample count 3");
}

void TestResultIo::readErrors() {
  QFETCH(QString, damage);
  QFETCH(int, code);
  QFETCH(QString, file);
  QFETCH(QString, text);

  QTemporaryDir tmp;
  const QString dir = tmp.filePath("r");
  QVERIFY(writeRunResult(makeResult(), str(dir)).ok());
  const QString p = dir + "/";

  auto replaceBytes = [&](const QString& f, int offset, const QByteArray& with) {
    QByteArray b = readAll(p + f);
    b.replace(offset, with.size(), with);
    writeAll(p + f, b);
  };
  auto truncate = [&](const QString& f, int size) { writeAll(p + f, readAll(p + f).left(size)); };

  const std::map<QString, std::function<void()>> damages{
      {"missing folder", [&] { QVERIFY(QDir(dir).removeRecursively()); }},
      {"folder is a file",
       [&] {
         QVERIFY(QDir(dir).removeRecursively());
         writeAll(dir, "x");
       }},
      {"missing config.json", [&] { QVERIFY(QFile::remove(p + "config.json")); }},
      {"config.json not JSON", [&] { writeAll(p + "config.json", "{\"format\": \"bnn-explorer-run\", "); }},
      {"config.json empty", [&] { writeAll(p + "config.json", ""); }},
      {"config.json wrong version",
       [&] { editJson(p + "config.json", [](QJsonObject& o) { o["version"] = 2; }); }},
      {"config.json wrong format",
       [&] { editJson(p + "config.json", [](QJsonObject& o) { o["format"] = "other"; }); }},
      {"config.json missing key",
       [&] { editJson(p + "config.json", [](QJsonObject& o) { o.remove("step-size"); }); }},
      {"config.json wrong type",
       [&] { editJson(p + "config.json", [](QJsonObject& o) { o["batch-size"] = "512"; }); }},
      {"config.json invalid value",
       [&] { editJson(p + "config.json", [](QJsonObject& o) { o["step-size"] = -1; }); }},
      {"config.json unknown status",
       [&] {
         // Edited as text: a JSON library that keeps numbers as doubles would also alter the seed.
         QByteArray b = readAll(p + "config.json");
         QVERIFY(b.contains("\"status\": \"completed\""));
         b.replace("\"status\": \"completed\"", "\"status\": \"exploded\"");
         writeAll(p + "config.json", b);
       }},
      {"missing summary.json", [&] { QVERIFY(QFile::remove(p + "summary.json")); }},
      {"summary.json samples disagree",
       [&] { editJson(p + "summary.json", [](QJsonObject& o) { o["samples"] = 4; }); }},
      {"missing curve.csv", [&] { QVERIFY(QFile::remove(p + "curve.csv")); }},
      {"curve.csv bad number",
       [&] {
         QByteArray b = readAll(p + "curve.csv");
         const int line3 = b.indexOf('\n', b.indexOf('\n') + 1) + 1;
         b.replace(b.indexOf(",", line3) + 1, 3, "x9x");
         writeAll(p + "curve.csv", b);
       }},
      {"curve.csv bad header", [&] { replaceBytes("curve.csv", 0, "Phase"); }},
      {"missing votes.npy", [&] { QVERIFY(QFile::remove(p + "votes.npy")); }},
      {"truncated log_sum.npy", [&] { truncate("log_sum.npy", 128 + 555); }},
      {"truncated npy header", [&] { truncate("predictive.npy", 40); }},
      {"npy longer than declared",
       [&] { writeAll(p + "sum_plogp.npy", readAll(p + "sum_plogp.npy") + "1234"); }},
      {"npy bad magic", [&] { replaceBytes("votes.npy", 0, "\x93NUMPX"); }},
      {"npy bad version", [&] { replaceBytes("votes.npy", 6, QByteArray("\x09\x00", 2)); }},
      {"npy bad header", [&] { replaceBytes("votes.npy", 10, "{'desc'"); }},
      {"npy wrong dtype",
       [&] {
         QVERIFY(writeNpy(str(p + "votes.npy"), {7, 10}, std::vector<float>(70, 1.0f)).ok());
       }},
      {"npy big endian", [&] { replaceBytes("log_sum.npy", 21, ">"); }},
      {"log_sum rows != labels",
       [&] {
         QVERIFY(writeNpy(str(p + "log_sum.npy"), {6, 10}, std::vector<double>(60, 0.0)).ok());
       }},
      {"votes shape != log_sum",
       [&] {
         QVERIFY(writeNpy(str(p + "votes.npy"), {7, 9}, std::vector<uint32_t>(63, 0)).ok());
       }},
      {"predictive rank",
       [&] { QVERIFY(writeNpy(str(p + "predictive.npy"), {70}, std::vector<float>(70, 0.1f)).ok()); }},
      {"labels != config count",
       [&] { QVERIFY(writeNpy(str(p + "test_labels.npy"), {8}, std::vector<uint8_t>(8, 1)).ok()); }},
      {"images shape",
       [&] {
         QVERIFY(
             writeNpy(str(p + "test_images.npy"), {7, 28, 27}, std::vector<uint8_t>(7 * 28 * 27, 1)).ok());
       }},
      {"label out of range",
       [&] { QVERIFY(writeNpy(str(p + "test_labels.npy"), {7}, std::vector<uint8_t>(7, 10)).ok()); }},
      {"too many votes",
       [&] {
         QVERIFY(writeNpy(str(p + "votes.npy"), {7, 10}, std::vector<uint32_t>(70, 1)).ok());
       }},
  };
  const auto it = damages.find(damage);
  QVERIFY2(it != damages.end(), qPrintable(damage));
  it->second();
  if (QTest::currentTestFailed()) return;

  const Result<RunResult> r = readRunResult(str(dir));
  QVERIFY(!r.ok());
  const Error& e = r.error();
  const QString msg = QString::fromStdString(e.message());
  QVERIFY2(int(e.code) == code, qPrintable(QString("code %1: %2").arg(errorCodeName(e.code)).arg(msg)));
  QVERIFY2(QString::fromStdString(e.path).endsWith("/" + file), qPrintable(msg));
  QVERIFY2(msg.contains(text), qPrintable(msg));
}

QTEST_GUILESS_MAIN(TestResultIo)
#include "tst_result_io.moc"
