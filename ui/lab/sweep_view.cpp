#include "lab/sweep_view.h"

#include <QBrush>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScatterSeries>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "common/dataset_text.h"
#include "common/job_runner.h"
#include "common/view_scaffold.h"
#include "lab/sweep_job.h"
#include "util/format.h"

namespace {

const QColor kCompleted(0x1f, 0x77, 0xb4);
const QColor kWarning(0xe6, 0x8a, 0x00);
const QColor kDiverged(0xc6, 0x28, 0x28);
const QColor kBest(0x2e, 0x7d, 0x32);

// The outcome strip's rows.
constexpr double kRowCompleted = 2, kRowWarning = 1, kRowDiverged = 0;

QString hText(double h) { return QString::fromStdString(bnn::formatNumber(h)); }

QString fixed(double v, int d) {
  return std::isfinite(v) ? QString::number(v, 'f', d) : QStringLiteral("n/a");
}

QString outcomeText(bnn::RunStatus s) {
  switch (s) {
    case bnn::RunStatus::Completed:
      return QStringLiteral("completed");
    case bnn::RunStatus::Warning:
      return QStringLiteral("warning");
    case bnn::RunStatus::Diverged:
      return QStringLiteral("diverged");
    default:
      return QString::fromUtf8(bnn::enumName(s));
  }
}

QColor outcomeColor(bnn::RunStatus s) {
  return s == bnn::RunStatus::Completed ? kCompleted : s == bnn::RunStatus::Warning ? kWarning : kDiverged;
}

QScatterSeries* makeMarkers(const QString& name, const QColor& color, QScatterSeries::MarkerShape shape,
                            qreal size) {
  auto* s = new QScatterSeries;
  s->setName(name);
  s->setMarkerShape(shape);
  s->setMarkerSize(size);
  s->setColor(color);
  s->setBorderColor(color.darker(130));
  return s;
}

QLineEdit* numberField(const QString& text, const QString& tip, QWidget* parent) {
  auto* e = new QLineEdit(text, parent);
  e->setToolTip(tip);
  e->setMaximumWidth(70);
  e->setMinimumWidth(50);
  return e;
}

QSpinBox* spinField(int lo, int hi, int value, const QString& tip, QWidget* parent) {
  auto* s = new QSpinBox(parent);
  s->setRange(lo, hi);
  s->setValue(value);
  s->setToolTip(tip);
  return s;
}

}  // namespace

