#include "shift/shift_view.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "common/job_runner.h"
#include "common/sampled_runs.h"
#include "common/view_scaffold.h"
#include "run/posterior_samples.h"
#include "run/run_result.h"
#include "views/run_pair_picker.h"

namespace {

struct MeasureInfo {
  const char* title;
  const char* axis;
  const char* tip;
  bool unitRange;  // a share: the y axis is [0, 1]
};

const MeasureInfo kMeasures[ShiftView::MeasureCount] = {
    {"Accuracy", "accuracy", "Share of the shifted test images whose argmax is the label.", true},
    {"NLL", "NLL (nats)", "−(1/N) Σ_i log p(y_i | x_i) on the shifted images.", false},
    {"ECE", "ECE (15 bins)", "Expected calibration error, 15 equal-width bins on max p (L1).", false},
    {"Brier", "Brier score", "(1/N) Σ_i Σ_k (p_ik − 1[k = y_i])², in [0, 2].", false},
    {"Mean entropy", "mean H[p] (nats)", "Mean predictive entropy over the shifted images.", false},
    {"Mean mutual information", "mean MI (nats)",
     "Mean mutual information H[p̄] − E_s H[p_s] (the ensemble only: one network has none).", false},
};

struct FamilyInfo {
  const char* label;
  const char* unit;     // after the line edit
  const char* axis;     // x axis title
  const char* initial;  // default levels
  const char* tip;
  bnn::TransformKind kind;
};

const FamilyInfo kFamilies[ShiftView::FamilyCount] = {
    {"Rotation", "°", "rotation (degrees, counter-clockwise)", "0:180:15",
     "Rotate every test image about its centre, bilinear, zero outside (as scipy.ndimage.rotate with "
     "reshape=False, order=1). FROM:TO:STEP or one angle.",
     bnn::TransformKind::Rotate},
    {"Translation", "px", "translation (pixels to the right)", "0:8:2",
     "Move every test image's content to the right by the level in pixels, bilinear, zero outside. "
     "FROM:TO:STEP or one value.",
     bnn::TransformKind::Translate},
    {"Noise", "σ", "Gaussian noise σ (pixel values in [0, 1])", "0:0.6:0.1",
     "Add Gaussian noise of standard deviation σ to every pixel (x in [0, 1], clipped), seed 0 as bnn-cli "
     "shift. Levels from 0 to 1.",
     bnn::TransformKind::GaussianNoise},
};

QString key(const bnn::TransformSpec& s) { return QString::fromStdString(bnn::transformSpecText(s)); }

double levelOf(const bnn::TransformSpec& s) {
  return s.kind == bnn::TransformKind::Rotate      ? s.degrees
         : s.kind == bnn::TransformKind::Translate ? s.dx
                                                   : s.sigma;
}

QString levelText(const bnn::ShiftLevel& l) {
  switch (l.spec.kind) {
    case bnn::TransformKind::Rotate:
      return QStringLiteral("%1°").arg(l.level);
    case bnn::TransformKind::Translate:
      return QStringLiteral("%1 px").arg(l.level);
    default:
      return QStringLiteral("σ %1").arg(l.level);
  }
}

QString fixed(double v, int d) { return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'f', d); }

}  // namespace

