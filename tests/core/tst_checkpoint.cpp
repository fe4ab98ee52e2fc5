// Checkpoints of a chain: a chain stopped anywhere (warm-up, sampling, the step between them,
// every sampler and batch mode) and continued from its checkpoint gives bit-identical results to
// one that never stopped, also on another thread count and from a checkpoint written on the
// timer; a checkpoint resumes only with its own configuration and data; the file round-trips
// and refuses damage naming the file and the entry; writing is atomic; a saved run folder keeps
// the checkpoint of a run that stopped early and drops it once the run completed.

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <oneapi/tbb/task_arena.h>
#include <zlib.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <memory>

#include "common/test_helpers.h"
#include "data/synthetic.h"
#include "run/checkpoint.h"
#include "run/posterior_samples.h"
#include "run/result_io.h"
#include "run/run_engine.h"
#include "run/sample_diagnostics.h"

using namespace bnn;

namespace {

std::string str(const QString& s) { return s.toStdString(); }

/// A short run on the shared synthetic data: 31 warm-up steps evaluated every 5 (so that the
/// last warm-up step is evaluated), 12 sampling steps.
RunConfig shortConfig(const char* preset) {
  RunConfig c = *presetConfig(preset);
  c.hidden = {24};
  c.batchSize = 32;
  c.warmupSteps = 31;
  c.evalEvery = 5;
  c.samplingSteps = 12;
  c.leapfrogSteps = 3;
  c.stepSize = c.sampler == SamplerKind::Sgld ? 1e-3 : 1e-4;
  if (c.samplingPhaseUsesSgld) c.stepSize = 1e-4;
  c.seed = 11;
  c.checkpointEverySeconds = 1e6;  // checkpoints on: when the chain is stopped, none on the timer
  return c;
}

/// Asks the chain to stop once it recorded the curve point of (phase, step); it then stops at
/// the top of the next step, where it writes its checkpoint.
class StopAfterPoint final : public ChainObserver {
 public:
  StopAfterPoint(Phase phase, int64_t step, std::atomic<bool>* cancel)
      : m_phase(phase), m_step(step), m_cancel(cancel) {}
  void curvePointRecorded(const CurvePoint& p) override {
    if (p.phase == m_phase && p.step == m_step) m_cancel->store(true);
  }

 private:
  Phase m_phase;
  int64_t m_step;
  std::atomic<bool>* m_cancel;
};

/// Copies the chain's checkpoint file away when it recorded the curve point of (phase, step):
/// the file then holds the state written at the top of that step (checkpoints on every step).
class CopyCheckpointAt final : public ChainObserver {
 public:
  CopyCheckpointAt(Phase phase, int64_t step, QString from, QString to)
      : m_phase(phase), m_step(step), m_from(std::move(from)), m_to(std::move(to)) {}
  void curvePointRecorded(const CurvePoint& p) override {
    if (p.phase == m_phase && p.step == m_step) copied = QFile::copy(m_from, m_to);
  }
  bool copied = false;

