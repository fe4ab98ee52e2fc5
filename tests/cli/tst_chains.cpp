// Many chains (README "Many chains"): `bnn-cli run --chains K` in one process, and the same K
// chains run as K separate processes at once (`--chain-index i`, as GNU parallel or a Slurm job
// array runs them) pooled by `bnn-cli merge`, give bit-identical pooled arrays; chain 0 is the
// one-chain run bit for bit; the chains differ from each other; merge refuses chains that do not
// belong together.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <cstring>
#include <memory>
#include <vector>

#include "common/cli_helpers.h"
#include "data/synthetic.h"
#include "run/posterior_samples.h"
#include "run/result_io.h"

using namespace bnn;

namespace {

const char* const kArrays[] = {"predictive.npy", "log_sum.npy",     "sum_plogp.npy",
                               "votes.npy",      "test_labels.npy", "diagnostics.csv"};

QStringList tinyRunArgs(const QString& data) {
  return {"run",    "--data",   data, "--no-progress", "--hidden", "16",        "--batch-size",
          "32",     "--warmup", "20", "--eval-every",  "10",       "--samples", "12",
          "--seed", "3"};
}

QByteArray bytes(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return QByteArray("missing: ") + path.toUtf8();
  return f.readAll();
}

}  // namespace

class TestChains : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_tmp.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(BNN_CLI)).isExecutable(), BNN_CLI);
    m_data = m_tmp.filePath("data");
    QVERIFY(QDir().mkpath(m_tmp.filePath("separate")) && QDir().mkpath(m_tmp.filePath("r")));
    QVERIFY(test::writeIdxDataset(m_data, makeSyntheticDataset(400, 60, 11)));
    // Named classes: the pooled folder must carry how the data was identified like its chains.
    QFile classes(m_data + QStringLiteral("/classes.txt"));
    QVERIFY(classes.open(QIODevice::WriteOnly));
    classes.write("zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n");
    classes.close();
  }

  void separateProcessesMergedEqualOneProcess() {
    const int k = 3;
    // One process, K chains.
    const QString together = m_tmp.filePath("together");
    const test::CliOutcome run =
        test::runCli(tinyRunArgs(m_data) << "--chains" << QString::number(k) << "--out" << together);
    QVERIFY2(!run.crashed && run.exitCode == 0, qPrintable(run.out + run.err));
    QVERIFY2(run.out.contains("pooled over 3 chains"), qPrintable(run.out));

    // K processes at once, one chain each.
    std::vector<std::unique_ptr<QProcess>> procs;
    QStringList dirs;
    for (int i = k - 1; i >= 0; --i) {  // listed to merge in reverse order: merge sorts by index
      const QString dir = m_tmp.filePath(QStringLiteral("separate/c%1").arg(i));
      dirs << dir;
      auto p = std::make_unique<QProcess>();
      p->start(QStringLiteral(BNN_CLI), tinyRunArgs(m_data)
                                            << "--chains" << QString::number(k) << "--chain-index"
                                            << QString::number(i) << "--out" << dir);
      procs.push_back(std::move(p));
    }
    for (auto& p : procs) {
      QVERIFY(p->waitForFinished(test::kPatientMs));
      QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0,
               p->readAllStandardError().constData());
    }
    const QString merged = m_tmp.filePath("merged");
    const test::CliOutcome m = test::runCli(QStringList{"merge"} << dirs << "--out" << merged);
    QVERIFY2(!m.crashed && m.exitCode == 0, qPrintable(m.out + m.err));
    QVERIFY2(m.out.contains("3 chains, 36 samples pooled"), qPrintable(m.out));

    for (const char* name : kArrays) {
      const QByteArray a = bytes(together + "/" + name);
      QVERIFY2(a == bytes(merged + "/" + name), name);
      QVERIFY2(a.size() > 100, name);
      for (int i = 0; i < k; ++i) {  // each chain's own folder is inside, the same in both
        const QString sub = QStringLiteral("/chain-%1/").arg(i);
        QVERIFY2(bytes(together + sub + name) == bytes(merged + sub + name), qPrintable(sub + name));
        QVERIFY2(bytes(together + sub + name) ==
                     bytes(m_tmp.filePath(QStringLiteral("separate/c%1/").arg(i)) + name),
                 qPrintable(sub + name));
      }
    }
    // The chains are different chains.
    QVERIFY(bytes(together + "/chain-0/log_sum.npy") != bytes(together + "/chain-1/log_sum.npy"));
    QVERIFY(bytes(together + "/chain-1/log_sum.npy") != bytes(together + "/chain-2/log_sum.npy"));

    // Every tool reads the pooled folder as a run: K chains' samples, the mixture of their predictives.
    Result<RunResult> pooled = readRunResult(together.toStdString());
    QVERIFY2(pooled.ok(), pooled.ok() ? "" : pooled.error().message().c_str());
    QCOMPARE(pooled->predictive.sampleCount(), int64_t{36});
    QCOMPARE(pooled->config.chains, int64_t{3});
    QCOMPARE(pooled->config.chainIndex, int64_t{-1});
    double mix = 0;
    std::vector<Result<RunResult>> chains;
    for (int i = 0; i < k; ++i)
      chains.push_back(readRunResult((together + QStringLiteral("/chain-%1").arg(i)).toStdString()));
    for (auto& c : chains) QVERIFY(c.ok());
    for (auto& c : chains) {
      QCOMPARE(c->datasetCheck, DatasetCheck::ClassFile);
      QCOMPARE(pooled->datasetCheck, c->datasetCheck);
      QCOMPARE(pooled->classNames, c->classNames);
    }
    QCOMPARE(pooled->classNames.back(), std::string("nine"));
    const std::vector<float> p = pooled->predictive.meanProbabilities();
    for (size_t j = 0; j < p.size(); j += 37) {
      mix = 0;
      for (auto& c : chains) mix += c->predictive.meanProbabilities()[j] / k;  // 12 samples each
      QVERIFY2(std::fabs(p[j] - mix) < 1e-6, qPrintable(QString::number(j)));
    }
    const test::CliOutcome rep = test::runCli({"report", together, "--out", m_tmp.filePath("tables")});
    QVERIFY2(!rep.crashed && rep.exitCode == 0, qPrintable(rep.out + rep.err));

    // The pooled folder's kept samples are the chains' own files (no copy), in chain order.
    QVERIFY(!QFileInfo::exists(together + "/samples.npy"));
    QVERIFY2(pooled->samples, pooled->samplesError.c_str());
    QCOMPARE(pooled->samples->count(), int64_t{36});
    QVERIFY(pooled->samples->isPooled());
    for (int i = 0; i < k; ++i) {
      QVERIFY2(chains[static_cast<size_t>(i)]->samples, chains[static_cast<size_t>(i)]->samplesError.c_str());
      const PosteriorSamples& c = *chains[static_cast<size_t>(i)]->samples;
      QCOMPARE(c.count(), int64_t{12});
      for (int64_t j : {int64_t{0}, int64_t{11}})
        QVERIFY(std::memcmp(pooled->samples->sample(12 * i + j), c.sample(j),
                            sizeof(float) * c.numParams()) == 0);
    }
    // eval, ood and shift evaluate all K x 12 samples of a K-chain folder; on the run's own test
    // set eval gives the pooled predictive (to rounding: the sums are taken in another order).
    const QString evalDir = m_tmp.filePath("pooled-eval");
    const test::CliOutcome ev = test::runCli({"eval", together, "--data", m_data, "--out", evalDir});
    QVERIFY2(!ev.crashed && ev.exitCode == 0, qPrintable(ev.out + ev.err));
    QVERIFY2(ev.out.contains("36 kept samples"), qPrintable(ev.out));
    Result<RunResult> evaluated = readRunResult(evalDir.toStdString());
    QVERIFY(evaluated.ok());
    const std::vector<float> pe = evaluated->predictive.meanProbabilities();
    QCOMPARE(pe.size(), p.size());
    for (size_t j = 0; j < p.size(); ++j)
      QVERIFY2(std::fabs(pe[j] - p[j]) < 1e-5, qPrintable(QString::number(j)));
    const test::CliOutcome ood =
        test::runCli({"ood", together, "--ood", "noise", "--out", m_tmp.filePath("pooled-ood")});
    QVERIFY2(!ood.crashed && ood.exitCode == 0, qPrintable(ood.out + ood.err));
    const test::CliOutcome shift =
        test::runCli({"shift", together, "--rotate", "0:30:15", "--out", m_tmp.filePath("pooled-shift")});
    QVERIFY2(!shift.crashed && shift.exitCode == 0, qPrintable(shift.out + shift.err));

    // Merging a K-chain folder's own chains back into it keeps every chain's samples (their files
    // are gone once the folder is replaced; the mappings still hold them).
    const QByteArray chain1Samples = bytes(together + "/chain-1/samples.npy");
    QVERIFY(chain1Samples.size() > 1000);
    const test::CliOutcome again = test::runCli(
        {"merge", together + "/chain-0", together + "/chain-1", together + "/chain-2", "--out", together});
    QVERIFY2(!again.crashed && again.exitCode == 0, qPrintable(again.out + again.err));
    QCOMPARE(bytes(together + "/chain-1/samples.npy"), chain1Samples);
    for (const char* name : kArrays)
      QVERIFY2(bytes(together + "/" + name) == bytes(merged + "/" + name), name);
    Result<RunResult> reread = readRunResult(together.toStdString());
    QVERIFY(reread.ok());
    QVERIFY2(reread->samples && reread->samples->count() == 36, reread->samplesError.c_str());
  }

  void chainZeroIsTheOneChainRun() {
    const QString one = m_tmp.filePath("one");
    const test::CliOutcome a = test::runCli(tinyRunArgs(m_data) << "--out" << one);
    QVERIFY2(!a.crashed && a.exitCode == 0, qPrintable(a.out + a.err));
    const QString two = m_tmp.filePath("two");
    const test::CliOutcome b = test::runCli(tinyRunArgs(m_data) << "--chains"
                                                                << "2"
                                                                << "--out" << two);
    QVERIFY2(!b.crashed && b.exitCode == 0, qPrintable(b.out + b.err));
    for (const char* name : kArrays)
      QVERIFY2(bytes(one + "/" + name) == bytes(two + "/chain-0/" + name), name);
  }

  void mergeRefusesChainsThatDoNotBelongTogether() {
    const QString a = m_tmp.filePath("r/a"), b = m_tmp.filePath("r/b"), c = m_tmp.filePath("r/c");
    QVERIFY(test::runCli(tinyRunArgs(m_data) << "--chains"
                                             << "2"
                                             << "--chain-index"
                                             << "0"
                                             << "--out" << a)
                .exitCode == 0);
    QVERIFY(test::runCli(tinyRunArgs(m_data) << "--chains"
                                             << "2"
                                             << "--chain-index"
                                             << "1"
                                             << "--seed"
                                             << "4"
                                             << "--out" << b)
                .exitCode == 0);
    QVERIFY(test::runCli(tinyRunArgs(m_data) << "--chains"
                                             << "2"
                                             << "--chain-index"
                                             << "0"
                                             << "--out" << c)
                .exitCode == 0);
    const test::CliOutcome seed = test::runCli({"merge", a, b, "--out", m_tmp.filePath("r/out")});
    QCOMPARE(seed.exitCode, 1);
    QVERIFY2(seed.err.contains("Seed 3 as in") && seed.err.contains("found 4"), qPrintable(seed.err));
    const test::CliOutcome twice = test::runCli({"merge", a, c, "--out", m_tmp.filePath("r/out")});
    QCOMPARE(twice.exitCode, 1);
    QVERIFY2(twice.err.contains("chain index 0 also in"), qPrintable(twice.err));
    const test::CliOutcome missing = test::runCli({"merge", a, "--out", m_tmp.filePath("r/out")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("a run of 1 chains"), qPrintable(missing.err));
    QVERIFY(!QFileInfo::exists(m_tmp.filePath("r/out")));
    const test::CliOutcome noOut = test::runCli({"merge", a});
    QCOMPARE(noOut.exitCode, 2);
    const test::CliOutcome badIndex = test::runCli(tinyRunArgs(m_data) << "--chains"
                                                                       << "2"
                                                                       << "--chain-index"
                                                                       << "2");
    QCOMPARE(badIndex.exitCode, 2);
    QVERIFY2(badIndex.err.contains("Chain index i: must be below Chains K (2), found 2"),
             qPrintable(badIndex.err));
  }

 private:
  QTemporaryDir m_tmp;
  QString m_data;
};

QTEST_GUILESS_MAIN(TestChains)
#include "tst_chains.moc"