SweepView::SweepView(const ViewContext& context, QWidget* parent) : AnalysisView(context, parent) {
  const ScrollFrame frame = makeScrollFrame(this);
  QWidget* content = frame.content;
  QVBoxLayout* root = frame.root;

  // What to sweep: preset, sampler, grid, schedule, seed, further parameters.
  m_preset = new QComboBox(content);
  for (const std::string& name : bnn::presetNames())
    m_preset->addItem(QString::fromStdString(bnn::presetTitle(name)), QString::fromStdString(name));
  m_preset->setToolTip(QStringLiteral("The configuration every grid point runs, but for its step size"));
  m_preset->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  m_sampler = new QComboBox(content);
  m_sampler->addItem(QStringLiteral("preset's"), QString());
  if (const bnn::ParamSpec* spec = bnn::findParamSpec("sampler"))
    for (const std::string& c : spec->choices)
      m_sampler->addItem(QString::fromStdString(c), QString::fromStdString(c));
  m_sampler->setToolTip(
      QStringLiteral("The sampler of the runs (--sampler); \"preset's\" keeps the preset's"));
  const QString gridTip = QStringLiteral(
                              "Step sizes h = LO, LO·F, LO·F², … up to HI (at most %1 points), as bnn-cli "
                              "sweep --step-size LO:HI:xF")
                              .arg(bnn::kMaxSweepPoints);
  m_lo = numberField(QStringLiteral("1e-5"), gridTip, content);
  m_hi = numberField(QStringLiteral("1.6e-4"), gridTip, content);
  m_factor = numberField(QStringLiteral("2"), gridTip, content);
  m_factor->setMaximumWidth(48);
  m_warmup = spinField(0, 1000000, 300, QStringLiteral("Warm-up steps of each run (--warmup)"), content);
  m_samples = spinField(1, 1000000, 100, QStringLiteral("Sampling steps of each run (--samples)"), content);
  m_seed = spinField(0, 2147483647, 0,
                     QStringLiteral("The seed of every run (--seed): the same for all points"), content);
  m_seed->setMaximumWidth(110);
  m_more = new QLineEdit(content);
  m_more->setMinimumWidth(120);
  m_more->setPlaceholderText(QStringLiteral("e.g. --batch-size 200 --hidden 400,400"));
  m_more->setToolTip(QStringLiteral(
      "Further run parameters as on bnn-cli's command line (--key value ...), applied after the "
      "preset and the sampler; the fields of this form win over them"));
  m_gridNote = new QLabel(content);
  m_gridNote->setTextFormat(Qt::PlainText);
  m_gridNote->setMinimumWidth(80);

  auto* row1 = new QHBoxLayout;
  row1->setSpacing(6);
  auto add = [&](QHBoxLayout* row, const QString& label, QWidget* w) {
    row->addWidget(new QLabel(label, content));
    row->addWidget(w);
    row->addSpacing(6);
  };
  add(row1, QStringLiteral("Preset"), m_preset);
  add(row1, QStringLiteral("Sampler"), m_sampler);
  add(row1, QStringLiteral("Warm-up"), m_warmup);
  add(row1, QStringLiteral("Sampling"), m_samples);
  row1->addStretch(1);
  root->addLayout(row1);
  auto* row2 = new QHBoxLayout;
  row2->setSpacing(4);
  row2->addWidget(new QLabel(QStringLiteral("Step sizes"), content));
  row2->addWidget(m_lo);
  row2->addWidget(new QLabel(QStringLiteral("to"), content));
  row2->addWidget(m_hi);
  row2->addWidget(new QLabel(QStringLiteral("× factor"), content));
  row2->addWidget(m_factor);
  row2->addSpacing(4);
  row2->addWidget(m_gridNote);
  row2->addSpacing(10);
  row2->addWidget(new QLabel(QStringLiteral("Seed"), content));
  row2->addWidget(m_seed);
  row2->addSpacing(10);
  row2->addWidget(new QLabel(QStringLiteral("More"), content));
  row2->addWidget(m_more, 1);
  root->addLayout(row2);

  m_command = new QLabel(content);
  m_command->setTextFormat(Qt::PlainText);
  m_command->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_command->setWordWrap(true);
  m_command->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_command->setStyleSheet(QStringLiteral("color: palette(mid);"));
  root->addWidget(m_command);

  auto* runRow = new QHBoxLayout;
  m_run = new QPushButton(QStringLiteral("Run sweep"), content);
  m_run->setToolTip(QStringLiteral("One short run per step size, one after the other on every core"));
  m_cancelButton = new QPushButton(QStringLiteral("Cancel"), content);
  m_cancelButton->setToolTip(QStringLiteral("Stop the sweep; the step sizes finished stay"));
  m_bar = new QProgressBar(content);
  m_bar->setRange(0, 1000);
  m_bar->setMaximumWidth(160);
  m_bar->setMinimumWidth(80);
  m_bar->setTextVisible(false);
  m_status = new QLabel(content);
  m_status->setTextFormat(Qt::PlainText);
  m_status->setWordWrap(true);
  m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  runRow->addWidget(m_run);
  runRow->addWidget(m_cancelButton);
  runRow->addWidget(m_bar);
  runRow->addWidget(m_status, 1);
  runRow->addWidget(chart_export::makeExportButton(content, [this] { return exports().value(0); }));
  root->addLayout(runRow);

  auto* bestRow = new QHBoxLayout;
  m_bestLabel = new QLabel(content);
  m_bestLabel->setTextFormat(Qt::PlainText);
  m_bestLabel->setWordWrap(true);
  m_bestLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  QFont bold = m_bestLabel->font();
  bold.setBold(true);
  m_bestLabel->setFont(bold);
  m_use = new QPushButton(QStringLiteral("Use this step size"), content);
  bestRow->addWidget(m_bestLabel, 1);
  bestRow->addWidget(m_use);
  root->addLayout(bestRow);

  // Charts against log h: ensemble accuracy, test NLL, outcome.
  auto* charts = new QWidget;
  auto* chartGrid = new QHBoxLayout(charts);
  chartGrid->setContentsMargins(0, 0, 0, 0);
  chartGrid->setSpacing(2);
  m_accuracyChart = makeChartView(QStringLiteral("Ensemble accuracy"));
  m_nllChart = makeChartView(QStringLiteral("Test NLL (ensemble)"));
  m_outcomeChart = makeChartView(QStringLiteral("Outcome"));
  QChartView* views[3] = {m_accuracyChart, m_nllChart, m_outcomeChart};
  for (int i = 0; i < 3; ++i) {
    views[i]->setMinimumSize(200, 200);
    m_x[i] = new QLogValueAxis;
    m_x[i]->setBase(10);
    m_x[i]->setLabelFormat(QStringLiteral("%.0e"));
    m_x[i]->setMinorTickCount(8);
    m_x[i]->setTitleText(i == 2 ? QStringLiteral("step size h") : QStringLiteral("step size h (log scale)"));
    m_x[i]->setRange(1e-6, 1e-3);
    views[i]->chart()->addAxis(m_x[i], Qt::AlignBottom);
    chartGrid->addWidget(views[i], i == 2 ? 2 : 3);
  }
  m_accuracyY = new QValueAxis;
  m_accuracyY->setTitleText(QStringLiteral("accuracy"));
  m_accuracyChart->chart()->addAxis(m_accuracyY, Qt::AlignLeft);
  m_nllY = new QValueAxis;
  m_nllY->setTitleText(QStringLiteral("NLL (nats)"));
  m_nllChart->chart()->addAxis(m_nllY, Qt::AlignLeft);
  auto* outcomeY = new QCategoryAxis;
  outcomeY->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
  outcomeY->append(QStringLiteral("diverged"), kRowDiverged);
  outcomeY->append(QStringLiteral("warning"), kRowWarning);
  outcomeY->append(QStringLiteral("completed"), kRowCompleted);
  outcomeY->setRange(-0.5, 2.5);
  m_outcomeChart->chart()->addAxis(outcomeY, Qt::AlignLeft);
  m_accuracyChart->setToolTip(
      QStringLiteral("Accuracy of the ensemble (the posterior mean of p) over the test "
                     "set per step size; the best point ringed"));
  m_nllChart->setToolTip(
      QStringLiteral("−(1/N) Σ log p̄(y|x) of the ensemble over the test set per step size"));
  m_outcomeChart->setToolTip(
      QStringLiteral("completed; warning: the potential exploded or the accuracy stayed at chance after "
                     "warm-up; diverged: non-finite values"));

  m_table = new QTableWidget;
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->verticalHeader()->hide();
  m_table->setColumnCount(8);
  m_table->setHorizontalHeaderLabels({QStringLiteral("h"), QStringLiteral("outcome"),
                                      QStringLiteral("ensemble"), QStringLiteral("NLL"),
                                      QStringLiteral("last sample"), QStringLiteral("seconds"),
                                      QStringLiteral("best"), QStringLiteral("message")});
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setStretchLastSection(true);

  auto* split = new QSplitter(Qt::Vertical, content);
  split->addWidget(charts);
  split->addWidget(m_table);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setChildrenCollapsible(false);
  m_table->setMinimumHeight(90);
  root->addWidget(split, 1);
  content->setMinimumSize(640, 460);

  m_timer = new QTimer(this);
  m_timer->setInterval(100);
  connect(m_timer, &QTimer::timeout, this, &SweepView::tick);
  connect(m_run, &QPushButton::clicked, this, &SweepView::runSweep);
  connect(m_cancelButton, &QPushButton::clicked, this, &SweepView::cancel);
  connect(m_use, &QPushButton::clicked, this, &SweepView::useStepSize);
  connect(m_table, &QTableWidget::itemSelectionChanged, this, &SweepView::updateButtons);
  for (QLineEdit* e : {m_lo, m_hi, m_factor, m_more})
    connect(e, &QLineEdit::textChanged, this, &SweepView::validate);
  for (QSpinBox* s : {m_warmup, m_samples, m_seed})
    connect(s, &QSpinBox::valueChanged, this, &SweepView::validate);
  for (QComboBox* c : {m_preset, m_sampler})
    connect(c, &QComboBox::currentIndexChanged, this, &SweepView::validate);
  validate();
  if (const bnn::CheckedConfigs c = configs())
    for (QLogValueAxis* x : m_x)
      x->setRange(c.configs.front().stepSize / 1.6, c.configs.back().stepSize * 1.6);
  refreshCharts();
  refresh();
}

