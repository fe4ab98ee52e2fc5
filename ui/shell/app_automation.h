#pragma once
// AppAutomation: what the command line asks the main window to do by itself: load the data
// folder, put the preset and overrides into the run form, show a view, start the configured run
// or the SGLD-vs-SGHMC comparison once the data is loaded, and when every run has finished, print
// the event-loop latency measured while two chains ran, take the measurements of --measure
// (AppMeasurement), save a screenshot and quit (exit code 1 when a run did not complete or the
// data could not be loaded).
// Threading: GUI thread only.

#include <QObject>

#include "shell/app_options.h"

class MainWindow;

class AppAutomation : public QObject {
  Q_OBJECT
 public:
  AppAutomation(MainWindow* window, AppOptions options);

  /// Applies the options to the window and starts loading the data. Call once, before show().
  void start();
  int exitCode() const { return m_exitCode; }

 Q_SIGNALS:
  /// The screenshot (if any) is written; with --quit-when-done the application quits next.
  void finished(int exitCode);

 private:
  void onDataLoaded();
  void onDataFailed(const QString& error);
  void onAllRunsFinished();
  void finish();

  MainWindow* m_window;
  AppOptions m_options;
  bool m_started = false;
  bool m_measuring = false;
  bool m_done = false;
  int m_exitCode = 0;
};
