#include "runs/run_files.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <memory>

#include "common/job_runner.h"
#include "run/result_io.h"
#include "runs/run_list_model.h"

RunFiles::RunFiles(RunListModel* model, JobRunner* jobs, QObject* parent)
    : QObject(parent), m_model(model), m_jobs(jobs) {}

QString RunFiles::suggestedFolderName(const QString& runName) {
  QString s = runName.toLower();
  s.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
  while (s.startsWith(QLatin1Char('-'))) s.remove(0, 1);
  while (s.endsWith(QLatin1Char('-'))) s.chop(1);
  return s.isEmpty() ? QStringLiteral("run") : s;
}

bool RunFiles::save(const QString& id, const QString& directory, QString* error) {
  const RunRecord* r = m_model->record(id);
  if (!r || !r->result) {
    if (error) *error = QStringLiteral("only a finished or opened run can be saved");
    return false;
  }
  const QString dir = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
  std::shared_ptr<const bnn::RunResult> result = r->result;
  const std::string name = r->name.toStdString();
  struct Outcome {
    bool ok = false;
    QString error;
  };
  // A removed run's save still completes on disk; only the notice is dropped.
  m_jobs->submit(
      this, QStringLiteral("save/") + dir, {id},
      [result, name, dir](const JobRunner::CancelCheck&) {
        bnn::RunResult copy = *result;  // shares the test split; only the name differs
        copy.config.name = name;        // keep the name given in the list
        const bnn::Status st = bnn::writeRunResult(copy, dir.toStdString());
        return Outcome{st.ok(), st.ok() ? QString() : QString::fromStdString(st.error().message())};
      },
      [this, id, dir](Outcome o) {
        if (!o.ok) {
          Q_EMIT saveFailed(id, dir, o.error);
          return;
        }
        m_model->setPath(id, dir);
        Q_EMIT saved(id, dir);
      });
  return true;
}

void RunFiles::open(const QString& directory) {
  const QString dir = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
  struct Outcome {
    std::shared_ptr<const bnn::RunResult> result;
    QString error;
  };
  m_jobs->submit(
      this, QStringLiteral("open/") + dir, {},
      [dir](const JobRunner::CancelCheck&) {
        bnn::Result<bnn::RunResult> r = bnn::readRunResult(dir.toStdString());
        if (!r.ok()) return Outcome{nullptr, QString::fromStdString(r.error().message())};
        return Outcome{std::make_shared<const bnn::RunResult>(std::move(r.value())), QString()};
      },
      [this, dir](Outcome o) {
        if (!o.result) {
          Q_EMIT openFailed(dir, o.error);
          return;
        }
        const QString name = o.result->config.name.empty() ? QFileInfo(dir).fileName()
                                                           : QString::fromStdString(o.result->config.name);
        const QString id = m_model->addLoadedRun(name, std::move(o.result), dir);
        Q_EMIT opened(id, dir);
      });
}
