#include "ood/ood_view.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStandardItemModel>
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
#include "common/display_path.h"
#include "common/job_runner.h"
#include "common/sampled_runs.h"
#include "common/view_scaffold.h"
#include "run/posterior_samples.h"
#include "run/run_result.h"
#include "util/format.h"
#include "views/run_pair_picker.h"

namespace {

using bnn::OodScoreKind;

// The Debian package dataset-fashion-mnist installs the gzip IDX files here.
const QString kFashionDir = QStringLiteral("/usr/share/datasets/fashion-mnist");
const QString kFolderPrefix = QStringLiteral("folder:");
const QColor kChance(120, 120, 120);

struct ScoreInfo {
  OodScoreKind kind;
  const char* label;  // table and menus
  const char* axis;   // histogram x axis (the natural quantity: max p̄, not −max p̄)
  const char* tip;
  bool negated;       // the OOD score is −(the shown quantity)
  const char* brief;  // chart legends
};

const ScoreInfo kScores[] = {
    {OodScoreKind::NegMaxProb, "max p̄ (ensemble)", "max p̄ (ensemble confidence)",
     "Confidence of the posterior predictive: OOD when max_k p̄_k is low.", true, "max p̄"},
    {OodScoreKind::Entropy, "entropy H[p̄]", "predictive entropy H[p̄] (nats)",
     "Total predictive uncertainty −Σ_k p̄_k log p̄_k: OOD when high.", false, "H[p̄]"},
    {OodScoreKind::MutualInformation, "mutual information", "mutual information (nats)",
     "Epistemic part H[p̄] − E_s H[p_s]: how much the posterior samples disagree. OOD when high.", false,
     "MI"},
    {OodScoreKind::NegMaxProbLastSample, "max p, last sample", "max p of the last sample",
     "The single network at the last sample (one trained network): OOD when its max_k p_k is low.", true,
     "last sample max p"},
};

const ScoreInfo& info(OodScoreKind k) {
  for (const ScoreInfo& s : kScores)
    if (s.kind == k) return s;
  return kScores[0];
}

QString fixed(double v, int d) { return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'f', d); }

QImage imageOf(const bnn::ImageSet& set, int32_t i) {
  QImage img(set.cols, set.rows, QImage::Format_Grayscale8);
  for (int r = 0; r < set.rows; ++r) std::copy_n(set.image(i) + r * set.cols, set.cols, img.scanLine(r));
  return img;
}

bool isSynthetic(const QString& key) { return !key.startsWith(kFolderPrefix); }

}  // namespace

