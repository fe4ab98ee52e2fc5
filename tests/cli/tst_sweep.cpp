// bnn-cli sweep: one short run per grid step size, the table printed and written as sweep.csv
// with the best completed point marked; a step size that blows up is reported as diverged, not
// as best; bad grids are refused with exit 2.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include "common/cli_helpers.h"
#include "data/synthetic.h"

using namespace bnn;

class TestSweep : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_tmp.isValid());
    m_data = m_tmp.filePath("data");
    QVERIFY(test::writeIdxDataset(m_data, makeSyntheticDataset(400, 60, 11)));
  }

  void sweepsAndMarksTheBest() {
    const QString out = m_tmp.filePath("sweep");
    // 1e-4 learns; 50 blows up to non-finite values at once.
    const test::CliOutcome o =
        test::runCli({"sweep", "--data", m_data, "--hidden", "16", "--batch-size", "32", "--warmup", "20",
                      "--eval-every", "10", "--samples", "10", "--step-size", "1e-4:50:x5e5", "--out", out});
    QVERIFY2(!o.crashed && o.exitCode == 0, qPrintable(o.out + o.err));
    QVERIFY2(o.out.contains("2 step sizes"), qPrintable(o.out));
    QFile f(out + "/sweep.csv");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith("step_size,status,ensemble_accuracy,nll,"));
    QVERIFY2(lines[1].startsWith("1e-04,completed,") && lines[1].contains(",1,\""), qPrintable(lines[1]));
    QVERIFY2(lines[2].startsWith("50,diverged,") && lines[2].contains(",0,\""), qPrintable(lines[2]));
    QVERIFY2(o.out.contains("<- best"), qPrintable(o.out));
  }

  void badGridsAreRefused() {
    for (const char* g : {"1e-4:1e-6:x2", "1e-6:1e-4:x1", "1e-6:1e-4", "abc", "1e-9:1:x1.1"}) {
      const test::CliOutcome o = test::runCli({"sweep", "--data", m_data, "--step-size", g});
      QVERIFY2(o.exitCode == 2, g);
      QVERIFY2(o.err.contains("--step-size"), qPrintable(o.err));
    }
    QCOMPARE(test::runCli({"sweep", "--data", m_data}).exitCode, 2);
  }

 private:
  QTemporaryDir m_tmp;
  QString m_data;
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
