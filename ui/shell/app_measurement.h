#pragma once
// AppMeasurement (--measure): after the automated runs have finished, measures what the README
// reports about the GUI thread and memory, with the window as a user has it:
//   1. saving the first run into a temporary folder and opening it again;
//   2. re-reading the data folder (MD5 included) while a chain samples;
//   3. ten short runs started at once, finished, shown in the Uncertainty tab and removed:
//      resident memory before, after and after removal (then after malloc_trim).
// For 1 and 2 it prints the event loop's lateness and the GUI thread's CPU time per 10 ms tick
// (LatencyMonitor), p50 / p99 / max. The figure while two chains sample comes from the runs
// themselves (AppAutomation prints it). Prints to stdout; emits finished() when done.
// Threading: GUI thread only.

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

class MainWindow;

class AppMeasurement : public QObject {
  Q_OBJECT
 public:
  explicit AppMeasurement(MainWindow* window, QObject* parent = nullptr);
  /// Starts with the first finished run of the list (nothing to save: that step is skipped).
  void start();

 Q_SIGNALS:
  void finished();

 private:
  void measureSaveAndOpen();
  void measureDataLoadWhileSampling();
  void measureMemory();
  void report(const char* what);

  MainWindow* m_window;
  std::unique_ptr<QTemporaryDir> m_dir;
  QString m_chain;  // sampling while the data folder is read again
  QStringList m_memoryRuns;
  double m_rssBefore = 0;
};
