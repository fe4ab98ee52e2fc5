#include "decisions/decisions_view.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "analysis/decision_tables.h"
#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "common/digit_view.h"
#include "common/job_runner.h"
#include "common/view_scaffold.h"
#include "decisions/cost_editor.h"
#include "explorer/explorer_state.h"
#include "explorer/explorer_text.h"
#include "explorer/run_analysis.h"
#include "util/format.h"
#include "views/run_pair_picker.h"

namespace {

using bnn::PredictiveSource;

const QColor kMarkerColor(110, 110, 110);
constexpr int kSweepPoints = 101;

QString sourceName(PredictiveSource s) { return QString::fromUtf8(bnn::sourceLabel(s)).toLower(); }

QString costText(double v) { return explorer_text::fixed(v, 4); }

QValueAxis* addAxes(QChartView* view, const QString& x, const QString& y, QValueAxis** yAxis) {
  auto* ax = new QValueAxis;
  ax->setTitleText(x);
  auto* ay = new QValueAxis;
  ay->setTitleText(y);
  view->chart()->addAxis(ax, Qt::AlignBottom);
  view->chart()->addAxis(ay, Qt::AlignLeft);
  *yAxis = ay;
  return ax;
}

void attach(QChartView* view, QLineSeries* s, QValueAxis* x, QValueAxis* y) {
  view->chart()->addSeries(s);
  s->attachAxis(x);
  s->attachAxis(y);
}

std::shared_ptr<const DecisionOutcome> computeOutcome(std::shared_ptr<const RunAnalysis> analysis,
                                                      PredictiveSource source, const bnn::CostMatrix& costs,
                                                      double rejectCost,
                                                      std::shared_ptr<const DecisionOutcome> previous) {
  auto o = std::make_shared<DecisionOutcome>();
  o->analysis = analysis;
  o->source = source;
  o->costs = costs;
  o->rejectCost = rejectCost;
  if (previous && previous->analysis == analysis && previous->source == source && previous->costs == costs) {
    o->profile = previous->profile;
    o->sweep = previous->sweep;
    o->unavailable = previous->unavailable;
  } else if (!analysis || !analysis->ok()) {
    o->unavailable = analysis && !analysis->problem.isEmpty()
                         ? analysis->problem
                         : QStringLiteral("nothing has been sampled yet");
  } else {
    const bnn::RunResult& run = *analysis->run;
    bnn::Result<bnn::RiskProfile> p = bnn::Error{};
    if (source == PredictiveSource::Ensemble) {
      p = bnn::riskProfile(std::span<const double>(analysis->analysis->meanProbs), run.testLabels(), costs);
    } else {
      const std::span<const float> last = bnn::lastSampleProbabilities(run);
      if (last.empty())
        o->unavailable = QString::fromStdString(bnn::noLastSampleReason(run));
      else
        p = bnn::riskProfile(last, run.testLabels(), costs);
    }
    if (o->unavailable.isEmpty()) {
      if (p.ok()) {
        auto profile = std::make_shared<const bnn::RiskProfile>(std::move(p.value()));
        const bnn::RiskProfile* ps[] = {profile.get()};
        const std::vector<double> grid = bnn::rejectCostGrid(ps, kSweepPoints);
        o->sweep =
            std::make_shared<const std::vector<bnn::DecisionSummary>>(bnn::rejectSweep(*profile, grid));
        o->profile = std::move(profile);
      } else {
        o->unavailable = QString::fromStdString(p.error().message());
      }
    }
  }
  if (o->profile) {
    o->summary = bnn::decisionSummary(*o->profile, rejectCost);
    o->confusion = bnn::decisionConfusion(*o->profile, rejectCost);
    o->deferred = bnn::deferredImages(*o->profile, rejectCost);
  }
  return o;
}

}  // namespace

