#pragma once
// EvaluationController: "Evaluate on…" in the app. It owns the action (run list tool bar and
// context menu, Run menu), which is enabled for a finished run with kept samples and otherwise
// disabled with the reason in its tooltip; it asks what to evaluate (EvaluateDialog) and runs
// the evaluation on a background thread of its own (a JobRunner: an evaluation of 100 samples
// on 10,000 images takes a second or more, and must not hold up the views' analyses), reporting
// progress per sample and stopping within one sample when cancelled. The result joins the run
// list as an entry of its own ("Example SGLD on Fashion-MNIST test"), which every view opens like
// a run. Evaluations are queued one after another; removing the evaluated run does not stop one
// (the job holds the run's samples until it ends).
// Threading: GUI thread only (the evaluation itself runs on the controller's worker thread).

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QWidget>
#include <atomic>
#include <memory>

#include "evaluate/evaluation_request.h"

QT_BEGIN_NAMESPACE
class QAction;
QT_END_NAMESPACE

class JobRunner;
class RunListModel;

class EvaluationController : public QObject {
  Q_OBJECT
 public:
  EvaluationController(RunListModel* model, QObject* parent = nullptr);
  /// Cancels every evaluation and waits for the one running (at most one sample).
  ~EvaluationController() override;

  QAction* action() const { return m_action; }
  /// The run the action acts on (the run list's current row); updates the action.
  void setCurrentRun(const QString& id);
  /// Why run `id` cannot be evaluated, "" when it can.
  QString unavailableReason(const QString& id) const;

  /// Starts evaluating run `sourceId`; returns the evaluation's id ("evaluation-N") or "" with
  /// the reason in *why.
  QString evaluate(const QString& sourceId, const EvaluationRequest& request, QString* why = nullptr);
  /// Stops evaluation `id` (no-op for other ids); `cancelled` follows at once.
  void cancel(const QString& id);
  int activeCount() const { return int(m_active.size()); }
  /// The folder the dialog offers first (the app's data folder).
  void setStartFolder(const QString& folder) { m_startFolder = folder; }
  void setDialogParent(QWidget* parent) { m_dialogParent = parent; }
  /// Opens the dialog for the current run and starts what it asks (dialogParent: its parent).
  void evaluateWithDialog(QWidget* dialogParent);

  /// Processes events until no evaluation runs (tests); false on timeout.
  bool waitForIdle(int timeoutMs = 60000);

 Q_SIGNALS:
  /// `name` is what the run list will call the result; `dataset` what is evaluated.
  void started(const QString& id, const QString& name, const QString& dataset);
  void progressed(const QString& id, qint64 done, qint64 total);
  /// The result is in the run list as `runId`.
  void finished(const QString& id, const QString& runId);
  void failed(const QString& id, const QString& error);
  void cancelled(const QString& id);
  void statusMessage(const QString& text);

 private:
  struct Active {
    QString sourceId;
    QString name;
    std::shared_ptr<std::atomic<bool>> cancel;
  };
  void updateAction();

  RunListModel* m_model;
  JobRunner* m_runner = nullptr;
  QAction* m_action = nullptr;
  QString m_current;
  QString m_startFolder;
  QPointer<QWidget> m_dialogParent;
  QHash<QString, Active> m_active;
  int m_next = 1;
};
