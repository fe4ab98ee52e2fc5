// A K-chain run started in the app (Chains K > 1): K runs of their own, one per chain, and when
// the last one finished their pooled result heads the group in the run list, the chains
// indented under it; the pooled result holds every chain's samples and diagnostics, and the
// Diagnostics tab shows its K chains. Saving the group's head writes a K-chain folder (the pooled
// arrays, and chain-<i>/ with each chain's kept samples) that the core reads back and pools again
// to the same predictive (what bnn-cli eval, report and merge do); opening a K-chain folder as
// bnn-cli run --chains K writes it shows the group with its chains, and Diagnostics its K chains.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "common/job_runner.h"
#include "lab/diagnostics_view.h"
#include "run/chain_pool.h"
#include "run/posterior_samples.h"
#include "run/result_io.h"
#include "run/run_engine.h"
#include "runs/run_files.h"
#include "runs/run_list_model.h"
#include "shell/main_window.h"
#include "ui_test_support.h"

using namespace ui_test;

namespace {

bool samePredictive(const bnn::RunResult& a, const bnn::RunResult& b) {
  return a.predictive.sampleCount() == b.predictive.sampleCount() &&
         a.predictive.logSum() == b.predictive.logSum() && a.predictive.votes() == b.predictive.votes() &&
         a.predictive.sumPLogP() == b.predictive.sumPLogP();
}

// Opens `dir` in `w` and returns the id of the row it added (the group's head for a K-chain folder).
QString openFolder(MainWindow& w, const QString& dir) {
  QSignalSpy opened(w.runFiles(), &RunFiles::opened);
  QSignalSpy failed(w.runFiles(), &RunFiles::openFailed);
  w.runFiles()->open(dir);
  if (!w.jobs()->waitForIdle() || opened.count() != 1) {
    qWarning() << "open failed:" << (failed.isEmpty() ? QString() : failed.first().at(1).toString());
    return {};
  }
  return opened.first().at(0).toString();
}

// The group's head `head`: its K chains are the rows right under it, in chain order, and the
// Diagnostics tab shows K chains.
void checkGroup(MainWindow& w, const QString& head, int k, const QString& folder) {
  RunListModel* m = w.runModel();
  const int row = m->rowOf(head);
  QVERIFY(row >= 0);
  QVERIFY(m->record(head)->groupId.isEmpty());
  QCOMPARE(m->record(head)->path, folder);
  QVERIFY(!m->record(head)->unsaved());
  QCOMPARE(m->record(head)->result->config.chainIndex, int64_t{-1});
  for (int i = 0; i < k; ++i) {
    const RunRecord& c = m->recordAt(row + 1 + i);
    QCOMPARE(c.groupId, head);
    QCOMPARE(c.result->config.chainIndex, int64_t(i));
    QCOMPARE(c.path, folder + "/chain-" + QString::number(i));
    QVERIFY2(c.name.contains(QStringLiteral(" · chain %1").arg(i)), qPrintable(c.name));
    QVERIFY(m->data(m->index(row + 1 + i, RunListModel::NameColumn)).toString().startsWith("    "));
  }
  // Shown anew, so that the host catches the view up with the runs opened meanwhile.
  QVERIFY(w.showView(QStringLiteral("warmup")));
  QVERIFY(w.showView(QStringLiteral("diagnostics")));
  auto* view = qobject_cast<DiagnosticsView*>(w.view(QStringLiteral("diagnostics")));
  QVERIFY(view);
  view->setRun(head);
  QVERIFY(w.jobs()->waitForIdle());
  QCOMPARE(view->currentRun(), head);
  QTRY_VERIFY_WITH_TIMEOUT(view->summaryText().contains(QStringLiteral("%1 chains").arg(k)), 10000);
}

}  // namespace

