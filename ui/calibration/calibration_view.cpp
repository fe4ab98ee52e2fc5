#include "calibration/calibration_view.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "common/job_runner.h"
#include "common/view_scaffold.h"
#include "explorer/explorer_state.h"
#include "explorer/explorer_text.h"
#include "explorer/run_analysis.h"
#include "views/run_pair_picker.h"

namespace {

using bnn::PredictiveSource;

const QColor kDiagonal(120, 120, 120);
constexpr double kHistFloor = 0.5;  // empty bins sit on the log axis' floor

struct Measure {
  const char* label;
  const char* tip;
  QString (*format)(const bnn::CalibrationReport&);
};

const Measure kMeasures[] = {
    {"Accuracy", "Share of test images whose argmax is the label.",
     [](const bnn::CalibrationReport& r) { return explorer_text::percent(r.accuracy); }},
    {"Mean confidence", "Mean of max_k p_k over the test images.",
     [](const bnn::CalibrationReport& r) { return explorer_text::percent(r.meanConfidence); }},
    {"ECE", "Σ_b (n_b / N) |acc_b − conf_b| over the non-empty bins (L1, not squared).",
     [](const bnn::CalibrationReport& r) { return explorer_text::fixed(r.ece, 4); }},
    {"MCE", "max over the non-empty bins of |acc_b − conf_b|.",
     [](const bnn::CalibrationReport& r) { return explorer_text::fixed(r.mce, 4); }},
    {"NLL (nats)", "−(1/N) Σ_i log p(y_i | x_i).",
     [](const bnn::CalibrationReport& r) { return explorer_text::fixed(r.negLogLikelihood, 4); }},
    {"Brier", "(1/N) Σ_i Σ_k (p_ik − 1[k = y_i])², in [0, 2].",
     [](const bnn::CalibrationReport& r) { return explorer_text::fixed(r.brier, 4); }},
    {"Non-empty bins", "Bins holding at least one image (empty bins contribute nothing).",
     [](const bnn::CalibrationReport& r) { return QString::number(r.nonEmptyBins); }},
};

QString sourceName(PredictiveSource s) { return QString::fromUtf8(bnn::sourceLabel(s)).toLower(); }

}  // namespace