ShiftView::ShiftView(const ViewContext& context, QWidget* parent) : AnalysisView(context, parent) {
  const ViewScaffold scaffold = makeViewScaffold(this);
  QWidget* content = scaffold.content;
  m_picker = scaffold.picker;
  m_runs = new SampledRuns(m_picker, this);
  scaffold.header->addWidget(chart_export::makeExportButton(content, [this] { return exports().value(0); }));

  // The levels of each family.
  auto* levelsRow = new QHBoxLayout;
  for (int f = 0; f < FamilyCount; ++f) {
    const FamilyInfo& fi = kFamilies[f];
    m_enabled[f] = new QCheckBox(QString::fromUtf8(fi.label), content);
    m_enabled[f]->setChecked(f == Rotation);
    m_enabled[f]->setToolTip(QString::fromUtf8(fi.tip));
    m_text[f] = new QLineEdit(QString::fromUtf8(fi.initial), content);
    m_text[f]->setToolTip(QString::fromUtf8(fi.tip));
    m_text[f]->setMaximumWidth(90);
    m_text[f]->setMinimumWidth(60);
    levelsRow->addWidget(m_enabled[f]);
    levelsRow->addWidget(m_text[f]);
    levelsRow->addWidget(new QLabel(QString::fromUtf8(fi.unit), content));
    levelsRow->addSpacing(6);
    connect(m_enabled[f], &QCheckBox::toggled, this, &ShiftView::validateLevels);
    connect(m_text[f], &QLineEdit::textChanged, this, &ShiftView::validateLevels);
  }
  levelsRow->addStretch(1);
  scaffold.root->addLayout(levelsRow);

  auto* runRow = new QHBoxLayout;
  m_run = new QPushButton(QStringLiteral("Run sweep"), content);
  m_run->setToolTip(
      QStringLiteral("Evaluate the shown runs' kept samples on every level they have not been "
                     "evaluated on (one test pass per sample and level)"));
  m_cancel = new QPushButton(QStringLiteral("Cancel"), content);
  m_cancel->setToolTip(QStringLiteral("Stop the sweeps; the levels finished stay"));
  m_cancel->setEnabled(false);
  m_progress = new QProgressBar(content);
  m_progress->setRange(0, 1000);
  m_progress->setMaximumWidth(160);
  m_progress->setMinimumWidth(80);
  m_progress->setTextVisible(false);
  m_progress->setVisible(false);
  m_status = new QLabel(content);
  m_status->setWordWrap(true);
  m_status->setTextFormat(Qt::PlainText);
  m_status->setMinimumWidth(200);
  m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  runRow->addWidget(m_run);
  runRow->addWidget(m_cancel);
  runRow->addWidget(m_progress);
  runRow->addWidget(m_status, 1);
  scaffold.root->addLayout(runRow);

  // Charts: the legend, the x-axis family, a 3 x 2 grid.
  auto* chartsPage = new QWidget;
  auto* cv = new QVBoxLayout(chartsPage);
  cv->setContentsMargins(2, 2, 2, 2);
  auto* legendRow = new QHBoxLayout;
  m_legend = new QLabel(chartsPage);
  m_legend->setTextFormat(Qt::RichText);
  m_legend->setWordWrap(true);
  m_legend->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_family = new QComboBox(chartsPage);
  for (int f = 0; f < FamilyCount; ++f) m_family->addItem(QString::fromUtf8(kFamilies[f].label), f);
  m_family->setToolTip(QStringLiteral("The shift on the charts' x axis"));
  legendRow->addWidget(m_legend, 1);
  legendRow->addWidget(new QLabel(QStringLiteral("x axis"), chartsPage));
  legendRow->addWidget(m_family);
  cv->addLayout(legendRow);
  auto* grid = new QGridLayout;
  grid->setSpacing(2);
  for (int m = 0; m < MeasureCount; ++m) {
    m_charts[m] = makeChartView(QString::fromUtf8(kMeasures[m].title));
    m_charts[m]->setMinimumSize(200, 170);
    m_charts[m]->setToolTip(QString::fromUtf8(kMeasures[m].tip));
    m_charts[m]->chart()->legend()->hide();
    m_x[m] = new QValueAxis;
    m_y[m] = new QValueAxis;
    m_y[m]->setTitleText(QString::fromUtf8(kMeasures[m].axis));
    m_charts[m]->chart()->addAxis(m_x[m], Qt::AlignBottom);
    m_charts[m]->chart()->addAxis(m_y[m], Qt::AlignLeft);
    grid->addWidget(m_charts[m], m / 3, m % 3);
  }
  cv->addLayout(grid, 1);

  m_table = new QTableWidget;
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->verticalHeader()->hide();
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

  m_tabs = new QTabWidget(content);
  m_tabs->addTab(chartsPage, QStringLiteral("Charts"));
  m_tabs->addTab(m_table, QStringLiteral("Table"));
  scaffold.root->addWidget(m_tabs, 1);
  content->setMinimumHeight(480);

  m_timer = new QTimer(this);
  m_timer->setInterval(100);
  connect(m_timer, &QTimer::timeout, this, &ShiftView::tick);
  connect(m_runs, &SampledRuns::shownChanged, this, &ShiftView::refresh);
  connect(m_family, &QComboBox::currentIndexChanged, this, &ShiftView::refreshCharts);
  connect(m_run, &QPushButton::clicked, this, &ShiftView::runSweep);
  connect(m_cancel, &QPushButton::clicked, this, &ShiftView::cancel);
  validateLevels();
}

ShiftView::~ShiftView() {
  for (const Active& a : std::as_const(m_active)) a.progress->cancel = true;
}

