// A K-chain run started in the app (Chains K > 1): K runs of their own, one per chain, and when
// the last one finished their pooled result heads the group in the run list, the chains
// indented under it; the pooled result holds every chain's samples and diagnostics, and the
// Diagnostics tab shows its K chains.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "common/job_runner.h"
#include "lab/diagnostics_view.h"
#include "run/posterior_samples.h"
#include "runs/run_list_model.h"
#include "shell/main_window.h"
#include "ui_test_support.h"

using namespace ui_test;

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
  }
};

QTEST_MAIN(TestChainGroup)
#include "tst_chain_group.moc"