CalibrationView::CalibrationView(const ViewContext& context, QWidget* parent)
    : AnalysisView(context, parent) {
  m_state = new ExplorerState(this);

  const ViewScaffold scaffold = makeViewScaffold(this);
  QWidget* content = scaffold.content;
  QVBoxLayout* root = scaffold.root;
  m_picker = scaffold.picker;
  QHBoxLayout* top = scaffold.header;
  m_scheme = new QComboBox(content);
  m_scheme->addItem(QStringLiteral("Equal-width bins"), int(bnn::BinScheme::EqualWidth));
  m_scheme->addItem(QStringLiteral("Equal-mass bins"), int(bnn::BinScheme::EqualMass));
  m_scheme->setToolTip(
      QStringLiteral("Equal-width: bin b of B holds confidences in (b/B, (b+1)/B] (Guo et al. 2017; 15 bins "
                     "as torchmetrics). Equal-mass: the same number of images per bin; equal confidences are "
                     "never split."));
  m_bins = new QSpinBox(content);
  m_bins->setRange(2, 100);
  m_bins->setValue(m_options.numBins);
  m_bins->setSuffix(QStringLiteral(" bins"));
  m_bins->setToolTip(QStringLiteral("Number of bins (15 as Guo et al. 2017; ECE depends on it)"));
  m_showEnsemble = new QCheckBox(QStringLiteral("Ensemble"), content);
  m_showEnsemble->setChecked(true);
  m_showEnsemble->setToolTip(QStringLiteral("The posterior predictive p̄ over every sample (solid lines)"));
  m_showLast = new QCheckBox(QStringLiteral("Last sample"), content);
  m_showLast->setChecked(true);
  m_showLast->setToolTip(QStringLiteral("The single network at the last sample (dashed lines)"));
  // The bins and sources in a second row, so that the view fits 1024 x 700 without scrolling.
  top->addWidget(chart_export::makeExportButton(content, [this] { return exports().value(0); }));
  auto* options = new QHBoxLayout;
  options->addWidget(m_scheme);
  options->addWidget(m_bins);
  options->addWidget(m_showEnsemble);
  options->addWidget(m_showLast);
  options->addStretch(1);
  scaffold.root->addLayout(options);

  m_reliability = makeChartView(QStringLiteral("Reliability diagram"));
  m_reliability->setToolTip(
      QStringLiteral("One point per non-empty bin at (mean confidence, accuracy). Points below the diagonal: "
                     "over-confident; above: under-confident. The shaded area is the shown run's gap."));
  m_histogram = makeChartView(QStringLiteral("Images per bin"));
  m_histogram->chart()->legend()->hide();
  m_histogram->setMinimumHeight(170);
  m_relX = new QValueAxis;
  m_relY = new QValueAxis;
  m_relX->setTitleText(QStringLiteral("confidence (mean max p in the bin)"));
  m_relY->setTitleText(QStringLiteral("accuracy in the bin"));
  TickOptions unit;
  unit.target = 5;
  applyNiceTicks(m_relX, 0, 1, unit);
  applyNiceTicks(m_relY, 0, 1, unit);
  m_reliability->chart()->addAxis(m_relX, Qt::AlignBottom);
  m_reliability->chart()->addAxis(m_relY, Qt::AlignLeft);
  m_histX = new QValueAxis;
  m_histX->setTitleText(QStringLiteral("confidence"));
  applyNiceTicks(m_histX, 0, 1, unit);
  m_histY = new QLogValueAxis;
  m_histY->setBase(10);
  m_histY->setLabelFormat(QStringLiteral("%g"));
  m_histY->setTitleText(QStringLiteral("count"));
  m_histY->setRange(kHistFloor, 10);
  m_histogram->chart()->addAxis(m_histX, Qt::AlignBottom);
  m_histogram->chart()->addAxis(m_histY, Qt::AlignLeft);

  auto* charts = new QSplitter(Qt::Vertical, content);
  charts->setChildrenCollapsible(false);
  charts->addWidget(m_reliability);
  charts->addWidget(m_histogram);
  charts->setStretchFactor(0, 3);
  charts->setStretchFactor(1, 1);

  auto* right = new QWidget(content);
  auto* rv = new QVBoxLayout(right);
  rv->setContentsMargins(0, 0, 0, 0);
  m_table = new QTableWidget(right);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionMode(QAbstractItemView::NoSelection);
  m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->setMinimumWidth(240);
  m_notes = new QLabel(right);
  m_notes->setWordWrap(true);
  m_notes->setTextFormat(Qt::PlainText);
  m_notes->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  rv->addWidget(m_table, 1);
  rv->addWidget(m_notes);

  // The charts take the width; the table column is as wide as its numbers (at most 480 px).
  m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  m_right = right;
  right->setMaximumWidth(480);
  right->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Preferred);
  auto* row = new QHBoxLayout;
  row->addWidget(charts, 1);
  row->addWidget(right);
  root->addLayout(row, 1);
  content->setMinimumSize(600, 460);

  connect(m_picker, &RunPairPicker::primaryChosen, m_state, &ExplorerState::setPrimary);
  connect(m_picker, &RunPairPicker::comparisonChosen, m_state, &ExplorerState::setComparison);
  connect(m_picker, &RunPairPicker::swapRequested, m_state, &ExplorerState::swap);
  connect(m_state, &ExplorerState::runsChanged, this, &CalibrationView::refreshPicker);
  connect(m_state, &ExplorerState::analysisWanted, this, &CalibrationView::requestAnalysis);
  connect(m_state, &ExplorerState::shownChanged, this, [this] {
    requestCalibrations();
    refresh();
  });
  auto optionsChanged = [this] {
    bnn::CalibrationOptions o;
    o.numBins = m_bins->value();
    o.scheme = bnn::BinScheme(m_scheme->currentData().toInt());
    setOptions(o);
  };
  connect(m_scheme, &QComboBox::currentIndexChanged, this, optionsChanged);
  connect(m_bins, &QSpinBox::valueChanged, this, optionsChanged);
  connect(m_showEnsemble, &QCheckBox::toggled, this, &CalibrationView::refresh);
  connect(m_showLast, &QCheckBox::toggled, this, &CalibrationView::refresh);
  refreshPicker();
  refresh();
}

