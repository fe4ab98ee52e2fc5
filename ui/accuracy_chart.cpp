#include "accuracy_chart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>
#include <QToolButton>
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

// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
double niceStep(double raw) {
  if (!(raw > 0)) return 1;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

// Changes range and tick interval without ever pairing a large range with a small interval (the
// axis would lay out one item per tick of the intermediate state).
void setDynamicTicks(QValueAxis* axis, double lo, double hi, double interval) {
  axis->setTickType(QValueAxis::TicksFixed);
  axis->setTickCount(5);
  // A hair above hi so that a tick exactly at hi survives rounding (0.94 + 5 * 0.01 > 0.99).
  axis->setRange(lo, hi + interval * 1e-6);
  axis->setTickAnchor(0);
  axis->setTickInterval(interval);
  axis->setTickType(QValueAxis::TicksDynamic);
}

QString csvField(const QString& s) {
  if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"'))) return s;
  QString q = s;
  q.replace(QLatin1Char('"'), QLatin1String("\"\""));
  return QLatin1Char('"') + q + QLatin1Char('"');
}

}  // namespace

AccuracyChart::AccuracyChart(Kind kind, QWidget* parent) : QWidget(parent), m_kind(kind) {
  m_chart = new QChart;
  m_chart->setAnimationOptions(QChart::NoAnimation);
  m_chart->legend()->setAlignment(Qt::AlignBottom);
  m_chart->setTitle(title());
  m_chart->setMargins(QMargins(4, 4, 4, 4));
  m_view = new QChartView(m_chart, this);
  m_view->setRenderHint(QPainter::Antialiasing);
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
    m_metricBox->addItem(QStringLiteral("Running-average (ensemble) accuracy"));
    m_metricBox->addItem(QStringLiteral("Pointwise accuracy (warm-up and sampling)"));
    bar->addWidget(m_metricBox);
    connect(m_metricBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setMetric(static_cast<Metric>(i)); });
  }
  bar->addStretch(1);
  m_bandBox = new QCheckBox(QStringLiteral("Zoom 0.9 – 1.0"), this);
  m_bandBox->setObjectName(QStringLiteral("bandZoomBox"));
  m_bandBox->setToolTip(QStringLiteral("Show only the accuracy band from 0.9 to 1.0"));
  connect(m_bandBox, &QCheckBox::toggled, this, &AccuracyChart::setBandZoom);
  bar->addWidget(m_bandBox);
  auto* reset = new QToolButton(this);
  reset->setText(QStringLiteral("Reset zoom"));
  reset->setToolTip(QStringLiteral("Undo rubber-band zoom and the 0.9 – 1.0 band"));
  connect(reset, &QToolButton::clicked, this, &AccuracyChart::resetZoom);
  bar->addWidget(reset);
  auto* exportButton = new QToolButton(this);
  exportButton->setText(QStringLiteral("Export"));
  exportButton->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(exportButton);
  menu->addAction(QStringLiteral("Chart as PNG…"), this, [this] { exportWithDialog("png"); });
  menu->addAction(QStringLiteral("Chart as SVG…"), this, [this] { exportWithDialog("svg"); });
  menu->addAction(QStringLiteral("Data as CSV…"), this, [this] { exportWithDialog("csv"); });
  exportButton->setMenu(menu);
  bar->addWidget(exportButton);
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
  auto markUser = [this] {
    if (!m_settingRanges) m_userZoomed = true;
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
  if (lo <= 0.0 && hi >= 1.0) {
    ticks = kExampleTicks;
  } else {
    // Even ticks inside a zoomed range (the band or a rubber-band rectangle).
    const double span = hi - lo;
    const double raw = span / 5;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) ticks << v;
  }
  for (const QString& l : m_axisYCategory->categoriesLabels()) m_axisYCategory->remove(l);
  m_axisYCategory->setStartValue(lo);
  for (double v : ticks) {
    const int decimals = std::abs(v * 100 - std::round(v * 100)) < 1e-6
                             ? (std::abs(v * 10 - std::round(v * 10)) < 1e-6 ? 1 : 2)
                             : 3;
    m_axisYCategory->append(QString::number(v, 'f', decimals), v);
  }
}

