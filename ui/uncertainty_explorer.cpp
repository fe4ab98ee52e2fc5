#include "uncertainty_explorer.h"

#include <QAbstractItemView>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineSeries>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScatterSeries>
#include <QScrollBar>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/uncertainty.h"
#include "digit_view.h"
#include "gallery_delegate.h"
#include "uncertainty_export.h"
#include "uncertainty_gallery_model.h"

namespace {

constexpr int kSliderSteps = 1000;  // t resolution 0.001
constexpr int kDebounceMs = 60;
const QColor kPrimaryColor(45, 110, 200);
const QColor kCompareColor(230, 120, 20);
const QColor kMarkerColor(120, 120, 120);

const QString kDefinitions = QStringLiteral(
    "<b>p̄</b>: posterior predictive, the mean over the S samples of each sample's class "
    "probabilities.<br>"
    "<b>Ensemble accuracy</b>: argmax p̄ against the true label. <b>Last sample</b>: the final "
    "θ alone.<br>"
    "<b>Test NLL</b>: −(1/N) Σ log p̄(true label), nats per image.<br>"
    "<b>Certain (retained)</b>: max p̄ ≥ t. <b>Uncertain</b>: max p̄ &lt; t; the two partition "
    "the test set.<br>"
    "<b>Accuracy on certain</b>: undefined (n/a) when nothing is retained.<br>"
    "<b>Confidently wrong</b>: wrong prediction with max p̄ ≥ t.<br>"
    "<b>Entropy</b> H[p̄] = −Σ p̄ log p̄ (total); <b>expected entropy</b> E_s H[p_s] "
    "(aleatoric); <b>mutual information</b> H[p̄] − E_s H[p_s] (epistemic: the samples "
    "disagree).");

QString pct(double v, int digits = 2) {
  return std::isnan(v) ? QStringLiteral("n/a") : QStringLiteral("%1%").arg(100.0 * v, 0, 'f', digits);
}

QString fixed(double v, int digits) {
  return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'f', digits);
}

QChartView* makeChartView(const QString& objectName, const QString& title) {
  auto* chart = new QChart;
  chart->setTitle(title);
  chart->setAnimationOptions(QChart::NoAnimation);
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->setMargins(QMargins(4, 4, 4, 4));
  auto* view = new QChartView(chart);
  view->setObjectName(objectName);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(260, 220);
  return view;
}

// Ticks at multiples of a 1-2-5 step giving about `target` intervals over [lo, hi].
void setNiceTicks(QValueAxis* axis, double lo, double hi, int target = 5) {
  const double span = std::max(hi - lo, 1e-9);
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  // Fixed ticks while the range changes: with dynamic ticks, the old interval applied to a much
  // wider new range would lay out thousands of tick items for a moment.
  axis->setTickType(QValueAxis::TicksFixed);
  axis->setTickCount(2);
  axis->setRange(lo, hi);
  axis->setTickInterval(step);
  axis->setTickAnchor(0.0);
  axis->setTickType(QValueAxis::TicksDynamic);
  const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
  axis->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
}

QLineSeries* makeLine(const QColor& color, Qt::PenStyle style = Qt::SolidLine, qreal width = 2) {
  auto* s = new QLineSeries;
  QPen pen(color);
  pen.setWidthF(width);
  pen.setStyle(style);
  s->setPen(pen);
  return s;
}

}  // namespace

struct UncertaintyExplorer::Impl {
  struct RunEntry {
    QString id;
    QString name;
    std::shared_ptr<const bnn::RunResult> run;
    std::shared_ptr<const bnn::UncertaintyAnalysis> analysis;  // null when nothing to analyse
    QString problem;                                           // why analysis is null
    // Independent of t, computed once per setRun.
    bnn::ThresholdCurve curve;
    bnn::DropToReach drop99;
    bnn::RiskCoverageCurve riskCoverage;
  };

  UncertaintyExplorer* q = nullptr;
  std::vector<RunEntry> runs;
  QString primaryId, compareId;
  double threshold = 0.95;
  double pendingThreshold = 0.95;
  int detailImage = -1;

  // Controls
  QComboBox* primaryCombo = nullptr;
  QComboBox* compareCombo = nullptr;
  QSlider* slider = nullptr;
  QDoubleSpinBox* spin = nullptr;
  QTimer* debounce = nullptr;
  QLabel* summary = nullptr;
  // Gallery
  UncertaintyGalleryModel* model = nullptr;
  QListView* gallery = nullptr;
  QComboBox* trueFilter = nullptr;
  QComboBox* predictedFilter = nullptr;
  QCheckBox* misclassified = nullptr;
  QCheckBox* confidentlyWrong = nullptr;
  QComboBox* order = nullptr;
  QLabel* galleryCount = nullptr;
  // Detail
  DigitView* detailDigit = nullptr;
  QLabel* detailTitle = nullptr;
  QLabel* detailMeasures = nullptr;
  QChartView* detailChart = nullptr;
  QBarSet* detailMean = nullptr;
  QBarSet* detailVotes = nullptr;
  // Charts
  QTabWidget* tabs = nullptr;
  QComboBox* perDigitMode = nullptr;
  QChartView* perDigitChart = nullptr;
  QBarSeries* perDigitSeries = nullptr;
  QValueAxis* perDigitAxisY = nullptr;
  QChartView* accuracyChart = nullptr;
  QChartView* droppedChart = nullptr;
  QChartView* riskChart = nullptr;
  QLineSeries* accPrimary = nullptr;
  QLineSeries* accCompare = nullptr;
  QLineSeries* accMarker = nullptr;
  QValueAxis* accAxisY = nullptr;
  QLineSeries* dropPrimary = nullptr;
  QLineSeries* dropCompare = nullptr;
  QLineSeries* dropMarker = nullptr;
  QLineSeries* riskPrimary = nullptr;
  QLineSeries* riskCompare = nullptr;
  QScatterSeries* riskPoints = nullptr;
  QValueAxis* riskAxisY = nullptr;
  QLabel* drop99Label = nullptr;
  QLabel* status = nullptr;

