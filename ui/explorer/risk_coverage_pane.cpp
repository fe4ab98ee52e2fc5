#include "explorer/risk_coverage_pane.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "explorer/explorer_state.h"

namespace {

// The points drawn: up to one per group of equal max p̄ (10,000 on MNIST), thinned so that each
// kept point moves coverage by at least 1/1000 or risk by at least 1/500 of the largest risk;
// the first and last points stay. A line of 10,000 points costs tens of milliseconds to draw on
// every repaint; the thinned one looks the same. AURC and the CSV use every point.
QList<QPointF> drawnPoints(const bnn::RiskCoverageCurve& rc, double riskMax) {
  QList<QPointF> points;
  const size_t n = rc.coverage.size();
  const double dRisk = riskMax / 500.0;
  for (size_t k = 0; k < n; ++k) {
    const QPointF p(rc.coverage[k], rc.risk[k]);
    if (k == 0 || k + 1 == n || p.x() - points.back().x() >= 1e-3 ||
        std::abs(p.y() - points.back().y()) >= dRisk)
      points.append(p);
  }
  return points;
}

}  // namespace

RiskCoveragePane::RiskCoveragePane(const ExplorerState* state, QWidget* parent)
    : QWidget(parent), m_state(state) {
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(2, 2, 2, 2);
  m_chart = makeChartView(QStringLiteral("Risk-coverage (most confident first)"), this);
  m_chart->setToolTip(
      QStringLiteral("Images sorted by max p̄, most confident first; images with equal max p̄ enter together. "
                     "Coverage: share of images kept; risk: error rate among them.\n"
                     "AURC: area under the curve, Σ (coverage step) × risk; without ties the mean of the N "
                     "selective risks. Lower is better. Dots: the operating point at the current t.\n"
                     "Drawn from a thinned set of points (a step of 0.001 in coverage or 1/500 of the "
                     "largest risk); AURC and the CSV export use every point."));
  m_curve[0] = makeLineSeries(Qt::black);
  m_curve[1] = makeLineSeries(Qt::black, Qt::DashLine);
  m_points = new QScatterSeries;
  m_points->setMarkerSize(9);
  m_points->setColor(Qt::black);
  QChart* c = m_chart->chart();
  for (QXYSeries* s : {static_cast<QXYSeries*>(m_curve[0]), static_cast<QXYSeries*>(m_curve[1]),
                       static_cast<QXYSeries*>(m_points)})
    c->addSeries(s);
  auto* axX = new QValueAxis;
  applyNiceTicks(axX, 0, 1);
  axX->setTitleText(QStringLiteral("coverage"));
  m_axisY = new QValueAxis;
  m_axisY->setTitleText(QStringLiteral("risk (error rate)"));
  c->addAxis(axX, Qt::AlignBottom);
  c->addAxis(m_axisY, Qt::AlignLeft);
  for (QXYSeries* s : {static_cast<QXYSeries*>(m_curve[0]), static_cast<QXYSeries*>(m_curve[1]),
                       static_cast<QXYSeries*>(m_points)}) {
    s->attachAxis(axX);
    s->attachAxis(m_axisY);
  }
  v->addWidget(m_chart, 1);
  connect(state, &ExplorerState::shownChanged, this, &RiskCoveragePane::refreshCurves);
  connect(state, &ExplorerState::thresholdChanged, this, &RiskCoveragePane::refreshPoints);
  refreshCurves();
}

void RiskCoveragePane::refreshCurves() {
  double riskMax = 0.0;
  const ExplorerRun* runs[2] = {m_state->primary(), m_state->comparison()};
  for (int i = 0; i < 2; ++i) {
    const ExplorerRun* e = runs[i];
    m_curve[i]->setVisible(e && e->hasSamples());
    if (!e || !e->hasSamples()) {
      m_curve[i]->clear();
      continue;
    }
    const bnn::RiskCoverageCurve& rc = e->analysis->riskCoverage;
    double runMax = 0.0;
    for (double r : rc.risk) runMax = std::max(runMax, r);
    riskMax = std::max(riskMax, runMax);
    m_curve[i]->replace(drawnPoints(rc, runMax));
    m_curve[i]->setName(QStringLiteral("%1 (AURC %2)").arg(e->name).arg(rc.aurc, 0, 'f', 5));
    QPen pen = m_curve[i]->pen();
    pen.setColor(e->color);
    m_curve[i]->setPen(pen);
  }
  applyNiceTicks(m_axisY, 0, riskMax > 0 ? riskMax * 1.05 : 1.0);
  refreshPoints();
}

void RiskCoveragePane::refreshPoints() {
  const double t = m_state->threshold();
  QList<QPointF> points;
  for (const ExplorerRun* e : {m_state->primary(), m_state->comparison()}) {
    if (!e || !e->hasSamples()) continue;
    const bnn::UncertaintyAnalysis& a = *e->analysis->analysis;
    const int64_t kept = bnn::retainedCount(a, t);
    if (kept == 0) continue;  // risk undefined at zero coverage
    points.append({double(kept) / double(a.numImages), 1.0 - bnn::retainedAccuracy(a, t)});
  }
  m_points->replace(points);
  m_points->setName(QStringLiteral("at t = %1").arg(t, 0, 'f', 3));
}

ChartExport RiskCoveragePane::exportInfo() const {
  ChartExport e;
  e.title = QStringLiteral("Risk-coverage");
  e.baseName = QStringLiteral("risk_coverage");
  e.charts = {m_chart};
  QList<std::pair<QString, std::shared_ptr<const RunAnalysis>>> runs;
  for (const ExplorerRun* r : {m_state->primary(), m_state->comparison()})
    if (r && r->hasSamples()) runs.append({r->name, r->analysis});
  if (runs.isEmpty()) return e;
  e.csv = [runs] {
    std::string out;
    for (int i = 0; i < runs.size(); ++i)
      out += chart_export::withRunColumn(bnn::riskCoverageCsv(runs[i].second->riskCoverage), runs[i].first,
                                         i == 0);
    return out;
  };
  return e;
}
