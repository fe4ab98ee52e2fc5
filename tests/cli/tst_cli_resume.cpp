// bnn-cli run --resume: a run killed with SIGKILL in the middle of its warm-up or of its sampling
// phase, or stopped with Ctrl-C, continues from the checkpoint in its --out folder, and every
// array of the result (the kept posterior samples and the last sample's probabilities included), its curve
// (wall times aside), its summary and its configuration equal those of the same run never interrupted; a
// --compare pair continues both chains. --resume refuses, with a reason, what it cannot continue.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>

#include "common/cli_helpers.h"
#include "run/checkpoint.h"

using namespace bnn;

namespace {

using test::CliOutcome;
using test::runCli;

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The run folder's files compared with a reference folder: every .npy byte for byte, curve.csv
// without its wall_seconds column, summary.json whole, config.json without its timings.
void compareFolders(const QString& got, const QString& want) {
  const QStringList files = QDir(want).entryList(QDir::Files);
  QCOMPARE(QDir(got).entryList(QDir::Files), files);  // nothing more (no checkpoint left), nothing less
  for (const QString& f : files) {
    const QByteArray a = readAll(got + "/" + f), b = readAll(want + "/" + f);
    if (f.endsWith(".npy") || f == "diagnostics.csv") {
      QVERIFY2(a == b, qPrintable(f));
    } else if (f == "curve.csv") {
      const QList<QByteArray> la = a.split('\n'), lb = b.split('\n');
      QCOMPARE(la.size(), lb.size());
      for (qsizetype i = 0; i < la.size(); ++i) {
        QList<QByteArray> fa = la[i].split(','), fb = lb[i].split(',');
        if (i > 0 && fa.size() == 7 && fb.size() == 7) fa[3] = fb[3] = "t";  // wall_seconds
        QVERIFY2(fa == fb, qPrintable(QString("%1 line %2: %3 vs %4").arg(f).arg(i + 1).arg(la[i], lb[i])));
      }
    } else {
      QJsonObject ja = QJsonDocument::fromJson(a).object(), jb = QJsonDocument::fromJson(b).object();
      QVERIFY2(!ja.isEmpty(), qPrintable(f));
      ja.remove("timings");
      jb.remove("timings");
      QVERIFY2(ja == jb, qPrintable(f + "\n" + QString::fromUtf8(a) + "\nvs\n" + QString::fromUtf8(b)));
    }
  }
}

}  // namespace

/// Runs on the test thread only.
class TestCliResume : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void killAndResume_data();
  void killAndResume();
  void killAndResumeOtherSamplers_data();
  void killAndResumeOtherSamplers() { killAndResume(); }
  void resumeRefuses_data();
  void resumeRefuses();
  void chainsInOneProcessWriteNoCheckpoints();

 private:
  QStringList runArgs(const QString& variant) const;
  QString reference(const QString& variant);

  QTemporaryDir m_tmp;
  QString m_data;
  QMap<QString, QString> m_reference;  // per variant ("", "compare", "psgld", "sgnht")
};

void TestCliResume::initTestCase() {
  QVERIFY(m_tmp.isValid());
  QVERIFY2(QFileInfo(QStringLiteral(BNN_CLI)).isExecutable(), BNN_CLI);
  m_data = m_tmp.filePath("data");
  QVERIFY(test::writeIdxDataset(m_data, makeSyntheticDataset(3000, 1000, 4)));
}

// Long enough (thousands of steps, a test pass on every sampling step) to be caught in either
// phase, and checkpointed every 50 ms; 20 posterior samples kept.
// Variants: "" (SGLD), "compare" (SGLD and SGHMC at once), "psgld" (with a polynomial
// schedule), "sgnht" (with a cyclical schedule).
QStringList TestCliResume::runArgs(const QString& variant) const {
  QStringList a{"run",
                "--data",
                m_data,
                "--no-progress",
                "--hidden",
                "192",
                "--batch-size",
                "192",
                "--warmup",
                "3000",
                "--eval-every",
                "100",
                "--samples",
                "1500",
                "--seed",
                "5",
                "--keep-samples",
                "20",
                "--checkpoint-every",
                "0.05"};
  if (variant == "compare")
    a << "--compare"
      << "--leapfrog-steps"
      << "2";
  if (variant == "psgld" || variant == "sgnht")
    a << "--warmup"
      << "1000"
      << "--samples"
      << "800";
  if (variant == "psgld")
    a << "--sampler"
      << "psgld"
      << "--step-size"
      << "3e-6"
      << "--schedule"
      << "polynomial";
  if (variant == "sgnht")
    a << "--sampler"
      << "sgnht"
      << "--step-size"
      << "1e-2"
      << "--leapfrog-steps"
      << "2"
      << "--schedule"
      << "cyclical"
      << "--cycles"
      << "3"
      << "--exploration"
      << "0.3";
  return a;
}

