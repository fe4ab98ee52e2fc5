#include "shell/app_automation.h"

#include <QApplication>
#include <QTimer>
#include <cstdio>

#include "common/latency_monitor.h"
#include "runs/run_controller.h"
#include "runs/run_list_model.h"
#include "runs/run_panel.h"
#include "shell/app_measurement.h"
#include "shell/main_window.h"

AppAutomation::AppAutomation(MainWindow* window, AppOptions options)
    : QObject(window), m_window(window), m_options(std::move(options)) {}

void AppAutomation::start() {
  const AppOptions& o = m_options;
  if (o.noConfirm || o.quitWhenDone) m_window->setConfirmOnClose(false);
  // A command-line session leaves the user's settings (last configuration, data folder) alone.
  if (o.automated()) m_window->setRememberSettings(false);
  if (o.presetGiven || !o.overrides.empty()) {
    m_window->runPanel()->applyPreset(o.preset);
    m_window->runPanel()->setConfig(o.runConfig());
  }
  if (!o.view.isEmpty()) m_window->showView(o.view);
  if (o.automated()) {
    connect(m_window, &MainWindow::datasetLoaded, this, &AppAutomation::onDataLoaded);
    connect(m_window, &MainWindow::datasetFailed, this, &AppAutomation::onDataFailed);
    connect(m_window, &MainWindow::allRunsFinished, this, &AppAutomation::onAllRunsFinished);
  }
  if (!o.dataDir.isEmpty())
    m_window->loadData(o.dataDir);
  else
    m_window->loadDefaultData();
}

void AppAutomation::onDataLoaded() {
  if (m_started) return;
  m_started = true;
  if (m_options.compare) {
    m_window->startComparison(m_options.overrides);
    if (m_options.view.isEmpty()) m_window->showView(QStringLiteral("comparison"));
  } else if (m_options.run) {
    m_window->startRun(m_options.runConfig());
  }
  if (m_window->controller()->runningCount() == 0)  // nothing to wait for: finish once laid out
    QTimer::singleShot(500, this, &AppAutomation::finish);
}

void AppAutomation::onDataFailed(const QString& error) {
  if (m_started) return;
  std::fprintf(stderr, "bnn-explorer: %s\n", error.toLocal8Bit().constData());
  m_exitCode = 1;
  if (m_options.run || m_options.compare) {
    m_started = true;
    QTimer::singleShot(300, this, &AppAutomation::finish);
  }
}

void AppAutomation::onAllRunsFinished() {
  if (!m_started || m_measuring) return;
  const RunListModel* model = m_window->runModel();
  for (int row = 0; row < model->rowCount(); ++row) {
    const RunRecord& r = model->recordAt(row);
    if (r.result && r.result->outcome.status != bnn::RunStatus::Completed) m_exitCode = 1;
  }
  const LatencyMonitor* latency = m_window->latencyMonitor();
  const LatencyMonitor::Stats two = latency->twoChains();
  if (two.count > 0)
    std::fprintf(stdout,
                 "event-loop latency with two chains running: p50 %.2f ms, p99 %.2f ms, "
                 "max %.1f ms (%lld samples of a 10 ms timer)\n",
                 two.p50, two.p99, two.max, static_cast<long long>(two.count));
  const LatencyMonitor::Stats busy = latency->twoChainsBusy();
  if (busy.count > 0)
    std::fprintf(
        stdout,
        "GUI-thread CPU time per tick with two chains running: p50 %.2f ms, p99 %.2f ms, max %.1f ms\n",
        busy.p50, busy.p99, busy.max);
  std::fflush(stdout);
  if (m_options.measure) {
    m_measuring = true;
    auto* measurement = new AppMeasurement(m_window, this);
    connect(measurement, &AppMeasurement::finished, this,
            [this] { QTimer::singleShot(300, this, &AppAutomation::finish); });
    measurement->start();
    return;
  }
  // Let the last refresh be laid out and painted before the screenshot.
  QTimer::singleShot(300, this, &AppAutomation::finish);
}

void AppAutomation::finish() {
  if (m_done) return;
  m_done = true;
  if (!m_options.screenshot.isEmpty()) {
    QApplication::processEvents();
    if (!m_window->grab().save(m_options.screenshot, "PNG")) {
      std::fprintf(stderr, "bnn-explorer: could not write screenshot %s\n",
                   m_options.screenshot.toLocal8Bit().constData());
      m_exitCode = 1;
    }
  }
  Q_EMIT finished(m_exitCode);
  if (m_options.quitWhenDone) {
    m_window->setConfirmOnClose(false);
    m_window->close();
    QCoreApplication::exit(m_exitCode);
  }
}