AccuracyChart::RunSeries AccuracyChart::createSeries(const RunRecord& r) {
  RunSeries s;
  s.name = r.name;
  s.color = r.color;
  s.main = new QLineSeries(this);
  s.main->setName(r.name);
  QPen pen(r.color);
  pen.setWidthF(m_kind == Kind::Warmup ? 1.8 : 2.2);
  s.main->setPen(pen);
  m_chart->addSeries(s.main);
  s.main->attachAxis(m_axisX);
  s.main->attachAxis(axisY());
  if (m_kind == Kind::Sampling) {
    s.companion = new QLineSeries(this);
    s.companion->setName(r.name + QStringLiteral(" (current sample)"));
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
  if (!m_model || (!evenIfHidden && !isVisible())) return;
  const RunListModel& model = *m_model;
  if (model.chartVersion() == m_seenModelVersion) return;
  m_seenModelVersion = model.chartVersion();

  QStringList order;
  double xHint = 1;
  for (int row = 0; row < model.rowCount(); ++row) {
    const RunRecord& r = model.recordAt(row);
    if (!r.shown) continue;
    order << r.id;
    auto it = m_series.find(r.id);
    if (it == m_series.end()) it = m_series.insert(r.id, createSeries(r));
    RunSeries& s = *it;
    if (s.name != r.name) {
      s.name = r.name;
      s.main->setName(r.name);
      if (s.companion) s.companion->setName(r.name + QStringLiteral(" (current sample)"));
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
    const double step = niceStep(xMax / 6);
    if (m_kind == Kind::Comparison && m_xAxis != XAxis::Steps) xMax = std::ceil(xMax / step) * step;
    const bool seconds = m_kind == Kind::Comparison && m_xAxis == XAxis::Seconds;
    if (seconds) m_axisX->setLabelFormat(step < 1 ? QStringLiteral("%.1f s") : QStringLiteral("%.0f s"));
    setDynamicTicks(m_axisX, 0, xMax, seconds ? step : std::max(1.0, step));
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
      const double span = hi - lo;
      const double step = span > 0.5    ? 0.1
                          : span > 0.2  ? 0.05
                          : span > 0.1  ? 0.02
                          : span > 0.04 ? 0.01
                                        : 0.005;
      setDynamicTicks(m_axisYValue, lo, hi, step);
      m_axisYValue->setLabelFormat(step < 0.01 ? QStringLiteral("%.3f") : QStringLiteral("%.2f"));
    }
  }
  m_settingRanges = false;
}

void AccuracyChart::setBandZoom(bool on) {
  m_bandZoom = on;
  m_appliedXMax = m_appliedLo = m_appliedHi = -1;
  if (m_bandBox->isChecked() != on) m_bandBox->setChecked(on);
  m_userZoomed = false;
  applyRanges();
}

void AccuracyChart::resetZoom() {
  m_userZoomed = false;
  m_view->chart()->zoomReset();
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

bool AccuracyChart::exportPng(const QString& path, QString* error) {
  refresh(true);
  const QPixmap pix = m_view->grab();
  if (!pix.save(path, "PNG")) {
    if (error) *error = QStringLiteral("could not write %1").arg(path);
    return false;
  }
  return true;
}

bool AccuracyChart::exportSvg(const QString& path, QString* error) {
  refresh(true);
  QSvgGenerator gen;
  gen.setFileName(path);
  gen.setSize(m_view->size());
  gen.setViewBox(QRect(QPoint(0, 0), m_view->size()));
  gen.setTitle(title());
  gen.setDescription(QStringLiteral("BNN Explorer chart"));
  QPainter painter;
  if (!painter.begin(&gen)) {
    if (error) *error = QStringLiteral("could not write %1").arg(path);
    return false;
  }
  m_view->render(&painter);
  painter.end();
  if (!QFile::exists(path)) {
    if (error) *error = QStringLiteral("could not write %1").arg(path);
    return false;
  }
  return true;
}

bool AccuracyChart::exportCsv(const QString& path, QString* error) {
  refresh(true);
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
    if (error) *error = QStringLiteral("%1: %2").arg(path, file.errorString());
    return false;
  }
  QTextStream out(&file);
  auto columnName = [](QString t) {
    t = t.toLower();
    t.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("_"));
    while (t.endsWith(QLatin1Char('_'))) t.chop(1);
    return t;
  };
  out << "run,series," << columnName(m_axisX->titleText()) << ','
      << (m_axisYCategory ? columnName(m_axisYCategory->titleText()) : columnName(m_axisYValue->titleText()))
      << '\n';
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
      for (const QPointF& p : series->points())
        out << csvField(s.name) << ',' << kind << ',' << QString::number(p.x(), 'g', 10) << ','
            << QString::number(p.y(), 'g', 8) << '\n';
    }
  }
  out.flush();
  if (!file.commit()) {
    if (error) *error = QStringLiteral("%1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

void AccuracyChart::exportWithDialog(const QString& format) {
  const QString filter = format == QLatin1String("png")   ? QStringLiteral("PNG image (*.png)")
                         : format == QLatin1String("svg") ? QStringLiteral("SVG image (*.svg)")
                                                          : QStringLiteral("CSV table (*.csv)");
  QString base = title().section(QLatin1Char(':'), 0, 0).toLower();
  base.replace(QLatin1Char(' '), QLatin1Char('-'));
  const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export chart"),
                                                    base + QLatin1Char('.') + format, filter);
  if (path.isEmpty()) return;
  QString error;
  const bool ok = format == QLatin1String("png")   ? exportPng(path, &error)
                  : format == QLatin1String("svg") ? exportSvg(path, &error)
                                                   : exportCsv(path, &error);
  if (!ok) QMessageBox::warning(this, QStringLiteral("Export failed"), error);
}
