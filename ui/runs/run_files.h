#pragma once
// RunFiles: saving runs as results folders and opening them, on the background runner (writing
// or reading some 10 MB of arrays never stalls the GUI thread). A save keeps the name the run
// has in the list; the folder is written atomically by the core. An opened run joins the list
// (named uniquely) when the folder has been read and checked. A K-chain run is one folder: the
// pooled result, and each chain in chain-<i>/ with its kept samples; saving a group's head
// writes it so (bnn-cli eval, report and merge read it), and opening one shows the group with
// its chains.
// Threading: GUI thread only (the work runs on the JobRunner's thread).

#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace bnn {
struct RunResult;
}

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
  /// The chains of group head `id` in chain order (ids in `ids`), or none when `id` is no
  /// group's head; `why` says why a head with chains missing from the list cannot be saved.
  std::vector<std::shared_ptr<const bnn::RunResult>> groupChains(const QString& id, QStringList* ids,
                                                                 QString* why) const;

  RunListModel* m_model;
  JobRunner* m_jobs;
};
