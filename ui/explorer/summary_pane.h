#pragma once
// SummaryPane: the numbers of the shown run (and of the compared run, a second row) at the
// current threshold, as a compact table: samples, ensemble and last-sample accuracy and their
// difference, test NLL, certain share, accuracy on the certain images, uncertain,
// misclassified, confidently wrong, mean mutual information and the smallest drop reaching 99%
// accuracy. Column headers are short; their tooltips define them. Scrolls sideways when narrow.
// Threading: GUI thread only.

#include <QWidget>

QT_BEGIN_NAMESPACE
class QTableWidget;
QT_END_NAMESPACE

class ExplorerState;
struct ExplorerRun;

class SummaryPane : public QWidget {
  Q_OBJECT
 public:
  enum Column {
    RunColumn,
    SamplesColumn,
    EnsembleColumn,
    LastSampleColumn,
    DifferenceColumn,
    NllColumn,
    CertainColumn,
    CertainAccuracyColumn,
    UncertainColumn,
    MisclassifiedColumn,
    ConfidentlyWrongColumn,
    MutualInformationColumn,
    Drop99Column,
    ColumnCount
  };

  explicit SummaryPane(const ExplorerState* state, QWidget* parent = nullptr);

  /// Rows shown: 0 (no run), 1, or 2 with a comparison.
  int rowCount() const;
  QString cellText(int row, Column column) const;
  /// One line per row, "header: value" pairs (tests, the clipboard).
  QString text() const;
  QTableWidget* table() const { return m_table; }

 private:
  void refresh();
  void fillRow(int row, const ExplorerRun& run);

  const ExplorerState* m_state;
  QTableWidget* m_table = nullptr;
};
