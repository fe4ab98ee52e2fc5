#include "explorer/uncertainty_view.h"

#include <QHBoxLayout>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "common/job_runner.h"
#include "common/view_scaffold.h"
#include "explorer/detail_pane.h"
#include "explorer/explorer_state.h"
#include "explorer/gallery_pane.h"
#include "explorer/per_digit_pane.h"
#include "explorer/risk_coverage_pane.h"
#include "explorer/summary_pane.h"
#include "explorer/threshold_control.h"
#include "explorer/threshold_pane.h"
#include "explorer/uncertainty_gallery_model.h"
#include "views/run_pair_picker.h"

UncertaintyView::UncertaintyView(const ViewContext& context, QWidget* parent)
    : AnalysisView(context, parent) {
  m_state = new ExplorerState(this);

  const ViewScaffold scaffold = makeViewScaffold(this);
  QWidget* content = scaffold.content;
  QVBoxLayout* root = scaffold.root;
  m_picker = scaffold.picker;
  m_threshold = new ThresholdControl(m_state, content);
  scaffold.header->addSpacing(8);
  scaffold.header->addWidget(m_threshold, 2);
  m_summary = new SummaryPane(m_state, content);
  root->addWidget(m_summary);

  m_gallery = new GalleryPane(m_state, content);
  m_detail = new DetailPane(content);
  m_tabs = new QTabWidget(content);
  m_perDigit = new PerDigitPane(m_state);
  m_curves = new ThresholdPane(m_state);
  m_risk = new RiskCoveragePane(m_state);
  m_tabs->addTab(m_perDigit, QStringLiteral("Per digit"));
  m_tabs->addTab(m_curves, QStringLiteral("Threshold curves"));
  m_tabs->addTab(m_risk, QStringLiteral("Risk-coverage"));
  m_tabs->setCornerWidget(chart_export::makeExportButton(m_tabs, [this] { return exports().value(0); }));
  m_right = new QSplitter(Qt::Vertical, content);
  m_right->setChildrenCollapsible(false);
  m_right->addWidget(m_detail);
  m_right->addWidget(m_tabs);
  m_right->setStretchFactor(0, 2);
  m_right->setStretchFactor(1, 3);
  auto* split = new QSplitter(Qt::Horizontal, content);
  split->setChildrenCollapsible(false);
  split->addWidget(m_gallery);
  split->addWidget(m_right);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 6);
  root->addWidget(split, 1);

  connect(m_picker, &RunPairPicker::primaryChosen, m_state, &ExplorerState::setPrimary);
  connect(m_picker, &RunPairPicker::comparisonChosen, m_state, &ExplorerState::setComparison);
  connect(m_picker, &RunPairPicker::swapRequested, m_state, &ExplorerState::swap);
  connect(m_state, &ExplorerState::runsChanged, this, &UncertaintyView::refreshPicker);
  connect(m_state, &ExplorerState::analysisWanted, this, &UncertaintyView::requestAnalysis);
  connect(m_state, &ExplorerState::selectedImageChanged, this, &UncertaintyView::showSelectedImage);
  connect(m_gallery, &GalleryPane::tilesChanged, this, &UncertaintyView::showSelectedImage);
  connect(m_gallery, &GalleryPane::statusMessage, this, &AnalysisView::statusMessage);
  connect(m_perDigit, &PerDigitPane::digitClicked, m_gallery, &GalleryPane::setTrueDigit);
  // A tile (context menu) or the selected image (button) goes to the drawing canvas.
  auto toCanvas = [this](int image) { Q_EMIT imageEditRequested(m_state->primaryId(), image); };
  connect(m_gallery, &GalleryPane::editInCanvasRequested, this, toCanvas);
  connect(m_detail, &DetailPane::editRequested, this, toCanvas);
  refreshPicker();
}

UncertaintyView::~UncertaintyView() = default;

void UncertaintyView::setCompact(bool compact) {
  if (compact == m_compact) return;
  m_compact = compact;
  if (compact) {
    m_detail->setFramed(false);
    m_tabs->insertTab(0, m_detail, QStringLiteral("Image"));
    m_tabs->setCurrentIndex(0);
  } else {
    const int current = m_tabs->currentIndex();
    m_tabs->removeTab(m_tabs->indexOf(m_detail));
    m_detail->setFramed(true);
    m_right->insertWidget(0, m_detail);
    m_detail->show();  // the tab widget hid it when it was not the current tab
    m_right->setStretchFactor(0, 2);
    m_tabs->setCurrentIndex(std::max(0, current - 1));
  }
}

void UncertaintyView::resizeEvent(QResizeEvent* event) {
  AnalysisView::resizeEvent(event);
  // Below about 640 px the detail and a chart stacked would each get too little height.
  if (height() < 620) setCompact(true);
  if (height() > 680) setCompact(false);
}

void UncertaintyView::updateRun(const ViewRun& run) { m_state->setRun(run); }

void UncertaintyView::removeRun(const QString& id) {
  if (JobRunner* jobs = context().jobs) jobs->forgetRun(id);
  m_state->removeRun(id);
}

void UncertaintyView::selectRun(const QString& id) { m_state->setPrimary(id); }

void UncertaintyView::selectPair(const QString& id, const QString& comparison) {
  m_state->setPair(id, comparison);
}

void UncertaintyView::requestAnalysis(const QString& id) {
  const ExplorerRun* r = m_state->run(id);
  if (!r || !r->result) return;
  std::shared_ptr<const bnn::RunResult> result = r->result;
  auto work = [result](const JobRunner::CancelCheck&) { return analyseRun(result); };
  auto install = [this, id](std::shared_ptr<const RunAnalysis> analysis) {
    ++m_installed;
    m_state->setAnalysis(id, std::move(analysis));
    Q_EMIT analysisInstalled(id);
  };
  JobRunner* jobs = context().jobs;
  if (!jobs) {  // no runner (a view used on its own): analyse here
    install(work([] { return false; }));
    return;
  }
  // Snapshots of a running chain form a stream: the analysis in progress finishes and shows,
  // only the one waiting is replaced by a newer snapshot.
  jobs->submit(this, QStringLiteral("explorer/") + id, {id}, work, install, JobRunner::Supersede::QueuedOnly);
}

void UncertaintyView::refreshPicker() { m_state->showIn(*m_picker); }

void UncertaintyView::showSelectedImage() {
  const UncertaintyGalleryModel* m = m_gallery->model();
  m_detail->showImage(m->sharedRun(), m->sharedAnalysis(), m_state->selectedImage());
}

QList<ChartExport> UncertaintyView::exports() const {
  const QList<QWidget*> panes{m_perDigit, m_curves, m_risk};
  const QList<ChartExport> all{m_perDigit->exportInfo(), m_curves->exportInfo(), m_risk->exportInfo()};
  const int current = std::max(0, int(panes.indexOf(m_tabs->currentWidget())));  // the detail tab: per digit
  QList<ChartExport> out{all[current]};
  for (int i = 0; i < all.size(); ++i)
    if (i != current) out << all[i];
  return out;
}