SweepView::~SweepView() {
  if (m_progress) m_progress->cancel = true;
}

void SweepView::setPreset(const QString& name) {
  const int i = m_preset->findData(name);
  if (i >= 0) m_preset->setCurrentIndex(i);
}

void SweepView::setSampler(const QString& sampler) {
  const int i = m_sampler->findData(sampler);
  if (i >= 0) m_sampler->setCurrentIndex(i);
}

void SweepView::setGrid(const QString& lo, const QString& hi, const QString& factor) {
  m_lo->setText(lo);
  m_hi->setText(hi);
  m_factor->setText(factor);
}

void SweepView::setSteps(int warmup, int samples) {
  m_warmup->setValue(warmup);
  m_samples->setValue(samples);
}

void SweepView::setSeed(int seed) { m_seed->setValue(seed); }

void SweepView::setMoreParameters(const QString& text) { m_more->setText(text); }

bnn::ParamOverrides SweepView::overrides(bool forSweep, QString* error) const {
  bnn::ParamOverrides o;
  const QString sampler = m_sampler->currentData().toString();
  if (!sampler.isEmpty()) o.emplace_back("sampler", sampler.toStdString());
  const QStringList words =
      m_more->text().split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
  for (int i = 0; i < words.size(); i += 2) {
    const QString& w = words[i];
    const QString key = w.startsWith(QLatin1String("--")) ? w.mid(2) : QString();
    if (key.isEmpty() || !bnn::findParamSpec(key.toStdString())) {
      if (error)
        *error = QStringLiteral("More: expected --key value pairs of run parameters, found '%1'").arg(w);
      return {};
    }
    if (i + 1 >= words.size()) {
      if (error) *error = QStringLiteral("More: %1 needs a value").arg(w);
      return {};
    }
    o.emplace_back(key.toStdString(), words[i + 1].toStdString());
  }
  if (forSweep) {
    o.emplace_back("warmup", std::to_string(m_warmup->value()));
    o.emplace_back("samples", std::to_string(m_samples->value()));
  }
  o.emplace_back("seed", std::to_string(m_seed->value()));
  return o;
}