void ShiftView::updateRun(const ViewRun& run) {
  const ViewRun* old = m_runs->run(run.id);
  if (old && old->result != run.result &&
      (!old->result || !run.result || old->result->samples != run.result->samples))
    dropRun(run.id);
  m_runs->setRun(run);
}

void ShiftView::dropRun(const QString& id) {
  stop(id);
  m_results.remove(id);
}

void ShiftView::removeRun(const QString& id) {
  dropRun(id);
  if (JobRunner* jobs = context().jobs) jobs->forgetRun(id);
  m_runs->removeRun(id);
}

void ShiftView::selectRun(const QString& id) { m_runs->select(id); }

void ShiftView::selectPair(const QString& id, const QString& comparison) { m_runs->setPair(id, comparison); }

void ShiftView::setLevels(Family family, const QString& text, bool enabled) {
  m_text[family]->setText(text);
  m_enabled[family]->setChecked(enabled);
}

std::vector<bnn::TransformSpec> ShiftView::levels(QString* why) const {
  std::vector<bnn::TransformSpec> out;
  QStringList problems;
  for (int f = 0; f < FamilyCount; ++f) {
    if (!m_enabled[f]->isChecked()) continue;
    const bnn::Result<std::vector<double>> r =
        bnn::parseLevelRange(m_text[f]->text().toStdString(), kFamilies[f].label);
    if (!r) {
      problems << QString::fromStdString(r.error().message());
      continue;
    }
    if (f == Noise && std::any_of(r->begin(), r->end(), [](double s) { return s < 0 || s > 1; })) {
      problems << QStringLiteral("Noise: every σ must be from 0 to 1");
      continue;
    }
    const std::vector<bnn::TransformSpec> add = f == Rotation      ? bnn::rotationLevels(*r)
                                                : f == Translation ? bnn::translationLevels(*r)
                                                                   : bnn::noiseLevels(*r);
    out.insert(out.end(), add.begin(), add.end());
  }
  if (out.empty() && problems.isEmpty()) problems << QStringLiteral("Choose at least one shift to sweep.");
  if (why) *why = problems.join(QLatin1Char('\n'));
  if (!problems.isEmpty()) return {};
  return out;
}

void ShiftView::validateLevels() {
  for (int f = 0; f < FamilyCount; ++f) {
    const bool bad = m_enabled[f]->isChecked() &&
                     !bnn::parseLevelRange(m_text[f]->text().toStdString(), kFamilies[f].label);
    m_text[f]->setStyleSheet(bad ? QStringLiteral("QLineEdit { background: #f8d7da; }") : QString());
    m_text[f]->setEnabled(m_enabled[f]->isChecked());
  }
  // The x-axis family follows the families swept.
  const Family current = chartFamily();
  if (!m_enabled[current]->isChecked())
    for (int f = 0; f < FamilyCount; ++f)
      if (m_enabled[f]->isChecked()) {
        m_family->setCurrentIndex(f);
        break;
      }
  refresh();
}

ShiftView::Family ShiftView::chartFamily() const { return Family(m_family->currentData().toInt()); }

std::vector<bnn::ShiftLevel> ShiftView::shownLevels(const QString& id) const {
  std::vector<bnn::ShiftLevel> out;
  const auto it = m_results.constFind(id);
  if (it == m_results.constEnd()) return out;
  for (const bnn::TransformSpec& s : levels()) {
    const auto l = it->levels.constFind(key(s));
    if (l != it->levels.constEnd()) out.push_back(*l);
  }
  return out;
}

double ShiftView::measure(const bnn::ShiftLevel& level, Measure m, bool lastSample) {
  const bnn::ShiftMeasures& s = lastSample ? level.lastSample : level.ensemble;
  switch (m) {
    case Accuracy:
      return s.accuracy;
    case Nll:
      return s.nll;
    case Ece:
      return s.ece;
    case Brier:
      return s.brier;
    case Entropy:
      return s.meanEntropy;
    case MutualInformation:
      return s.meanMutualInformation;
    case MeasureCount:
      break;
  }
  return std::nan("");
}

double ShiftView::sweepSeconds(const QString& id) const {
  return m_results.contains(id) ? m_results[id].seconds : std::numeric_limits<double>::quiet_NaN();
}