  RunEntry* find(const QString& id) {
    for (auto& r : runs)
      if (r.id == id) return &r;
    return nullptr;
  }
  RunEntry* primary() { return find(primaryId); }
  RunEntry* comparison() { return compareId == primaryId ? nullptr : find(compareId); }

  void build();
  QWidget* buildGallery();
  QWidget* buildDetail();
  QWidget* buildCharts();
  void rebuildCombos();
  void analyse(RunEntry& e);
  void refreshAll(bool keepGalleryPosition);
  void applyThreshold(double t);
  void updateSummary();
  void updatePerDigit();
  void updateCurves();
  void updateMarkers();
  void updateGalleryFilter();
  void updateGalleryCount();
  void showDetail(int imageIndex);
  void exportCharts(int kind);  // 0 PNG, 1 SVG, 2 CSV
  void exportGallery();
};

// ---------------------------------------------------------------------------------------------
// Construction

void UncertaintyExplorer::Impl::build() {
  auto* root = new QVBoxLayout(q);
  root->setContentsMargins(6, 6, 6, 6);

  // Run selection and threshold.
  auto* top = new QHBoxLayout;
  primaryCombo = new QComboBox;
  primaryCombo->setObjectName(QStringLiteral("primaryRunCombo"));
  primaryCombo->setMinimumContentsLength(18);
  primaryCombo->setToolTip(QStringLiteral("The run whose images, gallery and detail are shown"));
  compareCombo = new QComboBox;
  compareCombo->setObjectName(QStringLiteral("compareRunCombo"));
  compareCombo->setMinimumContentsLength(18);
  compareCombo->setToolTip(QStringLiteral("An optional second run overlaid on the summary, bars and curves"));
  auto* swap = new QToolButton;
  swap->setObjectName(QStringLiteral("swapRuns"));
  swap->setText(QStringLiteral("⇄"));
  swap->setToolTip(QStringLiteral("Swap the shown run and the comparison run"));
  slider = new QSlider(Qt::Horizontal);
  slider->setObjectName(QStringLiteral("thresholdSlider"));
  slider->setRange(0, kSliderSteps);
  slider->setValue(int(std::lround(threshold * kSliderSteps)));
  slider->setMinimumWidth(180);
  spin = new QDoubleSpinBox;
  spin->setObjectName(QStringLiteral("thresholdSpin"));
  spin->setRange(0.0, 1.0);
  spin->setDecimals(3);
  spin->setSingleStep(0.005);
  spin->setValue(threshold);
  const QString tTip = QStringLiteral(
      "Certainty threshold t: an image is certain (retained) when max p̄ ≥ t and uncertain "
      "when max p̄ < t. The example uses 0.95.");
  slider->setToolTip(tTip);
  spin->setToolTip(tTip);
  top->addWidget(new QLabel(QStringLiteral("Run:")));
  top->addWidget(primaryCombo, 1);
  top->addWidget(swap);
  top->addWidget(new QLabel(QStringLiteral("Compare with:")));
  top->addWidget(compareCombo, 1);
  top->addSpacing(16);
  top->addWidget(new QLabel(QStringLiteral("Threshold t (max p̄):")));
  top->addWidget(slider, 1);
  top->addWidget(spin);
  root->addLayout(top);

  summary = new QLabel;
  summary->setObjectName(QStringLiteral("summaryLabel"));
  summary->setTextFormat(Qt::RichText);
  summary->setWordWrap(true);
  summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary->setToolTip(kDefinitions);
  summary->setFrameShape(QFrame::StyledPanel);
  summary->setMargin(4);
  root->addWidget(summary);

  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(buildGallery());
  auto* right = new QSplitter(Qt::Vertical);
  right->addWidget(buildDetail());
  right->addWidget(buildCharts());
  right->setStretchFactor(0, 2);
  right->setStretchFactor(1, 3);
  split->addWidget(right);
  split->setStretchFactor(0, 5);
  split->setStretchFactor(1, 6);
  root->addWidget(split, 1);

  status = new QLabel;
  status->setObjectName(QStringLiteral("statusLabel"));
  root->addWidget(status);

  debounce = new QTimer(q);
  debounce->setSingleShot(true);
  debounce->setInterval(kDebounceMs);

  // Wiring
  QObject::connect(slider, &QSlider::valueChanged, q, [this](int v) {
    pendingThreshold = double(v) / kSliderSteps;
    const QSignalBlocker block(spin);
    spin->setValue(pendingThreshold);
    debounce->start();  // latest request wins
  });
  QObject::connect(spin, &QDoubleSpinBox::valueChanged, q, [this](double v) {
    pendingThreshold = v;
    const QSignalBlocker block(slider);
    slider->setValue(int(std::lround(v * kSliderSteps)));
    debounce->start();
  });
  QObject::connect(debounce, &QTimer::timeout, q, [this] { applyThreshold(pendingThreshold); });
  QObject::connect(primaryCombo, &QComboBox::activated, q, [this](int i) {
    primaryId = primaryCombo->itemData(i).toString();
    detailImage = -1;
    rebuildCombos();
    refreshAll(false);
  });
  QObject::connect(compareCombo, &QComboBox::activated, q, [this](int i) {
    compareId = compareCombo->itemData(i).toString();
    refreshAll(true);
  });
  QObject::connect(swap, &QToolButton::clicked, q, [this] {
    if (compareId.isEmpty() || !find(compareId)) return;
    std::swap(primaryId, compareId);
    detailImage = -1;
    rebuildCombos();
    refreshAll(false);
  });
}