bnn::CheckedConfigs SweepView::configs() const {
  bnn::CheckedConfigs out;
  bool okLo = false, okHi = false, okF = false;
  const double lo = m_lo->text().trimmed().toDouble(&okLo);
  const double hi = m_hi->text().trimmed().toDouble(&okHi);
  const double f = m_factor->text().trimmed().toDouble(&okF);
  if (!okLo || !okHi || !okF) {
    out.error = "Step sizes: LO, HI and the factor must be numbers";
    return out;
  }
  const bnn::Result<std::vector<double>> grid = bnn::stepSizeGrid(lo, hi, f, "Step sizes");
  if (!grid) {
    out.error = grid.error().message();
    return out;
  }
  QString why;
  const bnn::ParamOverrides o = overrides(true, &why);
  if (!why.isEmpty()) {
    out.error = why.toStdString();
    return out;
  }
  return bnn::stepSizeSweepConfigs(m_preset->currentData().toString().toStdString(), o, *grid);
}

QString SweepView::commandLine() const {
  bool okLo = false, okHi = false, okF = false;
  const double lo = m_lo->text().toDouble(&okLo), hi = m_hi->text().toDouble(&okHi),
               f = m_factor->text().toDouble(&okF);
  QString line = QStringLiteral("bnn-cli sweep --preset %1 --step-size %2")
                     .arg(m_preset->currentData().toString(),
                          okLo && okHi && okF ? QString::fromStdString(bnn::stepSizeGridText(lo, hi, f))
                                              : QStringLiteral("?"));
  for (const auto& [key, value] : overrides(true, nullptr))
    line += QStringLiteral(" --%1 %2").arg(QString::fromStdString(key), QString::fromStdString(value));
  return line;
}