OodView::OodView(const ViewContext& context, QWidget* parent) : AnalysisView(context, parent) {
  const ViewScaffold scaffold = makeViewScaffold(this);
  QWidget* content = scaffold.content;
  m_picker = scaffold.picker;
  m_runs = new SampledRuns(m_picker, this);

  // Second row: the set, evaluate / cancel, progress, the score the charts follow.
  auto* controls = new QHBoxLayout;
  auto* setLabel = new QLabel(QStringLiteral("Out-of-distribution set"), content);
  m_set = new QComboBox(content);
  m_set->setToolTip(QStringLiteral(
      "Images the network never saw, against its own test set. Fashion-MNIST: the test split of the "
      "Debian package dataset-fashion-mnist. Synthetic sets are made from the run's test images (seed 0, "
      "as bnn-cli ood): every pixel uniform noise, each image's pixels shuffled, or 255 − x."));
  setLabel->setBuddy(m_set);
  const bool fashion = QFileInfo(kFashionDir).isDir();
  m_set->addItem(QStringLiteral("Fashion-MNIST test set"), kFolderPrefix + kFashionDir);
  if (!fashion) {
    auto* model = qobject_cast<QStandardItemModel*>(m_set->model());
    model->item(0)->setEnabled(false);
    model->item(0)->setToolTip(
        QStringLiteral("Not installed: apt-get install dataset-fashion-mnist, or choose its folder."));
  }
  m_set->addItem(QStringLiteral("Uniform noise"), QStringLiteral("noise"));
  m_set->addItem(QStringLiteral("Pixel-permuted digits"), QStringLiteral("permuted"));
  m_set->addItem(QStringLiteral("Inverted digits"), QStringLiteral("inverted"));
  m_set->addItem(QStringLiteral("Other folder…"), QString());
  m_set->setCurrentIndex(fashion ? 0 : 1);
  m_evaluate = new QPushButton(QStringLiteral("Evaluate"), content);
  m_evaluate->setToolTip(QStringLiteral(
      "Evaluate the shown runs' kept samples on their test set and on the chosen set (one test pass per "
      "sample and set; the test-set pass is reused for every set)"));
  m_cancel = new QPushButton(QStringLiteral("Cancel"), content);
  m_cancel->setToolTip(QStringLiteral("Stop the evaluations in progress"));
  m_cancel->setEnabled(false);
  m_progress = new QProgressBar(content);
  m_progress->setRange(0, 1000);
  m_progress->setTextVisible(false);
  m_progress->setMaximumWidth(120);
  m_progress->setMinimumWidth(60);
  m_progress->setVisible(false);
  auto* scoreLabel = new QLabel(QStringLiteral("Charts"), content);
  m_score = new QComboBox(content);
  for (const ScoreInfo& s : kScores) {
    m_score->addItem(QString::fromUtf8(s.label), int(s.kind));
    m_score->setItemData(m_score->count() - 1, QString::fromUtf8(s.tip), Qt::ToolTipRole);
  }
  m_score->setToolTip(QStringLiteral("The score the ROC curves, histograms and gallery show"));
  scoreLabel->setBuddy(m_score);
  controls->addWidget(setLabel);
  controls->addWidget(m_set, 1);
  controls->addWidget(m_evaluate);
  controls->addWidget(m_cancel);
  controls->addWidget(m_progress);
  controls->addSpacing(8);
  controls->addWidget(scoreLabel);
  controls->addWidget(m_score, 1);
  scaffold.header->addWidget(chart_export::makeExportButton(content, [this] { return exports().value(0); }));
  scaffold.root->addLayout(controls);
  m_status = new QLabel(content);
  m_status->setWordWrap(true);
  m_status->setTextFormat(Qt::PlainText);
  scaffold.root->addWidget(m_status);

  // Left: the table over the gallery. Right: ROC over histograms.
  m_table = new QTableWidget(content);
  m_table->setColumnCount(4);
  m_table->setHorizontalHeaderLabels(
      {QStringLiteral("score"), QStringLiteral("AUROC"), QStringLiteral("AUPR"), QStringLiteral("FPR@95")});
  m_table->horizontalHeaderItem(1)->setToolTip(QStringLiteral(
      "P(score_out > score_in) + ½ P(equal): the Mann–Whitney statistic. 1 = perfect, 0.5 = chance."));
  m_table->horizontalHeaderItem(2)->setToolTip(
      QStringLiteral("Average precision with OOD as the positive class (as scikit-learn's)."));
  m_table->horizontalHeaderItem(3)->setToolTip(
      QStringLiteral("False-positive rate at 95% true-positive rate: the share of test images flagged when "
                     "95% of the OOD images are. Lower is better."));
  m_table->verticalHeader()->hide();
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionMode(QAbstractItemView::NoSelection);
  m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  for (int c = 1; c < 4; ++c)
    m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  m_table->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

  m_galleryTitle = new QLabel(content);
  m_galleryTitle->setWordWrap(true);
  m_galleryTitle->setTextFormat(Qt::PlainText);
  m_gallery = new QListWidget(content);
  m_gallery->setViewMode(QListView::IconMode);
  m_gallery->setIconSize(QSize(56, 56));
  m_gallery->setGridSize(QSize(104, 104));
  m_gallery->setResizeMode(QListView::Adjust);
  m_gallery->setMovement(QListView::Static);
  m_gallery->setSelectionMode(QAbstractItemView::NoSelection);
  m_gallery->setWordWrap(true);
  m_gallery->setMinimumSize(200, 120);
  m_gallery->setToolTip(
      QStringLiteral("The out-of-distribution images with the lowest score of the chosen "
                     "kind, surest first: what the run is sure about although it never saw "
                     "anything like it"));

  auto* left = new QWidget(content);
  auto* lv = new QVBoxLayout(left);
  lv->setContentsMargins(0, 0, 0, 0);
  lv->addWidget(m_table);
  lv->addWidget(m_galleryTitle);
  lv->addWidget(m_gallery, 1);

  m_roc = makeChartView(QStringLiteral("ROC curves (legend: AUROC)"));
  m_rocX = new QValueAxis;
  m_rocY = new QValueAxis;
  m_rocX->setTitleText(QStringLiteral("FPR (test images flagged)"));
  m_rocY->setTitleText(QStringLiteral("TPR (OOD images flagged)"));
  applyNiceTicks(m_rocX, 0, 1);
  applyNiceTicks(m_rocY, 0, 1);
  m_roc->chart()->addAxis(m_rocX, Qt::AlignBottom);
  m_roc->chart()->addAxis(m_rocY, Qt::AlignLeft);
  m_histogram = makeChartView(QStringLiteral("Score histograms: test set solid, OOD set dashed"));
  m_histX = new QValueAxis;
  m_histY = new QValueAxis;
  m_histY->setTitleText(QStringLiteral("share of the set's images"));
  m_histogram->chart()->addAxis(m_histX, Qt::AlignBottom);
  m_histogram->chart()->addAxis(m_histY, Qt::AlignLeft);
  auto* charts = new QSplitter(Qt::Vertical, content);
  charts->setChildrenCollapsible(false);
  charts->addWidget(m_roc);
  charts->addWidget(m_histogram);

  auto* body = new QSplitter(Qt::Horizontal, content);
  body->setChildrenCollapsible(false);
  body->addWidget(left);
  body->addWidget(charts);
  body->setStretchFactor(0, 2);
  body->setStretchFactor(1, 3);
  body->setSizes({400, 600});  // scaled to the first width: the charts get three fifths
  scaffold.root->addWidget(body, 1);
  content->setMinimumHeight(520);

  m_timer = new QTimer(this);
  m_timer->setInterval(100);
  connect(m_timer, &QTimer::timeout, this, &OodView::tick);
  connect(m_runs, &SampledRuns::shownChanged, this, &OodView::refresh);
  connect(m_set, &QComboBox::activated, this, [this](int index) {
    if (m_set->itemData(index).toString().isEmpty()) chooseFolder();
    m_lastMessage.clear();
    refresh();
  });
  connect(m_score, &QComboBox::currentIndexChanged, this, [this] {
    refreshCharts();
    refreshGallery();
  });
  connect(m_evaluate, &QPushButton::clicked, this, &OodView::evaluate);
  connect(m_cancel, &QPushButton::clicked, this, &OodView::cancel);
  refresh();
}

