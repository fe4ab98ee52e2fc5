#include "runs/recovery_store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <utility>
#include <vector>

#include "common/job_runner.h"
#include "run/result_io.h"
#include "run/run_result.h"

namespace {

const QString kLockName = QStringLiteral("session.lock");
const QString kSessionPrefix = QStringLiteral("session-");
int s_instances = 0;  // stores made by this process (GUI thread only)

// Run folders of a session (every sub-folder with a config.json; staging folders of an
// interrupted atomic write are hidden and skipped).
QStringList runFolders(const QString& session) {
  QStringList out;
  const QDir dir(session);
  for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
    if (QFileInfo::exists(dir.filePath(name) + QStringLiteral("/config.json"))) out << dir.filePath(name);
  return out;
}

// Removes a session folder that no longer holds a run (its lock file and staging leftovers).
void removeIfEmpty(const QString& session) {
  if (runFolders(session).isEmpty()) QDir(session).removeRecursively();
}

QString runName(const QString& folder) {
  QFile f(folder + QStringLiteral("/config.json"));
  if (f.open(QIODevice::ReadOnly)) {
    const QString name =
        QJsonDocument::fromJson(f.read(1 << 20)).object().value(QStringLiteral("name")).toString();
    if (!name.isEmpty()) return name;
  }
  return QFileInfo(folder).fileName();
}

}  // namespace

RecoveryStore::RecoveryStore(JobRunner* jobs, const QString& root, QObject* parent)
    : QObject(parent), m_jobs(jobs), m_root(QDir::cleanPath(root)) {
  m_session = m_root + QLatin1Char('/') + kSessionPrefix +
              QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
              QStringLiteral("-%1-%2").arg(QCoreApplication::applicationPid()).arg(++s_instances);
  if (!QDir().mkpath(m_session)) return;
  m_lock = std::make_unique<QLockFile>(m_session + QLatin1Char('/') + kLockName);
  m_lock->setStaleLockTime(0);  // stale only when its process is gone, never by age
  m_enabled = m_lock->tryLock(0);
}

RecoveryStore::~RecoveryStore() {
  if (!m_enabled) return;
  // The JobRunner has finished (the window deletes it first): no write can follow.
  m_lock->unlock();
  QDir(m_session).removeRecursively();
}

QString RecoveryStore::defaultRoot() {
  return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
         QStringLiteral("/bnn-explorer/recovery");
}

void RecoveryStore::keep(const QString& id, std::shared_ptr<const bnn::RunResult> result,
                         const QString& name) {
  if (!m_enabled || !result) return;
  const QString folder = m_session + QLatin1Char('/') + id;
  m_folders.insert(id, folder);
  m_jobs->submit(
      this, QStringLiteral("recovery/") + id, {},
      [result = std::move(result), name = name.toStdString(), folder](const JobRunner::CancelCheck&) {
        bnn::RunResult copy = *result;  // shares the test split; only the name differs
        copy.config.name = name;
        const bnn::Status st = bnn::writeRunResult(copy, folder.toStdString());
        return st.ok() ? QString() : QString::fromStdString(st.error().message());
      },
      [this, id](const QString& error) {
        if (!error.isEmpty()) Q_EMIT writeFailed(id, error);
      });
}

void RecoveryStore::forget(const QString& id) {
  const QString folder = m_folders.take(id);
  if (folder.isEmpty()) return;
  // Same channel as the write: a write still queued never runs, one running finishes first.
  m_jobs->submit(
      this, QStringLiteral("recovery/") + id, {},
      [folder](const JobRunner::CancelCheck&) { return QDir(folder).removeRecursively(); }, [](bool) {});
}

void RecoveryStore::findOrphans() {
  m_jobs->submit(
      this, QStringLiteral("recovery/find"), {},
      [root = m_root, own = m_session](const JobRunner::CancelCheck&) {
        QList<OrphanRun> runs;
        const QDir dir(root);
        for (const QString& name :
             dir.entryList({kSessionPrefix + QLatin1Char('*')}, QDir::Dirs, QDir::Name)) {
          const QString session = dir.filePath(name);
          if (session == own) continue;
          QLockFile lock(session + QLatin1Char('/') + kLockName);
          lock.setStaleLockTime(0);
          if (!lock.tryLock(0)) continue;  // another instance is running with it
          const QStringList folders = runFolders(session);
          for (const QString& folder : folders)
            runs.push_back({folder, runName(folder), QFileInfo(folder).lastModified()});
          lock.unlock();
          if (folders.isEmpty()) QDir(session).removeRecursively();
        }
        return runs;
      },
      [this](QList<OrphanRun> runs) { Q_EMIT orphansFound(runs); });
}

void RecoveryStore::restore(const QList<OrphanRun>& runs) {
  struct Restored {
    QString folder;
    std::shared_ptr<const bnn::RunResult> result;
    QString error;
  };
  QStringList targets;
  for (int i = 0; i < runs.size(); ++i)
    targets << m_session + QStringLiteral("/restored-%1").arg(++m_restoredCount);
  m_jobs->submit(
      this, QStringLiteral("recovery/restore-%1").arg(++m_jobCount), {},
      [runs, targets](const JobRunner::CancelCheck&) {
        std::vector<Restored> out;
        QStringList sessions;
        for (int i = 0; i < runs.size(); ++i) {
          const QString from = runs[i].folder;
          const QString session = QFileInfo(from).absolutePath();
          if (!sessions.contains(session)) sessions << session;
          // Into this session first: a crash now still leaves it to be offered again.
          const QString folder = QDir().rename(from, targets[i]) ? targets[i] : from;
          bnn::Result<bnn::RunResult> r = bnn::readRunResult(folder.toStdString());
          if (r.ok())
            out.push_back({folder, std::make_shared<const bnn::RunResult>(std::move(r.value())), {}});
          else
            out.push_back({folder, nullptr, QString::fromStdString(r.error().message())});
        }
        for (const QString& s : sessions) removeIfEmpty(s);
        return out;
      },
      [this](std::vector<Restored> out) {
        for (Restored& r : out) {
          if (r.result)
            Q_EMIT restored(r.folder, std::move(r.result));
          else
            Q_EMIT restoreFailed(r.folder, r.error);
        }
      });
}

void RecoveryStore::discard(const QList<OrphanRun>& runs) {
  m_jobs->submit(
      this, QStringLiteral("recovery/discard-%1").arg(++m_jobCount), {},
      [runs](const JobRunner::CancelCheck&) {
        QStringList sessions;
        for (const OrphanRun& r : runs) {
          const QString session = QFileInfo(r.folder).absolutePath();
          if (!sessions.contains(session)) sessions << session;
          QDir(r.folder).removeRecursively();
        }
        for (const QString& s : sessions) removeIfEmpty(s);
        return true;
      },
      [](bool) {});
}
