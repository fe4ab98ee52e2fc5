#include "common/dataset_text.h"

#include "common/display_path.h"
#include "data/dataset_identity.h"
#include "run/run_result.h"

QString datasetShortLabel(const std::string& name, bnn::DatasetCheck check) {
  if (name.empty()) return {};
  const QString n = QString::fromStdString(name);
  switch (check) {
    case bnn::DatasetCheck::Verified:
      return QStringLiteral("%1 (verified)").arg(n);
    case bnn::DatasetCheck::Differs:
      return QStringLiteral("%1 (files differ)").arg(n);
    case bnn::DatasetCheck::ClassFile:
      return QStringLiteral("%1 (classes.txt)").arg(n);
    case bnn::DatasetCheck::Unknown:
      break;
  }
  return QStringLiteral("%1 (unrecognised IDX set)").arg(n);
}

QString datasetShortLabel(const bnn::RunResult& result) {
  return datasetShortLabel(result.datasetName, result.datasetCheck);
}

QString datasetShortLabel(const bnn::Dataset& data) { return datasetShortLabel(data.name, data.check); }

QString datasetToolTip(const std::string& name, bnn::DatasetCheck check, const std::string& directory) {
  if (name.empty()) return QStringLiteral("Dataset not recorded");
  QString t = QStringLiteral("%1: %2").arg(QString::fromStdString(name),
                                           QString::fromLatin1(bnn::datasetCheckText(check)));
  if (!directory.empty())
    t += QStringLiteral("\nFolder: %1").arg(displayPath(QString::fromStdString(directory)));
  return t;
}

QString datasetToolTip(const bnn::RunResult& result) {
  return datasetToolTip(result.datasetName, result.datasetCheck, result.datasetDirectory);
}

QString datasetToolTip(const bnn::Dataset& data) {
  return datasetToolTip(data.name, data.check, data.directory);
}