DecisionsView::DecisionsView(const ViewContext& context, QWidget* parent) : AnalysisView(context, parent) {
  m_state = new ExplorerState(this);

  // Top: the runs, the source of each side, the reject cost.
  const ViewScaffold scaffold = makeViewScaffold(this);
  QWidget* content = scaffold.content;
  QVBoxLayout* root = scaffold.root;
  m_picker = scaffold.picker;
  for (int side = 0; side < kSides; ++side) {
    m_source[side] = new QComboBox(content);
    for (PredictiveSource s : bnn::kPredictiveSources)
      m_source[side]->addItem(QStringLiteral("%1: %2").arg(QChar('A' + side)).arg(sourceName(s)), int(s));
    m_source[side]->setToolTip(side == 0
                                   ? QStringLiteral("Side A: the shown run's ensemble or its last sample")
                                   : QStringLiteral("Side B: the compared run (the shown run without a "
                                                    "comparison): ensemble or last sample"));
  }
  m_source[1]->setCurrentIndex(1);
  auto* rejectLabel = new QLabel(QStringLiteral("Reject cost c"), content);
  m_reject = new QDoubleSpinBox(content);
  m_reject->setRange(0, 1000);
  m_reject->setDecimals(3);
  m_reject->setSingleStep(0.01);
  m_reject->setValue(0.2);
  m_reject->setToolTip(QStringLiteral(
      "Cost of deferring an image to a person. An image is deferred when its smallest risk "
      "min_a Σ_k C[a, k] p_k exceeds c (Chow's rule); with 0-1 loss exactly when max p < 1 − c."));
  rejectLabel->setBuddy(m_reject);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(QStringLiteral("Sides"), content));
  for (QComboBox* box : m_source) controls->addWidget(box);
  controls->addSpacing(12);
  controls->addWidget(rejectLabel);
  controls->addWidget(m_reject);
  controls->addStretch(1);
  controls->addWidget(chart_export::makeExportButton(content, [this] { return exports().value(0); }));
  root->addLayout(controls);

  // Left: the cost editor. Right: the summary table over the tabs.
  m_costs = new CostEditor(content);
  m_costs->setMaximumWidth(420);
  auto* right = new QWidget(content);
  auto* rv = new QVBoxLayout(right);
  rv->setContentsMargins(0, 0, 0, 0);
  m_summary = new QTableWidget(right);
  m_summary->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_summary->setSelectionMode(QAbstractItemView::NoSelection);
  m_summary->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  m_summary->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_summary->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  m_summary->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_notes = new QLabel(right);
  m_notes->setWordWrap(true);
  m_notes->setTextFormat(Qt::PlainText);
  rv->addWidget(m_summary);
  rv->addWidget(m_notes);

  m_tabs = new QTabWidget(right);
  // Confusion matrices, side by side.
  auto* confusion = new QWidget;
  auto* cv = new QVBoxLayout(confusion);
  cv->setContentsMargins(2, 2, 2, 2);
  auto* modeRow = new QHBoxLayout;
  m_cellMode = new QComboBox(confusion);
  m_cellMode->addItem(QStringLiteral("Cells: image counts"));
  m_cellMode->addItem(QStringLiteral("Cells: cost"));
  m_cellMode->setItemData(1, QStringLiteral("count × C[a, k], or × c when deferred"), Qt::ToolTipRole);
  m_cellMode->setToolTip(
      QStringLiteral("Image counts, or their cost: count × C[a, k], or × c when deferred"));
  auto* axes = new QLabel(QStringLiteral("Rows: true class · columns: decision, then deferred"), confusion);
  axes->setWordWrap(true);
  modeRow->addWidget(axes, 1);
  modeRow->addStretch(1);
  modeRow->addWidget(m_cellMode);
  cv->addLayout(modeRow);
  auto* tables = new QHBoxLayout;
  for (int side = 0; side < kSides; ++side) {
    m_confusionBox[side] = new QWidget(confusion);
    auto* box = new QVBoxLayout(m_confusionBox[side]);
    box->setContentsMargins(0, 0, 0, 0);
    m_confusionTitle[side] = new QLabel(confusion);
    m_confusion[side] = new QTableWidget(confusion);
    m_confusion[side]->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Columns as wide as their numbers (a count of 1135 never elides); the table scrolls when
    // the window is too narrow for both.
    m_confusion[side]->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_confusion[side]->setTextElideMode(Qt::ElideNone);
    m_confusion[side]->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_confusion[side]->horizontalHeader()->setMinimumSectionSize(20);
    m_confusion[side]->verticalHeader()->setMinimumSectionSize(16);
    m_confusion[side]->setMinimumSize(200, 220);
    box->addWidget(m_confusionTitle[side]);
    box->addWidget(m_confusion[side], 1);
    tables->addWidget(m_confusionBox[side], 1);
  }
  cv->addLayout(tables, 1);
  m_tabs->addTab(confusion, QStringLiteral("Confusion"));

  // Sweep charts.
  auto* sweep = new QSplitter(Qt::Horizontal);
  sweep->setChildrenCollapsible(false);
  m_costChart = makeChartView(QStringLiteral("Realised cost per image as c sweeps"));
  m_deferralChart = makeChartView(QStringLiteral("Deferral rate as c sweeps"));
  m_costX = addAxes(m_costChart, QStringLiteral("reject cost c"), QStringLiteral("realised cost per image"),
                    &m_costY);
  m_deferX =
      addAxes(m_deferralChart, QStringLiteral("reject cost c"), QStringLiteral("% deferred"), &m_deferY);
  for (int side = 0; side < kSides; ++side) {
    const Qt::PenStyle style = side == 0 ? Qt::SolidLine : Qt::DashLine;
    m_costSeries[side] = makeLineSeries(Qt::black, style);
    m_deferSeries[side] = makeLineSeries(Qt::black, style);
    attach(m_costChart, m_costSeries[side], m_costX, m_costY);
    attach(m_deferralChart, m_deferSeries[side], m_deferX, m_deferY);
  }
  m_costMarker = makeLineSeries(kMarkerColor, Qt::DotLine, 1.5);
  m_deferMarker = makeLineSeries(kMarkerColor, Qt::DotLine, 1.5);
  attach(m_costChart, m_costMarker, m_costX, m_costY);
  attach(m_deferralChart, m_deferMarker, m_deferX, m_deferY);
  for (auto [view, s] : {std::pair{m_costChart, m_costMarker}, std::pair{m_deferralChart, m_deferMarker}})
    for (QLegendMarker* m : view->chart()->legend()->markers(s)) m->setVisible(false);
  sweep->addWidget(m_costChart);
  sweep->addWidget(m_deferralChart);
  m_tabs->addTab(sweep, QStringLiteral("Reject-cost sweep"));

  // Deferred images.
  auto* galleries = new QWidget;
  auto* gh = new QHBoxLayout(galleries);
  gh->setContentsMargins(2, 2, 2, 2);
  for (int side = 0; side < kSides; ++side) {
    m_galleryBox[side] = new QWidget(galleries);
    auto* box = new QVBoxLayout(m_galleryBox[side]);
    box->setContentsMargins(0, 0, 0, 0);
    m_galleryTitle[side] = new QLabel(galleries);
    m_galleryTitle[side]->setWordWrap(true);
    m_gallery[side] = new QListWidget(galleries);
    m_gallery[side]->setViewMode(QListView::IconMode);
    m_gallery[side]->setIconSize(QSize(56, 56));
    m_gallery[side]->setResizeMode(QListView::Adjust);
    m_gallery[side]->setMovement(QListView::Static);
    m_gallery[side]->setUniformItemSizes(true);
    m_gallery[side]->setSpacing(2);
    box->addWidget(m_galleryTitle[side]);
    box->addWidget(m_gallery[side], 1);
    gh->addWidget(m_galleryBox[side], 1);
  }
  m_tabs->addTab(galleries, QStringLiteral("Deferred images"));
  rv->addWidget(m_tabs, 1);

  auto* split = new QSplitter(Qt::Horizontal, content);
  split->setChildrenCollapsible(false);
  split->addWidget(m_costs);
  split->addWidget(right);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 3);
  root->addWidget(split, 1);
  m_split = split;
  m_right = right;
  content->setMinimumSize(640, 520);

  connect(m_picker, &RunPairPicker::primaryChosen, m_state, &ExplorerState::setPrimary);
  connect(m_picker, &RunPairPicker::comparisonChosen, m_state, &ExplorerState::setComparison);
  connect(m_picker, &RunPairPicker::swapRequested, m_state, &ExplorerState::swap);
  connect(m_state, &ExplorerState::runsChanged, this, &DecisionsView::refreshPicker);
  connect(m_state, &ExplorerState::analysisWanted, this, &DecisionsView::requestAnalysis);
  connect(m_state, &ExplorerState::shownChanged, this, &DecisionsView::requestDecisions);
  for (int side = 0; side < kSides; ++side)
    connect(m_source[side], &QComboBox::currentIndexChanged, this, &DecisionsView::requestDecisions);
  connect(m_reject, &QDoubleSpinBox::valueChanged, this, [this](double c) {
    m_rejectCost = c;
    refreshMarkers();
    requestDecisions();
  });
  connect(m_costs, &CostEditor::costsChanged, this, &DecisionsView::requestDecisions);
  connect(m_costs, &CostEditor::statusMessage, this, &AnalysisView::statusMessage);
  connect(m_cellMode, &QComboBox::currentIndexChanged, this, &DecisionsView::refreshConfusion);
  refreshPicker();
  refreshSides();
}

