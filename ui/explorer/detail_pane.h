#pragma once
// DetailPane: one test image of the gallery: the digit drawn sharply, its true and predicted
// label, max p̄, vote share, entropy, expected entropy and mutual information, and a bar chart
// of the mean probability p̄ beside the vote share of every class; "Edit in canvas" sends the
// image to the drawing canvas. Shows the numbers of the
// result the gallery's tiles show (held or not), so tile and detail always agree.
// Threading: GUI thread only.

#include <QWidget>
#include <memory>

#include "analysis/uncertainty.h"
#include "run/run_result.h"

QT_BEGIN_NAMESPACE
class QBarCategoryAxis;
class QBarSet;
class QChartView;
class QGroupBox;
class QLabel;
class QPushButton;
QT_END_NAMESPACE

class DigitView;
class ElidedLabel;

class DetailPane : public QWidget {
  Q_OBJECT
 public:
  explicit DetailPane(QWidget* parent = nullptr);

  /// Shows image `index` of `analysis` (images from `run`); index < 0 or no analysis: empty.
  void showImage(std::shared_ptr<const bnn::RunResult> run,
                 std::shared_ptr<const bnn::UncertaintyAnalysis> analysis, int index);
  int image() const { return m_image; }
  /// With its titled frame (beside the charts) or without (as a tab of its own).
  void setFramed(bool framed);
  QString title() const;
  QString measures() const;  // rich text
  QChartView* chartView() const { return m_chart; }
  QBarSet* meanSet() const { return m_mean; }
  QBarSet* voteSet() const { return m_votes; }
  DigitView* digitView() const { return m_digit; }
  QPushButton* editButton() const { return m_edit; }

 Q_SIGNALS:
  /// "Edit in canvas": the image shown, to the drawing canvas.
  void editRequested(int image);

 private:
  int m_image = -1;
  std::shared_ptr<const bnn::RunResult> m_run;  // kept while shown
  std::shared_ptr<const bnn::UncertaintyAnalysis> m_analysis;
  QGroupBox* m_box = nullptr;
  DigitView* m_digit = nullptr;
  ElidedLabel* m_title = nullptr;
  QLabel* m_measures = nullptr;
  QPushButton* m_edit = nullptr;
  QChartView* m_chart = nullptr;
  QBarSet* m_mean = nullptr;
  QBarSet* m_votes = nullptr;
  QBarCategoryAxis* m_classAxis = nullptr;  // the run's class names
};
