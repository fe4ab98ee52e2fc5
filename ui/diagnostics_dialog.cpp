#include "diagnostics_dialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QTimer>
#include <QVBoxLayout>

DiagnosticsDialog::DiagnosticsDialog(std::function<QString()> report, QWidget* parent)
    : QDialog(parent), m_report(std::move(report)) {
  setWindowTitle(QStringLiteral("Diagnostics"));
  auto* layout = new QVBoxLayout(this);
  m_text = new QPlainTextEdit(this);
  m_text->setReadOnly(true);
  m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  m_text->setMinimumSize(640, 220);
  layout->addWidget(m_text);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  auto* timer = new QTimer(this);
  connect(timer, &QTimer::timeout, this, &DiagnosticsDialog::refresh);
  timer->start(1000);
  refresh();
}

void DiagnosticsDialog::refresh() { m_text->setPlainText(m_report()); }