DecisionsView::~DecisionsView() = default;

void DecisionsView::resizeEvent(QResizeEvent* event) {
  AnalysisView::resizeEvent(event);
  // The cost editor beside the tables where both fit, above them where they do not (1024 x 700):
  // the view then scrolls vertically instead of sideways. The margin covers a vertical scroll bar.
  const int need =
      m_costs->minimumSizeHint().width() + m_right->minimumSizeHint().width() + m_split->handleWidth() + 32;
  m_split->setOrientation(width() >= need ? Qt::Horizontal : Qt::Vertical);
}

void DecisionsView::updateRun(const ViewRun& run) { m_state->setRun(run); }

void DecisionsView::removeRun(const QString& id) {
  if (JobRunner* jobs = context().jobs) jobs->forgetRun(id);
  m_state->removeRun(id);
  for (auto& o : m_outcome)
    if (o && o->analysis && !m_state->run(id)) {
      // Let go of the removed run's profile (it holds a copy of the labels and the risks).
      const ExplorerRun* a = sideRun(0);
      const ExplorerRun* b = sideRun(1);
      if ((!a || a->analysis != o->analysis) && (!b || b->analysis != o->analysis)) o.reset();
    }
  requestDecisions();
}

void DecisionsView::selectRun(const QString& id) { m_state->setPrimary(id); }

