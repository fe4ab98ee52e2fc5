#include "explorer/detail_pane.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>
#include <QValueAxis>

#include "charts/chart_style.h"
#include "common/digit_view.h"
#include "common/elided_label.h"
#include "explorer/explorer_text.h"

DetailPane::DetailPane(QWidget* parent) : QWidget(parent) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  m_box = new QGroupBox(QStringLiteral("Selected image"), this);
  auto* box = m_box;
  outer->addWidget(box);
  auto* lay = new QVBoxLayout(box);
  lay->setContentsMargins(4, 4, 4, 4);
  m_title = new ElidedLabel(QString(), box);
  m_title->setMinimumChars(20);
  QFont bold = m_title->font();
  bold.setBold(true);
  m_title->setFont(bold);
  lay->addWidget(m_title);

  auto* row = new QHBoxLayout;
  // Digit above its measures, in a scroll area: a short pane scrolls instead of overlapping.
  auto* textHost = new QWidget;
  auto* text = new QVBoxLayout(textHost);
  text->setContentsMargins(0, 0, 4, 0);
  m_digit = new DigitView(textHost);
  m_digit->setPlaceholder(QStringLiteral("Select a tile"));
  m_digit->setFixedSize(112, 112);  // 4 x 28: sharp pixels
  text->addWidget(m_digit, 0, Qt::AlignHCenter);
  m_edit = new QPushButton(QStringLiteral("Edit in canvas"), textHost);
  m_edit->setToolTip(QStringLiteral(
      "Put this image on the Draw and probe canvas: erase or add strokes, rotate, shift, thicken, "
      "and see what the kept samples make of it"));
  m_edit->setEnabled(false);
  connect(m_edit, &QPushButton::clicked, this, [this] {
    if (m_image >= 0) Q_EMIT editRequested(m_image);
  });
  text->addWidget(m_edit, 0, Qt::AlignHCenter);
  m_measures = new QLabel(textHost);
  m_measures->setTextFormat(Qt::RichText);
  m_measures->setWordWrap(true);
  m_measures->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_measures->setToolTip(explorer_text::definitions());
  m_measures->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  text->addWidget(m_measures);
  text->addStretch(1);
  auto* scroll = new QScrollArea;
  scroll->setWidget(textHost);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setMinimumWidth(170);
  scroll->setMaximumWidth(300);  // the measures need no more; the chart takes the rest
  row->addWidget(scroll, 2);

  m_chart = makeChartView(QStringLiteral("p̄ and vote share per class"));
  m_chart->setMinimumSize(190, 160);
  m_chart->setToolTip(
      QStringLiteral("mean probability p̄: the average of each sample's probability for the class.\n"
                     "vote share: the fraction of samples whose own prediction (argmax) is the class."));
  auto* series = new QBarSeries;
  m_mean = new QBarSet(QStringLiteral("p̄"));
  m_votes = new QBarSet(QStringLiteral("vote share"));
  m_mean->setColor(QColor(45, 110, 200));
  m_votes->setColor(QColor(150, 150, 150));
  for (int c = 0; c < 10; ++c) {
    m_mean->append(0);
    m_votes->append(0);
  }
  series->append(m_mean);
  series->append(m_votes);
  QChart* chart = m_chart->chart();
  chart->addSeries(series);
  auto* ax = m_classAxis = new QBarCategoryAxis;
  for (int c = 0; c < 10; ++c) ax->append(QString::number(c));
  ax->setTitleText(QStringLiteral("class"));
  auto* ay = new QValueAxis;
  ay->setRange(0, 1);
  ay->setTickCount(6);
  ay->setLabelFormat(QStringLiteral("%.1f"));
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(ay, Qt::AlignLeft);
  series->attachAxis(ax);
  series->attachAxis(ay);
  row->addWidget(m_chart, 3);
  lay->addLayout(row, 1);
  showImage(nullptr, nullptr, -1);
}

QString DetailPane::title() const { return m_title->text(); }

void DetailPane::setFramed(bool framed) {
  m_box->setTitle(framed ? QStringLiteral("Selected image") : QString());
  m_box->setFlat(!framed);
}

QString DetailPane::measures() const { return m_measures->text(); }

void DetailPane::showImage(std::shared_ptr<const bnn::RunResult> run,
                           std::shared_ptr<const bnn::UncertaintyAnalysis> analysis, int index) {
  m_run = std::move(run);
  m_analysis = std::move(analysis);
  m_edit->setEnabled(m_analysis && m_run && !m_run->testImages().empty() && index >= 0 &&
                     index < m_analysis->numImages);
  if (!m_analysis || index < 0 || index >= m_analysis->numImages) {
    m_image = -1;
    m_digit->setImage({});
    m_digit->setPlaceholder(m_analysis ? QStringLiteral("Select a tile") : QStringLiteral("No sampled run"));
    m_title->setText(QString());
    m_measures->setText(QString());
    for (int c = 0; c < 10; ++c) {
      m_mean->replace(c, 0);
      m_votes->replace(c, 0);
    }
    return;
  }
  m_image = index;
  const bnn::UncertaintyAnalysis& a = *m_analysis;
  if (m_run && m_classAxis->count() == a.numClasses)
    for (int c = 0; c < a.numClasses; ++c) {
      const QString n = QString::fromStdString(m_run->className(c));
      if (m_classAxis->at(c) != n) m_classAxis->replace(m_classAxis->at(c), n);
    }
  m_digit->setPlaceholder(QStringLiteral("no images in this run"));
  m_digit->setImage(m_run ? digitImage(*m_run, index) : QImage());
  const int truth = a.labels[size_t(index)], pred = a.predicted[size_t(index)];
  auto name = [this](int k) {
    return m_run ? QString::fromStdString(m_run->className(k)) : QString::number(k);
  };
  m_title->setText(QStringLiteral("Test image #%1: true %2, predicted %3%4")
                       .arg(index)
                       .arg(name(truth))
                       .arg(name(pred))
                       .arg(truth == pred ? QString() : QStringLiteral(" (wrong)")));
  m_measures->setText(
      QStringLiteral("max p̄ = %1<br>vote share of %2 = %3<br>"
                     "entropy H[p̄] = %4 nats<br>expected entropy E<sub>s</sub> H[p<sub>s</sub>] "
                     "= %5 nats (aleatoric)<br>mutual information = %6 nats (epistemic)")
          .arg(a.maxProb[size_t(index)], 0, 'f', 4)
          .arg(name(pred))
          .arg(a.vote(index, pred), 0, 'f', 3)
          .arg(a.entropy[size_t(index)], 0, 'f', 4)
          .arg(a.expectedEntropy[size_t(index)], 0, 'f', 4)
          .arg(a.mutualInformation[size_t(index)], 0, 'f', 4));
  for (int c = 0; c < std::min(10, a.numClasses); ++c) {
    m_mean->replace(c, a.probability(index, c));
    m_votes->replace(c, a.vote(index, c));
  }
}