// The same run(s), never interrupted (made once).
QString TestCliResume::reference(const QString& variant) {
  QString& ref = m_reference[variant];
  if (ref.isEmpty()) {
    const QString dir = m_tmp.filePath("reference-" + (variant.isEmpty() ? QStringLiteral("sgld") : variant));
    const CliOutcome o = runCli(runArgs(variant) << "--out" << dir);
    if (o.exitCode != 0 || o.crashed) qWarning("%s%s", qPrintable(o.out), qPrintable(o.err));
    if (o.exitCode == 0) ref = dir;
  }
  return ref;
}

void TestCliResume::killAndResume_data() {
  QTest::addColumn<QString>("variant");
  QTest::addColumn<int>("phase");  // Phase of the checkpoint to wait for
  QTest::addColumn<int>("step");   // ... and at least this step of it
  QTest::addColumn<int>("signal");
  QTest::newRow("SIGKILL mid-warm-up") << "" << int(Phase::Warmup) << 300 << SIGKILL;
  QTest::newRow("SIGKILL mid-sampling") << "" << int(Phase::Sampling) << 200 << SIGKILL;
  QTest::newRow("Ctrl-C mid-sampling") << "" << int(Phase::Sampling) << 400 << SIGINT;
  QTest::newRow("--compare, SIGKILL mid-sampling") << "compare" << int(Phase::Sampling) << 100 << SIGKILL;
}

// pSGLD (accumulator V) with a polynomial schedule and SGNHT (momentum, thermostat) with a
// cyclical one: a test function of their own, within QTest's time per function on a busy machine.
void TestCliResume::killAndResumeOtherSamplers_data() {
  QTest::addColumn<QString>("variant");
  QTest::addColumn<int>("phase");
  QTest::addColumn<int>("step");
  QTest::addColumn<int>("signal");
  QTest::newRow("pSGLD, SIGKILL mid-sampling") << "psgld" << int(Phase::Sampling) << 200 << SIGKILL;
  QTest::newRow("SGNHT, SIGKILL mid-warm-up") << "sgnht" << int(Phase::Warmup) << 300 << SIGKILL;
  QTest::newRow("SGNHT, SIGKILL mid-sampling") << "sgnht" << int(Phase::Sampling) << 400 << SIGKILL;
}

void TestCliResume::killAndResume() {
  QFETCH(QString, variant);
  QFETCH(int, phase);
  QFETCH(int, step);
  QFETCH(int, signal);
  const bool compare = variant == "compare";
  const QString ref = reference(variant);
  QVERIFY2(!ref.isEmpty(), "the uninterrupted run failed");

  QTemporaryDir parent;
  const QString out = parent.filePath("run");
  const QStringList folders =
      compare ? QStringList{out + "/example-sgld", out + "/example-sghmc"} : QStringList{out};
  QProcess p;
  p.start(QStringLiteral(BNN_CLI), runArgs(variant) << "--out" << out);
  QVERIFY(p.waitForStarted());
  // Wait for the checkpoint(s) to show the chain(s) at the wanted point; the process must still
  // be running then.
  auto reached = [&] {
    for (const QString& f : folders) {
      const Result<ChainCheckpoint> c = readCheckpoint(f.toStdString());
      if (!c || int(c->phase) != phase || c->step < step) return false;
    }
    return true;
  };
  while (!reached()) {
    QVERIFY2(!p.waitForFinished(10), "the run ended before it could be interrupted");
  }
  QVERIFY(::kill(pid_t(p.processId()), signal) == 0);
  QVERIFY(p.waitForFinished(test::kPatientMs));
  const QString said = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
  if (signal == SIGKILL) {
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
  } else {
    QCOMPARE(p.exitCode(), 130);
    QVERIFY2(said.contains("bnn-cli run --resume " + out), qPrintable(said));
  }
  // No results, only the checkpoints (a temporary file of a write cut short may be there too).
  for (const QString& f : folders) {
    QVERIFY(hasCheckpoint(f.toStdString()));
    QVERIFY2(!QFileInfo::exists(f + "/config.json"), qPrintable(f));
  }

  const CliOutcome resumed = runCli({"run", "--resume", out, "--no-progress"});
  QVERIFY2(resumed.exitCode == 0 && !resumed.crashed, qPrintable(resumed.out + resumed.err));
  QVERIFY2(resumed.out.contains("continuing"), qPrintable(resumed.out));
  if (compare) {
    QCOMPARE(QDir(out).entryList(QDir::Dirs | QDir::NoDotAndDotDot),
             (QStringList{"example-sghmc", "example-sgld"}));
    for (const QString& sub : {QStringLiteral("example-sgld"), QStringLiteral("example-sghmc")})
      compareFolders(out + "/" + sub, ref + "/" + sub);
  } else {
    compareFolders(out, ref);
  }
}

