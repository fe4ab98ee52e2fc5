#include "shell/app_measurement.h"

#include <malloc.h>
#include <unistd.h>

#include <QFile>
#include <QTimer>
#include <cstdio>
#include <memory>
#include <vector>

#include "common/job_runner.h"
#include "common/latency_monitor.h"
#include "data_source/dataset_loader.h"
#include "runs/run_controller.h"
#include "runs/run_files.h"
#include "runs/run_list_model.h"
#include "shell/main_window.h"

namespace {

double residentMb() {
  QFile f(QStringLiteral("/proc/self/statm"));
  if (!f.open(QIODevice::ReadOnly)) return 0;
  const QList<QByteArray> fields = f.readAll().split(' ');
  return fields.size() > 1 ? fields[1].toDouble() * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0) : 0;
}

bnn::RunConfig shortRun(uint64_t seed) {
  bnn::RunConfig c = *bnn::presetConfig("example-sgld");
  c.warmupSteps = 100;
  c.evalEvery = 50;
  c.samplingSteps = 50;
  c.seed = seed;
  c.name = "Short " + std::to_string(seed + 1);
  return c;
}

}  // namespace

AppMeasurement::AppMeasurement(MainWindow* window, QObject* parent) : QObject(parent), m_window(window) {}

void AppMeasurement::report(const char* what) {
  const LatencyMonitor* m = m_window->latencyMonitor();
  const LatencyMonitor::Stats late = m->sinceReset();
  const LatencyMonitor::Stats busy = m->busySinceReset();
  std::printf(
      "%s: event loop late p50 %.2f ms, p99 %.2f ms, max %.1f ms; GUI-thread CPU per tick p50 %.2f ms, "
      "p99 %.2f ms, max %.1f ms (%lld ticks)\n",
      what, late.p50, late.p99, late.max, busy.p50, busy.p99, busy.max, static_cast<long long>(late.count));
  std::fflush(stdout);
}

void AppMeasurement::start() {
  const RunListModel* model = m_window->runModel();
  if (model->rowCount() == 0 || !model->recordAt(0).result) {
    std::printf("save and open: skipped (no finished run)\n");
    measureDataLoadWhileSampling();
    return;
  }
  m_dir = std::make_unique<QTemporaryDir>();
  QTimer::singleShot(1000, this, &AppMeasurement::measureSaveAndOpen);  // let the last refresh settle first
}

void AppMeasurement::measureSaveAndOpen() {
  RunFiles* files = m_window->runFiles();
  const QString path = m_dir->path() + QStringLiteral("/measured-run");
  connect(
      files, &RunFiles::saved, this,
      [this, files, path] {
        connect(
            files, &RunFiles::opened, this,
            [this](const QString& id) {
              QTimer::singleShot(1000, this, [this, id] {  // the opened run is drawn and analysed
                report("save, then open a finished run");
                m_window->runModel()->removeRun(id);
                measureDataLoadWhileSampling();
              });
            },
            Qt::SingleShotConnection);
        files->open(path);
      },
      Qt::SingleShotConnection);
  m_window->latencyMonitor()->reset();
  files->save(m_window->runModel()->idAt(0), path);
}

void AppMeasurement::measureDataLoadWhileSampling() {
  bnn::RunConfig endless = shortRun(100);
  endless.name = "Sampling while data loads";
  endless.warmupSteps = 1000000;
  m_chain = m_window->startRun(endless);
  QTimer::singleShot(3000, this, [this] {  // the chain is up and drawing
    connect(
        m_window, &MainWindow::datasetLoaded, this,
        [this] {
          QTimer::singleShot(1000, this, [this] {
            report("open the data folder while a chain runs");
            connect(
                m_window, &MainWindow::allRunsFinished, this,
                [this] { QTimer::singleShot(500, this, &AppMeasurement::measureMemory); },
                Qt::SingleShotConnection);
            m_window->stopRun(m_chain);
          });
        },
        Qt::SingleShotConnection);
    m_window->latencyMonitor()->reset();
    m_window->loadData(m_window->dataLoader()->directory());
  });
}

void AppMeasurement::measureMemory() {
  RunListModel* model = m_window->runModel();
  while (model->rowCount() > 0) model->removeRun(model->idAt(0));
  m_window->jobs()->waitForIdle();
  malloc_trim(0);
  m_rssBefore = residentMb();
  m_window->showView(QStringLiteral("uncertainty"));
  for (int i = 0; i < 10; ++i) m_memoryRuns << m_window->startRun(shortRun(uint64_t(i)));
  connect(
      m_window, &MainWindow::allRunsFinished, this,
      [this] {
        QTimer::singleShot(1000, this, [this] {
          m_window->jobs()->waitForIdle();
          const double withRuns = residentMb();
          RunListModel* model = m_window->runModel();
          std::vector<std::weak_ptr<const bnn::RunResult>> results;
          for (const QString& id : m_memoryRuns) {
            if (const RunRecord* r = model->record(id)) results.push_back(r->result);
            model->removeRun(id);
          }
          m_window->jobs()->waitForIdle();
          QTimer::singleShot(500, this, [this, withRuns, results] {
            int held = 0;
            for (const auto& r : results) held += r.expired() ? 0 : 1;
            const double removed = residentMb();
            malloc_trim(0);
            const double trimmed = residentMb();
            std::printf(
                "memory, ten short runs: resident %.1f MB before, %.1f MB with all finished, %.1f MB "
                "after removing them, %.1f MB after malloc_trim(0) (%+.1f MB against before); results "
                "still held after removal: %d of %zu\n",
                m_rssBefore, withRuns, removed, trimmed, trimmed - m_rssBefore, held, results.size());
            std::fflush(stdout);
            Q_EMIT finished();
          });
        });
      },
      Qt::SingleShotConnection);
}