 private:
  Phase m_phase;
  int64_t m_step;
  QString m_from, m_to;
};

// Everything a run computes, bit for bit (wall times aside).
void compareRuns(const RunResult& a, const RunResult& b) {
  QCOMPARE(enumName(a.outcome.status), enumName(b.outcome.status));
  QCOMPARE(a.outcome.message, b.outcome.message);  // a chain-health warning word for word
  QCOMPARE(a.outcome.step, b.outcome.step);
  QCOMPARE(a.curve.size(), b.curve.size());
  QVERIFY(test::bitEqual(a, b));
  for (size_t i = 0; i < a.curve.size(); ++i) QCOMPARE(a.curve[i].gradEvals, b.curve[i].gradEvals);
  const PredictiveAccumulator::State sa = a.predictive.state(), sb = b.predictive.state();
  QCOMPARE(sa.count, sb.count);
  QVERIFY(sa.probSum == sb.probSum);
  QVERIFY(sa.maxLog == sb.maxLog);
  QVERIFY(sa.sumPLogP == sb.sumPLogP);
  QVERIFY(sa.votes == sb.votes);
  QVERIFY(std::memcmp(&a.lastPointwiseAccuracy, &b.lastPointwiseAccuracy, sizeof(double)) == 0);
  QCOMPARE(a.timings.gradEvals, b.timings.gradEvals);
  QCOMPARE(a.timings.testPasses, b.timings.testPasses);
  // The kept posterior samples and the last sample's probabilities.
  QCOMPARE(bool(a.samples), bool(b.samples));
  if (a.samples) {
    QCOMPARE(a.samples->count(), b.samples->count());
    QVERIFY(a.samples->steps() == b.samples->steps());
    QVERIFY(std::memcmp(a.samples->sample(0), b.samples->sample(0),
                        size_t(a.samples->count() * a.samples->numParams()) * sizeof(float)) == 0);
  }
  QVERIFY(a.lastProbs == b.lastProbs);
  // The per-sample diagnostics (diagnostics.csv), bit for bit (NaN where a value is undefined).
  QVERIFY(a.diagnostics.names == b.diagnostics.names);
  QVERIFY(a.diagnostics.chain == b.diagnostics.chain);
  QVERIFY(a.diagnostics.step == b.diagnostics.step);
  QCOMPARE(a.diagnostics.values.size(), b.diagnostics.values.size());
  QVERIFY(std::memcmp(a.diagnostics.values.data(), b.diagnostics.values.data(),
                      a.diagnostics.values.size() * sizeof(double)) == 0);
  QCOMPARE(diagnosticsCsv(a.diagnostics), diagnosticsCsv(b.diagnostics));
}

std::shared_ptr<const ChainCheckpoint> load(const QString& path) {
  Result<ChainCheckpoint> c = readCheckpoint(str(path));
  if (!c) qWarning("%s", c.error().message().c_str());
  return c ? std::make_shared<const ChainCheckpoint>(std::move(*c)) : nullptr;
}

/// Runs `c` until it recorded the curve point of (phase, step) and stops it there (StopAfterPoint):
/// the cancelled run, whose checkpoint is in `dir`.
RunResult interruptedRun(const RunConfig& c, const Dataset& data, Phase phase, int64_t step,
                         const QString& dir) {
  std::atomic<bool> cancel{false};
  StopAfterPoint stop(phase, step, &cancel);
  return runChain(c, data, &stop, &cancel, {}, {str(dir), nullptr});
}

// The CRC trailer recomputed after an edit, so that the parser looks past the checksum.
void fixCrc(QByteArray& b) {
  const size_t body = size_t(b.size()) - 4;
  const uint32_t crc =
      uint32_t(crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(b.constData()), uInt(body)));
  for (int i = 0; i < 4; ++i) b[qsizetype(body) + i] = char(crc >> (8 * i));
}

}  // namespace

Q_DECLARE_METATYPE(bnn::Phase)

/// Runs on the test thread only (chains run on it too).
class TestCheckpoint : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void resumeIsBitIdentical_data();
  void resumeIsBitIdentical();
  void timerCheckpointResumes();
  void resumeOnOtherThreadCount();
  void resumeRefusesOtherDataOrConfig();
  void fileRoundTrip();
  void damagedFile_data();
  void damagedFile();
  void writeIsAtomic();
  void runFolderKeepsCheckpointUntilComplete();
};