void SweepView::validate() {
  const bnn::CheckedConfigs c = configs();
  for (QLineEdit* e : {m_lo, m_hi, m_factor}) e->setStyleSheet(QString());
  if (c) {
    m_gridNote->setText(
        QStringLiteral("%1 step size%2").arg(c.configs.size()).arg(c.configs.size() == 1 ? "" : "s"));
    m_command->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_command->setText(QStringLiteral("Same as: ") + commandLine());
  } else {
    m_gridNote->setText(QStringLiteral("no grid"));
    m_command->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_command->setText(QString::fromStdString(c.error));
    if (c.error.rfind("Step sizes", 0) == 0)
      for (QLineEdit* e : {m_lo, m_hi, m_factor})
        e->setStyleSheet(QStringLiteral("QLineEdit { background: #f8d7da; }"));
  }
  updateButtons();
}

bool SweepView::runSweep() {
  if (m_progress) return false;
  const bnn::CheckedConfigs c = configs();
  if (!c) {
    m_message = QString::fromStdString(c.error);
    refresh();
    return false;
  }
  std::shared_ptr<const bnn::Dataset> data = context().dataset ? context().dataset() : nullptr;
  if (!data) {
    m_message = QStringLiteral("No data loaded: open a data folder or fetch MNIST first.");
    refresh();
    return false;
  }
  m_request = Request();
  m_request.preset = m_preset->currentData().toString();
  m_request.formOverrides = overrides(false, nullptr);
  for (const bnn::RunConfig& rc : c.configs) m_request.grid.push_back(rc.stepSize);
  m_request.data = datasetShortLabel(*data);
  m_request.warmup = c.configs.front().warmupSteps;
  m_request.samples = c.configs.front().samplingSteps;
  m_points.clear();
  m_best = -1;
  m_message.clear();
  const double lo = m_request.grid.front(), hi = m_request.grid.back();
  for (QLogValueAxis* x : m_x) x->setRange(lo / 1.6, hi * 1.6);

  m_progress = std::make_shared<JobProgress>();
  m_shared = std::make_shared<SweepJobShared>();
  m_shared->total = int(c.configs.size());
  m_startedMs = QDateTime::currentMSecsSinceEpoch();
  auto work = [configs = c.configs, data, progress = m_progress,
               shared = m_shared](const JobRunner::CancelCheck& cancelled) {
    return runSweepJob(configs, data, progress, shared, cancelled);
  };
  auto done = [this, progress = m_progress](bnn::StepSizeSweep s) {
    if (m_progress != progress) return;
    install(std::move(s));
  };
  m_timer->start();
  refresh();
  submitOrRun(context().jobs, this, QStringLiteral("sweep"), {}, std::move(work), std::move(done));
  return true;
}

void SweepView::cancel() {
  if (!m_progress) return;
  // The job keeps running until its chain notices (within one step) and installs what finished.
  m_progress->cancel = true;
  refresh();
}

void SweepView::collect() {
  if (!m_shared) return;
  std::vector<std::pair<int, bnn::SweepPoint>> got;
  {
    const std::lock_guard<std::mutex> lock(m_shared->mutex);
    got.swap(m_shared->finished);
  }
  if (got.empty()) return;
  for (auto& [index, point] : got) {
    if (index != int(m_points.size())) continue;  // points finish in grid order
    m_points.push_back(std::move(point));
    m_best = bnn::bestSweepPoint(m_points);
    Q_EMIT pointInstalled(int(m_points.size()) - 1);
  }
  refreshCharts();
  refreshTable();
}

void SweepView::tick() {
  collect();
  refresh();
}

void SweepView::install(bnn::StepSizeSweep sweep) {
  collect();
  m_timer->stop();
  // The job's own points are the sweep's result; the ones collected on the way are the same.
  const size_t had = m_points.size();
  m_points = std::move(sweep.points);
  m_best = sweep.best;
  for (size_t i = had; i < m_points.size(); ++i) Q_EMIT pointInstalled(int(i));
  const int total = int(m_request.grid.size());
  if (sweep.cancelled)
    m_message = QStringLiteral("Cancelled after %1 of %2 step sizes (%3 s); the points finished are kept.")
                    .arg(m_points.size())
                    .arg(total)
                    .arg(sweep.seconds, 0, 'f', 0);
  else
    m_message = QStringLiteral("Swept %1 step size%2 on %3 in %4 s.")
                    .arg(total)
                    .arg(total == 1 ? "" : "s")
                    .arg(m_request.data)
                    .arg(sweep.seconds, 0, 'f', 1);
  m_progress.reset();
  m_shared.reset();
  refreshCharts();
  refreshTable();
  refresh();
  Q_EMIT sweepFinished();
}