QWidget* UncertaintyExplorer::Impl::buildGallery() {
  auto* box = new QGroupBox(QStringLiteral("Test images, least certain first"));
  box->setObjectName(QStringLiteral("galleryBox"));
  auto* lay = new QVBoxLayout(box);

  auto* filters = new QGridLayout;
  trueFilter = new QComboBox;
  trueFilter->setObjectName(QStringLiteral("trueDigitFilter"));
  predictedFilter = new QComboBox;
  predictedFilter->setObjectName(QStringLiteral("predictedDigitFilter"));
  for (QComboBox* c : {trueFilter, predictedFilter}) {
    c->addItem(QStringLiteral("any"), -1);
    for (int d = 0; d < 10; ++d) c->addItem(QString::number(d), d);
  }
  trueFilter->setToolTip(
      QStringLiteral("Show only images of this true digit (or click a bar "
                     "of the per-digit chart)"));
  predictedFilter->setToolTip(QStringLiteral("Show only images predicted (argmax p̄) as this digit"));
  misclassified = new QCheckBox(QStringLiteral("Only misclassified"));
  misclassified->setObjectName(QStringLiteral("onlyMisclassified"));
  misclassified->setToolTip(QStringLiteral("argmax p̄ differs from the true label"));
  confidentlyWrong = new QCheckBox(QStringLiteral("Confidently wrong"));
  confidentlyWrong->setObjectName(QStringLiteral("confidentlyWrong"));
  confidentlyWrong->setToolTip(QStringLiteral("Misclassified although certain: wrong with max p̄ ≥ t"));
  order = new QComboBox;
  order->setObjectName(QStringLiteral("galleryOrder"));
  order->addItem(QStringLiteral("max p̄, lowest first"), int(bnn::UncertaintyOrder::MaxProbAscending));
  order->addItem(QStringLiteral("predictive entropy, highest first"),
                 int(bnn::UncertaintyOrder::EntropyDescending));
  order->addItem(QStringLiteral("mutual information, highest first"),
                 int(bnn::UncertaintyOrder::MutualInformationDescending));
  order->setToolTip(
      QStringLiteral("max p̄: confidence of the averaged prediction. Entropy H[p̄]: total uncertainty. "
                     "Mutual information H[p̄] − E_s H[p_s]: disagreement between posterior samples "
                     "(epistemic). Ties keep the test-set order."));
  filters->addWidget(new QLabel(QStringLiteral("True digit")), 0, 0);
  filters->addWidget(trueFilter, 0, 1);
  filters->addWidget(new QLabel(QStringLiteral("Predicted")), 0, 2);
  filters->addWidget(predictedFilter, 0, 3);
  filters->addWidget(misclassified, 0, 4);
  filters->addWidget(confidentlyWrong, 0, 5);
  filters->addWidget(new QLabel(QStringLiteral("Order by")), 1, 0);
  filters->addWidget(order, 1, 1, 1, 3);
  galleryCount = new QLabel;
  galleryCount->setObjectName(QStringLiteral("galleryCount"));
  filters->addWidget(galleryCount, 1, 4);
  auto* exportTiles = new QPushButton(QStringLiteral("Export tiles…"));
  exportTiles->setObjectName(QStringLiteral("exportGallery"));
  exportTiles->setToolTip(
      QStringLiteral("Save the selected tiles (or the first 15 of the current order) as a PNG grid"));
  filters->addWidget(exportTiles, 1, 5);
  filters->setColumnStretch(6, 1);
  lay->addLayout(filters);

  model = new UncertaintyGalleryModel(q);
  gallery = new QListView;
  gallery->setObjectName(QStringLiteral("gallery"));
  gallery->setModel(model);
  gallery->setItemDelegate(new GalleryDelegate(gallery));
  gallery->setViewMode(QListView::IconMode);
  gallery->setMovement(QListView::Static);
  gallery->setResizeMode(QListView::Adjust);
  gallery->setUniformItemSizes(true);
  gallery->setLayoutMode(QListView::Batched);
  gallery->setBatchSize(400);
  gallery->setSpacing(2);
  gallery->setSelectionMode(QAbstractItemView::ExtendedSelection);
  gallery->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  gallery->verticalScrollBar()->setSingleStep(24);
  gallery->setMinimumWidth(3 * GalleryDelegate::tileSize().width() + 40);
  lay->addWidget(gallery, 1);

  auto refilter = [this] { updateGalleryFilter(); };
  QObject::connect(trueFilter, &QComboBox::currentIndexChanged, q, refilter);
  QObject::connect(predictedFilter, &QComboBox::currentIndexChanged, q, refilter);
  QObject::connect(misclassified, &QCheckBox::toggled, q, refilter);
  QObject::connect(confidentlyWrong, &QCheckBox::toggled, q, refilter);
  QObject::connect(order, &QComboBox::currentIndexChanged, q, [this] {
    model->setOrder(bnn::UncertaintyOrder(order->currentData().toInt()));
    updateGalleryCount();
  });
  QObject::connect(gallery->selectionModel(), &QItemSelectionModel::currentChanged, q,
                   [this](const QModelIndex& current) {
                     if (current.isValid()) showDetail(model->imageIndexAt(current.row()));
                   });
  QObject::connect(exportTiles, &QPushButton::clicked, q, [this] { exportGallery(); });
  return box;
}

