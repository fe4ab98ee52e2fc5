#pragma once
// DiagnosticsView: is the chain mixing? For one run, the per-sample diagnostic scalars it
// recorded at its kept samples (run/sample_diagnostics.h: minibatch potential and log-likelihood,
// test log-likelihood, configurational temperature, logits of 16 fixed test images, fixed
// weights): the trace of the chosen scalar per chain against the sampling step, its
// autocorrelation per chain against the lag, and the table of split-R̂ (rank-normalised, max of
// bulk and folded) and bulk / tail ESS of every scalar across the run's chains (ArviZ's
// conventions; one chain: its two halves). A K-chain run (or a folder pooled by bnn-cli merge)
// shows its K chains; a row of the table picks the scalar. The numbers are computed on the
// background runner. Runs without diagnostics (running, older folders, evaluations) say why.
// Threading: GUI thread only.

#include <QMap>
#include <QStringList>
#include <memory>
#include <vector>

#include "run/sample_diagnostics.h"
#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QChartView;
class QComboBox;
class QLabel;
class QTableWidget;
class QValueAxis;
QT_END_NAMESPACE

class DiagnosticsView : public AnalysisView {
  Q_OBJECT
 public:
  /// What the background runner derives from a run's diagnostics.
  struct Derived {
    std::vector<bnn::ScalarConvergence> table;
    std::vector<int64_t> chains;
    // acf[scalar][chain index in `chains`]: autocorrelation at lags 0..maxLag.
    std::vector<std::vector<std::vector<double>>> acf;
  };
  static constexpr int kMaxLag = 50;

  explicit DiagnosticsView(const ViewContext& context, QWidget* parent = nullptr);
  ~DiagnosticsView() override;

  Feeds feeds() const override { return Results; }
  void updateRun(const ViewRun& run) override;
  void removeRun(const QString& id) override;
  void selectRun(const QString& id) override;
  /// Trace and autocorrelation charts (CSV: the R̂ / ESS table), then the trace alone.
  QList<ChartExport> exports() const override;

  void setRun(const QString& id);
  void setScalar(const QString& name);
  QString currentRun() const;
  QString currentScalar() const;

  QComboBox* runBox() const { return m_runBox; }
  QComboBox* scalarBox() const { return m_scalarBox; }
  QChartView* traceChart() const { return m_trace; }
  QChartView* acfChart() const { return m_acf; }
  QTableWidget* table() const { return m_table; }
  /// The line above the table: chains and draws, how many scalars fail R̂ < 1.01, or why there
  /// is nothing to show.
  QString summaryText() const;
  std::shared_ptr<const Derived> derived(const QString& id) const { return m_derived.value(id); }

 Q_SIGNALS:
  void diagnosticsInstalled(const QString& runId);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  struct Entry {
    ViewRun run;
  };
  void refreshRunBox();
  void request(const QString& id);
  void refresh();
  void refreshCharts();

  QComboBox* m_runBox = nullptr;
  QComboBox* m_scalarBox = nullptr;
  QLabel* m_summary = nullptr;
  QChartView* m_trace = nullptr;
  QChartView* m_acf = nullptr;
  QValueAxis* m_traceX = nullptr;
  QValueAxis* m_traceY = nullptr;
  QValueAxis* m_acfX = nullptr;
  QValueAxis* m_acfY = nullptr;
  QTableWidget* m_table = nullptr;
  QWidget* m_right = nullptr;
  QMap<QString, Entry> m_runs;
  QStringList m_order;  // run ids in the order they arrived
  QMap<QString, std::shared_ptr<const Derived>> m_derived;
  QMap<QString, std::shared_ptr<const bnn::RunResult>> m_derivedFrom;
  QString m_scalar = QStringLiteral("potential");
};
