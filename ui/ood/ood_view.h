#pragma once
// OodView ("OOD"): does the posterior doubt what it has never seen? A run's kept samples are
// evaluated on its test set (in-distribution) and on an out-of-distribution set: the
// Fashion-MNIST test set when the Debian package is installed, any dataset folder the user
// chooses, or the synthetic sets made from the test images (uniform noise, pixel-permuted,
// inverted). Shown: AUROC, AUPR and FPR at 95% TPR for each score (max p̄, entropy H[p̄],
// mutual information, and the single network at the last sample), the ROC curve and the in/out
// score histograms of the chosen score, and the out-of-distribution images the run is surest
// about ("sure about what it never saw"), named with the run's classes. A second run is
// evaluated on the same set and overlaid. Evaluations run on the background runner with
// progress and Cancel (analysis/ood_study.h does the numbers); results are kept per run and set.
// Threading: GUI thread only.

#include <QHash>
#include <QMap>
#include <memory>

#include "analysis/ood.h"
#include "ood/ood_evaluation.h"
#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QChartView;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;
class QValueAxis;
QT_END_NAMESPACE

class RunPairPicker;
class SampledRuns;

class OodView : public AnalysisView {
  Q_OBJECT
 public:
  explicit OodView(const ViewContext& context, QWidget* parent = nullptr);
  ~OodView() override;

  Feeds feeds() const override { return Results; }
  void updateRun(const ViewRun& run) override;
  void removeRun(const QString& id) override;
  void selectRun(const QString& id) override;
  void selectPair(const QString& id, const QString& comparison) override;
  /// The ROC curves and histograms (CSV: the metrics table), the ROC points, the scores.
  QList<ChartExport> exports() const override;

  /// Chooses the out-of-distribution set: "noise", "permuted", "inverted" or a dataset folder.
  void setOodSet(const QString& spec);
  QString oodSetKey() const;
  /// Evaluates the shown runs on the chosen set (those not evaluated yet).
  void evaluate();
  /// Stops every evaluation in progress (their results are not installed).
  void cancel();
  bool isEvaluating() const { return !m_active.isEmpty(); }
  void setScore(bnn::OodScoreKind kind);
  bnn::OodScoreKind score() const;

  RunPairPicker* runPicker() const { return m_picker; }
  SampledRuns* runs() const { return m_runs; }
  QTableWidget* table() const { return m_table; }
  QChartView* rocChart() const { return m_roc; }
  QChartView* histogramChart() const { return m_histogram; }
  QListWidget* gallery() const { return m_gallery; }
  QProgressBar* progressBar() const { return m_progress; }
  QPushButton* evaluateButton() const { return m_evaluate; }
  /// The evaluation installed for a run on the chosen set (null: none yet).
  std::shared_ptr<const OodEvaluation> evaluation(const QString& id) const;
  /// The status line: what runs, what is missing and why.
  QString statusText() const;

 Q_SIGNALS:
  void evaluationInstalled(const QString& runId);
  /// An evaluation ended without a result (error or cancel); the status says why.
  void evaluationFailed(const QString& runId);

 private:
  struct Active {
    QString setKey;
    std::shared_ptr<JobProgress> progress;
  };
  void chooseFolder();
  void addFolderItem(const QString& dir, const QString& label);
  void stop(const QString& id);
  void dropRun(const QString& id);
  void tick();
  void refresh();
  void refreshTable();
  void refreshCharts();
  void refreshGallery();
  void updateStatus();
  QString setLabel() const;

  SampledRuns* m_runs = nullptr;
  RunPairPicker* m_picker = nullptr;
  QComboBox* m_set = nullptr;
  QComboBox* m_score = nullptr;
  QPushButton* m_evaluate = nullptr;
  QPushButton* m_cancel = nullptr;
  QProgressBar* m_progress = nullptr;
  QLabel* m_status = nullptr;
  QTableWidget* m_table = nullptr;
  QChartView* m_roc = nullptr;
  QChartView* m_histogram = nullptr;
  QValueAxis* m_rocX = nullptr;
  QValueAxis* m_rocY = nullptr;
  QValueAxis* m_histX = nullptr;
  QValueAxis* m_histY = nullptr;
  QLabel* m_galleryTitle = nullptr;
  QListWidget* m_gallery = nullptr;
  QTimer* m_timer = nullptr;

  QHash<QString, std::shared_ptr<const OodInScores>> m_in;  // run id -> its test-set scores
  // run id -> set key -> evaluation (of the run's current result)
  QHash<QString, QMap<QString, std::shared_ptr<const OodEvaluation>>> m_results;
  QHash<QString, QString> m_errors;  // run id -> why its last evaluation failed (for m_errorSet)
  QHash<QString, QString> m_errorSet;
  QHash<QString, Active> m_active;  // run id -> its evaluation in progress
  QString m_lastMessage;            // "Cancelled." and the like
};