void TestCliResume::resumeRefuses_data() {
  QTest::addColumn<QString>("setup");
  QTest::addColumn<QStringList>("extra");
  QTest::addColumn<int>("exitCode");
  QTest::addColumn<QString>("reason");
  QTest::newRow("no such folder") << "none" << QStringList{} << 1 << "no such folder";
  QTest::newRow("a folder without a checkpoint") << "empty" << QStringList{} << 1 << "nothing to continue";
  QTest::newRow("a parameter changed")
      << "checkpoint" << QStringList{"--seed", "6"} << 2 << "--seed cannot change";
  QTest::newRow("--out with --resume") << "checkpoint" << QStringList{"--out", "x"} << 2 << "do not apply";
  QTest::newRow("other data") << "checkpoint" << QStringList{"--data", "OTHER"} << 1 << "other data";
  QTest::newRow("damaged checkpoint") << "damaged" << QStringList{} << 1 << "checksum mismatch";
}

void TestCliResume::resumeRefuses() {
  QFETCH(QString, setup);
  QFETCH(QStringList, extra);
  QFETCH(int, exitCode);
  QFETCH(QString, reason);
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("run");
  if (setup == "empty") {
    QVERIFY(QDir().mkpath(dir));
  } else if (setup == "checkpoint" || setup == "damaged") {
    // A short run stopped by Ctrl-C at once leaves a checkpoint at its first step.
    QProcess p;
    p.start(QStringLiteral(BNN_CLI), runArgs("") << "--out" << dir);
    QVERIFY(p.waitForStarted());
    QByteArray said;
    while (!said.contains("data:")) {
      QVERIFY2(p.state() == QProcess::Running, p.readAllStandardError().constData());
      if (p.waitForReadyRead(test::kPatientMs)) said += p.readAllStandardOutput();
    }
    QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
    QVERIFY(p.waitForFinished(test::kPatientMs));
    QVERIFY(hasCheckpoint(dir.toStdString()));
    if (setup == "damaged") {
      QFile f(dir + "/" + kCheckpointFile);
      QVERIFY(f.open(QIODevice::ReadWrite));
      f.seek(f.size() / 2);
      f.write("damage");
    }
  }
  const QString other = tmp.filePath("other");
  QVERIFY(test::writeIdxDataset(other, makeSyntheticDataset(3000, 1000, 5)));
  extra.replaceInStrings("OTHER", other);
  const CliOutcome o = runCli(QStringList{"run", "--resume", dir} << extra);
  QVERIFY(!o.crashed);
  QCOMPARE(o.exitCode, exitCode);
  QVERIFY2(o.err.contains(reason), qPrintable(o.err));
  QVERIFY2(o.err.startsWith("bnn-cli run: "), qPrintable(o.err));
}

// K chains in one process write no checkpoints (README "Many chains"): asking for them is
// refused with the way to get them (one process per chain), and nothing is written.
void TestCliResume::chainsInOneProcessWriteNoCheckpoints() {
  QTemporaryDir tmp;
  const QString dir = tmp.filePath("run");
  const CliOutcome o = runCli(runArgs("") << "--chains"
                                          << "2"
                                          << "--checkpoint-every"
                                          << "5"
                                          << "--out" << dir);
  QVERIFY(!o.crashed);
  QCOMPARE(o.exitCode, 2);
  QVERIFY2(o.err.contains("--chain-index i"), qPrintable(o.err));
  QVERIFY(!QFileInfo::exists(dir));
}

QTEST_GUILESS_MAIN(TestCliResume)
#include "tst_cli_resume.moc"
