#pragma once
// ProbeResultPane: what one run's kept posterior samples say about the probed image: the run
// (name, colour, dataset), p̄ and vote share per class (ProbeBars), the predicted class with
// max p̄, entropy H[p̄], expected entropy and mutual information, the strip of each sample's
// predicted class (SampleStrip), and the time the update took. Or, when the run cannot be
// probed, why (no kept samples, still sampling, an empty canvas).
// Threading: GUI thread only.

#include <QColor>
#include <QStringList>
#include <QWidget>
#include <cstdint>
#include <vector>

#include "run/posterior_probe.h"

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

class ProbeBars;
class SampleStrip;

class ProbeResultPane : public QWidget {
  Q_OBJECT
 public:
  explicit ProbeResultPane(QWidget* parent = nullptr);

  /// The run shown (empty name: none chosen).
  void setRun(const QString& name, const QColor& color, const QString& datasetLabel,
              const QStringList& classNames, const std::vector<int64_t>& steps);
  /// The measures of a finished probe.
  void setProbe(const bnn::ImageProbe& probe);
  /// Nothing to show, and why (keeps the run's header).
  void setMessage(const QString& text);

  QString summaryText() const;
  QString messageText() const;
  const bnn::ImageProbe& probe() const { return m_probe; }
  bool hasProbe() const { return m_hasProbe; }

 private:
  QLabel* m_title = nullptr;
  QLabel* m_message = nullptr;
  ProbeBars* m_bars = nullptr;
  QLabel* m_summary = nullptr;
  QLabel* m_stripTitle = nullptr;
  SampleStrip* m_strip = nullptr;
  QLabel* m_timing = nullptr;
  QStringList m_names;
  std::vector<int64_t> m_steps;
  bnn::ImageProbe m_probe;
  bool m_hasProbe = false;
};
