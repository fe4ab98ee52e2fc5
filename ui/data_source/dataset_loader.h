#pragma once
// DatasetLoader: the data the runs use. Loading a folder (reading up to 55 MB of IDX files,
// gunzipping them and checking their MD5 sums) runs on the background runner; a newer load
// supersedes an older one (whose result is dropped) and the GUI thread never waits for either.
// Threading: GUI thread only.

#include <QObject>
#include <QString>
#include <memory>

#include "data/dataset.h"

class JobRunner;

class DatasetLoader : public QObject {
  Q_OBJECT
 public:
  explicit DatasetLoader(JobRunner* jobs, QObject* parent = nullptr);

  /// Starts loading `directory`; loaded or failed follows (only for the newest request).
  void load(const QString& directory);
  /// Uses data already in memory (tests, synthetic data); cancels a load in progress.
  void setDataset(std::shared_ptr<const bnn::Dataset> data, const QString& directory = {});
  std::shared_ptr<const bnn::Dataset> dataset() const { return m_data; }
  /// Folder of the current data (absolute), empty for data set in memory.
  const QString& directory() const { return m_directory; }
  bool isLoading() const;

 Q_SIGNALS:
  void loadingStarted(const QString& directory);
  void loaded(std::shared_ptr<const bnn::Dataset> data, const QString& directory);
  void failed(const QString& directory, const QString& error);

 private:
  JobRunner* m_jobs;
  std::shared_ptr<const bnn::Dataset> m_data;
  QString m_directory;
};
