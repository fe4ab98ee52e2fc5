#include "views/view_host.h"

#include "common/job_runner.h"
#include "runs/run_list_model.h"

ViewHost::ViewHost(const ViewContext& context, QWidget* parent)
    : ViewHost(context, registeredViews(), parent) {}

ViewHost::ViewHost(const ViewContext& context, const std::vector<ViewRegistration>& views, QWidget* parent)
    : QTabWidget(parent), m_context(context) {
  setDocumentMode(true);
  for (const ViewRegistration& reg : views) {
    AnalysisView* v = reg.create(m_context);
    v->setObjectName(reg.key);
    m_views << v;
    m_keys << reg.key;
    addTab(v, reg.title);
    connect(v, &AnalysisView::imageEditRequested, this, &ViewHost::editImage);
    connect(v, &AnalysisView::runFormRequested, this, &ViewHost::runFormRequested);
  }
  const RunListModel* model = m_context.runs;
  connect(model, &RunListModel::runUpdated, this, &ViewHost::onRunUpdated);
  connect(model, &RunListModel::runAboutToBeRemoved, this, &ViewHost::onRunRemoved);
  connect(this, &QTabWidget::currentChanged, this, [this] {
    AnalysisView* v = currentView();
    if (v) catchUp(v);
    Q_EMIT currentViewChanged(v);
  });
}

AnalysisView* ViewHost::view(const QString& key) const {
  const int i = m_keys.indexOf(key);
  return i < 0 ? nullptr : m_views[i];
}

QString ViewHost::keyOf(const AnalysisView* view) const {
  const int i = m_views.indexOf(const_cast<AnalysisView*>(view));
  return i < 0 ? QString() : m_keys[i];
}

AnalysisView* ViewHost::currentView() const { return qobject_cast<AnalysisView*>(currentWidget()); }

QString ViewHost::currentKey() const { return keyOf(currentView()); }

bool ViewHost::showView(const QString& key) {
  AnalysisView* v = view(key);
  if (!v) return false;
  setCurrentWidget(v);
  return true;
}

void ViewHost::showEvent(QShowEvent* event) {
  QTabWidget::showEvent(event);
  if (AnalysisView* v = currentView()) catchUp(v);
}

bool ViewHost::onScreen(const AnalysisView* view) const { return view == currentWidget() && isVisible(); }

ViewRun ViewHost::viewRun(const QString& id) const {
  ViewRun v;
  const RunRecord* r = m_context.runs->record(id);
  if (!r) return v;
  v.id = r->id;
  v.name = r->name;
  v.color = r->color;
  v.running = r->live;
  v.result = r->latestResult();
  return v;
}

void ViewHost::onRunUpdated(const QString& id) {
  for (AnalysisView* v : m_views) {
    if (!(v->feeds() & AnalysisView::Results) || !onScreen(v)) continue;
    const ViewRun run = viewRun(id);
    auto& sent = m_sent[v];
    auto it = sent.find(id);
    if (it != sent.end() && it->matches(run)) continue;
    sent.insert(id, Sent{run.name, run.color, run.running, run.result});
    v->updateRun(run);
  }
}

void ViewHost::onRunRemoved(const QString& id) {
  if (m_context.jobs) m_context.jobs->forgetRun(id);
  for (AnalysisView* v : m_views) {
    if (!(v->feeds() & AnalysisView::Results)) continue;
    if (m_sent[v].remove(id) > 0) v->removeRun(id);
  }
}

void ViewHost::catchUp(AnalysisView* v) {
  if (v->feeds() & AnalysisView::Results) {
    auto& sent = m_sent[v];
    for (int row = 0; row < m_context.runs->rowCount(); ++row) {
      const ViewRun run = viewRun(m_context.runs->idAt(row));
      auto it = sent.find(run.id);
      if (it != sent.end() && it->matches(run)) continue;
      sent.insert(run.id, Sent{run.name, run.color, run.running, run.result});
      v->updateRun(run);
    }
  }
  if (v->feeds() & AnalysisView::Curves) v->refreshCurves();
}

void ViewHost::refreshCurves() {
  AnalysisView* v = currentView();
  if (v && (v->feeds() & AnalysisView::Curves) && isVisible()) v->refreshCurves();
}

bool ViewHost::editImage(const QString& runId, qint64 image) {
  for (AnalysisView* v : m_views) {
    if (!v->editsImages()) continue;
    setCurrentWidget(v);  // catches the view up with every run first
    return v->editImage(runId, image);
  }
  return false;
}

void ViewHost::selectRun(const QString& id) {
  for (AnalysisView* v : m_views) v->selectRun(id);
}

void ViewHost::selectPair(const QString& id, const QString& comparison) {
  for (AnalysisView* v : m_views) v->selectPair(id, comparison);
}
