#include "charts/accuracy_chart.h"

#include <QAction>
#include <QComboBox>
#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/axis_ticks.h"
#include "charts/chart_export.h"
#include "charts/chart_style.h"
#include "util/format.h"

namespace {

// The example's y ticks for the warm-up chart.
const QList<double> kExampleTicks{0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0};

QString xTitle(AccuracyChart::Kind kind, AccuracyChart::XAxis x, AccuracyChart::Metric m) {
  switch (kind) {
    case AccuracyChart::Kind::Warmup:
      return QStringLiteral("Number of warm-up steps");
    case AccuracyChart::Kind::Sampling:
      return QStringLiteral("Number of sampling steps");
    case AccuracyChart::Kind::Comparison:
      switch (x) {
        case AccuracyChart::XAxis::Steps:
          return m == AccuracyChart::Metric::Ensemble
                     ? QStringLiteral("Number of sampling steps")
                     : QStringLiteral("Number of steps (warm-up, then sampling)");
        case AccuracyChart::XAxis::GradEvals:
          return QStringLiteral("Gradient evaluations (since the start of the run)");
        case AccuracyChart::XAxis::Seconds:
          return QStringLiteral("Wall-clock seconds (since the start of the run)");
      }
  }
  return {};
}

QString csvField(const QString& s) {
  if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')))
    return s;
  QString q = s;
  q.replace(QLatin1Char('"'), QLatin1String("\"\""));
  return QLatin1Char('"') + q + QLatin1Char('"');
}

// Shortest text that reads back as the same double (0.9622, not 0.96220000000000006).
QString number(double v) { return QString::fromStdString(bnn::formatNumber(v)); }

// Runs on different data can share a name ("Example SGLD" on MNIST and on Fashion-MNIST): the
// legend says which data each curve belongs to.
QString legendName(const RunRecord& r) {
  return r.dataset.isEmpty() ? r.name : QStringLiteral("%1 · %2").arg(r.name, r.dataset);
}

}  // namespace

AccuracyChart::AccuracyChart(Kind kind, const ViewContext& context, QWidget* parent)
    : AnalysisView(context, parent), m_kind(kind) {
  m_view = makeChartView(title(), this);
  m_chart = m_view->chart();
  m_view->setRubberBand(QChartView::RectangleRubberBand);
  m_view->setToolTip(
      QStringLiteral("Drag a rectangle to zoom in, right-click to zoom out; "
                     "\"Reset zoom\" restores the automatic range."));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  buildToolbar();
  layout->addWidget(m_view, 1);
  buildAxes();
  applyRanges();
}

AccuracyChart::~AccuracyChart() = default;

QString AccuracyChart::title() const {
  switch (m_kind) {
    case Kind::Warmup:
      return QStringLiteral("Warm-up: pointwise predictive accuracy");
    case Kind::Sampling:
      return QStringLiteral(
          "Sampling: running-average predictive accuracy "
          "(thin line: current sample alone)");
    case Kind::Comparison:
      return QStringLiteral("Comparison of runs");
  }
  return {};
}

