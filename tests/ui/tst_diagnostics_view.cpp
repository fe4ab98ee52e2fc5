// The Diagnostics view on hand-made runs, through its own API: the R̂ / ESS table equals the
// core's scalarConvergence and flags the scalar whose chains disagree; the trace shows one line
// per chain with every recorded draw, the autocorrelation one line per chain from 1 at lag 0;
// picking a row of the table picks the scalar; runs without diagnostics say why; a removed run
// goes; the export offers both charts and the table as CSV.
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QLineSeries>
#include <QTableWidget>
#include <QtTest>
#include <cmath>
#include <memory>

#include "analysis/convergence.h"
#include "common/job_runner.h"
#include "lab/diagnostics_view.h"
#include "run/sample_diagnostics.h"
#include "ui_test_support.h"
#include "util/random_stream.h"

using namespace ui_test;

namespace {

// A run of `chains` chains x `n` draws: "potential" AR(1) with φ = 0.5 around 100, "shifted" iid
// with the last chain 3 sd away (R̂ far above 1.01), "config_temperature" iid around 1.
std::shared_ptr<bnn::RunResult> runWithDiagnostics(int chains, int n) {
  auto r = handMadeRun();
  bnn::SampleDiagnostics& d = r->diagnostics;
  d.names = {"potential", "shifted", "config_temperature"};
  const bnn::RandomStream rs(77);
  std::vector<float> e(size_t(3 * n));
  for (int c = 0; c < chains; ++c) {
    rs.normals(uint64_t(c), 0, 3 * n, e.data());
    double x = 0;
    for (int t = 0; t < n; ++t) {
      x = 0.5 * x + e[size_t(t)];
      d.append(c, 10 * t + 9,
               {100 + x, e[size_t(n + t)] + (c == chains - 1 ? 3.0 : 0.0), 1 + 0.05 * e[size_t(2 * n + t)]});
    }
  }
  return r;
}

QList<QLineSeries*> lines(const QChartView* view) {
  QList<QLineSeries*> out;
  for (QAbstractSeries* s : view->chart()->series())
    if (auto* l = qobject_cast<QLineSeries*>(s)) out << l;
  return out;
}

}  // namespace

