#pragma once
// ProbeBars: per class, the posterior predictive p̄_k (a bar in the run's colour, with its value)
// and the share of kept samples voting for the class (a thin grey bar beneath), labelled with the
// dataset's class names. Painted directly: it is redrawn at every update of a stroke.
// Threading: GUI thread only.

#include <QColor>
#include <QStringList>
#include <QWidget>
#include <vector>

class ProbeBars : public QWidget {
  Q_OBJECT
 public:
  explicit ProbeBars(QWidget* parent = nullptr);
  /// One entry per class (empty vectors: nothing shown).
  void setValues(const QStringList& classNames, const std::vector<double>& mean,
                 const std::vector<double>& voteShare, int predicted);
  void setColor(const QColor& color);
  void clearValues();
  QSize sizeHint() const override { return {260, 10 * 22 + 6}; }
  QSize minimumSizeHint() const override { return {160, 10 * 14 + 6}; }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  QStringList m_names;
  std::vector<double> m_mean, m_votes;
  int m_predicted = -1;
  QColor m_color = QColor(31, 119, 180);
};