void DecisionsView::selectPair(const QString& id, const QString& comparison) {
  m_state->setPair(id, comparison);
}

void DecisionsView::setRejectCost(double c) {
  if (!std::isfinite(c) || c < 0) return;
  // Kept exactly (the box shows it to 3 decimals): c = 1 - t must meet the explorer's grid.
  m_rejectCost = c;
  {
    const QSignalBlocker block(m_reject);
    m_reject->setValue(c);
  }
  refreshMarkers();
  requestDecisions();
}

double DecisionsView::rejectCost() const { return m_rejectCost; }

void DecisionsView::setSource(int side, PredictiveSource source) {
  m_source[side]->setCurrentIndex(m_source[side]->findData(int(source)));
}

const ExplorerRun* DecisionsView::sideRun(int side) const {
  if (side == 1 && m_state->comparison()) return m_state->comparison();
  return m_state->primary();
}

QString DecisionsView::sideName(int side) const {
  const ExplorerRun* r = sideRun(side);
  const auto s = PredictiveSource(m_source[side]->currentData().toInt());
  return QStringLiteral("%1: %2 · %3")
      .arg(QChar('A' + side))
      .arg(r ? r->name : QStringLiteral("no run"), sourceName(s));
}

void DecisionsView::requestAnalysis(const QString& id) {
  const ExplorerRun* r = m_state->run(id);
  if (!r || !r->result) return;
  std::shared_ptr<const bnn::RunResult> result = r->result;
  auto work = [result](const JobRunner::CancelCheck&) { return analyseRun(result); };
  auto install = [this, id](std::shared_ptr<const RunAnalysis> analysis) {
    m_state->setAnalysis(id, std::move(analysis));
  };
  submitOrRun(context().jobs, this, QStringLiteral("decisions/analysis/") + id, {id}, work, install,
              JobRunner::Supersede::QueuedOnly);
}

