#include "shell/unsaved_runs_guard.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QWidget>

#include "common/display_path.h"
#include "run/run_result.h"
#include "runs/recovery_store.h"
#include "runs/run_controller.h"
#include "runs/run_files.h"
#include "runs/run_list_model.h"

namespace {
const char* kRunsFolderKey = "runs/lastFolder";  // shared with the run list's Save and Open
constexpr int kNamesListed = 8;

QString plural(qsizetype n, const char* one, const char* many) {
  return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

QString nameList(const QStringList& names) {
  QString s;
  for (int i = 0; i < names.size() && i < kNamesListed; ++i) s += QStringLiteral("\n • ") + names[i];
  if (names.size() > kNamesListed) s += QStringLiteral("\n • … and %1 more").arg(names.size() - kNamesListed);
  return s;
}
}  // namespace

UnsavedRunsGuard::UnsavedRunsGuard(QWidget* window, RunListModel* model, RunFiles* files,
                                   RunController* controller, RecoveryStore* store, QObject* parent)
    : QObject(parent),
      m_window(window),
      m_model(model),
      m_files(files),
      m_controller(controller),
      m_store(store) {
  // The recovery copies follow the list: written as a run finishes, rewritten when it is renamed,
  // dropped when it is saved or removed.
  connect(m_controller, &RunController::runFinished, this,
          [this](const QString& id, std::shared_ptr<const bnn::RunResult> result) {
            if (const RunRecord* r = m_model->record(id); r && r->unsaved())
              m_store->keep(id, result, r->name);
          });
  connect(m_model, &RunListModel::runRenamed, this, [this](const QString& id, const QString& name) {
    const RunRecord* r = m_model->record(id);
    if (r && r->unsaved() && !m_store->folderOf(id).isEmpty()) m_store->keep(id, r->result, name);
  });
  connect(m_model, &RunListModel::runAboutToBeRemoved, m_store, &RecoveryStore::forget);
  connect(m_files, &RunFiles::saved, this, [this](const QString& id) {
    m_store->forget(id);
    if (!m_pending.remove(id) || !m_pending.isEmpty()) return;
    if (m_saveFailed) {
      Q_EMIT statusMessage(QStringLiteral("Not closed: a run could not be saved"));
      return;
    }
    m_closeNow = true;
    QTimer::singleShot(0, m_window, &QWidget::close);
  });
  connect(m_files, &RunFiles::saveFailed, this, [this](const QString& id) {
    if (!m_pending.remove(id)) return;
    m_saveFailed = true;
    if (m_pending.isEmpty()) Q_EMIT statusMessage(QStringLiteral("Not closed: a run could not be saved"));
  });

  connect(m_store, &RecoveryStore::writeFailed, this, [this](const QString& id, const QString& error) {
    const RunRecord* r = m_model->record(id);
    Q_EMIT statusMessage(QStringLiteral("No recovery copy of %1: %2").arg(r ? r->name : id, error));
  });
  connect(m_store, &RecoveryStore::orphansFound, this, [this](const QList<OrphanRun>& runs) {
    if (runs.isEmpty()) return;
    QStringList names;
    for (const OrphanRun& r : runs)
      names << QStringLiteral("%1 (finished %2)")
                   .arg(r.name, QLocale().toString(r.finished.toLocalTime(), QLocale::ShortFormat));
    auto* box = new QMessageBox(
        QMessageBox::Question, QStringLiteral("Restore unsaved runs"),
        QStringLiteral("BNN Explorer did not close normally last time. %1 not saved:%2")
            .arg(plural(runs.size(), "finished run was", "finished runs were"), nameList(names)),
        QMessageBox::Yes | QMessageBox::Discard | QMessageBox::No, m_window);
    box->setInformativeText(
        QStringLiteral("Restore puts them back into the run list (not saved yet). Discard deletes "
                       "the copies. Later asks again at the next start."));
    box->button(QMessageBox::Yes)->setText(QStringLiteral("Restore"));
    box->button(QMessageBox::No)->setText(QStringLiteral("Later"));
    box->setDefaultButton(QMessageBox::Yes);
    box->setEscapeButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, runs] {
      const auto answer = box->standardButton(box->clickedButton());
      if (answer == QMessageBox::Yes)
        m_store->restore(runs);
      else if (answer == QMessageBox::Discard)
        m_store->discard(runs);
    });
    box->open();
  });
  connect(
      m_store, &RecoveryStore::restored, this,
      [this](const QString& folder, std::shared_ptr<const bnn::RunResult> result) {
        const QString name = result->config.name.empty() ? QFileInfo(folder).fileName()
                                                         : QString::fromStdString(result->config.name);
        const QString id = m_model->addRecoveredRun(name, std::move(result));
        m_store->adopt(id, folder);
        Q_EMIT statusMessage(QStringLiteral("Restored %1 (not saved yet)").arg(m_model->record(id)->name));
        Q_EMIT runRestored(id);
      });
  connect(m_store, &RecoveryStore::restoreFailed, this, [this](const QString& folder, const QString& error) {
    auto* box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Restore failed"),
                                QStringLiteral("A recovered run in %1 could not be read and is dropped:\n%2")
                                    .arg(displayPath(folder), error),
                                QMessageBox::Ok, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
  });
}

