#pragma once
// The uncertainty explorer: summary, most-uncertain gallery, detail, per-digit bars and threshold
// curves for any run that has sampled (finished, loaded, or a snapshot of a running one), with
// overlay / switching between runs. GUI thread only.

#include <QString>
#include <QWidget>
#include <memory>

#include "run/run_result.h"

class UncertaintyExplorer : public QWidget {
  Q_OBJECT
 public:
  explicit UncertaintyExplorer(QWidget* parent = nullptr);
  ~UncertaintyExplorer() override;

  /// Adds a run or replaces the one with the same id (e.g. a newer snapshot of a running chain).
  /// Runs without any sample are listed but their views say that nothing has been sampled yet.
  void setRun(const QString& id, const QString& displayName, std::shared_ptr<const bnn::RunResult> run);
  void removeRun(const QString& id);
  void renameRun(const QString& id, const QString& displayName);
  /// Makes `id` the run shown (primary); no-op for unknown ids.
  void showRun(const QString& id);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};