QWidget* UncertaintyExplorer::Impl::buildDetail() {
  auto* box = new QGroupBox(QStringLiteral("Selected image"));
  box->setObjectName(QStringLiteral("detailBox"));
  auto* lay = new QHBoxLayout(box);
  auto* left = new QVBoxLayout;
  detailDigit = new DigitView;
  detailDigit->setObjectName(QStringLiteral("detailDigit"));
  detailDigit->setPlaceholder(QStringLiteral("Select a tile"));
  detailDigit->setMinimumSize(140, 140);
  detailDigit->setMaximumSize(224, 224);
  detailTitle = new QLabel;
  detailTitle->setObjectName(QStringLiteral("detailTitle"));
  detailTitle->setWordWrap(true);
  detailMeasures = new QLabel;
  detailMeasures->setObjectName(QStringLiteral("detailMeasures"));
  detailMeasures->setWordWrap(true);
  detailMeasures->setTextFormat(Qt::RichText);
  detailMeasures->setToolTip(kDefinitions);
  // Digit beside its measures (not above them), so a short window does not make them overlap.
  auto* digitColumn = new QVBoxLayout;
  digitColumn->addWidget(detailDigit, 0, Qt::AlignHCenter);
  digitColumn->addStretch(1);
  lay->addLayout(digitColumn, 0);
  left->addWidget(detailTitle);
  left->addWidget(detailMeasures);
  left->addStretch(1);
  lay->addLayout(left, 0);

  detailChart = makeChartView(QStringLiteral("detailChart"), QStringLiteral("Per class: p̄ and vote share"));
  detailChart->setToolTip(
      QStringLiteral("mean probability p̄: the average of each sample's probability for the class.\n"
                     "vote share: the fraction of samples whose own prediction (argmax) is the class."));
  auto* series = new QBarSeries;
  detailMean = new QBarSet(QStringLiteral("p̄"));
  detailVotes = new QBarSet(QStringLiteral("vote share"));
  detailMean->setColor(kPrimaryColor);
  detailVotes->setColor(QColor(150, 150, 150));
  for (int c = 0; c < 10; ++c) {
    detailMean->append(0);
    detailVotes->append(0);
  }
  series->append(detailMean);
  series->append(detailVotes);
  QChart* chart = detailChart->chart();
  chart->addSeries(series);
  auto* ax = new QBarCategoryAxis;
  for (int c = 0; c < 10; ++c) ax->append(QString::number(c));
  ax->setTitleText(QStringLiteral("class"));
  auto* ay = new QValueAxis;
  ay->setRange(0, 1);
  ay->setTickCount(6);
  ay->setLabelFormat(QStringLiteral("%.1f"));
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(ay, Qt::AlignLeft);
  series->attachAxis(ax);
  series->attachAxis(ay);
  lay->addWidget(detailChart, 1);
  return box;
}

QWidget* UncertaintyExplorer::Impl::buildCharts() {
  tabs = new QTabWidget;
  tabs->setObjectName(QStringLiteral("chartTabs"));

  // Per-digit bars.
  auto* perDigitPage = new QWidget;
  auto* pl = new QVBoxLayout(perDigitPage);
  pl->setContentsMargins(2, 2, 2, 2);
  auto* modeRow = new QHBoxLayout;
  perDigitMode = new QComboBox;
  perDigitMode->setObjectName(QStringLiteral("perDigitMode"));
  perDigitMode->addItem(QStringLiteral("Number of uncertain images"));
  perDigitMode->addItem(QStringLiteral("Share of the digit's test images (%)"));
  modeRow->addWidget(new QLabel(QStringLiteral("Bars show")));
  modeRow->addWidget(perDigitMode);
  modeRow->addWidget(new QLabel(QStringLiteral("— click a bar to filter the gallery by that true digit")));
  modeRow->addStretch(1);
  pl->addLayout(modeRow);
  perDigitChart = makeChartView(QStringLiteral("perDigitChart"),
                                QStringLiteral("Uncertain test images (max p̄ &lt; t) per true digit"));
  perDigitSeries = new QBarSeries;
  perDigitSeries->setLabelsVisible(true);
  perDigitSeries->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
  QChart* chart = perDigitChart->chart();
  chart->addSeries(perDigitSeries);
  auto* ax = new QBarCategoryAxis;
  for (int c = 0; c < 10; ++c) ax->append(QString::number(c));
  ax->setTitleText(QStringLiteral("true digit"));
  perDigitAxisY = new QValueAxis;
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(perDigitAxisY, Qt::AlignLeft);
  perDigitSeries->attachAxis(ax);
  perDigitSeries->attachAxis(perDigitAxisY);
  pl->addWidget(perDigitChart, 1);
  tabs->addTab(perDigitPage, QStringLiteral("Per digit"));
  QObject::connect(perDigitMode, &QComboBox::currentIndexChanged, q, [this] { updatePerDigit(); });
  QObject::connect(perDigitSeries, &QBarSeries::clicked, q,
                   [this](int index, QBarSet*) { trueFilter->setCurrentIndex(index + 1); });

  // Threshold curves.
  auto* curvesPage = new QWidget;
  auto* cl = new QVBoxLayout(curvesPage);
  cl->setContentsMargins(2, 2, 2, 2);
  auto* chartsRow = new QHBoxLayout;
  accuracyChart =
      makeChartView(QStringLiteral("accuracyChart"), QStringLiteral("Accuracy on retained (max p̄ ≥ t)"));
  droppedChart = makeChartView(QStringLiteral("droppedChart"),
                               QStringLiteral("% of test images dropped (max p̄ &lt; t)"));
  accuracyChart->setToolTip(
      QStringLiteral("Accuracy of argmax p̄ on the images with max p̄ ≥ t, for t in linspace(0.1, 1.0, 90). "
                     "Where no image is retained the accuracy is undefined and the curve stops."));
  droppedChart->setToolTip(QStringLiteral("100 × (1 − retained / N) for the same thresholds"));
  accPrimary = makeLine(kPrimaryColor);
  accCompare = makeLine(kCompareColor, Qt::DashLine);
  accMarker = makeLine(kMarkerColor, Qt::DotLine, 1.5);
  dropPrimary = makeLine(kPrimaryColor);
  dropCompare = makeLine(kCompareColor, Qt::DashLine);
  dropMarker = makeLine(kMarkerColor, Qt::DotLine, 1.5);
  auto setupXY = [](QChartView* view, std::initializer_list<QXYSeries*> series, QValueAxis* ay,
                    const QString& xTitle, const QString& yTitle, double x0, double x1) {
    QChart* c = view->chart();
    for (QXYSeries* s : series) c->addSeries(s);
    auto* axX = new QValueAxis;
    setNiceTicks(axX, x0, x1, 9);
    axX->setTitleText(xTitle);
    ay->setTitleText(yTitle);
    c->addAxis(axX, Qt::AlignBottom);
    c->addAxis(ay, Qt::AlignLeft);
    for (QXYSeries* s : series) {
      s->attachAxis(axX);
      s->attachAxis(ay);
    }
  };
  accAxisY = new QValueAxis;
  accAxisY->setLabelFormat(QStringLiteral("%.3f"));
  setupXY(accuracyChart, {accPrimary, accCompare, accMarker}, accAxisY, QStringLiteral("threshold t"),
          QStringLiteral("accuracy"), 0.1, 1.0);
  auto* dropAxisY = new QValueAxis;
  setNiceTicks(dropAxisY, 0, 100, 5);
  setupXY(droppedChart, {dropPrimary, dropCompare, dropMarker}, dropAxisY, QStringLiteral("threshold t"),
          QStringLiteral("% dropped"), 0.1, 1.0);
  chartsRow->addWidget(accuracyChart);
  chartsRow->addWidget(droppedChart);
  cl->addLayout(chartsRow, 1);
  drop99Label = new QLabel;
  drop99Label->setObjectName(QStringLiteral("drop99Label"));
  drop99Label->setWordWrap(true);
  drop99Label->setToolTip(
      QStringLiteral("Over the 90 thresholds linspace(0.1, 1.0, 90): the smallest % of test images dropped "
                     "for which the accuracy on the retained images is at least 99%."));
  cl->addWidget(drop99Label);
  tabs->addTab(curvesPage, QStringLiteral("Threshold curves"));

  // Risk-coverage.
  riskChart = makeChartView(QStringLiteral("riskCoverageChart"),
                            QStringLiteral("Risk-coverage (most confident first)"));
  riskChart->setToolTip(
      QStringLiteral("Images sorted by max p̄, most confident first; images with equal max p̄ enter together. "
                     "Coverage: share of images kept; risk: error rate among them.\n"
                     "AURC: area under the curve, Σ (coverage step) × risk; without ties the mean of the N "
                     "selective risks. Lower is better. Dots: the operating point at the current t."));
  riskPrimary = makeLine(kPrimaryColor);
  riskCompare = makeLine(kCompareColor, Qt::DashLine);
  riskPoints = new QScatterSeries;
  riskPoints->setName(QStringLiteral("at current t"));
  riskPoints->setMarkerSize(9);
  riskPoints->setColor(Qt::black);
  riskAxisY = new QValueAxis;
  riskAxisY->setLabelFormat(QStringLiteral("%.3f"));
  setupXY(riskChart, {riskPrimary, riskCompare, riskPoints}, riskAxisY, QStringLiteral("coverage"),
          QStringLiteral("risk (error rate)"), 0.0, 1.0);
  tabs->addTab(riskChart, QStringLiteral("Risk-coverage"));

  // Export menu for the current tab.
  auto* exportButton = new QToolButton;
  exportButton->setObjectName(QStringLiteral("exportChart"));
  exportButton->setText(QStringLiteral("Export"));
  exportButton->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(exportButton);
  menu->addAction(QStringLiteral("Chart as PNG…"), q, [this] { exportCharts(0); });
  menu->addAction(QStringLiteral("Chart as SVG…"), q, [this] { exportCharts(1); });
  menu->addAction(QStringLiteral("Data as CSV…"), q, [this] { exportCharts(2); });
  exportButton->setMenu(menu);
  tabs->setCornerWidget(exportButton, Qt::TopRightCorner);
  return tabs;
}