void DecisionsView::requestDecisions() {
  for (int side = 0; side < kSides; ++side) {
    const ExplorerRun* r = sideRun(side);
    if (!r || !r->analysis) {
      if (!r) m_outcome[side].reset();
      continue;
    }
    std::shared_ptr<const RunAnalysis> analysis = r->analysis;
    const auto source = PredictiveSource(m_source[side]->currentData().toInt());
    const bnn::CostMatrix costs = m_costs->costs();
    const double c = m_rejectCost;
    std::shared_ptr<const DecisionOutcome> previous = m_outcome[side];
    auto work = [analysis, source, costs, c, previous](const JobRunner::CancelCheck&) {
      return computeOutcome(analysis, source, costs, c, previous);
    };
    auto install = [this, side](std::shared_ptr<const DecisionOutcome> o) {
      m_outcome[side] = std::move(o);
      refreshSides();
      Q_EMIT outcomeInstalled(side);
    };
    submitOrRun(context().jobs, this, QStringLiteral("decisions/side-%1").arg(side), {r->id}, work, install);
  }
  refreshSides();
}

void DecisionsView::refreshPicker() { m_state->showIn(*m_picker); }

void DecisionsView::refreshSides() {
  static const char* kRows[] = {"Images",
                                "Decided",
                                "Deferred",
                                "Deferral rate",
                                "Accuracy on decided",
                                "Expected cost / image",
                                "Realised cost / image"};
  static const char* kTips[] = {
      "Test images",
      "Images decided (smallest risk ≤ c)",
      "Images deferred to a person (smallest risk > c)",
      "Deferred / images",
      "Share of decided images whose decision is the label",
      "Mean over images of min(R(a*|x), c): the cost the model expects from p",
      "Mean over images of C[a*, y] when decided, c when deferred: the cost the labels show",
  };
  m_summary->clear();
  m_summary->setRowCount(int(std::size(kRows)));
  m_summary->setColumnCount(kSides);
  QStringList notes;
  for (int row = 0; row < int(std::size(kRows)); ++row) {
    auto* h = new QTableWidgetItem(QString::fromUtf8(kRows[row]));
    h->setToolTip(QString::fromUtf8(kTips[row]));
    m_summary->setVerticalHeaderItem(row, h);
  }
  for (int side = 0; side < kSides; ++side) {
    {
      QString header = sideName(side);
      header.replace(QStringLiteral(" · "), QStringLiteral("\n"));
      m_summary->setHorizontalHeaderItem(side, new QTableWidgetItem(header));
    }
    const ExplorerRun* r = sideRun(side);
    const DecisionOutcome* o = m_outcome[side].get();
    const bool current =
        o && r && o->analysis == r->analysis && int(o->source) == m_source[side]->currentData().toInt();
    QStringList cells;
    if (o && o->profile && current) {
      const bnn::DecisionSummary& s = o->summary;
      cells << QString::number(s.numImages) << QString::number(s.decided) << QString::number(s.deferred)
            << explorer_text::percent(s.deferralRate) << explorer_text::percent(s.accuracyOnDecided)
            << costText(s.expectedCostPerImage) << costText(s.realisedCostPerImage);
    } else {
      QString why = !r                        ? QStringLiteral("no run")
                    : !r->problem().isEmpty() ? r->problem()
                    : o && current            ? o->unavailable
                                              : QStringLiteral("deciding…");
      notes << QStringLiteral("%1: %2").arg(sideName(side), why);
    }
    for (int row = 0; row < int(std::size(kRows)); ++row) {
      auto* item = new QTableWidgetItem(cells.value(row, QStringLiteral("—")));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      m_summary->setItem(row, side, item);
    }
  }
  // Every row visible without scrolling.
  m_summary->setFixedHeight(m_summary->horizontalHeader()->sizeHint().height() +
                            m_summary->verticalHeader()->length() + 2 * m_summary->frameWidth() + 2);
  m_notes->setText(notes.join(QLatin1Char('\n')));
  m_notes->setVisible(!notes.isEmpty());
  refreshConfusion();
  refreshSweep();
  // Galleries of deferred images, closest calls first.
  for (int side = 0; side < kSides; ++side) {
    QListWidget* g = m_gallery[side];
    g->clear();
    const DecisionOutcome* o = m_outcome[side].get();
    m_galleryBox[side]->setVisible(o && o->profile);
    if (!o || !o->profile) {
      m_galleryTitle[side]->setText(sideName(side) + QStringLiteral(": nothing to show"));
      continue;
    }
    const bnn::RunResult& run = *o->analysis->run;
    const int shown = std::min<int>(kMaxGallery, int(o->deferred.size()));
    m_galleryTitle[side]->setText(QStringLiteral("%1: %2 deferred at c = %3%4, closest calls first")
                                      .arg(sideName(side))
                                      .arg(o->deferred.size())
                                      .arg(QString::fromStdString(bnn::formatNumber(o->rejectCost)))
                                      .arg(shown < int(o->deferred.size())
                                               ? QStringLiteral(" (first %1 shown)").arg(shown)
                                               : QString()));
    for (int i = 0; i < shown; ++i) {
      const int32_t idx = o->deferred[size_t(i)];
      const QImage img = digitImage(run, idx);
      auto* item = new QListWidgetItem(g);
      if (!img.isNull()) item->setIcon(QIcon(QPixmap::fromImage(img.scaled(56, 56))));
      const int best = o->profile->bestAction[size_t(idx)];
      const int truth = o->profile->hasLabels ? o->profile->labels[size_t(idx)] : -1;
      item->setText(QStringLiteral("true %1").arg(truth));
      item->setToolTip(QStringLiteral("Test image %1\ntrue class %2\nbest decision %3 with risk %4 > c = %5")
                           .arg(idx)
                           .arg(truth)
                           .arg(best)
                           .arg(costText(o->profile->minRisk[size_t(idx)]))
                           .arg(QString::fromStdString(bnn::formatNumber(o->rejectCost))));
    }
  }
}