void ShiftView::runSweep() {
  const std::vector<bnn::TransformSpec> wanted = levels();
  if (wanted.empty()) return;
  m_lastMessage.clear();
  for (const QString& id : m_runs->shownIds()) {
    const ViewRun* run = m_runs->run(id);
    if (!run || !SampledRuns::problem(*run).isEmpty()) continue;
    RunLevels& have = m_results[id];
    if (have.result != run->result) {
      have = RunLevels();
      have.result = run->result;
    }
    std::vector<bnn::TransformSpec> todo;
    for (const bnn::TransformSpec& s : wanted)
      if (!have.levels.contains(key(s))) todo.push_back(s);
    if (todo.empty()) continue;
    if (m_active.contains(id)) {
      if (m_active[id].levels == todo) continue;
      stop(id);
    }
    have.error.clear();
    Active a;
    a.progress = std::make_shared<JobProgress>();
    a.shared = std::make_shared<ShiftSweepShared>();
    a.levels = todo;
    a.startedMs = QDateTime::currentMSecsSinceEpoch();
    m_active[id] = a;
    std::shared_ptr<const bnn::RunResult> result = run->result;
    auto work = [result, todo, progress = a.progress,
                 shared = a.shared](const JobRunner::CancelCheck& cancelled) {
      return runShiftSweep(result, todo, 0, progress, shared, cancelled);
    };
    auto install = [this, id, result, progress = a.progress,
                    all = todo.size() == wanted.size()](ShiftSweepOutput o) {
      collect();
      if (m_active.value(id).progress == progress) m_active.remove(id);
      if (m_results.contains(id) && m_results[id].result == result) {
        RunLevels& r = m_results[id];
        r.error = o.error;
        // The time of a sweep that evaluated every level asked for (not one that filled gaps).
        if (o.error.isEmpty() && all) r.seconds = o.seconds;
      }
      refresh();
      Q_EMIT sweepFinished(id);
    };
    submitOrRun(context().jobs, this, QStringLiteral("shift/") + id, {id}, std::move(work),
                std::move(install));
  }
  if (!m_active.isEmpty()) m_timer->start();
  updateStatus();
}

void ShiftView::stop(const QString& id) {
  if (!m_active.contains(id)) return;
  collect();
  m_active.take(id).progress->cancel = true;
  if (JobRunner* jobs = context().jobs) jobs->cancel(QStringLiteral("shift/") + id);
}

void ShiftView::cancel() {
  if (m_active.isEmpty()) return;
  const QStringList ids = m_active.keys();
  for (const QString& id : ids) stop(id);
  m_lastMessage = QStringLiteral("Cancelled: the levels finished are kept; Run sweep evaluates the rest.");
  refresh();
}

void ShiftView::collect() {
  bool any = false;
  for (auto it = m_active.begin(); it != m_active.end(); ++it) {
    std::vector<bnn::ShiftLevel> got;
    int64_t samples = 0, images = 0;
    {
      const std::lock_guard<std::mutex> lock(it->shared->mutex);
      got.swap(it->shared->finished);
      samples = it->shared->sampleCount;
      images = it->shared->numImages;
    }
    if (got.empty() || !m_results.contains(it.key())) continue;
    RunLevels& r = m_results[it.key()];
    r.sampleCount = samples;
    r.numImages = images;
    for (bnn::ShiftLevel& l : got) r.levels.insert(key(l.spec), std::move(l));
    any = true;
    Q_EMIT levelInstalled(it.key());
  }
  if (any) {
    refreshCharts();
    refreshTable();
  }
}

void ShiftView::tick() {
  collect();
  if (m_active.isEmpty()) m_timer->stop();
  updateStatus();
}

void ShiftView::refresh() {
  refreshCharts();
  refreshTable();
  updateStatus();
}