void TestCheckpoint::resumeIsBitIdentical_data() {
  QTest::addColumn<QString>("preset");
  QTest::addColumn<bnn::Phase>("phase");  // stop after the curve point of (phase, step)
  QTest::addColumn<int>("step");
  QTest::addColumn<QString>("variant");
  for (const char* preset : {"example-sgld", "example-sghmc", "example-sghmc-as-published"}) {
    QTest::addRow("%s, warm-up", preset) << preset << Phase::Warmup << 10 << "";
    QTest::addRow("%s, between the phases", preset) << preset << Phase::Warmup << 30 << "";
    QTest::addRow("%s, sampling", preset) << preset << Phase::Sampling << 6 << "";
  }
  QTest::newRow("SGLD, epochs, mid-epoch") << "example-sgld" << Phase::Warmup << 15 << "epochs";
  QTest::newRow("SGLD, epochs, sampling") << "example-sgld" << Phase::Sampling << 4 << "epochs";
  QTest::newRow("SGHMC Ma form, fresh batches") << "example-sghmc" << Phase::Sampling << 2 << "ma";
  QTest::newRow("SGLD, thinning 3") << "example-sgld" << Phase::Sampling << 5 << "thinning";
  QTest::newRow("SGLD, prior init, T = 0.5") << "example-sgld" << Phase::Warmup << 20 << "prior";
  // pSGLD (its RMSprop accumulator V) and SGNHT (momentum p, thermostat ζ, whether p₀ was
  // drawn), with a step-size schedule, a chain-health warning and a second chain's streams.
  for (const char* sampler : {"psgld", "sgnht"}) {
    QTest::addRow("%s, warm-up", sampler) << "example-sgld" << Phase::Warmup << 10 << sampler;
    QTest::addRow("%s, between the phases", sampler) << "example-sgld" << Phase::Warmup << 30 << sampler;
    QTest::addRow("%s, sampling", sampler) << "example-sgld" << Phase::Sampling << 6 << sampler;
    QTest::addRow("%s, cyclical schedule", sampler)
        << "example-sgld" << Phase::Sampling << 7 << QString(sampler) + "-cyclical";
    QTest::addRow("%s, chain 2 of 3", sampler)
        << "example-sgld" << Phase::Sampling << 3 << QString(sampler) + "-chain";
  }
  QTest::newRow("SGLD, polynomial schedule") << "example-sgld" << Phase::Sampling << 5 << "polynomial";
  QTest::newRow("SGLD, random shift 2") << "example-sgld" << Phase::Sampling << 5 << "shift";
  QTest::newRow("SGLD, epochs, random shift 1") << "example-sgld" << Phase::Warmup << 15 << "epochs-shift";
  QTest::newRow("SGLD, warning: at chance") << "example-sgld" << Phase::Sampling << 4 << "chance";
}

void TestCheckpoint::resumeIsBitIdentical() {
  QFETCH(QString, preset);
  QFETCH(bnn::Phase, phase);
  QFETCH(int, step);
  QFETCH(QString, variant);
  RunConfig c = shortConfig(qPrintable(preset));
  if (variant == "epochs" || variant == "epochs-shift") {
    c.batchMode = BatchMode::Epochs;
    c.batchSize = 300;  // 2000 images: 6 batches an epoch, 6 + 1/3 epochs in 38 steps
    if (variant == "epochs-shift") c.augmentShift = 1;
  } else if (variant == "shift") {
    c.augmentShift = 2;
  } else if (variant == "ma") {
    c.sghmcForm = SghmcForm::Ma;
    c.freshBatchPerInnerStep = true;
  } else if (variant == "thinning") {
    c.thinning = 3;
  } else if (variant == "prior") {
    c.init = InitKind::Prior;
    c.temperature = 0.5;
  } else if (variant == "polynomial") {
    c.schedule = ScheduleKind::Polynomial;
    c.scheduleB = 5;
  } else if (variant == "chance") {
    c.hidden = {160};
    c.stepSize = 1e-12;  // θ stays at its initialisation, at chance: a warning (suggestion 10 h)
  } else if (variant.startsWith("psgld") || variant.startsWith("sgnht")) {
    c.sampler = variant.startsWith("psgld") ? SamplerKind::Psgld : SamplerKind::Sgnht;
    c.stepSize = c.sampler == SamplerKind::Psgld ? 3e-6 : 1e-2;
    if (variant.endsWith("-cyclical")) {
      c.schedule = ScheduleKind::Cyclical;
      c.cycles = 3;  // cycles of 4 steps, the first two exploring
      c.exploration = 0.5;
    } else if (variant.endsWith("-chain")) {
      c.chains = 3;
      c.chainIndex = 2;
    }
  }
  QVERIFY(!validate(c));
  const Dataset& data = *test::syntheticData();

  const RunResult whole = runChain(c, data, nullptr, nullptr);
  if (variant == "chance")
    QVERIFY2(whole.outcome.status == RunStatus::Warning, whole.outcome.message.c_str());
  else
    QVERIFY2(whole.outcome.status == RunStatus::Completed || whole.outcome.status == RunStatus::Warning,
             whole.outcome.message.c_str());
  QVERIFY(!whole.diagnostics.empty());

  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString dir = tmp.filePath("run");
  const RunResult first = interruptedRun(c, data, phase, step, dir);
  QCOMPARE(enumName(first.outcome.status), "cancelled");
  const auto ck = load(dir);
  QVERIFY(ck);
  // Test passes run alongside the chain (TestEvaluator::start), so the point of (phase, step) is
  // recorded, and the stop asked for, at that step or a few steps later.
  auto position = [&](Phase ph, int64_t s) { return ph == Phase::Warmup ? s : c.warmupSteps + s; };
  QVERIFY2(position(ck->phase, ck->step) >= position(phase, step + 1),
           qPrintable(QString("checkpoint at %1 step %2").arg(enumName(ck->phase)).arg(ck->step)));
  QCOMPARE(ck->globalStep, position(ck->phase, ck->step));

  const RunResult resumed = runChain(c, data, nullptr, nullptr, {}, {str(dir), ck});
  compareRuns(whole, resumed);
  // Time goes on from the checkpoint's.
  QVERIFY(resumed.timings.totalSeconds >= ck->timings.totalSeconds);
}

