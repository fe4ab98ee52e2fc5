// bnn-cli eval as a user runs it: a run keeps its samples (--keep-samples), eval evaluates them on
// a dataset folder or a transform of it and writes an ordinary run folder that report opens. With
// every sample kept, eval on the run's own test set reproduces the run's arrays byte for byte (on
// a synthetic folder always, on real MNIST when BNN_DATA_DIR has it).
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "common/cli_helpers.h"
#include "data/transforms.h"
#include "run/result_io.h"
#include "util/npy.h"

using namespace bnn;
using Outcome = test::CliOutcome;
using test::fileBytes;
using test::runCli;

namespace {

QJsonObject jsonObject(const QString& path) { return QJsonDocument::fromJson(fileBytes(path)).object(); }

// Arrays of the posterior predictive and the last sample, which an evaluation must reproduce.
const char* const kArrays[] = {"log_sum.npy",    "votes.npy",      "sum_plogp.npy",
                               "predictive.npy", "last_probs.npy", "test_labels.npy"};

}  // namespace

class TestBnnCliEval : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_tmp.isValid());
    m_data = m_tmp.filePath("data");
    m_run = m_tmp.filePath("run");
    const QString error = test::makeSmallRun(m_data, m_run);
    QVERIFY2(error.isEmpty(), qPrintable(error));
  }

  // The run folder holds the samples, and nothing else is left behind beside it.
  void runFolderHoldsTheSamples() {
    const Result<NpyArray> s = readNpy((m_run + "/samples.npy").toStdString(), NpyType::Float32, 2);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message().c_str());
    QCOMPARE(s->shape, (std::vector<int64_t>{12, 784 * 16 + 16 + 16 * 10 + 10}));
    QVERIFY(QFile::exists(m_run + "/last_probs.npy"));
    QCOMPARE(QDir(m_tmp.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             (QStringList{"data", "run"}));
  }

  void evalReproducesTheRun() {
    const QString out = m_tmp.filePath("eval-self");
    const Outcome o = runCli({"eval", m_run, "--data", m_data, "--out", out});
    QVERIFY2(o.exitCode == 0 && !o.crashed, qPrintable(o.err + o.out));
    QVERIFY2(o.out.contains("ensemble accuracy (12 samples)"), qPrintable(o.out));
    for (const char* a : kArrays)
      QVERIFY2(fileBytes(m_run + "/" + a) == fileBytes(out + "/" + a) && !fileBytes(out + "/" + a).isEmpty(),
               a);
    const QJsonObject run = jsonObject(m_run + "/summary.json");
    const QJsonObject ev = jsonObject(out + "/summary.json");
    for (const char* key : {"ensemble_accuracy", "last_sample_accuracy", "nll", "certain_share_095"})
      QCOMPARE(ev[key].toDouble(), run[key].toDouble());
    const QJsonObject info = jsonObject(out + "/config.json")["evaluation"].toObject();
    QCOMPARE(info["split"].toString(), QString("test"));
    QCOMPARE(info["source_directory"].toString(), m_run);
    // An ordinary run folder: report reads it.
    const Outcome rep = runCli({"report", out, "--out", m_tmp.filePath("eval-report")});
    QVERIFY2(rep.exitCode == 0, qPrintable(rep.err));
  }

  // The consistency test on the real MNIST test set with the example's network (a short run).
  void evalReproducesAnMnistRun() {
    const QString mnist = qEnvironmentVariable("BNN_DATA_DIR");
    if (mnist.isEmpty() || !QFileInfo::exists(mnist + "/t10k-images-idx3-ubyte"))
      QSKIP("MNIST not found (BNN_DATA_DIR); scripts/fetch-mnist.sh fetches it");
    const QString run = m_tmp.filePath("mnist-run");
    const Outcome r = runCli({"run", "--data", mnist, "--no-progress", "--warmup", "30", "--eval-every", "10",
                              "--samples", "8", "--keep-samples", "8", "--seed", "2", "--out", run});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QString out = m_tmp.filePath("mnist-eval");
    const Outcome e = runCli({"eval", run, "--data", mnist, "--out", out});
    QVERIFY2(e.exitCode == 0, qPrintable(e.err + e.out));
    for (const char* a : kArrays) QVERIFY2(fileBytes(run + "/" + a) == fileBytes(out + "/" + a), a);
    QVERIFY(e.out.contains("MNIST (checksums verified), test split: 10000 images"));
  }

  void evalOfATransform() {
    const QString out = m_tmp.filePath("eval-rotated");
    const Outcome o = runCli({"eval", m_run, "--data", m_data, "--transform", "rotate=90", "--out", out});
    QVERIFY2(o.exitCode == 0 && !o.crashed, qPrintable(o.err + o.out));
    const QJsonObject info = jsonObject(out + "/config.json")["evaluation"].toObject();
    QCOMPARE(info["transform"].toString(), QString("rotate=90"));
    const Result<RunResult> r = readRunResult(out.toStdString());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message().c_str());
    QVERIFY(QString::fromStdString(r->config.name).endsWith(" rotate=90"));
    // The images evaluated are the rotated test images.
    const ImageSet rotatedSet = rotated(makeSyntheticDataset(400, 60, 11).test, 90);
    QVERIFY(r->testImages() == rotatedSet.pixels);
    QCOMPARE(r->predictive.sampleCount(), int64_t(12));
    // Random transforms record their seed.
    const QString noisy = m_tmp.filePath("eval-noise");
    QCOMPARE(
        runCli({"eval", m_run, "--data", m_data, "--transform", "noise=0.2", "--seed", "5", "--out", noisy})
            .exitCode,
        0);
    QCOMPARE(jsonObject(noisy + "/config.json")["evaluation"].toObject()["transform"].toString(),
             QString("noise=0.2 seed 5"));
  }

  void evalRefusals_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no run") << QStringList{"eval"} << 2 << "missing RUN_DIR";
    QTest::newRow("no data") << QStringList{"eval", "RUN"} << 2 << "--data DIR is required";
    QTest::newRow("bad split") << QStringList{"eval", "RUN", "--data", "DATA", "--split", "val"} << 2
                               << "--split: expected test or train, found 'val'";
    QTest::newRow("bad transform") << QStringList{"eval", "RUN", "--data", "DATA", "--transform", "spin=3"}
                                   << 2 << "--transform:";
    QTest::newRow("bad seed") << QStringList{"eval", "RUN", "--data", "DATA", "--seed", "-1"} << 2
                              << "--seed:";
    QTest::newRow("not a run") << QStringList{"eval", "DATA", "--data", "DATA"} << 1 << "config.json";
    QTest::newRow("not data") << QStringList{"eval", "RUN", "--data", "RUN"} << 1 << "cannot use the data";
    QTest::newRow("no samples") << QStringList{"eval", "BARE", "--data", "DATA"} << 1
                                << "kept no posterior samples";
  }
  void evalRefusals() {
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, reason);
    const QString bare = m_tmp.filePath("bare");
    if (!QFileInfo::exists(bare)) {
      const Outcome o =
          runCli({"run", "--data", m_data, "--no-progress", "--hidden", "8", "--batch-size", "32", "--warmup",
                  "2", "--samples", "2", "--keep-samples", "0", "--out", bare});
      QVERIFY2(o.exitCode == 0, qPrintable(o.err));
    }
    args.replaceInStrings(QRegularExpression("^RUN$"), m_run);
    args.replaceInStrings(QRegularExpression("^DATA$"), m_data);
    args.replaceInStrings(QRegularExpression("^BARE$"), bare);
    const Outcome o = runCli(args);
    QVERIFY(!o.crashed);
    QCOMPARE(o.exitCode, exitCode);
    QVERIFY2(o.err.contains(reason), qPrintable(o.err));
    QCOMPARE(o.err.count('\n'), 1);
  }

 private:
  QTemporaryDir m_tmp;
  QString m_data;
  QString m_run;
};

QTEST_GUILESS_MAIN(TestBnnCliEval)
#include "tst_bnn_cli_eval.moc"