void AccuracyChart::buildToolbar() {
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(4, 2, 4, 0);
  if (m_kind == Kind::Comparison) {
    bar->addWidget(new QLabel(QStringLiteral("X axis:"), this));
    m_xAxisBox = new QComboBox(this);
    m_xAxisBox->setObjectName(QStringLiteral("xAxisBox"));
    m_xAxisBox->addItem(QStringLiteral("Sampling steps"));
    m_xAxisBox->addItem(QStringLiteral("Gradient evaluations"));
    m_xAxisBox->addItem(QStringLiteral("Wall-clock seconds"));
    m_xAxisBox->setToolTip(QStringLiteral(
        "SGHMC evaluates the gradient L times per step: compare per gradient evaluation or per "
        "second, not only per step."));
    bar->addWidget(m_xAxisBox);
    connect(m_xAxisBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setXAxis(static_cast<XAxis>(i)); });
    bar->addSpacing(12);
    bar->addWidget(new QLabel(QStringLiteral("Show:"), this));
    m_metricBox = new QComboBox(this);
    m_metricBox->setObjectName(QStringLiteral("metricBox"));
    m_metricBox->addItem(QStringLiteral("Ensemble accuracy (running average)"));
    m_metricBox->addItem(QStringLiteral("Pointwise accuracy (warm-up and sampling)"));
    m_metricBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_metricBox->setMinimumContentsLength(18);
    // Elided in a narrow window; as wide as its longest entry where there is room.
    int widest = 0;
    for (int i = 0; i < m_metricBox->count(); ++i)
      widest = std::max(widest, m_metricBox->fontMetrics().horizontalAdvance(m_metricBox->itemText(i)));
    m_metricBox->setMaximumWidth(widest + 48);
    bar->addWidget(m_metricBox, 1);
    connect(m_metricBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setMetric(static_cast<Metric>(i)); });
  }
  if (m_kind == Kind::Warmup) {
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("noWarmupNote"));
    m_note->setVisible(false);
    bar->addWidget(m_note);
  }
  bar->addStretch(1);
  m_bandAction = new QAction(QStringLiteral("Zoom into 0.9 – 1.0"), this);
  m_bandAction->setCheckable(true);
  m_bandAction->setIconText(QStringLiteral("Zoom 0.9 – 1.0"));
  m_bandAction->setToolTip(QStringLiteral("Show only the accuracy band from 0.9 to 1.0"));
  connect(m_bandAction, &QAction::toggled, this, &AccuracyChart::setBandZoom);
  m_resetAction = new QAction(QStringLiteral("Reset zoom"), this);
  m_resetAction->setToolTip(QStringLiteral("Undo rubber-band zoom and the 0.9 – 1.0 band"));
  connect(m_resetAction, &QAction::triggered, this, &AccuracyChart::resetZoom);
  for (QAction* a : {m_bandAction, m_resetAction}) {
    auto* button = new QToolButton(this);
    button->setDefaultAction(a);
    bar->addWidget(button);
  }
  bar->addWidget(chart_export::makeExportButton(this, [this] { return exports().value(0); }));
  static_cast<QVBoxLayout*>(layout())->addLayout(bar);
}

void AccuracyChart::buildAxes() {
  m_axisX = new QValueAxis(this);
  m_axisX->setLabelFormat(QStringLiteral("%.0f"));
  m_chart->addAxis(m_axisX, Qt::AlignBottom);
  if (m_kind == Kind::Warmup) {
    m_axisYCategory = new QCategoryAxis(this);
    m_axisYCategory->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_axisYCategory->setTitleText(QStringLiteral("Pointwise predictive accuracy"));
    m_chart->addAxis(m_axisYCategory, Qt::AlignLeft);
  } else {
    m_axisYValue = new QValueAxis(this);
    m_axisYValue->setLabelFormat(QStringLiteral("%.3g"));
    m_chart->addAxis(m_axisYValue, Qt::AlignLeft);
  }
  updateAxisTitles();
  // A rubber-band zoom (or right-click zoom out) replaces the automatic range and the band.
  auto markUser = [this] {
    if (m_settingRanges) return;
    m_userZoomed = true;
    if (m_bandZoom) {
      m_bandZoom = false;
      const QSignalBlocker block(m_bandAction);
      m_bandAction->setChecked(false);
    }
  };
  connect(m_axisX, &QValueAxis::rangeChanged, this, markUser);
  if (m_axisYCategory) connect(m_axisYCategory, &QValueAxis::rangeChanged, this, markUser);
  if (m_axisYValue) connect(m_axisYValue, &QValueAxis::rangeChanged, this, markUser);
}

QAbstractAxis* AccuracyChart::axisX() const { return m_axisX; }

QAbstractAxis* AccuracyChart::axisY() const {
  return m_axisYCategory ? static_cast<QAbstractAxis*>(m_axisYCategory) : m_axisYValue;
}

void AccuracyChart::updateAxisTitles() {
  m_axisX->setTitleText(xTitle(m_kind, m_xAxis, m_metric));
  if (m_axisYValue) {
    const bool pointwise = m_kind == Kind::Comparison && m_metric == Metric::Pointwise;
    m_axisYValue->setTitleText(pointwise ? QStringLiteral("Pointwise predictive accuracy")
                                         : QStringLiteral("Running average predictive accuracy"));
  }
  m_axisX->setLabelFormat(m_kind == Kind::Comparison && m_xAxis == XAxis::Seconds ? QStringLiteral("%.0f s")
                                                                                  : QStringLiteral("%.0f"));
}