void TestCheckpoint::timerCheckpointResumes() {
  // A checkpoint on every step (the timer's interval is shorter than a step); the file as it was
  // at the top of sampling step 7 continues to the same result.
  RunConfig c = shortConfig("example-sghmc");
  c.checkpointEverySeconds = 1e-9;
  const Dataset& data = *test::syntheticData();
  const RunResult whole = runChain(c, data, nullptr, nullptr);

  QTemporaryDir tmp;
  const QString dir = tmp.filePath("run");
  const QString copy = tmp.filePath("copy.bnnckpt");
  CopyCheckpointAt obs(Phase::Sampling, 7, dir + "/" + kCheckpointFile, copy);
  const RunResult timed = runChain(c, data, &obs, nullptr, {}, {str(dir), nullptr});
  compareRuns(whole, timed);  // writing checkpoints changes nothing
  QVERIFY(obs.copied);
  const auto ck = load(copy);
  QVERIFY(ck);
  QCOMPARE(ck->phase, Phase::Sampling);
  QCOMPARE(ck->step, int64_t(7));
  // The kept samples it refers to: the first ck->keptSamples rows of the chain's samples file.
  QVERIFY(ck->keptSamples > 0);
  QVERIFY(QDir().mkpath(tmp.filePath("again")));
  QVERIFY(
      QFile::copy(dir + "/" + kCheckpointSamplesFile, tmp.filePath("again") + "/" + kCheckpointSamplesFile));
  compareRuns(whole, runChain(c, data, nullptr, nullptr, {}, {str(tmp.filePath("again")), ck}));
  QVERIFY(!QDir(tmp.filePath("again")).entryList(QDir::Files | QDir::Hidden).filter(".bnnckpt.").size());
}

void TestCheckpoint::resumeOnOtherThreadCount() {
  const RunConfig c = shortConfig("example-sgld");
  const Dataset& data = *test::syntheticData();
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("run");
  RunResult whole, resumed;
  tbb::task_arena two(2), one(1);
  two.execute([&] { whole = runChain(c, data, nullptr, nullptr); });
  two.execute([&] { interruptedRun(c, data, Phase::Sampling, 3, dir); });
  const auto ck = load(dir);
  QVERIFY(ck);
  one.execute([&] { resumed = runChain(c, data, nullptr, nullptr, {}, {str(dir), ck}); });
  compareRuns(whole, resumed);
}

