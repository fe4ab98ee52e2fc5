#include "explorer/threshold_control.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <cmath>

#include "explorer/explorer_state.h"

namespace {
constexpr int kSteps = 1000;  // slider resolution: t in steps of 0.001
constexpr int kDebounceMs = 60;
}  // namespace

ThresholdControl::ThresholdControl(ExplorerState* state, QWidget* parent) : QWidget(parent), m_state(state) {
  auto* h = new QHBoxLayout(this);
  h->setContentsMargins(0, 0, 0, 0);
  m_slider = new QSlider(Qt::Horizontal, this);
  m_slider->setRange(int(std::lround(ExplorerState::kMinThreshold * kSteps)),
                     int(std::lround(ExplorerState::kMaxThreshold * kSteps)));
  m_slider->setMinimumWidth(60);
  m_spin = new QDoubleSpinBox(this);
  m_spin->setRange(ExplorerState::kMinThreshold, ExplorerState::kMaxThreshold);
  m_spin->setDecimals(3);
  m_spin->setSingleStep(0.005);
  const QString tip = QStringLiteral(
      "Certainty threshold t, from 0.1 to 1: an image is certain (retained) when max p̄ ≥ t and "
      "uncertain when max p̄ < t. The example uses 0.95.");
  auto* label = new QLabel(QStringLiteral("&Threshold t:"), this);
  label->setBuddy(m_spin);
  for (QWidget* w :
       {static_cast<QWidget*>(label), static_cast<QWidget*>(m_slider), static_cast<QWidget*>(m_spin)})
    w->setToolTip(tip);
  h->addWidget(label);
  h->addWidget(m_slider, 1);
  h->addWidget(m_spin);
  show(state->threshold());

  m_debounce.setSingleShot(true);
  m_debounce.setInterval(kDebounceMs);
  connect(&m_debounce, &QTimer::timeout, this, [this] { m_state->setThreshold(m_pending); });
  connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
    m_pending = double(v) / kSteps;
    const QSignalBlocker block(m_spin);
    m_spin->setValue(m_pending);
    m_debounce.start();  // the newest position wins
  });
  connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    m_debounce.stop();
    const QSignalBlocker block(m_slider);
    m_slider->setValue(int(std::lround(v * kSteps)));
    m_state->setThreshold(v);
  });
  connect(state, &ExplorerState::thresholdChanged, this, &ThresholdControl::show);
}

void ThresholdControl::show(double t) {
  const QSignalBlocker b1(m_slider), b2(m_spin);
  m_slider->setValue(int(std::lround(t * kSteps)));
  m_spin->setValue(t);
}