CalibrationView::~CalibrationView() = default;

void CalibrationView::resizeEvent(QResizeEvent* event) {
  AnalysisView::resizeEvent(event);
  // The table never takes more than 40% of the width (it scrolls); the charts keep the rest.
  m_right->setMaximumWidth(std::clamp(int(width() * 0.4), 240, 480));
}

void CalibrationView::updateRun(const ViewRun& run) { m_state->setRun(run); }

void CalibrationView::removeRun(const QString& id) {
  if (JobRunner* jobs = context().jobs) jobs->forgetRun(id);
  m_entries.remove(id);
  m_state->removeRun(id);
}

void CalibrationView::selectRun(const QString& id) { m_state->setPrimary(id); }

void CalibrationView::selectPair(const QString& id, const QString& comparison) {
  m_state->setPair(id, comparison);
}

void CalibrationView::setOptions(const bnn::CalibrationOptions& options) {
  m_options = options;
  {
    const QSignalBlocker b1(m_bins), b2(m_scheme);
    m_bins->setValue(options.numBins);
    m_scheme->setCurrentIndex(m_scheme->findData(int(options.scheme)));
  }
  requestCalibrations();
}

void CalibrationView::setSourceShown(PredictiveSource source, bool shown) {
  (source == PredictiveSource::Ensemble ? m_showEnsemble : m_showLast)->setChecked(shown);
}

bool CalibrationView::sourceShown(PredictiveSource s) const {
  return (s == PredictiveSource::Ensemble ? m_showEnsemble : m_showLast)->isChecked();
}

std::shared_ptr<const bnn::RunCalibration> CalibrationView::calibration(const QString& id) const {
  return m_entries.value(id).calibration;
}

QString CalibrationView::notes() const { return m_notes->text(); }

void CalibrationView::requestAnalysis(const QString& id) {
  const ExplorerRun* r = m_state->run(id);
  if (!r || !r->result) return;
  std::shared_ptr<const bnn::RunResult> result = r->result;
  auto work = [result](const JobRunner::CancelCheck&) { return analyseRun(result); };
  auto install = [this, id](std::shared_ptr<const RunAnalysis> analysis) {
    m_state->setAnalysis(id, std::move(analysis));
  };
  JobRunner* jobs = context().jobs;
  if (!jobs) {
    install(work([] { return false; }));
    return;
  }
  jobs->submit(this, QStringLiteral("calibration/analysis/") + id, {id}, work, install,
               JobRunner::Supersede::QueuedOnly);
}

void CalibrationView::requestCalibrations() {
  for (const ExplorerRun* r : {m_state->primary(), m_state->comparison()}) {
    if (!r || !r->analysis) continue;
    const Entry& have = m_entries[r->id];
    if (have.calibration && have.analysis == r->analysis && have.options.numBins == m_options.numBins &&
        have.options.scheme == m_options.scheme)
      continue;
    std::shared_ptr<const RunAnalysis> analysis = r->analysis;
    const bnn::CalibrationOptions options = m_options;
    auto work = [analysis, options](const JobRunner::CancelCheck&) {
      const bnn::RunResult& run = *analysis->run;
      auto c = std::make_shared<bnn::RunCalibration>(
          bnn::runCalibration(analysis->analysis.get(), run.testLabels(), bnn::lastSampleProbabilities(run),
                              options, bnn::noLastSampleReason(run)));
      if (!analysis->ok())
        c->ensemble.unavailable = analysis->problem.isEmpty() ? std::string("nothing has been sampled yet")
                                                              : analysis->problem.toStdString();
      return std::shared_ptr<const bnn::RunCalibration>(std::move(c));
    };
    const QString id = r->id;
    auto install = [this, id, analysis, options](std::shared_ptr<const bnn::RunCalibration> c) {
      m_entries[id] = {analysis, options, std::move(c)};
      refresh();
      Q_EMIT calibrationInstalled(id);
    };
    submitOrRun(context().jobs, this, QStringLiteral("calibration/") + id, {id}, work, install);
  }
}

