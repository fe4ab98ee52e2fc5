#include "explorer/threshold_pane.h"

#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSplitter>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "common/elided_label.h"
#include "explorer/explorer_state.h"
#include "explorer/explorer_text.h"

namespace {

const QColor kMarkerColor(110, 110, 110);

QValueAxis* setUpChart(QChartView* view, const QList<QLineSeries*>& series, const QString& yTitle) {
  QChart* c = view->chart();
  for (QLineSeries* s : series) c->addSeries(s);
  auto* axT = new QValueAxis;
  TickOptions o;
  o.target = 9;
  applyNiceTicks(axT, 0.1, 1.0, o);  // 0.1, 0.2, ..., 1.0
  axT->setTitleText(QStringLiteral("threshold t"));
  auto* axY = new QValueAxis;
  axY->setTitleText(yTitle);
  c->addAxis(axT, Qt::AlignBottom);
  c->addAxis(axY, Qt::AlignLeft);
  for (QLineSeries* s : series) {
    s->attachAxis(axT);
    s->attachAxis(axY);
  }
  return axT;
}

QValueAxis* yAxisOf(QChartView* view) {
  return qobject_cast<QValueAxis*>(view->chart()->axes(Qt::Vertical).value(0));
}

void hideFromLegend(QChartView* view, QLineSeries* s) {
  for (QLegendMarker* m : view->chart()->legend()->markers(s)) m->setVisible(false);
}

}  // namespace

ThresholdPane::ThresholdPane(const ExplorerState* state, QWidget* parent) : QWidget(parent), m_state(state) {
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(2, 2, 2, 2);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->setChildrenCollapsible(false);
  m_accuracyChart = makeChartView(QString());
  m_droppedChart = makeChartView(QString());
  m_accuracyChart->setToolTip(
      QStringLiteral("Accuracy of argmax p̄ on the images with max p̄ ≥ t, for t in linspace(0.1, 1.0, 90). "
                     "Where no image is retained the accuracy is undefined and the curve stops."));
  m_droppedChart->setToolTip(QStringLiteral("100 × (1 − retained / N) for the same thresholds"));
  for (int i = 0; i < 2; ++i) {
    m_accuracy[i] = makeLineSeries(Qt::black, i == 0 ? Qt::SolidLine : Qt::DashLine);
    m_dropped[i] = makeLineSeries(Qt::black, i == 0 ? Qt::SolidLine : Qt::DashLine);
  }
  m_accuracyMarker = makeLineSeries(kMarkerColor, Qt::DotLine, 1.5);
  m_droppedMarker = makeLineSeries(kMarkerColor, Qt::DotLine, 1.5);
  m_axisT = setUpChart(m_accuracyChart, {m_accuracy[0], m_accuracy[1], m_accuracyMarker},
                       QStringLiteral("accuracy on retained"));
  setUpChart(m_droppedChart, {m_dropped[0], m_dropped[1], m_droppedMarker}, QStringLiteral("% dropped"));
  m_accuracyY = yAxisOf(m_accuracyChart);
  TickOptions pct;
  applyNiceTicks(yAxisOf(m_droppedChart), 0, 100, pct);
  hideFromLegend(m_accuracyChart, m_accuracyMarker);
  hideFromLegend(m_droppedChart, m_droppedMarker);
  // Side by side down to 1024x700 (the pane shares the width with the gallery there).
  m_accuracyChart->setMinimumWidth(190);
  m_droppedChart->setMinimumWidth(190);
  split->addWidget(m_accuracyChart);
  split->addWidget(m_droppedChart);
  v->addWidget(split, 1);
  m_drop99 = new ElidedLabel(QString(), this);
  m_drop99->setMinimumChars(30);
  m_drop99->setToolTipSuffix(
      QStringLiteral("Over the 90 thresholds linspace(0.1, 1.0, 90): the smallest % of test images dropped "
                     "for which the accuracy on the retained images is at least 99%."));
  v->addWidget(m_drop99);

  connect(state, &ExplorerState::shownChanged, this, &ThresholdPane::refreshCurves);
  connect(state, &ExplorerState::thresholdChanged, this, &ThresholdPane::refreshMarkers);
  refreshCurves();
}

