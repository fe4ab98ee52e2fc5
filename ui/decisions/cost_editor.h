#pragma once
// CostEditor: the K x K cost matrix C[a, k] (cost of deciding a when the truth is k) as an
// editable table (rows: decision, columns: true class; entries >= 0, the diagonal included),
// with the presets (0-1 loss, confusing 4 and 9 costs 10, missing a 7 costs 5), and loading and
// saving as CSV (the format of bnn-cli decide --costs; a refused file is named with its row and
// column and leaves the matrix as it was). Off-diagonal cells are tinted by cost.
// Threading: GUI thread only.

#include <QString>
#include <QWidget>

#include "analysis/decision.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;
QT_END_NAMESPACE

class CostEditor : public QWidget {
  Q_OBJECT
 public:
  explicit CostEditor(QWidget* parent = nullptr);

  const bnn::CostMatrix& costs() const { return m_costs; }
  /// Shows `costs` (must be valid); the preset box names the preset it equals, or "Custom".
  void setCosts(const bnn::CostMatrix& costs);
  void applyPreset(bnn::CostPreset preset);
  /// Reads a CSV file; on failure the matrix is kept and the message (file, row, column) returned.
  QString loadFile(const QString& path);
  /// Writes the matrix as CSV; "" or the reason.
  QString saveFile(const QString& path) const;
  /// Sets one entry as typed (refused: negative, NaN or infinite; returns false).
  bool setEntry(int decision, int truth, double value);

  QTableWidget* table() const { return m_table; }
  QComboBox* presetBox() const { return m_preset; }
  /// "0-1 loss", a preset's label, or "Custom".
  QString presetText() const;

 Q_SIGNALS:
  void costsChanged(const bnn::CostMatrix& costs);
  void statusMessage(const QString& text);

 private:
  void showCosts();
  void cellEdited(int row, int column);

  bnn::CostMatrix m_costs;
  QTableWidget* m_table = nullptr;
  QComboBox* m_preset = nullptr;
  QPushButton* m_load = nullptr;
  QPushButton* m_save = nullptr;
  QLabel* m_message = nullptr;
  bool m_filling = false;
};
