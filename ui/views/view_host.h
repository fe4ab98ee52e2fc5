#pragma once
// ViewHost: the tabs of the main window, one per registered analysis view, and the one place
// that feeds them. It watches the run model: a run's new result, name or colour reaches the
// views that show results (at once when on screen, when shown otherwise, newest only); the
// controller's tick refreshes the current view's curves; a removed run leaves every view (and
// the background runner) at once, so its memory is freed.
// Threading: GUI thread only.

#include <QHash>
#include <QList>
#include <QTabWidget>

#include <vector>

#include "views/analysis_view.h"
#include "views/view_registry.h"

class ViewHost : public QTabWidget {
  Q_OBJECT
 public:
  /// Creates every registered view (views/view_registry.cpp).
  explicit ViewHost(const ViewContext& context, QWidget* parent = nullptr);
  /// Creates the given views (tests).
  ViewHost(const ViewContext& context, const std::vector<ViewRegistration>& views, QWidget* parent = nullptr);

  const QList<AnalysisView*>& views() const { return m_views; }
  AnalysisView* view(const QString& key) const;
  QString keyOf(const AnalysisView* view) const;
  AnalysisView* currentView() const;
  QString currentKey() const;
  /// Shows the view registered as `key`; false for an unknown key.
  bool showView(const QString& key);

  /// Brings the current view's curves up to date (the 10 Hz tick).
  void refreshCurves();
  /// The user picked a run in the run list.
  void selectRun(const QString& id);
  /// A pair of runs was started to be compared (AnalysisView::selectPair).
  void selectPair(const QString& id, const QString& comparison);
  /// Shows the view that edits images (the drawing canvas) with test image `image` of run `runId`.
  bool editImage(const QString& runId, qint64 image);

 Q_SIGNALS:
  void currentViewChanged(AnalysisView* view);
  /// A view wants the run form filled with `config` (AnalysisView::runFormRequested).
  void runFormRequested(const bnn::RunConfig& config);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  ViewRun viewRun(const QString& id) const;
  void onRunUpdated(const QString& id);
  void onRunRemoved(const QString& id);
  void catchUp(AnalysisView* view);
  bool onScreen(const AnalysisView* view) const;

  ViewContext m_context;
  QList<AnalysisView*> m_views;
  QStringList m_keys;
  // What each view was told of each run. The result is remembered weakly: a hidden view's stale
  // entry must not keep an old snapshot alive.
  struct Sent {
    QString name;
    QColor color;
    bool running = false;
    std::weak_ptr<const bnn::RunResult> result;
    bool matches(const ViewRun& r) const {
      return name == r.name && color == r.color && running == r.running && result.lock() == r.result;
    }
  };
  QHash<const AnalysisView*, QHash<QString, Sent>> m_sent;
};
