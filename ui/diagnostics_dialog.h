#pragma once
// DiagnosticsDialog: event-loop latency (p50 / p99, overall and while two or more chains ran),
// worker-pool size, running chains and the data in use; refreshed every second while open.
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

 private:
  void refresh();
  std::function<QString()> m_report;
  QPlainTextEdit* m_text = nullptr;
};