// ---------------------------------------------------------------------------------------------
// Runs

void UncertaintyExplorer::Impl::analyse(RunEntry& e) {
  e.analysis.reset();
  e.problem.clear();
  e.curve = {};
  e.drop99 = {};
  e.riskCoverage = {};
  if (!e.run) {
    e.problem = QStringLiteral("no result");
    return;
  }
  if (e.run->predictive.sampleCount() <= 0) {
    e.problem = QStringLiteral("nothing has been sampled yet");
    return;
  }
  auto r = bnn::analyzeUncertainty(*e.run);
  if (!r.ok()) {
    e.problem = QString::fromStdString(r.error().message());
    return;
  }
  auto a = std::make_shared<const bnn::UncertaintyAnalysis>(std::move(r).value());
  e.curve = bnn::thresholdCurve(*a, bnn::defaultThresholds());
  e.drop99 = bnn::smallestDropReaching(e.curve, 0.99);
  e.riskCoverage = bnn::riskCoverage(*a);
  e.analysis = std::move(a);
}

void UncertaintyExplorer::Impl::rebuildCombos() {
  const QSignalBlocker b1(primaryCombo), b2(compareCombo);
  primaryCombo->clear();
  compareCombo->clear();
  compareCombo->addItem(QStringLiteral("(none)"), QString());
  for (const auto& r : runs) {
    const QString label = r.analysis ? r.name : QStringLiteral("%1 (%2)").arg(r.name, r.problem);
    primaryCombo->addItem(label, r.id);
    if (r.id != primaryId) compareCombo->addItem(label, r.id);
  }
  primaryCombo->setCurrentIndex(std::max(0, primaryCombo->findData(primaryId)));
  if (compareId == primaryId) compareId.clear();
  const int ci = compareCombo->findData(compareId);
  if (ci < 0) compareId.clear();
  compareCombo->setCurrentIndex(std::max(0, ci));
}

void UncertaintyExplorer::Impl::refreshAll(bool keepGalleryPosition) {
  RunEntry* p = primary();
  const int scroll = gallery->verticalScrollBar()->value();
  const int keepImage = keepGalleryPosition ? detailImage : -1;
  model->setSource(p ? p->run : nullptr, p ? p->analysis : nullptr);
  if (keepImage >= 0) {
    const int row = model->rowOfImage(keepImage);
    if (row >= 0) {
      const QSignalBlocker block(gallery->selectionModel());
      gallery->selectionModel()->setCurrentIndex(model->index(row), QItemSelectionModel::ClearAndSelect);
    }
  }
  if (keepGalleryPosition) gallery->verticalScrollBar()->setValue(scroll);
  if (keepImage >= 0 && p && p->analysis && keepImage < p->analysis->numImages) {
    showDetail(keepImage);
  } else if (model->rowCount() > 0) {
    // Start on the least certain image so the detail panel is never empty.
    gallery->selectionModel()->setCurrentIndex(model->index(0), QItemSelectionModel::ClearAndSelect);
    showDetail(model->imageIndexAt(0));
  } else {
    showDetail(-1);
  }
  updateGalleryCount();
  updateSummary();
  updatePerDigit();
  updateCurves();
  updateMarkers();
}

