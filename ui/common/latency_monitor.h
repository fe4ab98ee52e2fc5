#pragma once
// LatencyMonitor: measures how late the GUI event loop serves a 10 ms precise timer (a blocked or
// overloaded loop shows up as lateness). Keeps the last 60 s of samples, every sample taken while
// at least two chains ran, and the longest stalls since the last reset with the time they ended,
// for the Diagnostics dialog (Help → Diagnostics) and the status bar. Beside the lateness (what
// a user feels, which includes waiting for a core on a busy machine) it records the CPU time the
// GUI thread itself used between two ticks: the work this application puts on the GUI thread,
// independent of how loaded the machine is.
// Threading: GUI thread only.

#include <QElapsedTimer>
#include <QObject>
#include <QString>
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
  struct Stall {
    double ms = 0;         // lateness of the tick that ended the stall
    double atSeconds = 0;  // seconds since the monitor started (or was reset)
    int chainsRunning = 0;
  };

  explicit LatencyMonitor(QObject* parent = nullptr);
  /// Tells the monitor how many chains run (samples with >= 2 are also kept apart).
  void setRunningChainsProvider(std::function<int()> provider) { m_running = std::move(provider); }

  Stats recent() const;     // last 60 s
  Stats twoChains() const;  // all samples taken while >= 2 chains ran (since the last reset)
  Stats sinceReset() const;
  /// CPU milliseconds the GUI thread used between two ticks, since the last reset.
  Stats busySinceReset() const;
  /// The same, for the ticks taken while at least two chains ran.
  Stats twoChainsBusy() const;
  /// The longest stalls since the last reset, longest first (at most 8).
  const std::vector<Stall>& longestStalls() const { return m_longest; }
  /// Starts a new measurement: clears every sample and the stall list.
  void reset();
  QString summary() const;  // several lines: last 60 s, since reset, two chains, longest stalls

 private:
  void tick();
  static Stats statsOf(std::vector<double> v);

  QTimer m_timer;
  QElapsedTimer m_clock;
  qint64 m_lastNs = 0;
  qint64 m_resetNs = 0;
  std::deque<double> m_recent;
  std::vector<double> m_sinceReset;
  std::vector<double> m_busy;  // GUI-thread CPU ms per tick interval
  qint64 m_lastCpuNs = 0;
  std::vector<double> m_twoChains;
  std::vector<double> m_twoChainsBusy;
  std::vector<Stall> m_longest;
  std::function<int()> m_running;
};