OodView::~OodView() {
  // A running job may outlive the view: tell it to stop at the next sample.
  for (const Active& a : std::as_const(m_active)) a.progress->cancel = true;
}

void OodView::updateRun(const ViewRun& run) {
  const ViewRun* old = m_runs->run(run.id);
  if (old && old->result != run.result) {
    // A new result (a finished chain, a reopened folder): its numbers must be evaluated again.
    if (!old->result || !run.result || old->result->samples != run.result->samples) dropRun(run.id);
  }
  m_runs->setRun(run);
}

void OodView::dropRun(const QString& id) {
  stop(id);
  m_in.remove(id);
  m_results.remove(id);
  m_errors.remove(id);
  m_errorSet.remove(id);
}

void OodView::removeRun(const QString& id) {
  dropRun(id);
  if (JobRunner* jobs = context().jobs) jobs->forgetRun(id);
  m_runs->removeRun(id);
}

void OodView::selectRun(const QString& id) { m_runs->select(id); }

void OodView::selectPair(const QString& id, const QString& comparison) { m_runs->setPair(id, comparison); }

void OodView::setOodSet(const QString& spec) {
  const QString key =
      spec == QLatin1String("noise") || spec == QLatin1String("permuted") || spec == QLatin1String("inverted")
          ? spec
          : kFolderPrefix + QFileInfo(spec).absoluteFilePath();
  int index = m_set->findData(key);
  if (index < 0) {
    addFolderItem(QFileInfo(spec).absoluteFilePath(), QString());
    index = m_set->findData(key);
  }
  m_set->setCurrentIndex(index);
  m_lastMessage.clear();
  refresh();
}

QString OodView::oodSetKey() const { return m_set->currentData().toString(); }

