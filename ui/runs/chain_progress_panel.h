#pragma once
// ChainProgressPanel: one row per chain of the session, like the example's progress bars:
// colour swatch and name, a bar with the phase (warm-up / sampling) and step of total, then rate,
// time left and the current error in percent. A finished chain keeps its row with the outcome
// until "Clear finished" is pressed. The panel's height is fixed (two rows; more scroll) and
// its texts are elided with the whole text as tooltip, so nothing below it moves as chains start,
// finish or report.
// Threading: GUI thread only.

#include <QMap>
#include <QWidget>

#include "run/run_engine.h"

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QVBoxLayout;
QT_END_NAMESPACE

class ElidedLabel;

class ChainProgressPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ChainProgressPanel(QWidget* parent = nullptr);

  /// `dataset`: the data the chain runs on ("MNIST (verified)"), shown after the name.
  void addChain(const QString& id, const QString& name, const QColor& color, const bnn::RunConfig& config,
                const QString& dataset = {}, const QString& datasetTip = {});
  /// A row for an evaluation of kept samples ("Evaluate on…"): its Stop button cancels it.
  void addEvaluation(const QString& id, const QString& name, const QString& dataset);
  void setEvaluationProgress(const QString& id, qint64 done, qint64 total);
  /// `status` "Completed", "Cancelled" or "Failed"; `detail` the outcome.
  void setEvaluationFinished(const QString& id, const QString& status, const QString& detail);
  void setProgress(const QString& id, const bnn::ChainProgress& progress);
  void setFinished(const QString& id, const bnn::RunResult& result);
  void renameChain(const QString& id, const QString& name);
  void removeChain(const QString& id);
  void clearFinished();

  int chainCount() const { return int(m_rows.size()); }
  /// Text of a chain's name label (name · dataset).
  QString nameText(const QString& id) const;
  /// Text of a chain's bar and detail label (for tests and the status bar).
  QString progressText(const QString& id) const;
  int progressValue(const QString& id) const;  // 0..1000 over both phases

 Q_SIGNALS:
  void stopRequested(const QString& id);

 private:
  struct Row {
    QWidget* widget = nullptr;
    ElidedLabel* name = nullptr;
    QProgressBar* bar = nullptr;
    ElidedLabel* detail = nullptr;
    QPushButton* stop = nullptr;
    bnn::RunConfig config;
    QString dataset;
    bool finished = false;
  };
  void updateVisibility();
  Row& addRow(const QString& id, const QString& name, const QColor& color, const QString& dataset);

  QVBoxLayout* m_rowsLayout = nullptr;
  QScrollArea* m_scroll = nullptr;
  QLabel* m_empty = nullptr;
  QPushButton* m_clear = nullptr;
  QMap<QString, Row> m_rows;
};