void UncertaintyExplorer::Impl::applyThreshold(double t) {
  if (t == threshold) return;
  threshold = t;
  updateSummary();
  updatePerDigit();
  updateMarkers();
  if (confidentlyWrong->isChecked()) updateGalleryFilter();
}

// ---------------------------------------------------------------------------------------------
// Views

void UncertaintyExplorer::Impl::updateSummary() {
  auto line = [this](RunEntry* e, const QColor& color) {
    const QString name =
        QStringLiteral("<b style='color:%1'>%2</b>").arg(color.name(), e->name.toHtmlEscaped());
    if (!e->analysis) return QStringLiteral("%1: %2.").arg(name, e->problem.toHtmlEscaped());
    const auto s = bnn::summarizeUncertainty(*e->analysis, threshold, e->run->lastPointwiseAccuracy);
    QString gain = QStringLiteral("n/a");
    if (!std::isnan(s.accuracyGain))
      gain = QStringLiteral("%1%2 points")
                 .arg(s.accuracyGain >= 0 ? "+" : "")
                 .arg(100.0 * s.accuracyGain, 0, 'f', 2);
    QString text =
        QStringLiteral(
            "%1 (S = %2 samples%3): ensemble accuracy <b>%4</b> · last sample %5 · "
            "difference %6 · test NLL %7 nats<br>"
            "&nbsp;&nbsp;certain at t = %8: <b>%9</b> (%10 of %11), accuracy on them %12 · "
            "uncertain %13 · misclassified %14 · confidently wrong %15 · "
            "mean MI %16 nats")
            .arg(name)
            .arg(s.sampleCount)
            .arg(e->run->outcome.status == bnn::RunStatus::Running ? QStringLiteral(", still running")
                                                                   : QString())
            .arg(pct(s.ensembleAccuracy), pct(s.lastSampleAccuracy), gain, fixed(s.negLogLikelihood, 4))
            .arg(threshold, 0, 'f', 3)
            .arg(pct(s.retainedShare, 1))
            .arg(s.retained)
            .arg(s.numImages)
            .arg(pct(s.retainedAccuracy))
            .arg(s.uncertain)
            .arg(s.misclassified)
            .arg(s.confidentlyWrong)
            .arg(fixed(s.meanMutualInformation, 4));
    return text;
  };
  RunEntry* p = primary();
  if (!p) {
    summary->setText(QStringLiteral("No run yet: start a run or load a saved one."));
    return;
  }
  QString text = line(p, kPrimaryColor);
  if (RunEntry* c = comparison()) text += QStringLiteral("<br>") + line(c, kCompareColor);
  summary->setText(text);
}

void UncertaintyExplorer::Impl::updatePerDigit() {
  const bool share = perDigitMode->currentIndex() == 1;
  perDigitSeries->clear();
  double maxValue = 0;
  auto addSet = [&](RunEntry* e, const QColor& color) {
    if (!e || !e->analysis) return;
    const auto pc = bnn::perClassUncertainty(*e->analysis, threshold);
    auto* set = new QBarSet(e->name);
    set->setColor(color);
    set->setLabelColor(Qt::black);
    for (size_t c = 0; c < pc.total.size(); ++c) {
      const double v =
          share ? (std::isnan(pc.share[c]) ? 0.0 : 100.0 * pc.share[c]) : double(pc.uncertain[c]);
      set->append(v);
      maxValue = std::max(maxValue, v);
    }
    perDigitSeries->append(set);
  };
  addSet(primary(), kPrimaryColor);
  addSet(comparison(), kCompareColor);
  perDigitSeries->setLabelsFormat(share ? QStringLiteral("@value%") : QStringLiteral("@value"));
  perDigitSeries->setLabelsPrecision(share ? 3 : 6);
  perDigitSeries->setLabelsVisible(true);
  setNiceTicks(perDigitAxisY, 0, maxValue > 0 ? maxValue * 1.15 : 1.0, 5);
  perDigitAxisY->setTitleText(share ? QStringLiteral("% of the digit's test images")
                                    : QStringLiteral("uncertain images"));
  perDigitChart->chart()->setTitle(
      QStringLiteral("Uncertain test images (max p̄ &lt; %1) per true digit").arg(threshold, 0, 'f', 3));
}

