#include "latency_monitor.h"

#include <algorithm>
#include <cmath>

namespace {
constexpr int kIntervalMs = 10;
constexpr size_t kRecentSamples = 6000;  // 60 s at 10 ms
}  // namespace

LatencyMonitor::LatencyMonitor(QObject* parent) : QObject(parent) {
  m_timer.setTimerType(Qt::PreciseTimer);
  m_timer.setInterval(kIntervalMs);
  connect(&m_timer, &QTimer::timeout, this, &LatencyMonitor::tick);
  m_clock.start();
  m_lastNs = m_clock.nsecsElapsed();
  m_timer.start();
}

void LatencyMonitor::tick() {
  const qint64 now = m_clock.nsecsElapsed();
  const double lateMs = std::max(0.0, double(now - m_lastNs) / 1e6 - kIntervalMs);
  m_lastNs = now;
  m_recent.push_back(lateMs);
  if (m_recent.size() > kRecentSamples) m_recent.pop_front();
  if (m_running && m_running() >= 2) m_twoChains.push_back(lateMs);
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

QString LatencyMonitor::summary() const {
  const Stats r = recent();
  const Stats t = twoChains();
  QString s = QStringLiteral(
                  "Event-loop lateness of a 10 ms timer, last 60 s: p50 %1 ms, p99 %2 ms, "
                  "max %3 ms (%4 samples)")
                  .arg(r.p50, 0, 'f', 2)
                  .arg(r.p99, 0, 'f', 2)
                  .arg(r.max, 0, 'f', 1)
                  .arg(r.count);
  s += QLatin1Char('\n');
  if (t.count)
    s += QStringLiteral("While two or more chains ran: p50 %1 ms, p99 %2 ms, max %3 ms (%4 samples)")
             .arg(t.p50, 0, 'f', 2)
             .arg(t.p99, 0, 'f', 2)
             .arg(t.max, 0, 'f', 1)
             .arg(t.count);
  else
    s += QStringLiteral("No samples yet with two or more chains running.");
  return s;
}