QString SweepView::statusText() const { return m_status->text(); }

QString SweepView::bestText() const { return m_bestLabel->text(); }

void SweepView::refresh() {
  if (m_progress && m_shared) {
    int current = -1, total = 0;
    bnn::Phase phase = bnn::Phase::Warmup;
    int64_t step = 0, phaseSteps = 0;
    {
      const std::lock_guard<std::mutex> lock(m_shared->mutex);
      current = m_shared->current;
      total = m_shared->total;
      phase = m_shared->phase;
      step = m_shared->step;
      phaseSteps = m_shared->phaseSteps;
    }
    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - m_startedMs) / 1000.0;
    QString text;
    double fraction = 0;
    if (m_progress->cancel) {
      text = QStringLiteral("Cancelling: the run going on stops within one step…");
    } else if (current < 0) {
      text = QStringLiteral("Waiting for the background runner…");
    } else {
      const double w = double(std::max<int64_t>(m_request.warmup, 0));
      const double s = double(std::max<int64_t>(m_request.samples, 1));
      const double within =
          phase == bnn::Phase::Warmup ? double(step) / (w + s) : (w + double(step)) / (w + s);
      fraction = (double(current) + std::clamp(within, 0.0, 1.0)) / std::max(total, 1);
      text = QStringLiteral("Run %1 of %2: h = %3, %4 step %5 of %6 · %7 s")
                 .arg(current + 1)
                 .arg(total)
                 .arg(hText(m_request.grid[size_t(current)]))
                 .arg(phase == bnn::Phase::Warmup ? QStringLiteral("warm-up") : QStringLiteral("sampling"))
                 .arg(step)
                 .arg(phaseSteps)
                 .arg(seconds, 0, 'f', 0);
    }
    m_bar->setVisible(true);
    m_bar->setValue(int(std::lround(fraction * 1000)));
    m_status->setText(text);
  } else {
    m_bar->setVisible(false);
    m_status->setText(m_message.isEmpty() && m_points.empty()
                          ? QStringLiteral("Short runs over the grid, the same seed for every step size.")
                          : m_message);
  }

  if (m_points.empty()) {
    m_bestLabel->setText(m_progress ? QStringLiteral("Best: (no step size finished yet)")
                                    : QStringLiteral("Best: (no sweep yet)"));
  } else if (m_best < 0) {
    m_bestLabel->setText(QStringLiteral(
        "No step size completed without a warning: try smaller step sizes (the runs failing are "
        "marked in the outcome chart)."));
  } else {
    const bnn::SweepPoint& b = m_points[size_t(m_best)];
    int warnings = 0, diverged = 0;
    for (const bnn::SweepPoint& p : m_points) {
      warnings += p.status == bnn::RunStatus::Warning;
      diverged += p.status == bnn::RunStatus::Diverged || p.status == bnn::RunStatus::Failed;
    }
    QString extra;
    if (warnings) extra += QStringLiteral(", %1 with a warning").arg(warnings);
    if (diverged) extra += QStringLiteral(", %1 diverged").arg(diverged);
    m_bestLabel->setText(QStringLiteral("Best: h = %1, ensemble accuracy %2, NLL %3 (of %4 step size%5%6)")
                             .arg(hText(b.stepSize), fixed(b.ensembleAccuracy, 4), fixed(b.nll, 4))
                             .arg(m_points.size())
                             .arg(m_points.size() == 1 ? "" : "s")
                             .arg(extra));
  }
  m_bestLabel->setToolTip(m_bestLabel->text());
  updateButtons();
}