void UncertaintyExplorer::Impl::updateCurves() {
  double accMin = 1.0;
  double riskMax = 0.0;
  QStringList dropTexts;
  auto fill = [&](RunEntry* e, QLineSeries* acc, QLineSeries* drop, QLineSeries* risk) {
    if (!e || !e->analysis) {
      acc->clear();
      drop->clear();
      risk->clear();
      acc->setVisible(false);
      drop->setVisible(false);
      risk->setVisible(false);
      return;
    }
    QList<QPointF> a, d, r;
    for (size_t i = 0; i < e->curve.thresholds.size(); ++i) {
      // NaN accuracy (nothing retained) happens only for a suffix of thresholds: the curve stops.
      if (!std::isnan(e->curve.accuracy[i])) {
        a.append({e->curve.thresholds[i], e->curve.accuracy[i]});
        accMin = std::min(accMin, e->curve.accuracy[i]);
      }
      d.append({e->curve.thresholds[i], e->curve.percentDropped[i]});
    }
    r.reserve(qsizetype(e->riskCoverage.coverage.size()) + 1);
    for (size_t i = 0; i < e->riskCoverage.coverage.size(); ++i) {
      r.append({e->riskCoverage.coverage[i], e->riskCoverage.risk[i]});
      riskMax = std::max(riskMax, e->riskCoverage.risk[i]);
    }
    acc->replace(a);
    drop->replace(d);
    risk->replace(r);
    acc->setName(e->name);
    drop->setName(e->name);
    risk->setName(QStringLiteral("%1 (AURC %2)").arg(e->name).arg(e->riskCoverage.aurc, 0, 'f', 5));
    acc->setVisible(true);
    drop->setVisible(true);
    risk->setVisible(true);
    dropTexts << (e->drop99.found
                      ? QStringLiteral("<b>%1</b>: dropping %2% of the test images (t = %3) reaches "
                                       "%4 accuracy on the rest")
                            .arg(e->name.toHtmlEscaped())
                            .arg(e->drop99.percentDropped, 0, 'f', 2)
                            .arg(e->drop99.threshold, 0, 'f', 3)
                            .arg(pct(e->drop99.accuracy))
                      : QStringLiteral("<b>%1</b>: no threshold reaches 99% accuracy")
                            .arg(e->name.toHtmlEscaped()));
  };
  fill(primary(), accPrimary, dropPrimary, riskPrimary);
  fill(comparison(), accCompare, dropCompare, riskCompare);
  const double lo = std::max(0.0, std::floor((accMin - 0.005) * 100.0) / 100.0);
  setNiceTicks(accAxisY, std::min(lo, 0.99), 1.0, 5);
  setNiceTicks(riskAxisY, 0, riskMax > 0 ? riskMax * 1.05 : 1.0, 5);
  drop99Label->setText(dropTexts.isEmpty()
                           ? QStringLiteral("Smallest drop reaching 99% accuracy: no sampled run.")
                           : QStringLiteral("Smallest drop reaching 99% accuracy — ") +
                                 dropTexts.join(QStringLiteral(" · ")));
}

void UncertaintyExplorer::Impl::updateMarkers() {
  const QString name = QStringLiteral("t = %1").arg(threshold, 0, 'f', 3);
  accMarker->replace({{threshold, accAxisY->min()}, {threshold, accAxisY->max()}});
  accMarker->setName(name);
  dropMarker->replace({{threshold, 0.0}, {threshold, 100.0}});
  dropMarker->setName(name);
  QList<QPointF> points;
  for (RunEntry* e : {primary(), comparison()}) {
    if (!e || !e->analysis) continue;
    const int64_t kept = bnn::retainedCount(*e->analysis, threshold);
    if (kept == 0) continue;  // risk undefined at zero coverage
    const double acc = bnn::retainedAccuracy(*e->analysis, threshold);
    points.append({double(kept) / double(e->analysis->numImages), 1.0 - acc});
  }
  riskPoints->replace(points);
  riskPoints->setName(QStringLiteral("at %1").arg(name));
}

void UncertaintyExplorer::Impl::updateGalleryFilter() {
  bnn::GalleryFilter f;
  f.trueClass = trueFilter->currentData().toInt();
  f.predictedClass = predictedFilter->currentData().toInt();
  f.onlyMisclassified = misclassified->isChecked();
  f.onlyConfidentlyWrong = confidentlyWrong->isChecked();
  f.threshold = threshold;
  model->setFilter(f);
  if (detailImage >= 0) {
    const int row = model->rowOfImage(detailImage);
    if (row >= 0) {
      const QSignalBlocker block(gallery->selectionModel());
      gallery->selectionModel()->setCurrentIndex(model->index(row), QItemSelectionModel::ClearAndSelect);
    }
  }
  updateGalleryCount();
}

void UncertaintyExplorer::Impl::updateGalleryCount() {
  const auto* a = model->analysis();
  if (!a) {
    galleryCount->setText(QStringLiteral("no images"));
    return;
  }
  galleryCount->setText(QStringLiteral("%1 of %2 images").arg(model->rowCount()).arg(a->numImages));
}

void UncertaintyExplorer::Impl::showDetail(int imageIndex) {
  RunEntry* p = primary();
  detailImage = imageIndex;
  if (!p || !p->analysis || imageIndex < 0 || imageIndex >= p->analysis->numImages) {
    detailImage = -1;
    detailDigit->setImage({});
    detailDigit->setPlaceholder(QStringLiteral("Select a tile"));
    detailTitle->setText(QString());
    detailMeasures->setText(QString());
    for (int c = 0; c < 10; ++c) {
      detailMean->replace(c, 0);
      detailVotes->replace(c, 0);
    }
    return;
  }
  const auto& a = *p->analysis;
  const QImage img = digitImage(*p->run, imageIndex);
  detailDigit->setPlaceholder(QStringLiteral("no images in this run"));
  detailDigit->setImage(img);
  const int truth = a.labels[size_t(imageIndex)], pred = a.predicted[size_t(imageIndex)];
  detailTitle->setText(QStringLiteral("Test image #%1: true %2, predicted %3%4")
                           .arg(imageIndex)
                           .arg(truth)
                           .arg(pred)
                           .arg(truth == pred ? QString() : QStringLiteral(" (wrong)")));
  detailMeasures->setText(
      QStringLiteral("max p̄ = %1<br>vote share of %2 = %3<br>"
                     "entropy H[p̄] = %4 nats<br>expected entropy E<sub>s</sub> H[p<sub>s</sub>] "
                     "= %5 nats (aleatoric)<br>mutual information = %6 nats (epistemic)")
          .arg(a.maxProb[size_t(imageIndex)], 0, 'f', 4)
          .arg(pred)
          .arg(a.vote(imageIndex, pred), 0, 'f', 3)
          .arg(a.entropy[size_t(imageIndex)], 0, 'f', 4)
          .arg(a.expectedEntropy[size_t(imageIndex)], 0, 'f', 4)
          .arg(a.mutualInformation[size_t(imageIndex)], 0, 'f', 4));
  for (int c = 0; c < std::min(10, a.numClasses); ++c) {
    detailMean->replace(c, a.probability(imageIndex, c));
    detailVotes->replace(c, a.vote(imageIndex, c));
  }
}