void ThresholdPane::refreshCurves() {
  double accMin = 1.0;
  QStringList drops;
  const ExplorerRun* runs[2] = {m_state->primary(), m_state->comparison()};
  for (int i = 0; i < 2; ++i) {
    const ExplorerRun* e = runs[i];
    for (QLineSeries* s : {m_accuracy[i], m_dropped[i]}) {
      s->setVisible(e && e->hasSamples());
      if (!e || !e->hasSamples()) s->clear();
    }
    if (!e || !e->hasSamples()) continue;
    const RunAnalysis& ra = *e->analysis;
    QList<QPointF> a, d;
    for (size_t k = 0; k < ra.curve.thresholds.size(); ++k) {
      // NaN accuracy (nothing retained) happens only for a suffix of thresholds: the curve stops.
      if (!std::isnan(ra.curve.accuracy[k])) {
        a.append({ra.curve.thresholds[k], ra.curve.accuracy[k]});
        accMin = std::min(accMin, ra.curve.accuracy[k]);
      }
      d.append({ra.curve.thresholds[k], ra.curve.percentDropped[k]});
    }
    m_accuracy[i]->replace(a);
    m_dropped[i]->replace(d);
    for (QLineSeries* s : {m_accuracy[i], m_dropped[i]}) {
      s->setName(e->name);
      QPen pen = s->pen();
      pen.setColor(e->color);
      s->setPen(pen);
    }
    drops << (ra.drop99.found ? QStringLiteral("%1: dropping %2% (t = %3) reaches %4")
                                    .arg(e->name)
                                    .arg(ra.drop99.percentDropped, 0, 'f', 2)
                                    .arg(ra.drop99.threshold, 0, 'f', 3)
                                    .arg(explorer_text::percent(ra.drop99.accuracy))
                              : QStringLiteral("%1: no threshold reaches 99%").arg(e->name));
  }
  const double lo = std::max(0.0, std::floor((accMin - 0.005) * 100.0) / 100.0);
  applyNiceTicks(m_accuracyY, std::min(lo, 0.99), 1.0);
  m_drop99->setText(drops.isEmpty() ? QStringLiteral("Smallest drop reaching 99% accuracy: no sampled run")
                                    : QStringLiteral("Smallest drop to 99% accuracy: ") +
                                          drops.join(QStringLiteral(" · ")));
  refreshMarkers();
}

void ThresholdPane::refreshMarkers() {
  const double t = m_state->threshold();
  m_accuracyMarker->replace({{t, m_accuracyY->min()}, {t, m_accuracyY->max()}});
  m_droppedMarker->replace({{t, 0.0}, {t, 100.0}});
  m_accuracyChart->chart()->setTitle(
      QStringLiteral("Accuracy on retained (max p̄ ≥ t) · dotted: t = %1").arg(t, 0, 'f', 3));
  m_droppedChart->chart()->setTitle(
      QStringLiteral("% of test images dropped · dotted: t = %1").arg(t, 0, 'f', 3));
}

QString ThresholdPane::drop99Text() const { return m_drop99->text(); }

ChartExport ThresholdPane::exportInfo() const {
  ChartExport e;
  e.title = QStringLiteral("Threshold curves");
  e.baseName = QStringLiteral("threshold_curve");
  e.charts = {m_accuracyChart, m_droppedChart};
  QList<std::pair<QString, std::shared_ptr<const RunAnalysis>>> runs;
  for (const ExplorerRun* r : {m_state->primary(), m_state->comparison()})
    if (r && r->hasSamples()) runs.append({r->name, r->analysis});
  if (runs.isEmpty()) return e;
  e.csv = [runs] {
    std::string out;
    for (int i = 0; i < runs.size(); ++i)
      out +=
          chart_export::withRunColumn(bnn::thresholdCurveCsv(runs[i].second->curve), runs[i].first, i == 0);
    return out;
  };
  return e;
}