void ShiftView::updateStatus() {
  QString why;
  const std::vector<bnn::TransformSpec> wanted = levels(&why);
  int64_t done = 0, total = 0;
  for (const Active& a : std::as_const(m_active)) {
    done += a.progress->done;
    total += std::max<int64_t>(1, a.progress->total);
  }
  const bool busy = !m_active.isEmpty();
  m_progress->setVisible(busy);
  m_cancel->setEnabled(busy);
  if (busy) m_progress->setValue(total > 0 ? int(1000 * done / total) : 0);

  QStringList lines;
  if (!m_lastMessage.isEmpty()) lines << m_lastMessage;
  if (!why.isEmpty()) lines << why;
  bool missing = false;
  for (const QString& id : m_runs->shownIds()) {
    const ViewRun* run = m_runs->run(id);
    const QString problem = SampledRuns::problem(*run);
    if (!problem.isEmpty()) {
      lines << QStringLiteral("%1: %2").arg(run->name, problem);
      continue;
    }
    if (m_active.contains(id)) {
      const Active& a = m_active[id];
      if (!a.progress->started) {
        lines << QStringLiteral("%1: waiting for other background work to finish…").arg(run->name);
        continue;
      }
      const int level = std::min<int>(a.progress->stage, int(a.levels.size()) - 1);
      const int64_t s = run->result->samples->count();
      const double elapsed = (QDateTime::currentMSecsSinceEpoch() - a.startedMs) / 1000.0;
      bnn::ShiftLevel at;
      at.spec = a.levels[size_t(level)];
      at.level = levelOf(at.spec);
      lines << QStringLiteral("%1: %2 %3 (level %4 of %5), sample %6 of %7 · %8 s")
                   .arg(run->name, QString::fromUtf8(bnn::enumName(at.spec.kind)), levelText(at))
                   .arg(level + 1)
                   .arg(a.levels.size())
                   .arg(std::min<int64_t>(s, a.progress->done - int64_t(level) * s))
                   .arg(s)
                   .arg(elapsed, 0, 'f', 0);
      continue;
    }
    const std::vector<bnn::ShiftLevel> have = shownLevels(id);
    const RunLevels r = m_results.value(id);
    if (!r.error.isEmpty()) lines << QStringLiteral("%1: %2").arg(run->name, r.error);
    if (!wanted.empty() && have.size() < wanted.size()) {
      missing = true;
      lines << QStringLiteral("%1: %2 of %3 levels evaluated (%4 kept samples each: press Run sweep)")
                   .arg(run->name)
                   .arg(have.size())
                   .arg(wanted.size())
                   .arg(run->result->samples->count());
    } else if (!have.empty()) {
      QString line = QStringLiteral("%1: %2 levels × %3 samples × %4 images")
                         .arg(run->name)
                         .arg(have.size())
                         .arg(r.sampleCount)
                         .arg(r.numImages);
      if (!std::isnan(r.seconds)) line += QStringLiteral(", swept in %1 s").arg(r.seconds, 0, 'f', 1);
      lines << line;
    }
  }
  if (m_runs->isEmpty())
    lines << QStringLiteral("No runs yet: start or open a run that keeps posterior samples.");
  m_status->setText(lines.join(QLatin1Char('\n')));
  m_run->setEnabled(missing);
}

QString ShiftView::statusText() const { return m_status->text(); }

void ShiftView::refreshCharts() {
  const Family family = chartFamily();
  const bnn::TransformKind kind = kFamilies[family].kind;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  double top[MeasureCount] = {};
  for (int m = 0; m < MeasureCount; ++m) m_charts[m]->chart()->removeAllSeries();
  QStringList legend;
  m_legendEntries.clear();
  for (const QString& id : m_runs->shownIds()) {
    const ViewRun* run = m_runs->run(id);
    std::vector<bnn::ShiftLevel> ls;
    for (const bnn::ShiftLevel& l : shownLevels(id))
      if (l.spec.kind == kind) ls.push_back(l);
    if (ls.empty()) continue;
    std::sort(ls.begin(), ls.end(),
              [](const bnn::ShiftLevel& a, const bnn::ShiftLevel& b) { return a.level < b.level; });
    lo = std::min(lo, ls.front().level);
    hi = std::max(hi, ls.back().level);
    const QString c = run->color.name();
    legend << QStringLiteral(
                  "<span style='color:%1'>━━</span> %2 ensemble &nbsp; <span style='color:%1'>╍╍</span> "
                  "%2 last sample")
                  .arg(c, run->name.toHtmlEscaped());
    m_legendEntries.append({run->name + QStringLiteral(" ensemble"), run->color, Qt::SolidLine});
    m_legendEntries.append({run->name + QStringLiteral(" last sample"), run->color, Qt::DashLine});
    for (int m = 0; m < MeasureCount; ++m) {
      for (int last = 0; last < 2; ++last) {
        if (last && m == MutualInformation) continue;
        auto* line = makeLineSeries(run->color, last ? Qt::DashLine : Qt::SolidLine, 2);
        line->setPointsVisible(true);
        line->setName(QStringLiteral("%1 · %2").arg(
            run->name, last ? QStringLiteral("last sample") : QStringLiteral("ensemble")));
        QList<QPointF> pts;
        for (const bnn::ShiftLevel& l : ls) {
          const double v = measure(l, Measure(m), last);
          if (!std::isfinite(v)) continue;
          pts.append({l.level, v});
          top[m] = std::max(top[m], v);
        }
        line->replace(pts);
        m_charts[m]->chart()->addSeries(line);
        line->attachAxis(m_x[m]);
        line->attachAxis(m_y[m]);
      }
    }
  }
  if (!std::isfinite(lo)) lo = 0, hi = kind == bnn::TransformKind::Rotate ? 180 : 1;
  if (hi <= lo) hi = lo + 1;
  for (int m = 0; m < MeasureCount; ++m) {
    m_x[m]->setTitleText(QString::fromUtf8(kFamilies[family].axis));
    if (kind == bnn::TransformKind::Rotate && hi - lo >= 60) {
      // Angles read best in steps of 30 degrees (0, 30, ..., 180).
      m_x[m]->setRange(lo, hi);
      m_x[m]->setTickType(QValueAxis::TicksDynamic);
      m_x[m]->setTickAnchor(0);
      m_x[m]->setTickInterval(30);
      m_x[m]->setLabelFormat(QStringLiteral("%.0f"));
    } else {
      TickOptions xo;
      xo.target = 6;
      xo.roundRange = false;
      applyNiceTicks(m_x[m], lo, hi, xo);
    }
    const double yTop = kMeasures[m].unitRange ? 1.0 : (top[m] > 0 ? top[m] * 1.05 : 1.0);
    applyNiceTicks(m_y[m], 0, yTop);
  }
  m_legend->setText(legend.isEmpty() ? QStringLiteral("No levels evaluated yet: press Run sweep.")
                                     : legend.join(QStringLiteral(" &nbsp;&nbsp; ")));
}