void SweepView::updateButtons() {
  const bool valid = bool(configs());
  m_run->setEnabled(!m_progress && valid);
  m_run->setToolTip(
      valid ? QStringLiteral("One short run per step size, one after the other on every core, on the "
                             "data loaded")
            : QStringLiteral("The form has an error (see the note beside the step sizes)"));
  m_cancelButton->setEnabled(m_progress && !m_progress->cancel);
  const int chosen = chosenPoint();
  m_use->setEnabled(chosen >= 0 && bool(formConfig(chosen)));
  if (chosen >= 0) {
    const bool selected = !m_table->selectedItems().isEmpty();
    m_use->setText(
        QStringLiteral("Use this step size (h = %1)").arg(hText(m_points[size_t(chosen)].stepSize)));
    m_use->setToolTip(
        QStringLiteral("Fill the run form with %1 at h = %2: the sweep's preset, sampler, seed and "
                       "further parameters; warm-up and sampling steps the preset's")
            .arg(selected ? QStringLiteral("the selected point") : QStringLiteral("the best point"),
                 hText(m_points[size_t(chosen)].stepSize)));
  } else {
    m_use->setText(QStringLiteral("Use this step size"));
    m_use->setToolTip(
        QStringLiteral("Fills the run form with the best point, or the point selected in the "
                       "table, once a sweep has one"));
  }
}

int SweepView::chosenPoint() const {
  const QList<QTableWidgetItem*> sel = m_table->selectedItems();
  if (!sel.isEmpty()) {
    const int row = sel.front()->row();
    if (row >= 0 && row < int(m_points.size())) return row;
  }
  return m_best;
}

bnn::CheckedConfig SweepView::formConfig(int index) const {
  bnn::CheckedConfig out;
  if (index < 0 || index >= int(m_points.size())) {
    out.error = "no such point";
    return out;
  }
  bnn::ParamOverrides o = m_request.formOverrides;
  o.emplace_back("step-size", bnn::formatNumber(m_points[size_t(index)].stepSize));
  return bnn::configFromOptions(m_request.preset.toStdString(), o);
}

bool SweepView::useStepSize() {
  const int chosen = chosenPoint();
  if (chosen < 0) return false;
  const bnn::CheckedConfig c = formConfig(chosen);
  if (!c) return false;
  Q_EMIT runFormRequested(*c.config);
  Q_EMIT statusMessage(QStringLiteral("Run form: %1 with h = %2")
                           .arg(QString::fromStdString(c.config->name), hText(c.config->stepSize)));
  return true;
}