void DecisionsView::refreshConfusion() {
  const bool showCost = m_cellMode->currentIndex() == 1;
  for (int side = 0; side < kSides; ++side) {
    QTableWidget* t = m_confusion[side];
    t->clear();
    const DecisionOutcome* o = m_outcome[side].get();
    // A side without decisions says why in the notes under the summary; its table goes away.
    m_confusionBox[side]->setVisible(o && o->profile && !o->confusion.counts.empty());
    if (!o || !o->profile || o->confusion.counts.empty()) {
      t->setRowCount(0);
      t->setColumnCount(0);
      m_confusionTitle[side]->setText(sideName(side) + QStringLiteral(": nothing to show"));
      continue;
    }
    const bnn::DecisionConfusion& cm = o->confusion;
    const int k = cm.numClasses;
    t->setRowCount(k);
    t->setColumnCount(k + 1);
    double maxCost = 0;
    for (double v : cm.cost) maxCost = std::max(maxCost, v);
    for (int a = 0; a <= k; ++a)
      t->setHorizontalHeaderItem(a,
                                 new QTableWidgetItem(a == k ? QStringLiteral("defer") : QString::number(a)));
    for (int y = 0; y < k; ++y) {
      t->setVerticalHeaderItem(y, new QTableWidgetItem(QString::number(y)));
      for (int a = 0; a <= k; ++a) {
        const int64_t n = cm.count(y, a);
        const double cost = cm.cellCost(y, a);
        auto* item = new QTableWidgetItem(
            showCost ? (cost > 0 ? QString::fromStdString(bnn::formatNumber(std::round(cost * 1000) / 1000))
                                 : QStringLiteral("0"))
                     : QString::number(n));
        item->setTextAlignment(Qt::AlignCenter);
        item->setToolTip(QStringLiteral("True %1, %2: %3 images, cost %4")
                             .arg(y)
                             .arg(a == k ? QStringLiteral("deferred") : QStringLiteral("decided %1").arg(a))
                             .arg(n)
                             .arg(QString::fromStdString(bnn::formatNumber(cost))));
        if (a == y && n > 0)
          item->setBackground(QColor(222, 240, 222));
        else if (a == k && n > 0)
          item->setBackground(QColor(226, 232, 245));
        else if (n > 0 && maxCost > 0)
          item->setBackground(QColor::fromRgbF(1.0, 1.0 - 0.6 * std::sqrt(cost / maxCost),
                                               1.0 - 0.7 * std::sqrt(cost / maxCost)));
        t->setItem(y, a, item);
      }
    }
    m_confusionTitle[side]->setText(
        QStringLiteral("%1 · total cost %2 over %3 images")
            .arg(sideName(side))
            .arg(QString::fromStdString(bnn::formatNumber(std::round(cm.totalCost() * 1000) / 1000)))
            .arg(o->summary.numImages));
  }
}