class TestChainGroup : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("bnn-explorer-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_chain_group"));
    QSettings().clear();
  }

  void kChainRunIsAGroupWithItsChains() {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    RunListModel* m = w.runModel();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    bnn::RunConfig c = tinyConfig();
    c.name = "Tiny";
    c.chains = 3;
    c.keepSamples = 5;
    QSignalSpy done(&w, &MainWindow::allRunsFinished);
    const QString first = w.startRun(c);
    QVERIFY(!first.isEmpty());
    QCOMPARE(m->rowCount(), 3);
    QCOMPARE(m->record(first)->config.chainIndex, int64_t{0});
    QCOMPARE(m->recordAt(2).name, QStringLiteral("Tiny · chain 2"));
    QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
    QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), 4, 30000);
    QVERIFY(w.jobs()->waitForIdle());
    const RunRecord& head = m->recordAt(0);
    QCOMPARE(head.name, QStringLiteral("Tiny (3 chains)"));
    QVERIFY(head.groupId.isEmpty());
    QVERIFY(head.result);
    QCOMPARE(head.result->config.chainIndex, int64_t{-1});
    QCOMPARE(head.result->predictive.sampleCount(), int64_t{3 * 20});
    QVERIFY(head.result->samples && head.result->samples->count() == 15);
    QCOMPARE(int(head.result->diagnostics.chains().size()), 3);
    QVERIFY(m->data(m->index(0, RunListModel::SamplerColumn)).toString().contains("3 chains pooled"));
    for (int row = 1; row <= 3; ++row) {
      QCOMPARE(m->recordAt(row).groupId, head.id);
      QVERIFY(m->data(m->index(row, RunListModel::NameColumn)).toString().startsWith("    "));
      QCOMPARE(m->data(m->index(row, RunListModel::NameColumn), Qt::EditRole).toString(),
               m->recordAt(row).name);
      QVERIFY(m->data(m->index(row, RunListModel::SamplerColumn))
                  .toString()
                  .contains(QStringLiteral("chain %1 of 3").arg(row - 1)));
    }
    // The Diagnostics tab shows the group's three chains.
    QVERIFY(w.showView(QStringLiteral("diagnostics")));
    auto* view = qobject_cast<DiagnosticsView*>(w.view(QStringLiteral("diagnostics")));
    QVERIFY(view);
    view->setRun(head.id);
    QVERIFY(w.jobs()->waitForIdle());
    QCOMPARE(view->currentRun(), head.id);
    QTRY_VERIFY_WITH_TIMEOUT(view->summaryText().contains("3 chains"), 10000);

    // Saved: the pooled folder and chain-<i>/ with each chain's kept samples.
    QTemporaryDir tmp;
    const QString dir = QDir(tmp.path()).filePath("group");
    QSignalSpy saved(w.runFiles(), &RunFiles::saved);
    QString why;
    QVERIFY2(w.runFiles()->save(head.id, dir, &why), qPrintable(why));
    QVERIFY(w.jobs()->waitForIdle());
    QCOMPARE(saved.count(), 1);
    QCOMPARE(m->record(head.id)->path, dir);
    for (int i = 0; i < 3; ++i) {
      const QString sub = dir + "/chain-" + QString::number(i);
      QVERIFY2(QFile::exists(sub + "/samples.npy"), qPrintable(sub));
      QCOMPARE(m->recordAt(1 + i).path, sub);
    }
    bnn::Result<bnn::RunResult> pooled = bnn::readRunResult(dir.toStdString());
    QVERIFY2(pooled.ok(), pooled ? "" : pooled.error().message().c_str());
    QVERIFY(pooled->samples && pooled->samples->count() == 15);
    QVERIFY(samePredictive(*pooled, *head.result));
    std::vector<bnn::RunResult> chains;
    for (int i = 0; i < 3; ++i) {
      bnn::Result<bnn::RunResult> c =
          bnn::readRunResult((dir + "/chain-" + QString::number(i)).toStdString());
      QVERIFY2(c.ok(), c ? "" : c.error().message().c_str());
      QVERIFY(c->samples && c->samples->count() == 5);
      chains.push_back(std::move(c.value()));
    }
    // Pooled again from the chain folders (as bnn-cli merge does): the same predictive.
    bnn::Result<bnn::RunResult> merged = bnn::poolChains({&chains[0], &chains[1], &chains[2]}, {});
    QVERIFY(merged.ok());
    QVERIFY(samePredictive(*merged, *pooled));

    // Opened again: the group with its chains.
    const QString reopened = openFolder(w, dir);
    QVERIFY(!reopened.isEmpty());
    QCOMPARE(m->rowCount(), 8);
    QCOMPARE(m->record(reopened)->name, QStringLiteral("Tiny (3 chains) (2)"));
    checkGroup(w, reopened, 3, dir);
  }

  // A folder as bnn-cli run --chains K (and merge) writes it opens as a group.
  void kChainFolderOpensAsAGroup() {
    bnn::RunConfig c = tinyConfig();
    c.name = "Folder run";
    c.chains = 2;
    c.keepSamples = 4;
    const std::vector<bnn::RunConfig> configs = bnn::chainConfigs(c);
    QCOMPARE(int(configs.size()), 2);
    std::vector<bnn::RunResult> chains = bnn::runChains(configs, syntheticData(), 0);
    bnn::Result<bnn::RunResult> pooled = bnn::poolChains({&chains[0], &chains[1]}, {});
    QVERIFY(pooled.ok());
    QTemporaryDir tmp;
    const QString dir = QDir(tmp.path()).filePath("k2");
    QVERIFY(bnn::writePooledRun(*pooled, chains, dir.toStdString()).ok());

    MainWindow w;
    w.setConfirmOnClose(false);
    const QString head = openFolder(w, dir);
    QVERIFY(!head.isEmpty());
    RunListModel* m = w.runModel();
    QCOMPARE(m->rowCount(), 3);
    QCOMPARE(m->record(head)->name, QStringLiteral("Folder run (2 chains)"));
    QCOMPARE(m->data(m->index(0, RunListModel::StatusColumn)).toString(), QStringLiteral("Loaded"));
    QCOMPARE(m->recordAt(1).name, QStringLiteral("Folder run · chain 0"));
    QVERIFY(m->data(m->index(2, RunListModel::SamplerColumn)).toString().contains("chain 1 of 2"));
    checkGroup(w, head, 2, dir);

    // A chain folder that cannot be read: the pooled result opens alone, as before.
    QVERIFY(QFile::remove(dir + "/chain-1/config.json"));
    const QString alone = openFolder(w, dir);
    QVERIFY(!alone.isEmpty());
    QCOMPARE(m->rowCount(), 4);
    QCOMPARE(m->rowOf(alone), 3);
  }

  // A group's head whose chains left the list cannot be saved as a K-chain folder (its samples
  // are in the chains' files): refused with the reason.
  void headWithoutItsChainsIsRefused() {
    bnn::RunConfig c = tinyConfig();
    c.name = "Partial";
    c.chains = 2;
    c.keepSamples = 4;
    std::vector<bnn::RunResult> chains = bnn::runChains(bnn::chainConfigs(c), syntheticData(), 0);
    bnn::Result<bnn::RunResult> pooled = bnn::poolChains({&chains[0], &chains[1]}, {});
    QVERIFY(pooled.ok());
    QTemporaryDir tmp;
    const QString dir = QDir(tmp.path()).filePath("k2");
    QVERIFY(bnn::writePooledRun(*pooled, chains, dir.toStdString()).ok());
    MainWindow w;
    w.setConfirmOnClose(false);
    const QString head = openFolder(w, dir);
    QVERIFY(!head.isEmpty());
    w.runModel()->removeRun(w.runModel()->idAt(2));
    QString why;
    QVERIFY(!w.runFiles()->save(head, QDir(tmp.path()).filePath("again"), &why));
    QVERIFY2(why.contains("chains"), qPrintable(why));
  }
};

QTEST_MAIN(TestChainGroup)
#include "tst_chain_group.moc"