QString OodView::setLabel() const {
  const QString key = oodSetKey();
  if (key == kFolderPrefix + kFashionDir) return QStringLiteral("Fashion-MNIST");
  if (key.startsWith(kFolderPrefix)) return displayPath(key.mid(kFolderPrefix.size()));
  return m_set->currentText().toLower();
}

void OodView::addFolderItem(const QString& dir, const QString& label) {
  const QString key = kFolderPrefix + dir;
  if (m_set->findData(key) >= 0) return;
  const int at = m_set->count() - 1;  // before "Other folder…"
  m_set->insertItem(at, label.isEmpty() ? QStringLiteral("Folder %1").arg(displayPath(dir)) : label, key);
  m_set->setItemData(at, dir, Qt::ToolTipRole);
}

void OodView::chooseFolder() {
  const QString dir = QFileDialog::getExistingDirectory(
      this, QStringLiteral("Choose a dataset folder (its test split is the out-of-distribution set)"));
  if (dir.isEmpty()) {
    m_set->setCurrentIndex(std::max(0, m_set->findData(QStringLiteral("noise"))));
    return;
  }
  setOodSet(dir);
}

void OodView::setScore(OodScoreKind kind) { m_score->setCurrentIndex(m_score->findData(int(kind))); }

OodScoreKind OodView::score() const { return OodScoreKind(m_score->currentData().toInt()); }

std::shared_ptr<const OodEvaluation> OodView::evaluation(const QString& id) const {
  return m_results.value(id).value(oodSetKey());
}

void OodView::evaluate() {
  const QString key = oodSetKey();
  if (key.isEmpty()) return;
  const bnn::Result<bnn::OodSetSpec> spec = bnn::parseOodSet(
      key.startsWith(kFolderPrefix) ? key.mid(kFolderPrefix.size()).toStdString() : key.toStdString());
  if (!spec) return;
  m_lastMessage.clear();
  for (const QString& id : m_runs->shownIds()) {
    const ViewRun* run = m_runs->run(id);
    if (!run || !SampledRuns::problem(*run).isEmpty()) continue;
    if (evaluation(id)) continue;
    if (m_active.contains(id) && m_active[id].setKey == key) continue;
    stop(id);
    m_errors.remove(id);
    auto progress = std::make_shared<JobProgress>();
    m_active[id] = {key, progress};
    std::shared_ptr<const bnn::RunResult> result = run->result;
    std::shared_ptr<const OodInScores> in = m_in.value(id);
    auto work = [result, s = *spec, key, in, progress](const JobRunner::CancelCheck& cancelled) {
      return evaluateOod(result, s, key, in, progress, cancelled);
    };
    auto install = [this, id, key, result, progress](OodJobOutput o) {
      if (m_active.value(id).progress == progress) m_active.remove(id);
      const ViewRun* now = m_runs->run(id);
      if (!now || now->result != result) return;  // superseded by a newer result
      if (o.in) m_in[id] = o.in;
      if (o.evaluation) {
        m_results[id][key] = o.evaluation;
        m_errors.remove(id);
      } else {
        m_errors[id] = progress->cancel ? QStringLiteral("cancelled") : o.error;
        m_errorSet[id] = key;
      }
      refresh();
      if (o.evaluation)
        Q_EMIT evaluationInstalled(id);
      else
        Q_EMIT evaluationFailed(id);
    };
    submitOrRun(context().jobs, this, QStringLiteral("ood/") + id, {id}, std::move(work), std::move(install));
  }
  m_timer->start();
  updateStatus();
}

void OodView::stop(const QString& id) {
  if (!m_active.contains(id)) return;
  m_active.take(id).progress->cancel = true;
  if (JobRunner* jobs = context().jobs) jobs->cancel(QStringLiteral("ood/") + id);
}

void OodView::cancel() {
  if (m_active.isEmpty()) return;
  const QStringList ids = m_active.keys();
  for (const QString& id : ids) stop(id);
  m_lastMessage = QStringLiteral("Cancelled: nothing of the stopped evaluations was kept.");
  updateStatus();
}

void OodView::tick() {
  if (m_active.isEmpty()) m_timer->stop();
  updateStatus();
}