void TestCheckpoint::resumeRefusesOtherDataOrConfig() {
  const RunConfig c = shortConfig("example-sgld");
  const Dataset& data = *test::syntheticData();
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("run");
  interruptedRun(c, data, Phase::Warmup, 10, dir);
  const auto ck = load(dir);
  QVERIFY(ck);

  const Dataset other = makeSyntheticDataset(2000, 500, 8);  // same sizes, other pixels
  const RunResult r1 = runChain(c, other, nullptr, nullptr, {}, {{}, ck});
  QCOMPARE(enumName(r1.outcome.status), "failed");
  QVERIFY2(QString::fromStdString(r1.outcome.message).contains("other data"), r1.outcome.message.c_str());

  RunConfig changed = c;
  changed.stepSize *= 2;
  const RunResult r2 = runChain(changed, data, nullptr, nullptr, {}, {{}, ck});
  QCOMPARE(enumName(r2.outcome.status), "failed");
  QVERIFY2(QString::fromStdString(r2.outcome.message).contains("step-size"), r2.outcome.message.c_str());

  // The interval between checkpoints is not part of what a run computes: it may change.
  RunConfig interval = c;
  interval.checkpointEverySeconds = 5;
  QCOMPARE(enumName(runChain(interval, data, nullptr, nullptr, {}, {{}, ck}).outcome.status), "completed");
}

void TestCheckpoint::fileRoundTrip() {
  RunConfig c = shortConfig("example-sghmc-as-published");
  const Dataset& data = *test::syntheticData();
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("run");
  interruptedRun(c, data, Phase::Sampling, 4, dir);
  QFile f(dir + "/" + kCheckpointFile);
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QByteArray bytes = f.readAll();
  Result<ChainCheckpoint> ck = parseCheckpoint(reinterpret_cast<const uint8_t*>(bytes.constData()),
                                               size_t(bytes.size()), "run/checkpoint.bnnckpt");
  QVERIFY2(ck.ok(), ck.ok() ? "" : ck.error().message().c_str());
  const std::vector<uint8_t> again = serializeCheckpoint(*ck);
  QCOMPARE(QByteArray(reinterpret_cast<const char*>(again.data()), qsizetype(again.size())), bytes);

  QCOMPARE(ck->config, c);
  QCOMPARE(ck->data.testCount, data.test.count);
  QCOMPARE(ck->data.fingerprint, dataIdentity(data).fingerprint);
  QCOMPARE(QString::fromStdString(ck->warmupSampler.sampler), "SGHMC");
  QCOMPARE(QString::fromStdString(ck->samplingSampler.sampler), "SGLD");
  QVERIFY(ck->warmupSampler.array("momentum"));
  QVERIFY(*ck->samplingSampler.counter("draw") > 0);
  // Stopped at sampling step 5 or a little later (the test pass runs alongside the chain).
  QCOMPARE(ck->phase, Phase::Sampling);
  QVERIFY(ck->predictive.count >= 5);
  QCOMPARE(ck->predictive.count, ck->step);  // every sampling step evaluated (thinning 1)
  QCOMPARE(int64_t(ck->curve.size()), 7 + ck->predictive.count);  // warm-up 0, 5, ..., 30
}