void AccuracyChart::rebuildYTicks(double lo, double hi) {
  if (!m_axisYCategory) return;
  QList<double> ticks;
  double step = 0.1;  // the example's ticks: each with the decimals it needs ("0.1", "0.95")
  if (lo <= 0.0 && hi >= 1.0) {
    ticks = kExampleTicks;
  } else {
    // Even ticks inside a zoomed range (the band or a rubber-band rectangle).
    step = niceStep(hi - lo, 5);
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) ticks << v;
  }
  for (const QString& l : m_axisYCategory->categoriesLabels()) m_axisYCategory->remove(l);
  m_axisYCategory->setStartValue(lo);
  for (double v : ticks)
    m_axisYCategory->append(QString::number(v, 'f', std::max(tickDecimals(step), tickDecimals(v))), v);
}

AccuracyChart::RunSeries AccuracyChart::createSeries(const RunRecord& r) {
  RunSeries s;
  s.name = r.name;
  s.legend = legendName(r);
  s.color = r.color;
  s.main = new QLineSeries(this);
  s.main->setName(s.legend);
  // Hovering a curve names its run, data and point.
  connect(s.main, &QLineSeries::hovered, this, [this, id = r.id](const QPointF& p, bool state) {
    const RunRecord* rec = context().runs ? context().runs->record(id) : nullptr;
    if (!state || !rec) return QToolTip::hideText();
    QToolTip::showText(QCursor::pos(),
                       QStringLiteral("%1\n%2\nx %3, accuracy %4")
                           .arg(rec->name, rec->datasetTip.isEmpty() ? rec->dataset : rec->datasetTip)
                           .arg(p.x(), 0, 'g', 6)
                           .arg(p.y(), 0, 'f', 4));
  });
  QPen pen(r.color);
  pen.setWidthF(m_kind == Kind::Warmup ? 1.8 : 2.2);
  s.main->setPen(pen);
  m_chart->addSeries(s.main);
  s.main->attachAxis(m_axisX);
  s.main->attachAxis(axisY());
  if (m_kind == Kind::Sampling) {
    s.companion = new QLineSeries(this);
    s.companion->setName(s.legend + QStringLiteral(" (current sample)"));
    QColor c = r.color;
    c.setAlpha(150);
    QPen thin(c);
    thin.setWidthF(0.9);
    s.companion->setPen(thin);
    m_chart->addSeries(s.companion);
    s.companion->attachAxis(m_axisX);
    s.companion->attachAxis(axisY());
    const auto markers = m_chart->legend()->markers(s.companion);
    for (QLegendMarker* m : markers) m->setVisible(false);
  }
  return s;
}

void AccuracyChart::removeSeries(RunSeries& s) {
  for (QLineSeries* series : {s.main, s.companion}) {
    if (!series) continue;
    m_chart->removeSeries(series);
    delete series;
  }
  s.main = s.companion = nullptr;
}

void AccuracyChart::fillSeries(const RunRecord& r, RunSeries& s) const {
  QList<QPointF> main, companion;
  main.reserve(static_cast<qsizetype>(r.curve.size()));
  for (const bnn::CurvePoint& p : r.curve) {
    const bool sampling = p.phase == bnn::Phase::Sampling;
    switch (m_kind) {
      case Kind::Warmup:
        if (!sampling && !std::isnan(p.pointwiseAccuracy))
          main.append(QPointF(double(p.step), p.pointwiseAccuracy));
        break;
      case Kind::Sampling:
        if (sampling) {
          if (!std::isnan(p.ensembleAccuracy)) main.append(QPointF(double(p.step), p.ensembleAccuracy));
          if (!std::isnan(p.pointwiseAccuracy))
            companion.append(QPointF(double(p.step), p.pointwiseAccuracy));
        }
        break;
      case Kind::Comparison: {
        const double y = m_metric == Metric::Ensemble ? p.ensembleAccuracy : p.pointwiseAccuracy;
        if (std::isnan(y) || (m_metric == Metric::Ensemble && !sampling)) break;
        double x = 0;
        switch (m_xAxis) {
          case XAxis::Steps:
            x = m_metric == Metric::Ensemble ? double(p.step)
                : sampling                   ? double(r.config.warmupSteps + p.step)
                                             : double(p.step);
            break;
          case XAxis::GradEvals:
            x = double(p.gradEvals);
            break;
          case XAxis::Seconds:
            x = p.wallSeconds;
            break;
        }
        main.append(QPointF(x, y));
        break;
      }
    }
  }
  s.main->replace(main);
  if (s.companion) s.companion->replace(companion);
}

void AccuracyChart::invalidateAll() {
  for (RunSeries& s : m_series) s.version = 0;
  m_seenModelVersion = 0;
}

void AccuracyChart::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refresh();
}

