#pragma once
// RunListModel: every run of the session (live and finished) and every run opened from disk, one
// row each. The name column is editable and checkable (checked = shown in the charts); other
// columns show sampler, status, samples and accuracy. Each row keeps the run's curve as it grows,
// its latest progress, the newest predictive snapshot and, once finished or loaded, its RunResult
// (shared and immutable: views hold the same object; removing a row lets go of it). Colours come
// from runColor(), one per run of the session, never reused.
// Threading: GUI thread only.

#include <QAbstractTableModel>
#include <QColor>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

#include "run/run_engine.h"

struct RunRecord {
  QString id;
  QString name;
  bool shown = true;
  QColor color;
  bnn::RunConfig config;
  bool live = false;       // started in this session and not finished yet
  bool loaded = false;     // opened from disk
  bool recovered = false;  // restored from the recovery folder of a session that died
  bnn::RunStatus status = bnn::RunStatus::Running;
  QString message;  // outcome message (errors, divergence)
  std::vector<bnn::CurvePoint> curve;
  quint64 curveVersion = 0;  // bumped whenever the curve changes
  bool hasProgress = false;
  bnn::ChainProgress progress;
  std::shared_ptr<const bnn::RunResult> snapshot;  // latest predictive snapshot of a live run
  std::shared_ptr<const bnn::RunResult> result;    // final or loaded result
  QString path;                                    // folder it was saved to or opened from
  QString dataset;          // the data it used: "MNIST (verified)" (common/dataset_text.h)
  QString datasetTip;       // name, checksum status and folder
  bool evaluation = false;  // made by evaluating another run's kept samples ("Evaluate on…")
  QString sourceId;         // that run's id (evaluations made in this session)
  QString groupId;          // one chain of a K-chain run: the id of the group's pooled row (else empty)

  /// The newest result with predictive data: final/loaded, else the snapshot (may be null).
  std::shared_ptr<const bnn::RunResult> latestResult() const { return result ? result : snapshot; }
  /// A final result that is in no folder the user chose (finished here, or recovered).
  bool unsaved() const { return result && path.isEmpty(); }
  /// Ensemble accuracy of the latest sampling point (NaN if none).
  double ensembleAccuracy() const;
  qint64 samples() const;
};

class RunListModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    NameColumn,
    SamplerColumn,
    DatasetColumn,
    StatusColumn,
    SamplesColumn,
    AccuracyColumn,
    SourceColumn,
    ColumnCount
  };
  enum Role { IdRole = Qt::UserRole + 1 };

  explicit RunListModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  /// Adds a live run (status Running) on the data `data` (null: not recorded). The name is made unique.
  void addLiveRun(const QString& id, const QString& name, const bnn::RunConfig& config,
                  const bnn::Dataset* data = nullptr);
  /// Adds a run opened from `path`; returns its id ("loaded-N").
  QString addLoadedRun(const QString& name, std::shared_ptr<const bnn::RunResult> result,
                       const QString& path);
  /// Adds the pooled result of a K-chain run started here, as the head of its group: the row
  /// goes above the first of `chainIds`, which are shown indented under it. Returns its id.
  /// With `path`: the group was opened from that K-chain folder (the chains from its chain-<i>).
  QString addPooledRun(const QString& name, std::shared_ptr<const bnn::RunResult> result,
                       const QStringList& chainIds, const QString& path = {});
  /// Adds a run restored from the recovery folder (not saved anywhere yet); returns its id.
  QString addRecoveredRun(const QString& name, std::shared_ptr<const bnn::RunResult> result);
  /// Adds the result of evaluating run `sourceId`'s kept samples (not saved anywhere yet);
  /// returns its id ("eval-N").
  QString addEvaluation(const QString& name, std::shared_ptr<const bnn::RunResult> result,
                        const QString& sourceId);
  void removeRun(const QString& id);

  void appendCurve(const QString& id, const QList<bnn::CurvePoint>& points);
  void setProgress(const QString& id, const bnn::ChainProgress& progress);
  void setSnapshot(const QString& id, std::shared_ptr<const bnn::RunResult> snapshot);
  void setResult(const QString& id, std::shared_ptr<const bnn::RunResult> result);
  void setPath(const QString& id, const QString& path);
  bool rename(const QString& id, const QString& name);
  void setShown(const QString& id, bool shown);

  int rowOf(const QString& id) const;
  const RunRecord* record(const QString& id) const;
  const RunRecord& recordAt(int row) const { return m_records[static_cast<size_t>(row)]; }
  QString idAt(int row) const;
  QStringList ids() const;
  /// Runs whose final result is not saved (RunRecord::unsaved), in list order.
  QStringList unsavedRuns() const;
  /// Bumped on any change that views of the curves care about (curves, names, shown, colours).
  quint64 chartVersion() const { return m_chartVersion; }

  /// A name not yet used by any row ("Example SGLD", "Example SGLD (2)", ...). A name that
  /// already ends in " (n)" is numbered from its base: "Example SGLD (2)" opened twice gives
  /// "Example SGLD (3)", not "Example SGLD (2) (2)".
  QString uniqueName(const QString& base) const;

 Q_SIGNALS:
  void runRenamed(const QString& id, const QString& name);
  void shownChanged(const QString& id, bool shown);
  /// The run's name, result, snapshot or status changed (not sent for every curve point).
  void runUpdated(const QString& id);
  /// Sent before a row is removed; its record is still readable.
  void runAboutToBeRemoved(const QString& id);

 private:
  RunRecord* find(const QString& id);
  bool isValidRow(const QModelIndex& index) const;
  void rowChanged(int row, int firstColumn = 0, int lastColumn = ColumnCount - 1);
  QColor nextColor();
  /// A row for a finished result: a unique name, the next colour, the result's configuration,
  /// outcome and data.
  RunRecord finishedRecord(const QString& id, const QString& name,
                           std::shared_ptr<const bnn::RunResult> result);
  /// Inserts `r` at `row`; returns its id (the caller announces it with runUpdated).
  QString insertRecord(RunRecord r, int row);

  std::vector<RunRecord> m_records;
  int m_colorIndex = 0;  // runs ever added: colours are never reused
  int m_loadedCount = 0;
  int m_evaluationCount = 0;
  quint64 m_chartVersion = 1;
};
