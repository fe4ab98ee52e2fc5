#pragma once
// RecoveryStore: a copy of every finished run of the session that is not saved yet, so that a
// crash (of the application or the machine) loses nothing. Each run is written as a results
// folder into the session's recovery folder as soon as it finishes
//     <application data>/bnn-explorer/recovery/session-<start time>-<pid>-<n>/<run id>/
// and removed when the run is saved or discarded (removed from the list); the session folder
// goes when the application ends normally. The session holds a lock file (QLockFile) while it
// lives: a session folder whose lock is free belongs to an application that died, and its runs
// are offered at the next start (findOrphans, then restore or discard).
// Writing, listing, moving and reading run on the JobRunner's thread; folders are written
// atomically by the core (writeRunResult), so a copy is whole or absent.
// Threading: GUI thread only.

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QLockFile>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

#include "runs/run_controller.h"  // the metatype of std::shared_ptr<const bnn::RunResult>

class JobRunner;

/// A run left behind by a session that did not end normally.
struct OrphanRun {
  QString folder;  // its results folder in the recovery store
  QString name;    // the run's name (config.json), or the folder name
  QDateTime finished;
};

class RecoveryStore : public QObject {
  Q_OBJECT
 public:
  /// `root` is the folder holding the sessions (defaultRoot() in the application).
  RecoveryStore(JobRunner* jobs, const QString& root, QObject* parent = nullptr);
  /// A normal end: removes the session folder and every copy in it.
  ~RecoveryStore() override;

  /// <application data>/bnn-explorer/recovery (beside the fetched MNIST copy).
  static QString defaultRoot();

  /// False when the session folder could not be created or locked (nothing is kept then).
  bool isEnabled() const { return m_enabled; }
  QString sessionFolder() const { return m_session; }
  /// The folder holding the copy of run `id`, empty if none is kept.
  QString folderOf(const QString& id) const { return m_folders.value(id); }
  QStringList keptRuns() const { return m_folders.keys(); }

  /// Writes a copy of a finished run named `name` in the background.
  void keep(const QString& id, std::shared_ptr<const bnn::RunResult> result, const QString& name);
  /// The run was saved or removed from the list: its copy goes (in the background).
  void forget(const QString& id);

  /// Looks for runs of sessions that did not end normally; orphansFound follows (possibly with
  /// an empty list). Empty orphan sessions are removed on the way.
  void findOrphans();
  /// Moves the orphans into this session and reads them; each arrives as restored(folder,
  /// result) or restoreFailed(folder, error). Adopt a restored run with adopt().
  void restore(const QList<OrphanRun>& runs);
  /// Deletes the orphans (and their sessions once empty).
  void discard(const QList<OrphanRun>& runs);
  /// Run `id` of the list is the restored copy in `folder` (forget(id) removes it).
  void adopt(const QString& id, const QString& folder) { m_folders.insert(id, folder); }

 Q_SIGNALS:
  void orphansFound(const QList<OrphanRun>& runs);
  void restored(const QString& folder, std::shared_ptr<const bnn::RunResult> result);
  void restoreFailed(const QString& folder, const QString& error);
  void writeFailed(const QString& id, const QString& error);

 private:
  JobRunner* m_jobs;
  QString m_root;
  QString m_session;
  std::unique_ptr<QLockFile> m_lock;
  bool m_enabled = false;
  QHash<QString, QString> m_folders;  // run id -> folder of its copy
  int m_restoredCount = 0;
  int m_jobCount = 0;  // channels of restore and discard jobs, one each
};