void OodView::updateStatus() {
  int64_t done = 0, total = 0;
  for (const Active& a : std::as_const(m_active)) {
    done += a.progress->done;
    total += std::max<int64_t>(a.progress->total, 1);
  }
  const bool busy = !m_active.isEmpty();
  m_progress->setVisible(busy);
  m_cancel->setEnabled(busy);
  if (busy) m_progress->setValue(total > 0 ? int(1000 * done / total) : 0);

  QStringList lines;
  const QString key = oodSetKey();
  const QString set = setLabel();
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
      if (!a.progress->started)
        lines << QStringLiteral("%1: waiting for other background work to finish…").arg(run->name);
      else
        lines << QStringLiteral("%1: evaluating %2 of %3 sample passes (%4)…")
                     .arg(run->name)
                     .arg(a.progress->done.load())
                     .arg(a.progress->total.load())
                     .arg(a.progress->stage == 0 ? QStringLiteral("test set") : set);
      continue;
    }
    if (const auto e = evaluation(id)) {
      lines << QStringLiteral("%1: %2 kept samples on %3 test images and %4 %5 images, %6 s")
                   .arg(run->name)
                   .arg(e->study.sampleCount)
                   .arg(e->study.in.negMaxProb.size())
                   .arg(e->study.out.negMaxProb.size())
                   .arg(QString::fromStdString(e->study.outName))
                   .arg(e->seconds, 0, 'f', 1);
      continue;
    }
    missing = true;
    if (m_errors.contains(id) && m_errorSet.value(id) == key)
      lines << QStringLiteral("%1: %2").arg(run->name, m_errors[id]);
    else
      lines << QStringLiteral("%1: not evaluated on %2 yet (%3 kept samples: press Evaluate)")
                   .arg(run->name, set)
                   .arg(run->result->samples->count());
  }
  if (m_runs->isEmpty())
    lines << QStringLiteral("No runs yet: start or open a run that keeps posterior samples.");
  if (!m_lastMessage.isEmpty()) lines.prepend(m_lastMessage);
  m_status->setText(lines.join(QLatin1Char('\n')));
  m_evaluate->setEnabled(missing && !key.isEmpty());
}

QString OodView::statusText() const { return m_status->text(); }

void OodView::refresh() {
  updateStatus();
  refreshTable();
  refreshCharts();
  refreshGallery();
}

void OodView::refreshTable() {
  m_table->clearSpans();
  m_table->setRowCount(0);
  const QStringList ids = m_runs->shownIds();
  for (const QString& id : ids) {
    const auto e = evaluation(id);
    if (!e) continue;
    const ViewRun* run = m_runs->run(id);
    if (ids.size() > 1) {
      const int r = m_table->rowCount();
      m_table->insertRow(r);
      auto* h = new QTableWidgetItem(run->name);
      h->setForeground(run->color);
      QFont f = h->font();
      f.setBold(true);
      h->setFont(f);
      m_table->setItem(r, 0, h);
      m_table->setSpan(r, 0, 1, 4);
    }
    double bestAuroc = -1, bestFpr = 2;
    for (const bnn::OodTableRow& row : e->study.table) {
      if (!std::isnan(row.metrics.auroc)) bestAuroc = std::max(bestAuroc, row.metrics.auroc);
      if (!std::isnan(row.metrics.fprAtTpr)) bestFpr = std::min(bestFpr, row.metrics.fprAtTpr);
    }
    for (const bnn::OodTableRow& row : e->study.table) {
      const int r = m_table->rowCount();
      m_table->insertRow(r);
      const ScoreInfo& s = info(row.kind);
      auto* name = new QTableWidgetItem(QString::fromUtf8(s.label));
      name->setToolTip(QString::fromUtf8(s.tip));
      m_table->setItem(r, 0, name);
      const bnn::OodMetrics& m = row.metrics;
      const double values[] = {m.auroc, m.aupr, m.fprAtTpr};
      for (int c = 0; c < 3; ++c) {
        auto* item = new QTableWidgetItem(fixed(values[c], 4));
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const bool best = (c == 0 && values[c] == bestAuroc) || (c == 2 && values[c] == bestFpr);
        if (best) {
          QFont f = item->font();
          f.setBold(true);
          item->setFont(f);
        }
        if (c == 2)
          item->setToolTip(QStringLiteral("threshold τ = %1 flags %2% of the OOD images")
                               .arg(fixed(s.negated ? -m.threshold : m.threshold, 4))
                               .arg(100 * m.tprAchieved, 0, 'f', 1));
        m_table->setItem(r, c + 1, item);
      }
    }
  }
  m_table->setVisible(m_table->rowCount() > 0);
  m_table->updateGeometry();
}

