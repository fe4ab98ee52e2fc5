#include "explorer/per_digit_pane.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "common/elided_label.h"
#include "explorer/explorer_state.h"

PerDigitPane::PerDigitPane(const ExplorerState* state, QWidget* parent) : QWidget(parent), m_state(state) {
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(2, 2, 2, 2);
  auto* row = new QHBoxLayout;
  m_mode = new QComboBox(this);
  m_mode->addItem(QStringLiteral("Number of uncertain images"));
  m_mode->addItem(QStringLiteral("Share of the digit's images (%)"));
  m_mode->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto* label = new QLabel(QStringLiteral("Bars:"), this);
  label->setBuddy(m_mode);
  row->addWidget(label);
  row->addWidget(m_mode);
  auto* hint = new ElidedLabel(QStringLiteral("click a bar to show that digit in the gallery"), this);
  hint->setEnabled(false);
  row->addWidget(hint, 1);
  v->addLayout(row);

  m_chart = makeChartView(QString(), this);
  m_series = new QBarSeries;
  m_series->setLabelsVisible(true);
  m_series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
  QChart* chart = m_chart->chart();
  chart->addSeries(m_series);
  auto* ax = m_axisX = new QBarCategoryAxis;
  for (int c = 0; c < 10; ++c) ax->append(QString::number(c));
  ax->setTitleText(QStringLiteral("true digit"));
  m_axisY = new QValueAxis;
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(m_axisY, Qt::AlignLeft);
  m_series->attachAxis(ax);
  m_series->attachAxis(m_axisY);
  v->addWidget(m_chart, 1);

  connect(m_mode, &QComboBox::currentIndexChanged, this, &PerDigitPane::refresh);
  connect(m_series, &QBarSeries::clicked, this, [this](int index, QBarSet*) { Q_EMIT digitClicked(index); });
  connect(state, &ExplorerState::shownChanged, this, &PerDigitPane::refresh);
  connect(state, &ExplorerState::thresholdChanged, this, &PerDigitPane::refresh);
  refresh();
}

void PerDigitPane::setShowShare(bool share) { m_mode->setCurrentIndex(share ? 1 : 0); }

bool PerDigitPane::showsShare() const { return m_mode->currentIndex() == 1; }

void PerDigitPane::refresh() {
  const bool share = showsShare();
  const double t = m_state->threshold();
  const ExplorerRun* first = m_state->primary();
  const bnn::RunResult* named = first && first->result ? first->result.get() : nullptr;
  const QString noun = named ? QString::fromStdString(named->classNoun()) : QStringLiteral("digit");
  if (named)
    for (int c = 0; c < m_axisX->count(); ++c) {
      const QString n = QString::fromStdString(named->className(c));
      if (m_axisX->at(c) != n) m_axisX->replace(m_axisX->at(c), n);
    }
  m_axisX->setTitleText(QStringLiteral("true ") + noun);
  m_series->clear();
  double maxValue = 0;
  int sets = 0;
  for (const ExplorerRun* e : {m_state->primary(), m_state->comparison()}) {
    if (!e || !e->hasSamples()) continue;
    const auto pc = bnn::perClassUncertainty(*e->analysis->analysis, t);
    auto* set = new QBarSet(e->name);
    set->setColor(e->color);
    set->setBorderColor(e->color.darker(120));
    set->setLabelColor(Qt::black);
    for (size_t c = 0; c < pc.total.size(); ++c) {
      const double value =
          share ? (std::isnan(pc.share[c]) ? 0.0 : 100.0 * pc.share[c]) : double(pc.uncertain[c]);
      set->append(value);
      maxValue = std::max(maxValue, value);
    }
    m_series->append(set);
    ++sets;
  }
  // Two bars per digit: labels turned upright along the bar, so neighbours never run together.
  m_series->setBarWidth(sets > 1 ? 0.85 : 0.6);
  m_series->setLabelsAngle(sets > 1 ? -90 : 0);
  m_series->setLabelsFormat(share ? QStringLiteral("@value%") : QStringLiteral("@value"));
  m_series->setLabelsPrecision(share ? 3 : 6);
  // Headroom for the labels above the tallest bar (more when they stand upright).
  TickOptions o;
  o.integer = !share;
  applyNiceTicks(m_axisY, 0, maxValue > 0 ? maxValue * (sets > 1 ? 1.3 : 1.15) : (share ? 1 : 5), o);
  m_axisY->setTitleText(share ? QStringLiteral("% of the %1's test images").arg(noun)
                              : QStringLiteral("uncertain images"));
  m_chart->chart()->setTitle(
      QStringLiteral("Uncertain test images (max p̄ &lt; %1) per true %2").arg(t, 0, 'f', 3).arg(noun));
}

ChartExport PerDigitPane::exportInfo() const {
  ChartExport e;
  e.title = QStringLiteral("Uncertain images per digit");
  e.baseName = QStringLiteral("per_digit");
  e.charts = {m_chart};
  QList<std::pair<QString, std::shared_ptr<const bnn::UncertaintyAnalysis>>> runs;
  for (const ExplorerRun* r : {m_state->primary(), m_state->comparison()})
    if (r && r->hasSamples()) runs.append({r->name, r->analysis->analysis});
  if (runs.isEmpty()) return e;
  const double t = m_state->threshold();
  e.csv = [runs, t] {
    std::string out;
    for (int i = 0; i < runs.size(); ++i)
      out += chart_export::withRunColumn(bnn::perClassCsv(bnn::perClassUncertainty(*runs[i].second, t), t),
                                         runs[i].first, i == 0);
    return out;
  };
  return e;
}
