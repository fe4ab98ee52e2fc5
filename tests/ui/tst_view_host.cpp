// ViewHost: views are created from registrations, fed only while on screen and caught up when
// shown (newest state only), told at once about removed runs, and told about the user's choice.
#include <QSignalSpy>
#include <QtTest>

#include "common/job_runner.h"
#include "runs/run_list_model.h"
#include "ui_test_support.h"
#include "views/view_host.h"
#include "views/view_registry.h"

using namespace ui_test;

namespace {

// A view that records what it is told.
class RecordingView : public AnalysisView {
 public:
  RecordingView(const ViewContext& c, Feeds feeds) : AnalysisView(c), m_feeds(feeds) {}
  Feeds feeds() const override { return m_feeds; }
  void refreshCurves() override { ++curveRefreshes; }
  void updateRun(const ViewRun& run) override { updates << run; }
  void removeRun(const QString& id) override { removed << id; }
  void selectRun(const QString& id) override { selected << id; }
  QList<ChartExport> exports() const override { return {}; }

  int curveRefreshes = 0;
  QList<ViewRun> updates;
  QStringList removed, selected;

 private:
  Feeds m_feeds;
};

}  // namespace

class TestViewHost : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void feedsOnlyTheViewOnScreen();
  void removalReachesHiddenViewsAndTheRunner();
  void registryHasUniqueKeys();
};

void TestViewHost::feedsOnlyTheViewOnScreen() {
  RunListModel model;
  JobRunner jobs;
  RecordingView* a = nullptr;
  RecordingView* b = nullptr;
  const std::vector<ViewRegistration> regs{
      {"a", "A", [&a](const ViewContext& c) { return a = new RecordingView(c, AnalysisView::Results); }},
      {"b", "B", [&b](const ViewContext& c) {
         return b = new RecordingView(c, AnalysisView::Results | AnalysisView::Curves);
       }}};
  ViewHost host(ViewContext{&model, &jobs}, regs);
  host.show();
  QCOMPARE(host.currentKey(), QStringLiteral("a"));
  model.addLiveRun("run-1", "One", tinyConfig());
  QCOMPARE(a->updates.size(), 1);
  QCOMPARE(a->updates.last().name, QStringLiteral("One"));
  QVERIFY(a->updates.last().running);
  QVERIFY(!a->updates.last().result);
  QCOMPARE(b->updates.size(), 0);  // hidden
  // Three snapshots while b is hidden: b gets only the newest when shown.
  std::shared_ptr<const bnn::RunResult> last;
  for (int i = 0; i < 3; ++i) {
    last = handMadeRun();
    model.setSnapshot("run-1", last);
  }
  QCOMPARE(a->updates.size(), 4);
  host.refreshCurves();
  QCOMPARE(b->curveRefreshes, 0);
  QVERIFY(host.showView("b"));
  QCOMPARE(b->updates.size(), 1);
  QCOMPARE(b->updates.last().result, last);
  QCOMPARE(b->curveRefreshes, 1);
  host.refreshCurves();
  QCOMPARE(b->curveRefreshes, 2);
  // Nothing new: showing it again tells it nothing.
  host.showView("a");
  host.showView("b");
  QCOMPARE(b->updates.size(), 1);
  // A rename is an update; the user's choice reaches every view.
  model.rename("run-1", "Uno");
  QCOMPARE(b->updates.last().name, QStringLiteral("Uno"));
  host.selectRun("run-1");
  QCOMPARE(a->selected, QStringList{"run-1"});
  QCOMPARE(b->selected, QStringList{"run-1"});
}

void TestViewHost::removalReachesHiddenViewsAndTheRunner() {
  RunListModel model;
  JobRunner jobs;
  RecordingView* a = nullptr;
  RecordingView* b = nullptr;
  const std::vector<ViewRegistration> regs{
      {"a", "A", [&a](const ViewContext& c) { return a = new RecordingView(c, AnalysisView::Results); }},
      {"b", "B", [&b](const ViewContext& c) { return b = new RecordingView(c, AnalysisView::Results); }}};
  ViewHost host(ViewContext{&model, &jobs}, regs);
  host.show();
  auto result = handMadeRun();
  std::weak_ptr<const bnn::RunResult> watch = result;
  const QString id = model.addLoadedRun("Loaded", std::move(result), "/x");
  host.showView("b");
  host.showView("a");  // both have seen the run; b is hidden now
  // A background job of the run holds its result until the run is removed.
  QObject context;
  bool installed = false;
  jobs.submit(
      &context, "block", {},
      [](const JobRunner::CancelCheck&) {
        QThread::msleep(200);
        return 0;
      },
      [](int) {});
  jobs.submit(
      &context, "x/" + id, {id},
      [r = model.record(id)->result](const JobRunner::CancelCheck&) { return r->predictive.sampleCount(); },
      [&installed](int64_t) { installed = true; });
  // The views' own copies are dropped as the views let go of the run.
  a->updates.clear();
  b->updates.clear();
  model.removeRun(id);
  QCOMPARE(a->removed, QStringList{id});
  QCOMPARE(b->removed, QStringList{id});  // hidden, told at once
  QVERIFY(jobs.waitForIdle());
  QVERIFY(!installed);
  QVERIFY(watch.expired());
}

void TestViewHost::registryHasUniqueKeys() {
  const QStringList keys = viewKeys();
  QVERIFY(!keys.isEmpty());
  QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), keys.size());
  for (const ViewRegistration& r : registeredViews()) {
    QVERIFY(!r.title.isEmpty());
    QVERIFY(r.create);
    QCOMPARE(findView(r.key), &r);
  }
  QCOMPARE(findView("no-such-view"), nullptr);
}

QTEST_MAIN(TestViewHost)
#include "tst_view_host.moc"