void OodView::refreshCharts() {
  const OodScoreKind kind = score();
  const ScoreInfo& si = info(kind);
  QChart* roc = m_roc->chart();
  QChart* hist = m_histogram->chart();
  roc->removeAllSeries();
  hist->removeAllSeries();
  auto* chance = makeLineSeries(kChance, Qt::DotLine, 1.2);
  chance->setName(QStringLiteral("chance"));
  chance->append({{0, 0}, {1, 1}});
  roc->addSeries(chance);
  chance->attachAxis(m_rocX);
  chance->attachAxis(m_rocY);
  for (QLegendMarker* m : roc->legend()->markers(chance)) m->setVisible(false);

  double lo = std::numeric_limits<double>::infinity(), hi = -lo, top = 0;
  const QString set = setLabel();
  for (const QString& id : m_runs->shownIds()) {
    const auto e = evaluation(id);
    if (!e) continue;
    const ViewRun* run = m_runs->run(id);
    // The chosen score solid; the single network's baseline dashed beside it.
    QList<OodScoreKind> kinds{kind};
    if (kind != OodScoreKind::NegMaxProbLastSample) kinds << OodScoreKind::NegMaxProbLastSample;
    for (OodScoreKind k : kinds) {
      const OodEvaluation::PerScore* p = e->score(k);
      if (!p) continue;
      double auroc = std::nan("");
      for (const bnn::OodTableRow& row : e->study.table)
        if (row.kind == k) auroc = row.metrics.auroc;
      auto* line = makeLineSeries(run->color, k == kind ? Qt::SolidLine : Qt::DashLine, k == kind ? 2 : 1.5);
      line->setName(
          QStringLiteral("%1 · %2 %3").arg(run->name, QString::fromUtf8(info(k).brief), fixed(auroc, 3)));
      QList<QPointF> pts;
      pts.reserve(int(p->roc.fpr.size()));
      for (size_t i = 0; i < p->roc.fpr.size(); ++i) pts.append({p->roc.fpr[i], p->roc.tpr[i]});
      line->replace(pts);
      roc->addSeries(line);
      line->attachAxis(m_rocX);
      line->attachAxis(m_rocY);
    }
    const OodEvaluation::PerScore* p = e->score(kind);
    if (!p || p->histogram.edges.size() < 2) continue;
    const bnn::ScoreHistogram& h = p->histogram;
    const double sign = si.negated ? -1 : 1;
    for (int side = 0; side < 2; ++side) {
      const std::vector<double>& share = side == 0 ? h.inShare : h.outShare;
      auto* steps = makeLineSeries(run->color, side == 0 ? Qt::SolidLine : Qt::DashLine, 1.8);
      steps->setName(side == 0 ? QStringLiteral("%1 · test set").arg(run->name)
                               : QStringLiteral("%1 · %2").arg(run->name, set));
      QList<QPointF> pts;
      for (size_t b = 0; b < share.size(); ++b) {
        const double x0 = sign * h.edges[b], x1 = sign * h.edges[b + 1];
        pts.append({x0, share[b]});
        pts.append({x1, share[b]});
        top = std::max(top, share[b]);
      }
      lo = std::min({lo, sign * h.edges.front(), sign * h.edges.back()});
      hi = std::max({hi, sign * h.edges.front(), sign * h.edges.back()});
      steps->replace(pts);
      hist->addSeries(steps);
      steps->attachAxis(m_histX);
      steps->attachAxis(m_histY);
    }
  }
  m_histX->setTitleText(QString::fromUtf8(si.axis));
  if (std::isfinite(lo) && std::isfinite(hi) && hi > lo) {
    TickOptions o;
    o.roundRange = false;
    applyNiceTicks(m_histX, lo, hi, o);
  } else {
    applyNiceTicks(m_histX, 0, 1);
  }
  applyNiceTicks(m_histY, 0, top > 0 ? std::min(1.0, top * 1.05) : 1.0);
}

