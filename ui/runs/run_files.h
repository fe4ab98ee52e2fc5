#pragma once
// RunFiles: saving runs as results folders and opening them, on the background runner (writing
// or reading some 10 MB of arrays never stalls the GUI thread). A save keeps the name the run
// has in the list; the folder is written atomically by the core. An opened run joins the list
// (named uniquely) when the folder has been read and checked.
// Threading: GUI thread only (the work runs on the JobRunner's thread).

#include <QObject>
#include <QString>

class JobRunner;
class RunListModel;

class RunFiles : public QObject {
  Q_OBJECT
 public:
  RunFiles(RunListModel* model, JobRunner* jobs, QObject* parent = nullptr);

  /// Starts saving a finished or opened run; saved / saveFailed follow. False (with a reason)
  /// when the run cannot be saved at all (unknown, or still running).
  bool save(const QString& id, const QString& directory, QString* error = nullptr);
  /// Starts reading a results folder; opened / openFailed follow.
  void open(const QString& directory);

  /// "example-sgld-2" for "Example SGLD (2)": a folder name suggested for a run.
  static QString suggestedFolderName(const QString& runName);

 Q_SIGNALS:
  void saved(const QString& id, const QString& directory);
  void saveFailed(const QString& id, const QString& directory, const QString& error);
  void opened(const QString& id, const QString& directory);
  void openFailed(const QString& directory, const QString& error);

 private:
  RunListModel* m_model;
  JobRunner* m_jobs;
};