void AccuracyChart::refresh(bool evenIfHidden) {
  if (!context().runs || (!evenIfHidden && !isVisible())) return;
  const RunListModel& model = *context().runs;
  if (model.chartVersion() == m_seenModelVersion) return;
  m_seenModelVersion = model.chartVersion();

  QStringList order;
  double xHint = 1;
  for (int row = 0; row < model.rowCount(); ++row) {
    const RunRecord& r = model.recordAt(row);
    if (!r.shown || r.evaluation) continue;  // an evaluation has no curve
    order << r.id;
    auto it = m_series.find(r.id);
    if (it == m_series.end()) it = m_series.insert(r.id, createSeries(r));
    RunSeries& s = *it;
    if (s.name != r.name || s.legend != legendName(r)) {
      s.name = r.name;
      s.legend = legendName(r);
      s.main->setName(s.legend);
      if (s.companion) s.companion->setName(s.legend + QStringLiteral(" (current sample)"));
    }
    if (s.version != r.curveVersion) {
      fillSeries(r, s);
      s.version = r.curveVersion;
    }
    if (m_kind == Kind::Warmup) xHint = std::max(xHint, double(r.config.warmupSteps));
    if (m_kind == Kind::Sampling) xHint = std::max(xHint, double(r.config.samplingSteps));
    if (m_kind == Kind::Comparison && m_xAxis == XAxis::Steps)
      xHint = std::max(xHint,
                       double(m_metric == Metric::Ensemble ? r.config.samplingSteps
                                                           : r.config.warmupSteps + r.config.samplingSteps));
  }
  for (auto it = m_series.begin(); it != m_series.end();) {
    if (!order.contains(it.key())) {
      removeSeries(*it);
      it = m_series.erase(it);
    } else {
      ++it;
    }
  }
  if (m_note) {
    // A run without warm-up (W = 0, as the tuned presets) draws nothing here: say where it is.
    int without = 0;
    for (const QString& id : order)
      if (const RunRecord* r = model.record(id); r && r->config.warmupSteps == 0) ++without;
    const QString where = QStringLiteral(" have no warm-up (W = 0): see Sampling");
    m_note->setText(without == 0 ? QString()
                    : without == order.size()
                        ? QStringLiteral("The runs shown") + where
                        : QStringLiteral("%1 of the %2 runs shown").arg(without).arg(order.size()) + where);
    m_note->setToolTip(without == 0 ? QString()
                                    : QStringLiteral("A run without warm-up samples from its first step: its "
                                                     "pointwise and running-average accuracy are on the "
                                                     "Sampling tab."));
    m_note->setVisible(without > 0);
  }
  m_order = order;
  m_xMaxHint = xHint;
  if (!m_userZoomed) applyRanges();
}

void AccuracyChart::applyRanges() {
  m_settingRanges = true;
  // x: the schedule (as the example's set_xlim), or the data for gradients / seconds.
  double xMax = m_xMaxHint;
  if (m_kind == Kind::Comparison && m_xAxis != XAxis::Steps) {
    xMax = 0;
    for (const RunSeries& s : m_series)
      for (const QPointF& p : s.main->points()) xMax = std::max(xMax, p.x());
    if (xMax <= 0) xMax = 1;
  }
  if (xMax != m_appliedXMax) {
    m_appliedXMax = xMax;
    TickOptions o;
    o.target = 6;
    const bool seconds = m_kind == Kind::Comparison && m_xAxis == XAxis::Seconds;
    o.integer = !seconds;  // steps and gradient evaluations are counts
    o.roundRange = m_kind == Kind::Comparison && m_xAxis != XAxis::Steps;  // schedules keep their end
    if (seconds) o.suffix = QStringLiteral(" s");
    applyNiceTicks(m_axisX, 0, xMax, o);
  }

  double lo = 0, hi = 1;
  if (m_bandZoom) {
    lo = 0.9;
  } else if (m_kind != Kind::Warmup) {
    // Fit the data, rounded outwards to 0.01 (as matplotlib's automatic y limits).
    double mn = 2, mx = -1;
    for (const RunSeries& s : m_series)
      for (QLineSeries* series : {s.main, s.companion}) {
        if (!series) continue;
        for (const QPointF& p : series->points()) {
          mn = std::min(mn, p.y());
          mx = std::max(mx, p.y());
        }
      }
    if (mx >= mn) {
      const double pad = std::max(0.005, (mx - mn) * 0.05);
      lo = std::max(0.0, std::floor((mn - pad) * 100) / 100);
      hi = std::min(1.0, std::ceil((mx + pad) * 100) / 100);
      if (hi - lo < 0.02) lo = std::max(0.0, hi - 0.02);
    }
  }
  if (lo != m_appliedLo || hi != m_appliedHi) {
    m_appliedLo = lo;
    m_appliedHi = hi;
    if (m_axisYCategory) {
      m_axisYCategory->setRange(lo, hi);
      rebuildYTicks(lo, hi);
    } else {
      TickOptions o;
      o.roundRange = false;  // the data's range, rounded to 0.01 above
      applyNiceTicks(m_axisYValue, lo, hi, o);
    }
  }
  m_settingRanges = false;
}