// ---------------------------------------------------------------------------------------------
// Export

void UncertaintyExplorer::Impl::exportCharts(int kind) {
  RunEntry* p = primary();
  if (!p || !p->analysis) {
    status->setText(QStringLiteral("Nothing to export: the shown run has no samples."));
    return;
  }
  const int tab = tabs->currentIndex();
  static const char* kBase[] = {"per_digit", "threshold_curve", "risk_coverage"};
  QList<QChartView*> charts;
  if (tab == 0) charts = {perDigitChart};
  if (tab == 1) charts = {accuracyChart, droppedChart};
  if (tab == 2) charts = {riskChart};
  const QString suffix = kind == 0   ? QStringLiteral("png")
                         : kind == 1 ? QStringLiteral("svg")
                                     : QStringLiteral("csv");
  const QString path = QFileDialog::getSaveFileName(
      q, QStringLiteral("Export"), QStringLiteral("%1.%2").arg(kBase[tab], suffix),
      QStringLiteral("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
  if (path.isEmpty()) return;
  QString error;
  bool ok = true;
  QStringList written{path};
  if (kind == 0) ok = uncertainty_export::saveChartsPng(charts, path, &error);
  if (kind == 1) ok = uncertainty_export::saveChartsSvg(charts, path, tabs->tabText(tab), &error);
  if (kind == 2) {
    auto csv = [this, tab](RunEntry* e) {
      if (tab == 0) return bnn::perClassCsv(bnn::perClassUncertainty(*e->analysis, threshold), threshold);
      if (tab == 1) return bnn::thresholdCurveCsv(e->curve);
      return bnn::riskCoverageCsv(e->riskCoverage);
    };
    ok = uncertainty_export::saveText(path, csv(p), &error);
    RunEntry* c = comparison();
    if (ok && c && c->analysis) {
      const QFileInfo info(path);
      const QString other = info.dir().filePath(info.completeBaseName() + QStringLiteral("_compare.csv"));
      ok = uncertainty_export::saveText(other, csv(c), &error);
      written << other;
    }
  }
  status->setText(ok ? QStringLiteral("Saved %1").arg(written.join(QStringLiteral(", "))) : error);
  if (!ok) QMessageBox::warning(q, QStringLiteral("Export failed"), error);
}

void UncertaintyExplorer::Impl::exportGallery() {
  if (model->rowCount() == 0) {
    status->setText(QStringLiteral("No tiles to export."));
    return;
  }
  QModelIndexList selected = gallery->selectionModel()->selectedIndexes();
  std::sort(selected.begin(), selected.end(),
            [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  QList<GalleryTile> tiles;
  if (selected.isEmpty())
    for (int r = 0; r < std::min(15, model->rowCount()); ++r)
      tiles.append(GalleryDelegate::tileFromIndex(model->index(r)));
  else
    for (const QModelIndex& i : selected) tiles.append(GalleryDelegate::tileFromIndex(i));
  const QString path =
      QFileDialog::getSaveFileName(q, QStringLiteral("Export tiles"), QStringLiteral("uncertain_images.png"),
                                   QStringLiteral("PNG files (*.png)"));
  if (path.isEmpty()) return;
  const QImage grid = uncertainty_export::galleryGrid(tiles, 5, gallery->palette());
  if (grid.save(path, "PNG"))
    status->setText(QStringLiteral("Saved %1 tiles to %2").arg(tiles.size()).arg(path));
  else
    QMessageBox::warning(q, QStringLiteral("Export failed"),
                         QStringLiteral("%1: cannot write the PNG file").arg(path));
}

// ---------------------------------------------------------------------------------------------
// Public API

UncertaintyExplorer::UncertaintyExplorer(QWidget* parent)
    : QWidget(parent), m_impl(std::make_unique<Impl>()) {
  m_impl->q = this;
  m_impl->build();
  m_impl->refreshAll(false);
}

UncertaintyExplorer::~UncertaintyExplorer() = default;

void UncertaintyExplorer::setRun(const QString& id, const QString& displayName,
                                 std::shared_ptr<const bnn::RunResult> run) {
  Impl& d = *m_impl;
  Impl::RunEntry* e = d.find(id);
  if (!e) {
    d.runs.push_back({});
    e = &d.runs.back();
    e->id = id;
  }
  e->name = displayName;
  e->run = std::move(run);
  d.analyse(*e);
  if (d.primaryId.isEmpty()) d.primaryId = id;
  d.rebuildCombos();
  if (id == d.primaryId || id == d.compareId) d.refreshAll(true);
}

void UncertaintyExplorer::removeRun(const QString& id) {
  Impl& d = *m_impl;
  auto it = std::find_if(d.runs.begin(), d.runs.end(), [&](const auto& r) { return r.id == id; });
  if (it == d.runs.end()) return;
  d.runs.erase(it);
  const bool wasShown = id == d.primaryId || id == d.compareId;
  if (id == d.compareId) d.compareId.clear();
  if (id == d.primaryId) {
    d.primaryId = d.runs.empty() ? QString() : d.runs.front().id;
    d.detailImage = -1;
  }
  d.rebuildCombos();
  if (wasShown) d.refreshAll(id != d.primaryId);
}

void UncertaintyExplorer::renameRun(const QString& id, const QString& displayName) {
  Impl& d = *m_impl;
  Impl::RunEntry* e = d.find(id);
  if (!e) return;
  e->name = displayName;
  d.rebuildCombos();
  if (id == d.primaryId || id == d.compareId) {
    d.updateSummary();
    d.updatePerDigit();
    d.updateCurves();
  }
}

void UncertaintyExplorer::showRun(const QString& id) {
  Impl& d = *m_impl;
  if (!d.find(id) || id == d.primaryId) return;
  d.primaryId = id;
  d.detailImage = -1;
  d.rebuildCombos();
  d.refreshAll(false);
}