void CalibrationView::refreshPicker() { m_state->showIn(*m_picker); }

void CalibrationView::refresh() {
  QChart* rel = m_reliability->chart();
  QChart* hist = m_histogram->chart();
  rel->removeAllSeries();
  hist->removeAllSeries();

  auto* diagonal = makeLineSeries(kDiagonal, Qt::DotLine, 1.5);
  diagonal->setName(QStringLiteral("perfect calibration"));
  diagonal->append({{0, 0}, {1, 1}});
  rel->addSeries(diagonal);
  diagonal->attachAxis(m_relX);
  diagonal->attachAxis(m_relY);

  struct Column {
    QString header;
    QString tip;
    const bnn::CalibrationEntry* entry;
  };
  QList<Column> columns;
  QStringList notes;
  bool shaded = false;
  double maxCount = 1;
  const ExplorerRun* shown[2] = {m_state->primary(), m_state->comparison()};
  for (int i = 0; i < 2; ++i) {
    const ExplorerRun* r = shown[i];
    if (!r) continue;
    const std::shared_ptr<const bnn::RunCalibration> c = m_entries.value(r->id).calibration;
    if (!c) {
      notes << QStringLiteral("%1: %2").arg(
          r->name, r->problem().isEmpty() ? QStringLiteral("calibrating…") : r->problem());
      continue;
    }
    for (PredictiveSource s : bnn::kPredictiveSources) {
      if (!sourceShown(s)) continue;
      const bnn::CalibrationEntry& e = c->entry(s);
      columns.append({QStringLiteral("%1\n%2").arg(r->name, sourceName(s)),
                      QStringLiteral("%1 · %2").arg(r->name, sourceName(s)), &e});
      if (!e.report) {
        notes << QStringLiteral("%1 · %2: %3")
                     .arg(r->name, sourceName(s), QString::fromStdString(e.unavailable));
        continue;
      }
      const bnn::CalibrationReport& rep = *e.report;
      const Qt::PenStyle style = s == PredictiveSource::Ensemble ? Qt::SolidLine : Qt::DashLine;
      auto* line = makeLineSeries(r->color, style, 2);
      line->setPointsVisible(true);
      line->setName(
          QStringLiteral("%1 · %2 (ECE %3)").arg(r->name, sourceName(s), explorer_text::fixed(rep.ece, 4)));
      for (const bnn::ReliabilityBin& b : rep.bins)
        if (b.count > 0) line->append(b.confidence, b.accuracy);
      if (!shaded) {
        // The gap of the first curve (the shown run; its ensemble when shown): a band per bin
        // between its accuracy and its mean confidence.
        auto* upper = new QLineSeries;
        auto* lower = new QLineSeries;
        for (const bnn::ReliabilityBin& b : rep.bins) {
          if (b.count <= 0) continue;
          upper->append(b.lower, b.accuracy);
          upper->append(b.upper, b.accuracy);
          lower->append(b.lower, b.confidence);
          lower->append(b.upper, b.confidence);
        }
        auto* area = new QAreaSeries(upper, lower);
        upper->setParent(area);
        lower->setParent(area);
        QColor fill(214, 39, 40, 60);
        area->setBrush(fill);
        area->setPen(QPen(QColor(214, 39, 40, 110), 0.8));
        area->setName(QStringLiteral("gap, %1 · %2").arg(r->name, sourceName(s)));
        rel->addSeries(area);
        area->attachAxis(m_relX);
        area->attachAxis(m_relY);
        shaded = true;
      }
      rel->addSeries(line);
      line->attachAxis(m_relX);
      line->attachAxis(m_relY);

      auto* steps = makeLineSeries(r->color, style, 1.5);
      steps->setName(line->name());
      for (const bnn::ReliabilityBin& b : rep.bins) {
        const double y = std::max(kHistFloor, double(b.count));
        maxCount = std::max(maxCount, double(b.count));
        steps->append(b.lower, kHistFloor);
        steps->append(b.lower, y);
        steps->append(b.upper, y);
        steps->append(b.upper, kHistFloor);
      }
      hist->addSeries(steps);
      steps->attachAxis(m_histX);
      steps->attachAxis(m_histY);
    }
  }
  m_histY->setRange(kHistFloor, std::pow(10.0, std::ceil(std::log10(maxCount * 1.2))));

  m_table->clear();
  m_table->setRowCount(int(std::size(kMeasures)));
  m_table->setColumnCount(int(columns.size()));
  for (int row = 0; row < int(std::size(kMeasures)); ++row) {
    auto* h = new QTableWidgetItem(QString::fromUtf8(kMeasures[row].label));
    h->setToolTip(QString::fromUtf8(kMeasures[row].tip));
    m_table->setVerticalHeaderItem(row, h);
  }
  for (int col = 0; col < columns.size(); ++col) {
    auto* h = new QTableWidgetItem(columns[col].header);
    h->setToolTip(columns[col].tip);
    m_table->setHorizontalHeaderItem(col, h);
    const bnn::CalibrationEntry& e = *columns[col].entry;
    for (int row = 0; row < int(std::size(kMeasures)); ++row) {
      auto* item = new QTableWidgetItem(e.report ? kMeasures[row].format(*e.report) : QStringLiteral("—"));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      if (!e.report) item->setToolTip(QString::fromStdString(e.unavailable));
      m_table->setItem(row, col, item);
    }
  }
  if (columns.isEmpty() && notes.isEmpty()) notes << QStringLiteral("No run to show: start or open a run.");
  QString header = QStringLiteral("%1 %2 bins on [0, 1]; empty bins are skipped.")
                       .arg(m_options.numBins)
                       .arg(m_options.scheme == bnn::BinScheme::EqualWidth ? QStringLiteral("equal-width")
                                                                           : QStringLiteral("equal-mass"));
  m_notes->setText(notes.isEmpty() ? header : header + QLatin1Char('\n') + notes.join(QLatin1Char('\n')));
}

QList<ChartExport> CalibrationView::exports() const {
  QList<std::pair<QString, std::shared_ptr<const bnn::RunCalibration>>> runs;
  for (const ExplorerRun* r : {m_state->primary(), m_state->comparison()})
    if (r)
      if (auto c = m_entries.value(r->id).calibration) runs.append({r->name, c});
  ChartExport diagram;
  diagram.title = QStringLiteral("Reliability diagram");
  diagram.baseName = QStringLiteral("reliability");
  diagram.charts = {m_reliability, m_histogram};
  ChartExport table;
  table.title = QStringLiteral("Calibration table");
  table.baseName = QStringLiteral("calibration_table");
  if (!runs.isEmpty()) {
    diagram.csv = [runs] {
      std::string out;
      for (int i = 0; i < runs.size(); ++i)
        out += chart_export::withRunColumn(bnn::calibrationBinsCsv(*runs[i].second), runs[i].first, i == 0);
      return out;
    };
    table.csv = [runs] {
      std::string out;
      for (int i = 0; i < runs.size(); ++i)
        out += chart_export::withRunColumn(bnn::calibrationTableCsv(*runs[i].second), runs[i].first, i == 0);
      return out;
    };
  }
  return {diagram, table};
}
