#pragma once
// SampledRuns: the runs a view that evaluates kept posterior samples knows, and which one it
// shows and compares with (the OOD and Shift views). Until the user chooses, the first run that
// has kept samples is shown; a run without samples is listed with the reason in the picker
// ("(no kept samples)", "(still sampling)"). Connected to a RunPairPicker it fills the picker
// and follows the user's choice.
// Threading: GUI thread only.

#include <QHash>
#include <QObject>
#include <QStringList>

#include "views/analysis_view.h"

class RunPairPicker;

class SampledRuns : public QObject {
  Q_OBJECT
 public:
  explicit SampledRuns(RunPairPicker* picker, QObject* parent = nullptr);

  /// Adds or updates a run; true when its kept samples changed (or it is new).
  bool setRun(const ViewRun& run);
  void removeRun(const QString& id);
  /// The user picked `id` in the run list: show it.
  void select(const QString& id);
  void setComparison(const QString& id);
  /// `primary` compared with `comparison`, each as soon as it is here (a pair started together).
  void setPair(const QString& primary, const QString& comparison);

  const ViewRun* run(const QString& id) const;
  const QString& primaryId() const { return m_primary; }
  const QString& comparisonId() const { return m_comparison; }
  /// The shown run, then the compared one (ids of known runs only).
  QStringList shownIds() const;
  bool isEmpty() const { return m_order.isEmpty(); }

  /// Why `run` cannot be evaluated ("" when its samples are there).
  static QString problem(const ViewRun& run);

 Q_SIGNALS:
  /// The shown or compared run changed, or one of them got a new result, name or colour.
  void shownChanged();

 private:
  void refreshPicker();

  RunPairPicker* m_picker;
  QHash<QString, ViewRun> m_runs;
  QStringList m_order;  // in the order they arrived
  QString m_primary, m_comparison;
  bool m_userChose = false;
  QString m_wantedPrimary, m_wantedComparison;  // setPair's runs not here yet
  void applyWanted();
};
