#pragma once
// ThresholdControl: the certainty threshold t as a slider and a spin box kept in step, bounded
// to the threshold grid's range [0.1, 1] (below 0.1 every image is certain). Moving the slider
// sets the explorer state after a short pause (the newest position wins), typing sets it at once.
// Threading: GUI thread only.

#include <QTimer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QDoubleSpinBox;
class QSlider;
QT_END_NAMESPACE

class ExplorerState;

class ThresholdControl : public QWidget {
  Q_OBJECT
 public:
  explicit ThresholdControl(ExplorerState* state, QWidget* parent = nullptr);

  QSlider* slider() const { return m_slider; }
  QDoubleSpinBox* spinBox() const { return m_spin; }

 private:
  void show(double t);

  ExplorerState* m_state;
  QSlider* m_slider = nullptr;
  QDoubleSpinBox* m_spin = nullptr;
  QTimer m_debounce;
  double m_pending = 0;
};