void AccuracyChart::setBandZoom(bool on) {
  m_bandZoom = on;
  m_appliedXMax = m_appliedLo = m_appliedHi = -1;
  if (m_bandAction->isChecked() != on) {
    const QSignalBlocker block(m_bandAction);
    m_bandAction->setChecked(on);
  }
  m_settingRanges = true;
  if (m_userZoomed) m_view->chart()->zoomReset();
  m_settingRanges = false;
  m_userZoomed = false;
  applyRanges();
}

void AccuracyChart::resetZoom() {
  m_userZoomed = true;  // setBandZoom undoes the rubber-band zoom
  setBandZoom(false);
}

void AccuracyChart::setXAxis(XAxis axis) {
  if (m_kind != Kind::Comparison) return;
  m_xAxis = axis;
  if (m_xAxisBox->currentIndex() != int(axis)) m_xAxisBox->setCurrentIndex(int(axis));
  updateAxisTitles();
  invalidateAll();
  m_userZoomed = false;
  m_appliedXMax = m_appliedLo = m_appliedHi = -1;
  refresh();
}

void AccuracyChart::setMetric(Metric metric) {
  if (m_kind != Kind::Comparison) return;
  m_metric = metric;
  if (m_metricBox->currentIndex() != int(metric)) m_metricBox->setCurrentIndex(int(metric));
  if (m_xAxisBox)
    m_xAxisBox->setItemText(
        0, metric == Metric::Ensemble ? QStringLiteral("Sampling steps") : QStringLiteral("Steps"));
  updateAxisTitles();
  invalidateAll();
  m_userZoomed = false;
  m_appliedXMax = m_appliedLo = m_appliedHi = -1;
  refresh();
}

int AccuracyChart::pointCount(const QString& runId) const {
  auto it = m_series.find(runId);
  return it == m_series.end() ? -1 : int(it->main->count());
}

int AccuracyChart::seriesCount() const { return int(m_series.size()); }

QList<ChartExport> AccuracyChart::exports() const {
  QString base = title().section(QLatin1Char(':'), 0, 0).toLower();
  base.replace(QLatin1Char(' '), QLatin1Char('_'));
  ChartExport e;
  e.title = title().section(QLatin1Char(':'), 0, 0);
  e.baseName = base;
  e.charts = {m_view};
  e.csv = [this] { return csvText(); };
  return {e};
}

QList<QAction*> AccuracyChart::viewActions() const { return {m_bandAction, m_resetAction}; }

QString AccuracyChart::noteText() const { return m_note ? m_note->text() : QString(); }

std::string AccuracyChart::csvText() const {
  const_cast<AccuracyChart*>(this)->refresh(true);
  auto columnName = [](QString t) {
    t = t.toLower();
    t.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("_"));
    while (t.endsWith(QLatin1Char('_'))) t.chop(1);
    return t;
  };
  QString out =
      QStringLiteral("run,series,%1,%2\n")
          .arg(columnName(m_axisX->titleText()),
               columnName(m_axisYCategory ? m_axisYCategory->titleText() : m_axisYValue->titleText()));
  for (const QString& id : m_order) {
    const RunSeries& s = m_series[id];
    for (QLineSeries* series : {s.main, s.companion}) {
      if (!series) continue;
      const QString kind =
          series == s.main
              ? (m_kind == Kind::Warmup || (m_kind == Kind::Comparison && m_metric == Metric::Pointwise)
                     ? QStringLiteral("pointwise")
                     : QStringLiteral("running_average"))
              : QStringLiteral("current_sample");
      const QString prefix = csvField(s.name) + QLatin1Char(',') + kind + QLatin1Char(',');
      for (const QPointF& p : series->points())
        out += prefix + number(p.x()) + QLatin1Char(',') + number(p.y()) + QLatin1Char('\n');
    }
  }
  return out.toStdString();
}
