// bnn-cli ood and shift as a user runs them on a run that kept its samples: the tables they
// write equal the core's oodStudy / shiftStudy on the same folder, the unrotated level reproduces
// the run's own ensemble accuracy (every sample kept), and bad options or files get one line and
// exit code 2 or 1.
#include <QtTest>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "analysis/ood_study.h"
#include "analysis/shift_study.h"
#include "common/cli_helpers.h"
#include "run/result_io.h"

using namespace bnn;
using Outcome = test::CliOutcome;
using test::fileBytes;
using test::runCli;

namespace {

// The CSV without its last column (the time taken differs between two evaluations).
QStringList withoutLastColumn(const QString& csv) {
  QStringList out;
  for (const QString& line : csv.split('\n', Qt::SkipEmptyParts)) out << line.left(line.lastIndexOf(','));
  return out;
}

}  // namespace

class TestBnnCliOodShift : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_tmp.isValid());
    m_data = m_tmp.filePath("data");
    m_run = m_tmp.filePath("run");
    QString error = test::makeSmallRun(m_data, m_run);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_other = m_tmp.filePath("other");
    QVERIFY(test::writeIdxDataset(m_other, makeSyntheticDataset(100, 40, 99)));
    m_noSamples = m_tmp.filePath("no-samples");
    error = test::makeSmallRun(m_data, m_noSamples, 0, 10, 4);
    QVERIFY2(error.isEmpty(), qPrintable(error));
  }

  void oodTableEqualsTheCore() {
    const QString out = m_tmp.filePath("ood");
    const Outcome o =
        runCli({"ood", m_run, "--ood", "inverted", "--ood", "noise", "--ood", m_other, "--out", out});
    QVERIFY2(o.exitCode == 0 && !o.crashed, qPrintable(o.err + o.out));
    QVERIFY2(o.out.contains("AUROC") && o.out.contains("mutual information"), qPrintable(o.out));
    const QStringList lines = test::csvLines(out + "/ood.csv");
    QCOMPARE(lines.size(), 1 + 3 * 4);  // header, three sets of four scores (the last sample's included)

    Result<RunResult> run = readRunResult(m_run.toStdString());
    QVERIFY(run.ok());
    std::string expected;
    for (const char* set : {"inverted", "noise"}) {
      const OodSetSpec spec = *parseOodSet(set);
      std::string name;
      auto images = oodImages(*run, spec, &name);
      QVERIFY(images.ok());
      const Result<OodStudy> s = oodStudy(*run, *images, name);
      QVERIFY(s.ok());
      const std::string csv = oodTableCsv(*s);
      expected += expected.empty() ? csv : csv.substr(csv.find('\n') + 1);
      for (const OodTableRow& r : s->table) {
        QVERIFY(r.metrics.auroc >= 0 && r.metrics.auroc <= 1);
        QCOMPARE(r.metrics.numOut, int64_t(60));
      }
    }
    QVERIFY(QString::fromUtf8(fileBytes(out + "/ood.csv")).startsWith(QString::fromStdString(expected)));
    for (const char* f : {"ood.json", "scores_in.csv", "scores_inverted.csv", "scores_noise.csv"})
      QVERIFY2(QFile::exists(out + "/" + f), f);
    QCOMPARE(test::csvLines(out + "/scores_in.csv").size(), 1 + 60);
  }

  void shiftTableEqualsTheCore() {
    const QString out = m_tmp.filePath("shift");
    const Outcome o = runCli({"shift", m_run, "--rotate", "0:90:45", "--noise", "0.3", "--out", out});
    QVERIFY2(o.exitCode == 0 && !o.crashed, qPrintable(o.err + o.out));
    const QString csv = QString::fromUtf8(fileBytes(out + "/shift.csv"));
    QCOMPARE(withoutLastColumn(csv).size(), 1 + 4 * 2);  // 3 rotations and 1 noise level, 2 sources

    Result<RunResult> run = readRunResult(m_run.toStdString());
    QVERIFY(run.ok());
    std::vector<TransformSpec> levels = rotationLevels({0, 45, 90});
    levels.push_back(noiseLevels({0.3}).front());
    const Result<ShiftStudy> s = shiftStudy(*run, levels);
    QVERIFY(s.ok());
    QCOMPARE(withoutLastColumn(csv), withoutLastColumn(QString::fromStdString(shiftTableCsv(*s))));
    // Every sample kept: the unrotated test set is the run's own.
    QCOMPARE(s->levels[0].ensemble.accuracy, run->ensembleAccuracy());
    QCOMPARE(s->levels[0].lastSample.accuracy, run->lastPointwiseAccuracy);
  }

  void badOptionsAndFiles_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("ood without a set") << QStringList{"ood", "RUN"} << 2 << "missing --ood";
    QTest::newRow("ood missing folder") << QStringList{"ood", "RUN", "--ood", "NOWHERE"} << 1 << "nowhere";
    QTest::newRow("ood run without samples")
        << QStringList{"ood", "NOSAMPLES", "--ood", "noise"} << 1 << "samples";
    QTest::newRow("ood bad seed") << QStringList{"ood", "RUN", "--ood", "noise", "--seed", "x"} << 2
                                  << "--seed";
    QTest::newRow("shift bad range") << QStringList{"shift", "RUN", "--rotate", "0:x:15"} << 2 << "--rotate";
    QTest::newRow("shift zero step") << QStringList{"shift", "RUN", "--rotate", "0:180:0"} << 2 << "STEP";
    QTest::newRow("shift noise above 1") << QStringList{"shift", "RUN", "--noise", "0:2:1"} << 2 << "--noise";
    QTest::newRow("shift run without samples") << QStringList{"shift", "NOSAMPLES"} << 1 << "samples";
    QTest::newRow("shift missing run") << QStringList{"shift", "NOWHERE"} << 1 << "nowhere";
  }
  void badOptionsAndFiles() {
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    for (QString& a : args) {
      if (a == "RUN") a = m_run;
      if (a == "NOSAMPLES") a = m_noSamples;
      if (a == "NOWHERE") a = m_tmp.filePath("nowhere");
    }
    const Outcome o = runCli(args);
    QCOMPARE(o.exitCode, exitCode);
    QVERIFY(!o.crashed);
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QCOMPARE(o.err.trimmed().count('\n'), 0);  // one line
  }

 private:
  QTemporaryDir m_tmp;
  QString m_data, m_other, m_run, m_noSamples;
};

QTEST_GUILESS_MAIN(TestBnnCliOodShift)
#include "tst_bnn_cli_ood_shift.moc"
