#pragma once
// LatencyMonitor: measures how late the GUI event loop serves a 10 ms precise timer (a blocked or
// overloaded loop shows up as lateness). Keeps the last 60 s of samples, and separately every
// sample taken while at least two chains ran, for p50 / p99 in the Diagnostics dialog.
// Threading: GUI thread only.

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <deque>
#include <functional>
#include <vector>

class LatencyMonitor : public QObject {
  Q_OBJECT
 public:
  struct Stats {
    qint64 count = 0;
    double p50 = 0, p99 = 0, max = 0;  // milliseconds late
  };

  explicit LatencyMonitor(QObject* parent = nullptr);
  /// Tells the monitor how many chains run (samples with >= 2 are also kept apart).
  void setRunningChainsProvider(std::function<int()> provider) { m_running = std::move(provider); }

  Stats recent() const;     // last 60 s
  Stats twoChains() const;  // all samples taken while >= 2 chains ran
  QString summary() const;  // one line per set

 private:
  void tick();
  static Stats statsOf(std::vector<double> v);

  QTimer m_timer;
  QElapsedTimer m_clock;
  qint64 m_lastNs = 0;
  std::deque<double> m_recent;
  std::vector<double> m_twoChains;
  std::function<int()> m_running;
};
