#pragma once
// AnalysisView: what every tab of the main window is. A view says
//  - which runs it shows: feeds() — the runs' growing curves (Curves) and/or their newest
//    result with predictive data (Results: final, opened, or a live snapshot);
//  - how it is fed: refreshCurves() on the 10 Hz tick, updateRun() when a run's result, name or
//    colour changed, removeRun() when a run leaves the list, selectRun() when the user picks a
//    run in the run list. The ViewHost calls refreshCurves/updateRun only while the view is on
//    screen and catches it up when it is shown; removeRun always arrives at once, so a hidden
//    view lets go of a removed run's memory too;
//  - how it exports: exports(), each a ChartExport (PNG / SVG / CSV through the one routine),
//    the first being what File → Export acts on; viewActions() join the View menu while the
//    view is current.
// Results are shared and immutable (std::shared_ptr<const bnn::RunResult>): never copy them;
// derive numbers on the background runner (context().jobs) and install them on the GUI thread.
// A new view: a class deriving from AnalysisView in its own folder, and one line in
// views/view_registry.cpp (DEVELOPERS.md, "How to add a view").
// Threading: GUI thread only.

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>
#include <functional>
#include <memory>
#include <utility>

#include "charts/chart_export.h"
#include "data/dataset.h"
#include "run/run_config.h"
#include "run/run_result.h"

QT_BEGIN_NAMESPACE
class QAction;
QT_END_NAMESPACE

class JobRunner;
class RunListModel;

/// One run as a view sees it.
struct ViewRun {
  QString id;
  QString name;
  QColor color;  // the run's colour in every view
  bool running = false;
  /// Newest result with the predictive over the test set: final, opened, or a snapshot of a
  /// running chain. Null before a live run's first snapshot.
  std::shared_ptr<const bnn::RunResult> result;

  bool operator==(const ViewRun& o) const {
    return id == o.id && name == o.name && color == o.color && running == o.running && result == o.result;
  }
};

/// What the host gives every view.
struct ViewContext {
  using DatasetSource = std::function<std::shared_ptr<const bnn::Dataset>()>;
  ViewContext(const RunListModel* runs = nullptr, JobRunner* jobs = nullptr, DatasetSource dataset = {})
      : runs(runs), jobs(jobs), dataset(std::move(dataset)) {}

  const RunListModel* runs = nullptr;  // every run of the session: curves, names, colours, status
  JobRunner* jobs = nullptr;           // background work, latest request wins
  /// The data new runs start on (null when none is loaded), for views that start runs of their
  /// own (the step-size sweep); unset in tests that need none.
  DatasetSource dataset;
};

class AnalysisView : public QWidget {
  Q_OBJECT
 public:
  enum Feed { Curves = 0x1, Results = 0x2 };
  Q_DECLARE_FLAGS(Feeds, Feed)

  explicit AnalysisView(const ViewContext& context, QWidget* parent = nullptr);

  virtual Feeds feeds() const = 0;

  /// Curves: the run model's curves, names or shown flags may have changed.
  virtual void refreshCurves() {}
  /// Results: a run was added, or its result, name, colour or running state changed.
  virtual void updateRun(const ViewRun& run) { Q_UNUSED(run); }
  /// Results: the run left the list; drop everything held for it.
  virtual void removeRun(const QString& id) { Q_UNUSED(id); }
  /// The user picked this run in the run list.
  virtual void selectRun(const QString& id) { Q_UNUSED(id); }
  /// The user started a pair of runs to compare ("Compare SGLD vs SGHMC"): views with a
  /// "Compare with" box show `id` compared with `comparison` (either may arrive later).
  virtual void selectPair(const QString& id, const QString& comparison) {
    Q_UNUSED(comparison);
    selectRun(id);
  }

  /// Views that edit images (the drawing canvas) take test image `image` of run `runId`;
  /// false when they cannot. editsImages() says whether a view does.
  virtual bool editsImages() const { return false; }
  virtual bool editImage(const QString& runId, qint64 image) {
    Q_UNUSED(runId);
    Q_UNUSED(image);
    return false;
  }

  /// What the view can export as shown now; the first is File → Export's target.
  virtual QList<ChartExport> exports() const = 0;
  /// Actions for the View menu while this view is current (e.g. zoom).
  virtual QList<QAction*> viewActions() const { return {}; }

  const ViewContext& context() const { return m_context; }

 Q_SIGNALS:
  /// A short message for the status bar ("Saved ...").
  void statusMessage(const QString& text);
  /// The user wants test image `image` of run `runId` edited (the host shows the view that
  /// edits images and hands it over).
  void imageEditRequested(const QString& runId, qint64 image);
  /// The user wants the run form filled with `config` (e.g. a swept step size).
  void runFormRequested(const bnn::RunConfig& config);

 private:
  ViewContext m_context;
};

Q_DECLARE_OPERATORS_FOR_FLAGS(AnalysisView::Feeds)