QString UnsavedRunsGuard::unsavedText(const QStringList& ids, int running) const {
  QStringList names;
  for (const QString& id : ids) names << m_model->record(id)->name;
  QString text;
  if (!ids.isEmpty())
    text = QStringLiteral("%1 not saved:%2")
               .arg(plural(ids.size(), "finished run is", "finished runs are"), nameList(names));
  if (running > 0) {
    if (!text.isEmpty()) text += QStringLiteral("\n\n");
    text +=
        QStringLiteral("%1 still running; quitting stops %2 and loses %3 results.")
            .arg(plural(running, "chain is", "chains are"))
            .arg(QLatin1String(running == 1 ? "it" : "them"), QLatin1String(running == 1 ? "its" : "their"));
  }
  return text;
}

bool UnsavedRunsGuard::allowClose() {
  if (m_closeNow) return true;
  if (isSaving()) {
    Q_EMIT statusMessage(QStringLiteral("Saving the runs; the window closes when they are written"));
    return false;
  }
  const QStringList unsaved = m_model->unsavedRuns();
  const int running = m_controller->runningCount();
  if (unsaved.isEmpty() && running == 0) return true;
  if (unsaved.isEmpty()) {  // chains only: stop them or stay
    const auto answer = QMessageBox::question(m_window, QStringLiteral("Chains are running"),
                                              unsavedText({}, running) + QStringLiteral("\nStop and quit?"),
                                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    return answer == QMessageBox::Yes;
  }
  QMessageBox box(QMessageBox::Warning, QStringLiteral("Unsaved runs"), unsavedText(unsaved, running),
                  QMessageBox::SaveAll | QMessageBox::Discard | QMessageBox::Cancel, m_window);
  box.setInformativeText(
      QStringLiteral("Save all writes each run as a results folder into one folder you choose."));
  box.button(QMessageBox::SaveAll)->setText(QStringLiteral("Save all…"));
  box.button(QMessageBox::Discard)->setText(QStringLiteral("Discard and quit"));
  box.setDefaultButton(QMessageBox::SaveAll);
  box.setEscapeButton(QMessageBox::Cancel);
  box.exec();
  const auto answer = box.standardButton(box.clickedButton());
  if (answer == QMessageBox::Discard) return true;
  if (answer != QMessageBox::SaveAll) return false;
  const QString folder = chooseFolder();
  if (!folder.isEmpty()) saveAllThenClose(folder);
  return false;
}

QString UnsavedRunsGuard::chooseFolder() {
  QSettings settings;
  const QString start = settings.value(QLatin1String(kRunsFolderKey), QDir::homePath()).toString();
  const QString folder = QFileDialog::getExistingDirectory(
      m_window, QStringLiteral("Save all unsaved runs into a folder"), start);
  if (!folder.isEmpty()) settings.setValue(QLatin1String(kRunsFolderKey), folder);
  return folder;
}

bool UnsavedRunsGuard::saveAllThenClose(const QString& folder) {
  const QStringList unsaved = m_model->unsavedRuns();
  if (unsaved.isEmpty() || isSaving()) return false;
  m_saveFailed = false;
  QStringList taken;
  const QDir dir(folder);
  for (const QString& id : unsaved) {
    // One folder per run, named after it; never over an existing folder.
    const QString base = RunFiles::suggestedFolderName(m_model->record(id)->name);
    QString path = dir.filePath(base);
    for (int n = 2; taken.contains(path) || QFileInfo::exists(path); ++n)
      path = dir.filePath(QStringLiteral("%1-%2").arg(base).arg(n));
    taken << path;
    QString error;
    if (m_files->save(id, path, &error)) {
      m_pending.insert(id);
    } else {
      m_saveFailed = true;
      Q_EMIT statusMessage(QStringLiteral("Could not save %1: %2").arg(m_model->record(id)->name, error));
    }
  }
  Q_EMIT statusMessage(
      QStringLiteral("Saving %1 into %2…").arg(plural(m_pending.size(), "run", "runs"), displayPath(folder)));
  return !m_pending.isEmpty();
}

void UnsavedRunsGuard::offerRecovery() {
  if (m_store->isEnabled()) m_store->findOrphans();
}
