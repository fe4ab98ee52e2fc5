#include "common/latency_monitor.h"

#include <time.h>

#include <algorithm>
#include <cmath>

namespace {
constexpr int kIntervalMs = 10;
constexpr size_t kRecentSamples = 6000;  // 60 s at 10 ms
constexpr size_t kLongest = 8;

qint64 threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
}  // namespace

LatencyMonitor::LatencyMonitor(QObject* parent) : QObject(parent) {
  m_timer.setTimerType(Qt::PreciseTimer);
  m_timer.setInterval(kIntervalMs);
  connect(&m_timer, &QTimer::timeout, this, &LatencyMonitor::tick);
  m_clock.start();
  m_lastNs = m_resetNs = m_clock.nsecsElapsed();
  m_lastCpuNs = threadCpuNs();
  m_timer.start();
}

void LatencyMonitor::tick() {
  const qint64 now = m_clock.nsecsElapsed();
  const double lateMs = std::max(0.0, double(now - m_lastNs) / 1e6 - kIntervalMs);
  m_lastNs = now;
  const qint64 cpu = threadCpuNs();
  const double busyMs = double(cpu - m_lastCpuNs) / 1e6;
  m_busy.push_back(busyMs);
  m_lastCpuNs = cpu;
  m_recent.push_back(lateMs);
  if (m_recent.size() > kRecentSamples) m_recent.pop_front();
  m_sinceReset.push_back(lateMs);
  const int running = m_running ? m_running() : 0;
  if (running >= 2) {
    m_twoChains.push_back(lateMs);
    m_twoChainsBusy.push_back(busyMs);
  }
  if (m_longest.size() < kLongest || lateMs > m_longest.back().ms) {
    const Stall s{lateMs, double(now - m_resetNs) / 1e9, running};
    auto at = std::upper_bound(m_longest.begin(), m_longest.end(), s,
                               [](const Stall& a, const Stall& b) { return a.ms > b.ms; });
    m_longest.insert(at, s);
    if (m_longest.size() > kLongest) m_longest.pop_back();
  }
}

void LatencyMonitor::reset() {
  m_recent.clear();
  m_sinceReset.clear();
  m_busy.clear();
  m_twoChains.clear();
  m_twoChainsBusy.clear();
  m_longest.clear();
  m_lastNs = m_resetNs = m_clock.nsecsElapsed();
  m_lastCpuNs = threadCpuNs();
}

LatencyMonitor::Stats LatencyMonitor::statsOf(std::vector<double> v) {
  Stats s;
  s.count = qint64(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto q = [&](double p) {
    const size_t i = std::min(v.size() - 1, size_t(std::ceil(p * double(v.size()))) - 1);
    return v[i];
  };
  s.p50 = q(0.5);
  s.p99 = q(0.99);
  s.max = v.back();
  return s;
}

LatencyMonitor::Stats LatencyMonitor::recent() const {
  return statsOf(std::vector<double>(m_recent.begin(), m_recent.end()));
}

LatencyMonitor::Stats LatencyMonitor::twoChains() const { return statsOf(m_twoChains); }

LatencyMonitor::Stats LatencyMonitor::twoChainsBusy() const { return statsOf(m_twoChainsBusy); }

LatencyMonitor::Stats LatencyMonitor::sinceReset() const { return statsOf(m_sinceReset); }

LatencyMonitor::Stats LatencyMonitor::busySinceReset() const { return statsOf(m_busy); }

QString LatencyMonitor::summary() const {
  auto line = [](const QString& what, const Stats& s) {
    return QStringLiteral("%1: p50 %2 ms, p99 %3 ms, max %4 ms (%5 samples)")
        .arg(what)
        .arg(s.p50, 0, 'f', 2)
        .arg(s.p99, 0, 'f', 2)
        .arg(s.max, 0, 'f', 1)
        .arg(s.count);
  };
  QString s = QStringLiteral("Event-loop lateness of a 10 ms timer\n");
  s += line(QStringLiteral("  last 60 s"), recent()) + QLatin1Char('\n');
  s += line(QStringLiteral("  since reset"), sinceReset()) + QLatin1Char('\n');
  const Stats t = twoChains();
  s += t.count ? line(QStringLiteral("  while two or more chains ran"), t)
               : QStringLiteral("  no samples yet with two or more chains running");
  s += QLatin1Char('\n') +
       line(QStringLiteral("GUI-thread CPU time between ticks, since reset"), busySinceReset());
  s += QStringLiteral("\nLongest stalls since reset (ms late, seconds after reset, chains running):");
  if (m_longest.empty()) s += QStringLiteral(" none");
  for (const Stall& st : m_longest)
    s += QStringLiteral("\n  %1 ms at %2 s (%3)")
             .arg(st.ms, 0, 'f', 1)
             .arg(st.atSeconds, 0, 'f', 1)
             .arg(st.chainsRunning);
  return s;
}