void DecisionsView::refreshSweep() {
  double xMax = 0, yMax = 0;
  for (int side = 0; side < kSides; ++side) {
    const DecisionOutcome* o = m_outcome[side].get();
    const ExplorerRun* r = sideRun(side);
    QList<QPointF> cost, defer;
    if (o && o->sweep) {
      for (const bnn::DecisionSummary& s : *o->sweep) {
        if (!std::isnan(s.realisedCostPerImage)) cost.append({s.rejectCost, s.realisedCostPerImage});
        defer.append({s.rejectCost, 100.0 * s.deferralRate});
        xMax = std::max(xMax, s.rejectCost);
        if (!std::isnan(s.realisedCostPerImage)) yMax = std::max(yMax, s.realisedCostPerImage);
      }
    }
    for (QLineSeries* s : {m_costSeries[side], m_deferSeries[side]}) {
      QPen pen = s->pen();
      pen.setColor(r ? r->color : QColor(Qt::black));
      s->setPen(pen);
      s->setName(sideName(side));
      s->setVisible(o && o->sweep);
    }
    m_costSeries[side]->replace(cost);
    m_deferSeries[side]->replace(defer);
  }
  if (xMax <= 0) xMax = 1;
  applyNiceTicks(m_costX, 0, xMax);
  applyNiceTicks(m_deferX, 0, xMax);
  applyNiceTicks(m_costY, 0, yMax > 0 ? yMax : 1);
  applyNiceTicks(m_deferY, 0, 100);
  refreshMarkers();
}

void DecisionsView::refreshMarkers() {
  const double c = m_rejectCost;
  const bool inside = c <= m_costX->max();
  m_costMarker->setVisible(inside);
  m_deferMarker->setVisible(inside);
  m_costMarker->replace({{c, m_costY->min()}, {c, m_costY->max()}});
  m_deferMarker->replace({{c, 0.0}, {c, 100.0}});
  const QString at = QStringLiteral(" · dotted: c = %1").arg(QString::fromStdString(bnn::formatNumber(c)));
  m_costChart->chart()->setTitle(QStringLiteral("Realised cost per image as c sweeps") + at);
  m_deferralChart->chart()->setTitle(QStringLiteral("Deferral rate as c sweeps") + at);
}

QList<ChartExport> DecisionsView::exports() const {
  QList<std::pair<std::string, std::shared_ptr<const DecisionOutcome>>> sides;
  for (int side = 0; side < kSides; ++side)
    if (m_outcome[side] && m_outcome[side]->profile)
      sides.append({sideName(side).toStdString(), m_outcome[side]});
  ChartExport sweep;
  sweep.title = QStringLiteral("Reject-cost sweep");
  sweep.baseName = QStringLiteral("reject_sweep");
  sweep.charts = {m_costChart, m_deferralChart};
  ChartExport confusion;
  confusion.title = QStringLiteral("Decision confusion matrices");
  confusion.baseName = QStringLiteral("decision_confusion");
  ChartExport perImage;
  perImage.title = QStringLiteral("Per-image decisions");
  perImage.baseName = QStringLiteral("decisions");
  ChartExport costs;
  costs.title = QStringLiteral("Cost matrix");
  costs.baseName = QStringLiteral("costs");
  costs.csv = [m = m_costs->costs()] { return bnn::costMatrixCsv(m); };
  if (!sides.isEmpty()) {
    sweep.csv = [sides] {
      std::vector<bnn::NamedSummaries> series;
      for (const auto& [name, o] : sides) series.push_back({name, *o->sweep});
      return bnn::decisionSummariesCsv(series);
    };
    confusion.csv = [sides] {
      std::string out;
      for (int i = 0; i < sides.size(); ++i)
        out += chart_export::withRunColumn(bnn::decisionConfusionCsv(sides[i].second->confusion),
                                           QString::fromStdString(sides[i].first), i == 0);
      return out;
    };
    perImage.csv = [sides] {
      std::string out;
      for (int i = 0; i < sides.size(); ++i) {
        const DecisionOutcome& o = *sides[i].second;
        out += chart_export::withRunColumn(
            bnn::perImageDecisionsCsv(*o.profile, bnn::decide(*o.profile, o.rejectCost)),
            QString::fromStdString(sides[i].first), i == 0);
      }
      return out;
    };
  }
  return {sweep, confusion, perImage, costs};
}