void SweepView::refreshCharts() {
  QChart* charts[3] = {m_accuracyChart->chart(), m_nllChart->chart(), m_outcomeChart->chart()};
  for (QChart* c : charts) c->removeAllSeries();
  auto attach = [&](int chart, QAbstractSeries* s, QAbstractAxis* y) {
    charts[chart]->addSeries(s);
    s->attachAxis(m_x[chart]);
    s->attachAxis(y);
  };
  QAbstractAxis* outcomeY = m_outcomeChart->chart()->axes(Qt::Vertical).value(0);
  double accLo = 1, accHi = 0, nllLo = 1e300, nllHi = -1e300;
  for (int chart = 0; chart < 2; ++chart) {
    auto* line = makeLineSeries(QColor(0x90, 0x90, 0x90), Qt::SolidLine, 1.2);
    line->setName(QStringLiteral("grid order"));
    auto* completed =
        makeMarkers(QStringLiteral("completed"), kCompleted, QScatterSeries::MarkerShapeCircle, 9);
    auto* warning = makeMarkers(QStringLiteral("warning"), kWarning, QScatterSeries::MarkerShapeTriangle, 11);
    auto* best = makeMarkers(QStringLiteral("best"), Qt::transparent, QScatterSeries::MarkerShapeCircle, 18);
    QPen ring(kBest);
    ring.setWidthF(2.5);
    best->setPen(ring);
    best->setBrush(Qt::NoBrush);
    for (size_t i = 0; i < m_points.size(); ++i) {
      const bnn::SweepPoint& p = m_points[i];
      const double v = chart == 0 ? p.ensembleAccuracy : p.nll;
      if (!std::isfinite(v)) continue;
      (chart == 0 ? accLo : nllLo) = std::min(chart == 0 ? accLo : nllLo, v);
      (chart == 0 ? accHi : nllHi) = std::max(chart == 0 ? accHi : nllHi, v);
      line->append(p.stepSize, v);
      if (p.status == bnn::RunStatus::Completed)
        completed->append(p.stepSize, v);
      else
        warning->append(p.stepSize, v);
      if (int(i) == m_best) best->append(p.stepSize, v);
    }
    QValueAxis* y = chart == 0 ? m_accuracyY : m_nllY;
    for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(line), static_cast<QAbstractSeries*>(completed),
                               static_cast<QAbstractSeries*>(warning), static_cast<QAbstractSeries*>(best)})
      attach(chart, s, y);
    charts[chart]->legend()->markers(line).value(0)->setVisible(false);
    if (warning->count() == 0) charts[chart]->legend()->markers(warning).value(0)->setVisible(false);
    if (best->count() == 0) charts[chart]->legend()->markers(best).value(0)->setVisible(false);
  }
  if (accLo <= accHi) {
    const double pad = std::max(0.005, (accHi - accLo) * 0.08);
    applyNiceTicks(m_accuracyY, std::max(0.0, accLo - pad), std::min(1.0, accHi + pad));
  } else {
    applyNiceTicks(m_accuracyY, 0, 1);
  }
  if (nllLo <= nllHi) {
    const double pad = std::max(0.005, (nllHi - nllLo) * 0.08);
    applyNiceTicks(m_nllY, std::max(0.0, nllLo - pad), nllHi + pad);
  } else {
    applyNiceTicks(m_nllY, 0, 1);
  }

  // Outcome strip: every point, its row and marker by outcome, the best ringed.
  auto* completed =
      makeMarkers(QStringLiteral("completed"), kCompleted, QScatterSeries::MarkerShapeCircle, 10);
  auto* warning = makeMarkers(QStringLiteral("warning"), kWarning, QScatterSeries::MarkerShapeTriangle, 12);
  auto* diverged =
      makeMarkers(QStringLiteral("diverged"), kDiverged, QScatterSeries::MarkerShapeRotatedRectangle, 12);
  auto* best = makeMarkers(QStringLiteral("best"), Qt::transparent, QScatterSeries::MarkerShapeCircle, 19);
  QPen ring(kBest);
  ring.setWidthF(2.5);
  best->setPen(ring);
  best->setBrush(Qt::NoBrush);
  for (size_t i = 0; i < m_points.size(); ++i) {
    const bnn::SweepPoint& p = m_points[i];
    const double row = p.status == bnn::RunStatus::Completed ? kRowCompleted
                       : p.status == bnn::RunStatus::Warning ? kRowWarning
                                                             : kRowDiverged;
    (row == kRowCompleted ? completed : row == kRowWarning ? warning : diverged)->append(p.stepSize, row);
    if (int(i) == m_best) best->append(p.stepSize, row);
  }
  for (QScatterSeries* s : {completed, warning, diverged, best}) attach(2, s, outcomeY);
  charts[2]->legend()->setVisible(false);
}

void SweepView::refreshTable() {
  const int selected = m_table->selectedItems().isEmpty() ? -1 : m_table->selectedItems().front()->row();
  m_table->setRowCount(int(m_points.size()));
  for (int r = 0; r < int(m_points.size()); ++r) {
    const bnn::SweepPoint& p = m_points[size_t(r)];
    const QStringList cells{hText(p.stepSize),
                            outcomeText(p.status),
                            fixed(p.ensembleAccuracy, 4),
                            fixed(p.nll, 4),
                            fixed(p.lastSampleAccuracy, 4),
                            QString::number(p.seconds, 'f', 1),
                            r == m_best ? QStringLiteral("best") : QString(),
                            QString::fromStdString(p.message)};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (c >= 2 && c <= 5) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      if (c == 1) item->setForeground(outcomeColor(p.status));
      if (r == m_best) {
        QFont f = item->font();
        f.setBold(true);
        item->setFont(f);
      }
      if (c == 7) item->setToolTip(cells[c]);
      m_table->setItem(r, c, item);
    }
  }
  if (selected >= 0 && selected < m_table->rowCount()) m_table->selectRow(selected);
  updateButtons();
}

QList<ChartExport> SweepView::exports() const {
  auto csv = [points = m_points, best = m_best] { return bnn::sweepCsv(points, best); };
  return {ChartExport{QStringLiteral("Step-size sweep"),
                      QStringLiteral("sweep"),
                      {m_accuracyChart, m_nllChart, m_outcomeChart},
                      csv,
                      0,
                      {}},
          ChartExport{QStringLiteral("Step-size sweep table"), QStringLiteral("sweep"), {}, csv, 0, {}}};
}