void OodView::refreshGallery() {
  m_gallery->clear();
  const QString id = m_runs->primaryId();
  const auto e = evaluation(id);
  const ViewRun* run = m_runs->run(id);
  const OodScoreKind kind = score();
  const OodEvaluation::PerScore* p = e ? e->score(kind) : nullptr;
  if (!e || !run || !p || !e->study.outImages) {
    m_galleryTitle->setText(
        QStringLiteral("Sure about what it never saw: evaluate a run to see the "
                       "out-of-distribution images it is surest about."));
    return;
  }
  const ScoreInfo& si = info(kind);
  const QString set = QString::fromStdString(e->study.outName);
  m_galleryTitle->setText(QStringLiteral("Sure about what it never saw: the %1 %2 images %3 is surest about "
                                         "(lowest OOD score by %4), surest first")
                              .arg(p->surest.size())
                              .arg(set, run->name, QString::fromUtf8(si.label)));
  const bnn::ImageSet& images = *e->study.outImages;
  const bool synthetic = isSynthetic(e->setKey);
  const bool noise = e->setKey == QLatin1String("noise");
  const std::vector<double>& scores = e->study.out.scores(kind);
  for (int32_t i : p->surest) {
    const OodGalleryImage g = e->gallery.value(i);
    const QString said = QString::fromStdString(run->result->className(g.predicted));
    // What the image really is: the folder's class, or the test digit it was made from.
    QString truth;
    if (!synthetic) {
      const int label = images.labels[size_t(i)];
      truth = label < int(e->outClassNames.size()) ? QString::fromStdString(e->outClassNames[size_t(label)])
                                                   : QString::number(label);
    } else if (!noise) {
      truth = QStringLiteral("from a %1")
                  .arg(QString::fromStdString(run->result->className(images.labels[size_t(i)])));
    } else {
      truth = QStringLiteral("noise");
    }
    const double shown = si.negated ? -scores[size_t(i)] : scores[size_t(i)];
    auto* item = new QListWidgetItem(
        QIcon(QPixmap::fromImage(
            imageOf(images, i).scaled(56, 56, Qt::KeepAspectRatio, Qt::FastTransformation))),
        QStringLiteral("says %1 (%2)\n%3").arg(said, QString::number(g.maxMean, 'f', 3), truth));
    item->setToolTip(QStringLiteral("%1 image #%2 (%3)\n%4 says %5 with max p̄ %6 (%7% of the samples vote "
                                    "%5)\n%8: %9")
                         .arg(set)
                         .arg(i)
                         .arg(truth, run->name, said)
                         .arg(g.maxMean, 0, 'f', 4)
                         .arg(100 * g.voteShare, 0, 'f', 0)
                         .arg(QString::fromUtf8(si.label))
                         .arg(shown, 0, 'g', 4));
    m_gallery->addItem(item);
  }
}

QList<ChartExport> OodView::exports() const {
  ChartExport charts;
  charts.title = QStringLiteral("OOD detection");
  charts.baseName = QStringLiteral("ood");
  charts.charts = {m_roc, m_histogram};
  ChartExport roc;
  roc.title = QStringLiteral("ROC curves");
  roc.baseName = QStringLiteral("ood_roc");
  QList<std::pair<QString, std::shared_ptr<const OodEvaluation>>> shown;
  for (const QString& id : m_runs->shownIds())
    if (auto e = evaluation(id)) shown.append({m_runs->run(id)->name, e});
  if (!shown.isEmpty()) {
    charts.csv = [shown] {
      std::string out;
      for (int i = 0; i < shown.size(); ++i)
        out += chart_export::withRunColumn(bnn::oodTableCsv(shown[i].second->study), shown[i].first, i == 0);
      return out;
    };
    roc.csv = [shown] {
      std::string out;
      for (int i = 0; i < shown.size(); ++i) {
        std::string csv = "score,fpr,tpr,threshold\n";
        for (const OodEvaluation::PerScore& p : shown[i].second->perScore)
          for (size_t j = 0; j < p.roc.fpr.size(); ++j)
            csv += std::string(bnn::enumName(p.kind)) + ',' + bnn::formatNumber(p.roc.fpr[j]) + ',' +
                   bnn::formatNumber(p.roc.tpr[j]) + ',' + bnn::formatNumber(p.roc.threshold[j]) + '\n';
        out += chart_export::withRunColumn(csv, shown[i].first, i == 0);
      }
      return out;
    };
  }
  return {charts, roc};
}