void ShiftView::refreshTable() {
  const QStringList headers{QStringLiteral("run"),      QStringLiteral("shift"),   QStringLiteral("source"),
                            QStringLiteral("accuracy"), QStringLiteral("NLL"),     QStringLiteral("ECE"),
                            QStringLiteral("Brier"),    QStringLiteral("entropy"), QStringLiteral("MI"),
                            QStringLiteral("seconds")};
  m_table->clear();
  m_table->setColumnCount(int(headers.size()));
  m_table->setHorizontalHeaderLabels(headers);
  m_table->setRowCount(0);
  for (const QString& id : m_runs->shownIds()) {
    const ViewRun* run = m_runs->run(id);
    for (const bnn::ShiftLevel& l : shownLevels(id)) {
      for (int last = 0; last < 2; ++last) {
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        auto* name = new QTableWidgetItem(run->name);
        name->setForeground(run->color);
        m_table->setItem(r, 0, name);
        m_table->setItem(r, 1,
                         new QTableWidgetItem(
                             QStringLiteral("%1 %2").arg(QString::fromStdString(l.transform), levelText(l))));
        m_table->setItem(
            r, 2, new QTableWidgetItem(last ? QStringLiteral("last sample") : QStringLiteral("ensemble")));
        const int decimals[] = {4, 3, 4, 4, 3, 4};
        for (int m = 0; m < MeasureCount; ++m) {
          auto* item = new QTableWidgetItem(fixed(measure(l, Measure(m), last), decimals[m]));
          item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
          m_table->setItem(r, 3 + m, item);
        }
        auto* sec = new QTableWidgetItem(QString::number(l.seconds, 'f', 2));
        sec->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(r, 9, sec);
      }
    }
  }
}

QList<ChartExport> ShiftView::exports() const {
  ChartExport charts;
  charts.title = QStringLiteral("Shift charts");
  charts.baseName = QStringLiteral("shift");
  for (QChartView* c : m_charts) charts.charts << c;
  charts.columns = 3;  // the grid on screen
  charts.legend = m_legendEntries;
  ChartExport table;
  table.title = QStringLiteral("Shift table");
  table.baseName = QStringLiteral("shift_table");
  QList<std::pair<QString, bnn::ShiftStudy>> shown;
  for (const QString& id : m_runs->shownIds()) {
    bnn::ShiftStudy s;
    s.levels = shownLevels(id);
    if (s.levels.empty()) continue;
    const RunLevels r = m_results.value(id);
    s.sampleCount = r.sampleCount;
    s.numImages = r.numImages;
    shown.append({m_runs->run(id)->name, std::move(s)});
  }
  if (!shown.isEmpty()) {
    auto csv = [shown] {
      std::string out;
      for (int i = 0; i < shown.size(); ++i)
        out += chart_export::withRunColumn(bnn::shiftTableCsv(shown[i].second), shown[i].first, i == 0);
      return out;
    };
    charts.csv = csv;
    table.csv = csv;
  }
  return {charts, table};
}
