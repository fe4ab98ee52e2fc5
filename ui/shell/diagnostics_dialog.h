#pragma once
// DiagnosticsDialog: event-loop latency (p50 / p99 / max over the last 60 s, since the last
// reset and while two or more chains ran; the longest stalls with when they happened),
// worker-pool size, running chains, background jobs and the data in use; refreshed every second
// while open. "Reset" starts a new measurement (e.g. just before saving a run).
// Threading: GUI thread only.

#include <QDialog>
#include <functional>

QT_BEGIN_NAMESPACE
class QPlainTextEdit;
QT_END_NAMESPACE

class DiagnosticsDialog : public QDialog {
  Q_OBJECT
 public:
  /// `report` returns the text to show; called on open and every second.
  DiagnosticsDialog(std::function<QString()> report, QWidget* parent = nullptr);
  QString text() const;

 Q_SIGNALS:
  void resetRequested();

 private:
  void refresh();
  std::function<QString()> m_report;
  QPlainTextEdit* m_text = nullptr;
};
