#pragma once
// SampleStrip: one cell per kept posterior sample, in the order they were taken, coloured by the
// class that sample predicts (its argmax) and labelled with the class when the cell is wide
// enough: agreement between the samples at a glance, and where along the chain they changed
// their mind. A tooltip names the sample's sampling step, its class and its probability.
// Threading: GUI thread only.

#include <QStringList>
#include <QWidget>
#include <cstdint>
#include <vector>

class SampleStrip : public QWidget {
  Q_OBJECT
 public:
  explicit SampleStrip(QWidget* parent = nullptr);
  /// predicted[s] and its probability for each sample s; steps[s] its sampling step.
  void setSamples(const std::vector<uint8_t>& predicted, const std::vector<float>& probability,
                  const std::vector<int64_t>& steps, const QStringList& classNames);
  void clearSamples();
  /// The colour of class k (a fixed palette of ten, shared with the legend).
  static QColor classColor(int k);
  QSize sizeHint() const override { return {300, 26}; }
  QSize minimumSizeHint() const override { return {60, 18}; }

 protected:
  void paintEvent(QPaintEvent*) override;
  bool event(QEvent* e) override;

 private:
  int sampleAt(int x) const;
  std::vector<uint8_t> m_predicted;
  std::vector<float> m_probability;
  std::vector<int64_t> m_steps;
  QStringList m_names;
};
