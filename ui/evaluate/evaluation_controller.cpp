#include "evaluate/evaluation_controller.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include "common/dataset_text.h"
#include "common/job_runner.h"
#include "evaluate/evaluate_dialog.h"
#include "runs/run_list_model.h"

namespace {
// Before the folder is read its dataset is known only by the folder's name.
QString displayFolderName(const QString& folder) {
  const QString name = QFileInfo(QDir::cleanPath(folder)).fileName();
  return name.isEmpty() ? folder : name;
}
}  // namespace

EvaluationController::EvaluationController(RunListModel* model, QObject* parent)
    : QObject(parent), m_model(model) {
  m_runner = new JobRunner(this);
  m_action = new QAction(QStringLiteral("Evaluate on…"), this);
  m_action->setShortcut(QKeySequence(QStringLiteral("Ctrl+E")));
  connect(m_action, &QAction::triggered, this, [this] { evaluateWithDialog(m_dialogParent); });
  connect(m_model, &RunListModel::runUpdated, this, [this](const QString& id) {
    if (id == m_current) updateAction();
  });
  connect(m_model, &RunListModel::runAboutToBeRemoved, this, [this](const QString& id) {
    if (id == m_current) {
      m_current.clear();
      updateAction();
    }
  });
  updateAction();
}

EvaluationController::~EvaluationController() {
  for (const Active& a : m_active) a.cancel->store(true);
  delete m_runner;  // joins the evaluation in progress (it stops at the next sample)
  m_runner = nullptr;
}

void EvaluationController::setCurrentRun(const QString& id) {
  m_current = id;
  updateAction();
}

QString EvaluationController::unavailableReason(const QString& id) const {
  const RunRecord* r = m_model->record(id);
  if (!r) return QStringLiteral("Select a finished run that kept posterior samples");
  if (r->live) return QStringLiteral("%1 is still sampling; its kept samples come when it ends").arg(r->name);
  if (!r->result) return QStringLiteral("%1 has no result").arg(r->name);
  if (!r->result->samples) {
    if (r->evaluation)
      return QStringLiteral("%1 is an evaluation; evaluate the run it came from instead").arg(r->name);
    return QStringLiteral("%1: %2").arg(r->name,
                                        QString::fromStdString(bnn::whySamplesUnavailable(*r->result)));
  }
  return {};
}

void EvaluationController::updateAction() {
  const QString why = unavailableReason(m_current);
  m_action->setEnabled(why.isEmpty());
  const RunRecord* r = m_model->record(m_current);
  m_action->setToolTip(why.isEmpty()
                           ? QStringLiteral("Evaluate the %1 kept samples of %2 on a dataset folder "
                                            "or a transform of its test set (Ctrl+E)")
                                 .arg(r->result->samples->count())
                                 .arg(r->name)
                           : QStringLiteral("Evaluate on…: unavailable. %1").arg(why));
}

void EvaluationController::evaluateWithDialog(QWidget* dialogParent) {
  const RunRecord* r = m_model->record(m_current);
  if (!r || !unavailableReason(m_current).isEmpty()) return;
  const bool canTransform = r->result->test && !r->result->testImages().empty();
  EvaluateDialog dialog(r->name, r->dataset, canTransform, m_startFolder, dialogParent);
  if (dialog.exec() != QDialog::Accepted) return;
  QString why;
  if (evaluate(m_current, dialog.request(), &why).isEmpty()) Q_EMIT statusMessage(why);
}

QString EvaluationController::evaluate(const QString& sourceId, const EvaluationRequest& request,
                                       QString* why) {
  const QString reason = unavailableReason(sourceId);
  if (!reason.isEmpty()) {
    if (why) *why = reason;
    return {};
  }
  const RunRecord* r = m_model->record(sourceId);
  const QString id = QStringLiteral("evaluation-%1").arg(m_next++);
  const QString datasetName = request.source == EvaluationRequest::Source::Folder
                                  ? displayFolderName(request.folder)
                                  : QString::fromStdString(r->result->datasetName);
  Active a;
  a.sourceId = sourceId;
  a.name = QStringLiteral("%1 on %2").arg(r->name, request.describe(datasetName));
  a.cancel = std::make_shared<std::atomic<bool>>(false);
  m_active.insert(id, a);

  std::shared_ptr<const bnn::RunResult> source = r->result;
  auto work = [this, id, source, name = r->name, folder = r->path, request,
               cancel = a.cancel](const JobRunner::CancelCheck&) {
    bnn::EvaluationControl control;
    control.cancel = cancel.get();
    control.progress = [this, id](int64_t done, int64_t total) {
      // Posted to the GUI thread; the controller outlives its runner's jobs (see the destructor).
      QMetaObject::invokeMethod(
          this,
          [this, id, done, total] {
            if (m_active.contains(id)) Q_EMIT progressed(id, done, total);
          },
          Qt::QueuedConnection);
    };
    return evaluateRequest(*source, name, folder, request, control);
  };
  auto install = [this, id, sourceId](bnn::Result<bnn::RunResult> result) {
    const Active act = m_active.take(id);
    if (!result) {
      if (result.error().code == bnn::ErrorCode::Cancelled) {
        Q_EMIT cancelled(id);
        return;
      }
      const QString error = QString::fromStdString(result.error().message());
      Q_EMIT failed(id, error);
      Q_EMIT statusMessage(QStringLiteral("%1 failed: %2").arg(act.name, error));
      return;
    }
    auto shared = std::make_shared<const bnn::RunResult>(std::move(*result));
    const QString runId =
        m_model->addEvaluation(QString::fromStdString(shared->config.name), shared, sourceId);
    Q_EMIT finished(id, runId);
    Q_EMIT statusMessage(QStringLiteral("%1: ensemble accuracy %2 on %3 images")
                             .arg(m_model->record(runId)->name)
                             .arg(shared->ensembleAccuracy(), 0, 'f', 4)
                             .arg(shared->testCount()));
  };
  m_runner->submit(this, QStringLiteral("evaluate/") + id, {sourceId}, std::move(work), std::move(install));
  Q_EMIT started(id, a.name,
                 request.source == EvaluationRequest::Source::Folder
                     ? displayFolderName(request.folder)
                     : QStringLiteral("%1, %2").arg(r->dataset, transformPhrase(request.transform)));
  return id;
}

void EvaluationController::cancel(const QString& id) {
  auto it = m_active.find(id);
  if (it == m_active.end()) return;
  it->cancel->store(true);
  m_runner->cancel(QStringLiteral("evaluate/") + id);  // a queued one never starts
  m_active.erase(it);
  Q_EMIT cancelled(id);
}

bool EvaluationController::waitForIdle(int timeoutMs) { return m_runner->waitForIdle(timeoutMs); }
