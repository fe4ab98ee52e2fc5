#include "shell/diagnostics_dialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

DiagnosticsDialog::DiagnosticsDialog(std::function<QString()> report, QWidget* parent)
    : QDialog(parent), m_report(std::move(report)) {
  setWindowTitle(QStringLiteral("Diagnostics"));
  auto* layout = new QVBoxLayout(this);
  m_text = new QPlainTextEdit(this);
  m_text->setReadOnly(true);
  m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  m_text->setMinimumSize(640, 300);
  layout->addWidget(m_text);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  QPushButton* reset = buttons->addButton(QStringLiteral("Reset"), QDialogButtonBox::ResetRole);
  reset->setToolTip(QStringLiteral("Start a new measurement of the event-loop latency"));
  connect(reset, &QPushButton::clicked, this, [this] {
    Q_EMIT resetRequested();
    refresh();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  auto* timer = new QTimer(this);
  connect(timer, &QTimer::timeout, this, &DiagnosticsDialog::refresh);
  timer->start(1000);
  refresh();
}

QString DiagnosticsDialog::text() const { return m_text->toPlainText(); }

void DiagnosticsDialog::refresh() { m_text->setPlainText(m_report()); }