void TestCheckpoint::damagedFile_data() {
  QTest::addColumn<QString>("damage");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("text");  // the message contains it
  auto row = [](const char* damage, ErrorCode code, const char* text) {
    QTest::newRow(damage) << damage << int(code) << text;
  };
  row("empty", ErrorCode::Empty, "file is empty");
  row("not a checkpoint", ErrorCode::BadMagic, "not a checkpoint file");
  row("truncated", ErrorCode::ChecksumMismatch, "truncated or damaged");
  row("one byte changed", ErrorCode::ChecksumMismatch, "CRC-32");
  row("other version", ErrorCode::BadFormat, "expected version 1, found version 2");
  row("entry missing", ErrorCode::BadFormat, "entry 'theta'");
  row("entry of another type", ErrorCode::BadFormat, "(entry 'step'): expected int64, found float64");
  row("entry beyond the end", ErrorCode::PayloadTooShort, "entry 'theta'");
  row("configuration refused", ErrorCode::InvalidConfig, "entry 'config.step-size'");
  row("step beyond the phase", ErrorCode::BadValue, "entry 'step'");
  row("parameter not finite", ErrorCode::BadValue, "entry 'theta', index 3");
  row("votes inconsistent", ErrorCode::BadValue, "votes summing to the sample count");
  row("curve accuracy above 1", ErrorCode::BadValue, "curve point 2");
  row("health flag not 0 or 1", ErrorCode::BadValue, "entry 'health.flags', index 1");
  row("diagnostic row of a step not taken", ErrorCode::BadValue, "entry 'diagnostics.step'");
  row("diagnostic values missing", ErrorCode::BadFormat, "entry 'diagnostics.values'");
}

void TestCheckpoint::damagedFile() {
  QFETCH(QString, damage);
  QFETCH(int, code);
  QFETCH(QString, text);
  RunConfig c = shortConfig("example-sgld");
  const Dataset& data = *test::syntheticData();
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("run");
  interruptedRun(c, data, Phase::Sampling, 4, dir);
  const QString path = dir + "/" + kCheckpointFile;
  const auto good = load(path);
  QVERIFY(good);
  QFile f(path);
  QVERIFY(f.open(QIODevice::ReadOnly));
  QByteArray b = f.readAll();
  f.close();

  auto serialised = [](const ChainCheckpoint& ck) {
    const std::vector<uint8_t> v = serializeCheckpoint(ck);
    return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size()));
  };
  // Renames the first occurrence of a key (same length) or changes its type byte.
  auto keyAt = [&](const QByteArray& key) {
    const qsizetype at = b.indexOf(key);
    if (at < 0) qFatal("no key %s", key.constData());
    return at;
  };
  ChainCheckpoint ck = *good;
  if (damage == "empty")
    b.clear();
  else if (damage == "not a checkpoint")
    b = QByteArray("{\"format\": \"bnn-explorer-run\"}");
  else if (damage == "truncated")
    b.chop(100);
  else if (damage == "one byte changed")
    b[b.size() / 2] = char(b[b.size() / 2] ^ 0x40);
  else if (damage == "other version") {
    b[8] = 2;
    fixCrc(b);
  } else if (damage == "entry missing") {
    b.replace(keyAt(QByteArray("\x05\x00theta", 7)), 7, QByteArray("\x05\x00thetX", 7));
    fixCrc(b);
  } else if (damage == "entry of another type") {
    b[keyAt(QByteArray("\x04\x00step", 6)) + 6] = 3;  // int64 -> float64 (same size)
    fixCrc(b);
  } else if (damage == "entry beyond the end") {
    const qsizetype count = keyAt(QByteArray("\x05\x00theta", 7)) + 8;
    b[count + 4] = 1;  // 2^32 more floats than there are
    fixCrc(b);
  } else if (damage == "configuration refused") {
    const qsizetype at = keyAt("config.step-size") + 16 + 1 + 8;  // key, type, count
    b[at] = 'x';
    fixCrc(b);
  } else if (damage == "step beyond the phase") {
    ck.step = c.samplingSteps;
    b = serialised(ck);
  } else if (damage == "parameter not finite") {
    ck.theta[3] = std::numeric_limits<float>::infinity();
    b = serialised(ck);
  } else if (damage == "votes inconsistent") {
    ck.predictive.votes[0] += 1;
    b = serialised(ck);
  } else if (damage == "curve accuracy above 1") {
    ck.curve[2].pointwiseAccuracy = 1.5;
    b = serialised(ck);
  } else if (damage == "health flag not 0 or 1") {
    b[keyAt("health.flags") + 12 + 1 + 8 + 1] = 2;  // key, type, count; the second flag
    fixCrc(b);
  } else if (damage == "diagnostic row of a step not taken") {
    QVERIFY(!ck.diagnostics.rows.empty());
    ck.diagnostics.rows.step.back() = ck.step;
    b = serialised(ck);
  } else if (damage == "diagnostic values missing") {
    ck.diagnostics.rows.values.pop_back();
    b = serialised(ck);
  } else {
    QFAIL(qPrintable(damage));
  }
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write(b);
  f.close();

  const Result<ChainCheckpoint> r = readCheckpoint(str(dir));
  QVERIFY(!r.ok());
  const QString msg = QString::fromStdString(r.error().message());
  QVERIFY2(int(r.error().code) == code,
           qPrintable(QString("%1: %2").arg(errorCodeName(r.error().code), msg)));
  QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
  QVERIFY2(msg.contains(text), qPrintable(msg));
}

