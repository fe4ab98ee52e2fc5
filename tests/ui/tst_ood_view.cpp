// The OOD view on small synthetic runs with kept samples, through its own API: the metrics equal
// the core's study of the same set, the charts and the gallery show the chosen score, a second
// run is overlaid, evaluations wait their turn on the runner and can be cancelled, runs without
// samples and unreadable folders say why, exports.
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>
#include <atomic>
#include <memory>
#include <thread>

#include "analysis/ood_study.h"
#include "common/job_runner.h"
#include "common/sampled_runs.h"
#include "ood/ood_view.h"
#include "run/run_engine.h"
#include "ui_test_support.h"

using namespace ui_test;

namespace {

std::shared_ptr<const bnn::RunResult> runWithSamples(const char* preset, int keep) {
  bnn::RunConfig c = tinyConfig(preset);
  c.keepSamples = keep;
  return std::make_shared<bnn::RunResult>(bnn::runChain(c, syntheticData(), nullptr, nullptr));
}

std::shared_ptr<const bnn::RunResult> sgldRun() {
  static auto r = runWithSamples("example-sgld", 10);
  return r;
}

bnn::OodStudy coreStudy(const bnn::RunResult& run, const char* set) {
  const bnn::OodSetSpec spec = *bnn::parseOodSet(set, 0);
  std::string name;
  auto images = bnn::oodImages(run, spec, &name);
  return *bnn::oodStudy(run, *images, name);
}

QList<QLineSeries*> lines(const QChartView* v) {
  QList<QLineSeries*> out;
  for (QAbstractSeries* s : v->chart()->series())
    if (auto* l = qobject_cast<QLineSeries*>(s); l && l->name() != QStringLiteral("chance")) out << l;
  return out;
}

}  // namespace