class TestDiagnosticsView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init() {
    m_jobs = std::make_unique<JobRunner>();
    m_view = std::make_unique<DiagnosticsView>(ViewContext{nullptr, m_jobs.get()});
    m_view->resize(1024, 700);
  }
  void cleanup() {
    m_view.reset();
    m_jobs.reset();
  }

  void tableEqualsTheCoreAndFlagsUnmixedScalars() {
    auto run = runWithDiagnostics(4, 200);
    m_view->updateRun(viewRun("a", "SGLD", run));
    QVERIFY(m_jobs->waitForIdle());
    QCOMPARE(m_view->currentRun(), QStringLiteral("a"));
    QCOMPARE(m_view->runBox()->currentText(), QStringLiteral("SGLD (4 chains)"));
    const std::vector<bnn::ScalarConvergence> want = bnn::scalarConvergence(run->diagnostics);
    QTableWidget* t = m_view->table();
    QCOMPARE(t->rowCount(), 3);
    for (int r = 0; r < 3; ++r) {
      QCOMPARE(t->item(r, 0)->text(), QString::fromStdString(want[size_t(r)].name));
      QCOMPARE(t->item(r, 1)->text(), QString::number(want[size_t(r)].d.rhat, 'f', 3));
      QCOMPARE(t->item(r, 4)->text(), QString::number(want[size_t(r)].d.essBulk, 'f', 0));
      QCOMPARE(t->item(r, 5)->text(), QString::number(want[size_t(r)].d.essTail, 'f', 0));
    }
    QVERIFY(want[1].d.rhat > 1.1);
    QVERIFY(want[0].d.rhat < 1.01 && want[2].d.rhat < 1.01);
    QVERIFY(t->item(1, 1)->foreground().color() != t->item(0, 1)->foreground().color());
    QVERIFY2(m_view->summaryText().contains("4 chains × 200 draws") &&
                 m_view->summaryText().contains("1 of 3 scalars have R̂ ≥ 1.01"),
             qPrintable(m_view->summaryText()));
  }

  void traceAndAutocorrelationPerChain() {
    auto run = runWithDiagnostics(4, 200);
    m_view->updateRun(viewRun("a", "SGLD", run));
    QVERIFY(m_jobs->waitForIdle());
    QCOMPARE(m_view->currentScalar(), QStringLiteral("potential"));
    const QList<QLineSeries*> trace = lines(m_view->traceChart());
    QCOMPARE(trace.size(), 4);
    for (int c = 0; c < 4; ++c) {
      QCOMPARE(trace[c]->name(), QStringLiteral("chain %1").arg(c));
      QCOMPARE(trace[c]->count(), 200);
      QCOMPARE(trace[c]->at(0).x(), 9.0);
      QCOMPARE(trace[c]->at(199).y(), run->diagnostics.trace(0, c)[199]);
    }
    const QList<QLineSeries*> acf = lines(m_view->acfChart());
    QCOMPARE(acf.size(), 4);
    QCOMPARE(acf[0]->count(), DiagnosticsView::kMaxLag + 1);
    QCOMPARE(acf[0]->at(0).y(), 1.0);
    // AR(1) with φ = 0.5: ρ₁ ≈ 0.5 (200 draws: standard error about 0.06).
    QVERIFY2(std::fabs(acf[0]->at(1).y() - 0.5) < 0.25, qPrintable(QString::number(acf[0]->at(1).y())));
    // Picking the table's second row shows that scalar.
    m_view->table()->selectRow(1);
    QCOMPARE(m_view->currentScalar(), QStringLiteral("shifted"));
    QCOMPARE(m_view->scalarBox()->currentText(), QStringLiteral("shifted"));
    QCOMPARE(lines(m_view->traceChart())[3]->at(0).y(), run->diagnostics.trace(1, 3)[0]);
    QVERIFY(m_view->traceChart()->chart()->title().contains("shifted"));
  }

  void runsWithoutDiagnosticsSayWhy() {
    auto plain = handMadeRun();
    m_view->updateRun(viewRun("p", "Old folder", plain));
    QVERIFY(m_jobs->waitForIdle());
    QVERIFY2(m_view->summaryText().contains("no per-sample diagnostics"), qPrintable(m_view->summaryText()));
    QCOMPARE(m_view->table()->rowCount(), 0);
    QVERIFY(lines(m_view->traceChart()).isEmpty());
    ViewRun live = viewRun("l", "Live", nullptr);
    live.running = true;
    m_view->updateRun(live);
    m_view->setRun("l");
    QVERIFY2(m_view->summaryText().contains("is running"), qPrintable(m_view->summaryText()));
    // A run of one chain: its halves are compared.
    m_view->updateRun(viewRun("one", "One chain", runWithDiagnostics(1, 40)));
    QVERIFY(m_jobs->waitForIdle());
    m_view->setRun("one");
    QVERIFY2(m_view->summaryText().contains("two halves"), qPrintable(m_view->summaryText()));
    QCOMPARE(lines(m_view->traceChart()).size(), 1);
    // Removing the shown run lets go of it.
    m_view->removeRun("one");
    QVERIFY(m_view->runBox()->findData(QStringLiteral("one")) < 0);
    QVERIFY(!m_view->derived("one"));
  }

  void exportsChartsAndTable() {
    m_view->updateRun(viewRun("a", "SGLD", runWithDiagnostics(2, 50)));
    QVERIFY(m_jobs->waitForIdle());
    const QList<ChartExport> e = m_view->exports();
    QVERIFY(!e.isEmpty());
    QCOMPARE(e[0].charts.size(), 2);
    QVERIFY(e[0].hasCsv());
    const std::string csv = e[0].csv();
    QVERIFY(csv.rfind("scalar,mean,sd,rhat,", 0) == 0);
    QVERIFY(csv.find("\nshifted,") != std::string::npos);
  }

 private:
  std::unique_ptr<JobRunner> m_jobs;
  std::unique_ptr<DiagnosticsView> m_view;
};

QTEST_MAIN(TestDiagnosticsView)
#include "tst_diagnostics_view.moc"