void TestCheckpoint::writeIsAtomic() {
  RunConfig c = shortConfig("example-sgld");
  const Dataset& data = *test::syntheticData();
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("a/b/run");  // created as needed
  interruptedRun(c, data, Phase::Warmup, 5, dir);
  auto ck = load(dir);
  QVERIFY(ck);
  // What a write killed half-way leaves behind goes with the next write.
  QFile stray(dir + "/." + kCheckpointFile + ".Ab12Cd");
  QVERIFY(stray.open(QIODevice::WriteOnly));
  stray.write("half a checkpoint");
  stray.close();
  ChainCheckpoint next = *ck;
  next.step += 1;
  QVERIFY(writeCheckpoint(next, str(dir)).ok());
  QStringList left = QDir(dir).entryList(QDir::Files | QDir::Hidden);
  left.removeAll(kCheckpointSamplesFile);  // the kept samples the checkpoint refers to
  QCOMPARE(left, QStringList{kCheckpointFile});
  QCOMPARE(load(dir)->step, ck->step + 1);
  QCOMPARE(QFileInfo(dir + "/" + kCheckpointFile).permissions() & QFile::ReadOther, QFile::ReadOther);
  // A destination that cannot be a folder: an error naming it, the old file untouched.
  QFile blocker(tmp.filePath("file"));
  QVERIFY(blocker.open(QIODevice::WriteOnly));
  blocker.close();
  const Status st = writeCheckpoint(next, str(tmp.filePath("file")));
  QVERIFY(!st.ok());
  QVERIFY(QString::fromStdString(st.error().message()).contains("file"));
  // A chain whose checkpoints cannot be written still runs, and says so.
  const RunResult r = interruptedRun(c, data, Phase::Warmup, 5, tmp.filePath("file"));
  QVERIFY2(QString::fromStdString(r.outcome.message).contains("checkpoint not written"),
           r.outcome.message.c_str());
}

void TestCheckpoint::runFolderKeepsCheckpointUntilComplete() {
  RunConfig c = shortConfig("example-sgld");
  const Dataset& data = *test::syntheticData();
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("run");
  const RunResult partial = interruptedRun(c, data, Phase::Sampling, 2, dir);
  // The folder holds only the checkpoint: a run may be saved there.
  QVERIFY(checkRunDestination(str(dir)).ok());
  QVERIFY(writeRunResult(partial, str(dir)).ok());
  QVERIFY(hasCheckpoint(str(dir)));  // kept: the run can still continue
  QVERIFY(readRunResult(str(dir)).ok());
  const auto ck = load(dir);
  QVERIFY(ck);
  const RunResult done = runChain(c, data, nullptr, nullptr, {}, {str(dir), ck});
  QCOMPARE(enumName(done.outcome.status), "completed");
  QVERIFY(writeRunResult(done, str(dir)).ok());
  QVERIFY(!hasCheckpoint(str(dir)));  // complete: nothing left to continue
  // A checkpoint of another run is not carried into a saved run.
  QVERIFY(writeCheckpoint(*ck, str(dir)).ok());
  RunResult other = partial;
  other.config.seed += 1;
  QVERIFY(writeRunResult(other, str(dir)).ok());
  QVERIFY(!hasCheckpoint(str(dir)));
}

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
