#include "data_source/dataset_loader.h"

#include <QDir>
#include <QFileInfo>

#include "common/job_runner.h"
#include "data/idx_loader.h"

namespace {
const QString kChannel = QStringLiteral("data");
}

DatasetLoader::DatasetLoader(JobRunner* jobs, QObject* parent) : QObject(parent), m_jobs(jobs) {}

bool DatasetLoader::isLoading() const { return m_jobs->isBusy(kChannel); }

void DatasetLoader::load(const QString& directory) {
  const QString dir = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
  Q_EMIT loadingStarted(dir);
  struct Outcome {
    std::shared_ptr<const bnn::Dataset> data;
    QString error;
  };
  m_jobs->submit(
      this, kChannel, {},
      [dir](const JobRunner::CancelCheck&) {
        bnn::Result<bnn::Dataset> r = bnn::loadDataset(dir.toStdString());
        if (!r.ok()) return Outcome{nullptr, QString::fromStdString(r.error().message())};
        return Outcome{std::make_shared<const bnn::Dataset>(std::move(r.value())), QString()};
      },
      [this, dir](Outcome o) {
        if (!o.data) {
          Q_EMIT failed(dir, o.error);
          return;
        }
        m_data = std::move(o.data);
        m_directory = dir;
        Q_EMIT loaded(m_data, dir);
      });
}

void DatasetLoader::setDataset(std::shared_ptr<const bnn::Dataset> data, const QString& directory) {
  m_jobs->cancel(kChannel);
  m_data = std::move(data);
  m_directory = directory;
  Q_EMIT loaded(m_data, directory);
}