class TestOodView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init() { makeView(m_jobs, m_view); }
  void cleanup() { releaseView(m_jobs, m_view); }

  void metricsEqualTheCore() {
    auto run = sgldRun();
    QVERIFY(run->samples);
    m_view->updateRun(viewRun("a", "SGLD", run));
    m_view->setOodSet(QStringLiteral("inverted"));
    QVERIFY(m_view->evaluateButton()->isEnabled());
    QVERIFY(m_view->statusText().contains(QStringLiteral("press Evaluate")));
    m_view->evaluate();
    QVERIFY(m_jobs->waitForIdle());
    const auto e = m_view->evaluation("a");
    QVERIFY(e);
    const bnn::OodStudy want = coreStudy(*run, "inverted");
    QCOMPARE(e->study.table.size(), want.table.size());
    QCOMPARE(int(want.table.size()), 4);  // the last sample's row too
    QTableWidget* t = m_view->table();
    QCOMPARE(t->rowCount(), 4);
    for (size_t i = 0; i < want.table.size(); ++i) {
      QCOMPARE(e->study.table[i].kind, want.table[i].kind);
      QCOMPARE(e->study.table[i].metrics.auroc, want.table[i].metrics.auroc);
      QCOMPARE(e->study.table[i].metrics.aupr, want.table[i].metrics.aupr);
      QCOMPARE(e->study.table[i].metrics.fprAtTpr, want.table[i].metrics.fprAtTpr);
      QCOMPARE(t->item(int(i), 1)->text(), QString::number(want.table[i].metrics.auroc, 'f', 4));
      QCOMPARE(t->item(int(i), 3)->text(), QString::number(want.table[i].metrics.fprAtTpr, 'f', 4));
    }
    QVERIFY(!m_view->evaluateButton()->isEnabled());  // nothing left to evaluate
    QVERIFY(m_view->progressBar()->isHidden());
  }

  void chartsAndGalleryFollowTheScore() {
    auto run = sgldRun();
    m_view->updateRun(viewRun("a", "SGLD", run));
    m_view->setOodSet(QStringLiteral("noise"));
    m_view->evaluate();
    QVERIFY(m_jobs->waitForIdle());
    const bnn::OodStudy want = coreStudy(*run, "noise");
    for (bnn::OodScoreKind kind : {bnn::OodScoreKind::MutualInformation, bnn::OodScoreKind::NegMaxProb}) {
      m_view->setScore(kind);
      // ROC: the chosen score and the last sample's baseline, exactly the core's curve.
      const QList<QLineSeries*> roc = lines(m_view->rocChart());
      QCOMPARE(roc.size(), 2);
      const bnn::RocCurve curve = bnn::rocCurve(want.in.scores(kind), want.out.scores(kind));
      QCOMPARE(roc[0]->count(), int(curve.fpr.size()));
      QCOMPARE(roc[0]->at(1).x(), curve.fpr[1]);
      QCOMPARE(roc[0]->at(1).y(), curve.tpr[1]);
      // Histograms: in and out, two points per bin.
      const QList<QLineSeries*> hist = lines(m_view->histogramChart());
      QCOMPARE(hist.size(), 2);
      QCOMPARE(hist[0]->count(), 2 * 40);
      // Gallery: the core's surest OOD images, in order, named with the run's classes.
      const std::vector<int32_t> surest = bnn::mostConfidentOod(want.out.scores(kind), kOodGallerySize);
      QCOMPARE(m_view->gallery()->count(), int(surest.size()));
      for (int i = 0; i < m_view->gallery()->count(); ++i)
        QVERIFY2(m_view->gallery()->item(i)->toolTip().contains(
                     QStringLiteral("image #%1 ").arg(surest[size_t(i)])),
                 qPrintable(m_view->gallery()->item(i)->toolTip()));
    }
    QVERIFY(m_view->gallery()->item(0)->text().contains(QStringLiteral("noise")));
  }

  void comparedRunOverlaid() {
    m_view->updateRun(viewRun("a", "SGLD", sgldRun()));
    m_view->updateRun(viewRun("b", "SGHMC", runWithSamples("example-sghmc", 5), QColor("#d62728")));
    m_view->runs()->setComparison("b");
    m_view->setOodSet(QStringLiteral("permuted"));
    m_view->evaluate();
    QVERIFY(m_jobs->waitForIdle());
    QVERIFY(m_view->evaluation("a"));
    QVERIFY(m_view->evaluation("b"));
    QCOMPARE(m_view->evaluation("b")->study.sampleCount, int64_t(5));
    QCOMPARE(m_view->table()->rowCount(), 2 * (1 + 4));  // a name row and four scores per run
    QCOMPARE(m_view->table()->item(5, 0)->text(), QStringLiteral("SGHMC"));
    QCOMPARE(lines(m_view->rocChart()).size(), 4);
    QCOMPARE(lines(m_view->histogramChart()).size(), 4);
    m_view->removeRun("b");
    QCOMPARE(m_view->table()->rowCount(), 4);
    QCOMPARE(lines(m_view->rocChart()).size(), 2);
  }

  void waitsItsTurnAndCancels() {
    // Another job holds the runner: the evaluation waits, says so, and is cancelled unrun.
    std::atomic<bool> release{false};
    m_jobs->submit(
        m_view.get(), "other", {},
        [&release](const JobRunner::CancelCheck&) {
          while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(2));
          return 0;
        },
        [](int) {});
    m_view->updateRun(viewRun("a", "SGLD", sgldRun()));
    m_view->setOodSet(QStringLiteral("inverted"));
    m_view->evaluate();
    QVERIFY(m_view->isEvaluating());
    QVERIFY(!m_view->progressBar()->isHidden());
    QVERIFY(m_view->statusText().contains(QStringLiteral("waiting")));
    m_view->cancel();
    QVERIFY(!m_view->isEvaluating());
    QVERIFY(m_view->statusText().contains(QStringLiteral("Cancelled")));
    release = true;
    QVERIFY(m_jobs->waitForIdle());
    QVERIFY(!m_view->evaluation("a"));
    QVERIFY(m_view->evaluateButton()->isEnabled());
    // Evaluated afterwards, it installs.
    m_view->evaluate();
    QVERIFY(m_jobs->waitForIdle());
    QVERIFY(m_view->evaluation("a"));
  }

  void withoutSamplesSaysWhy() {
    auto run = runWithSamples("example-sgld", 0);
    QVERIFY(!run->samples);
    m_view->updateRun(viewRun("a", "Plain", run));
    QVERIFY2(m_view->statusText().contains(QString::fromStdString(bnn::whySamplesUnavailable(*run))),
             qPrintable(m_view->statusText()));
    QVERIFY(!m_view->evaluateButton()->isEnabled());
    // A run with samples arriving later is shown instead.
    m_view->updateRun(viewRun("b", "Sampled", sgldRun()));
    QCOMPARE(m_view->runs()->primaryId(), QStringLiteral("b"));
  }

  void unreadableFolderNamesIt() {
    m_view->updateRun(viewRun("a", "SGLD", sgldRun()));
    const QString dir = QDir::temp().filePath(QStringLiteral("bnn-no-such-ood-folder"));
    m_view->setOodSet(dir);
    m_view->evaluate();
    QVERIFY(m_jobs->waitForIdle());
    QVERIFY(!m_view->evaluation("a"));
    QVERIFY2(m_view->statusText().contains(QStringLiteral("bnn-no-such-ood-folder")),
             qPrintable(m_view->statusText()));
  }

  void exportsTheTable() {
    m_view->updateRun(viewRun("a", "SGLD", sgldRun()));
    QVERIFY(!m_view->exports()[0].hasCsv());
    m_view->setOodSet(QStringLiteral("inverted"));
    m_view->evaluate();
    QVERIFY(m_jobs->waitForIdle());
    const QList<ChartExport> e = m_view->exports();
    QCOMPARE(e.size(), 2);
    QVERIFY(e[0].hasImage() && e[0].hasCsv());
    const QString csv = QString::fromStdString(e[0].csv());
    QVERIFY2(csv.startsWith(QStringLiteral("run,ood_set,score,in_images,out_images,auroc,")),
             qPrintable(csv));
    QCOMPARE(csv.count(QLatin1Char('\n')), 5);
    QVERIFY(csv.contains(QStringLiteral("\nSGLD,inverted,mutual_information,")) ||
            csv.contains(QStringLiteral("\nSGLD,inverted,")));
    const QString roc = QString::fromStdString(e[1].csv());
    QVERIFY(roc.startsWith(QStringLiteral("run,score,fpr,tpr,threshold\n")));
  }

 private:
  std::unique_ptr<JobRunner> m_jobs;
  std::unique_ptr<OodView> m_view;
};

QTEST_MAIN(TestOodView)
#include "tst_ood_view.moc"
