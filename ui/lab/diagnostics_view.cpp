#include "lab/diagnostics_view.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "analysis/convergence.h"
#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "common/job_runner.h"
#include "common/view_scaffold.h"

namespace {

constexpr double kRhatRule = 1.01;

// Chain c's colour: the run's colour for chain 0, then its hue turned by a golden angle per chain.
QColor chainColor(const QColor& base, int c) {
  if (c == 0) return base;
  const QColor h = base.toHsv();
  return QColor::fromHsv((h.hue() + 137 * c) % 360, std::max(110, h.saturation()), std::min(220, h.value()));
}

QString number(double v, int decimals) {
  return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("n/a");
}

QString compact(double v) { return std::isfinite(v) ? QString::number(v, 'g', 5) : QStringLiteral("n/a"); }

// What a scalar is, for the table's tooltips and the trace chart's axis.
QString describe(const QString& name) {
  if (name == QLatin1String("potential"))
    return QStringLiteral("U(θ) = −(N/n) Σ_B log p(y|x,θ) + ‖θ‖²/(2σ²) on a minibatch of the recorder's own");
  if (name == QLatin1String("minibatch_log_lik"))
    return QStringLiteral("(N/n) Σ_B log p(y|x,θ) on the same minibatch");
  if (name == QLatin1String("test_log_lik")) return QStringLiteral("mean log p(y|x,θ) over the test set");
  if (name == QLatin1String("config_temperature"))
    return QStringLiteral("⟨θ, ∇U(θ)⟩ / d: near the temperature T when the chain samples at T");
  if (name.startsWith(QLatin1String("logit_")))
    return QStringLiteral("logit of the true class of test image %1").arg(name.mid(6));
  if (name.startsWith(QLatin1String("w1_")))
    return QStringLiteral("first-layer weight from pixel %1 to hidden unit 0").arg(name.section('_', 1, 1));
  if (name == QLatin1String("b1_0")) return QStringLiteral("bias of hidden unit 0");
  if (name == QLatin1String("wL_0_0"))
    return QStringLiteral("output-layer weight from its input 0 to class 0");
  if (name == QLatin1String("bL_0")) return QStringLiteral("output bias of class 0");
  return name;
}

std::shared_ptr<const DiagnosticsView::Derived> derive(const bnn::SampleDiagnostics& d) {
  auto out = std::make_shared<DiagnosticsView::Derived>();
  out->table = bnn::scalarConvergence(d);
  out->chains = d.chains();
  out->acf.resize(d.names.size());
  for (size_t k = 0; k < d.names.size(); ++k)
    for (int64_t c : out->chains) {
      const std::vector<double> t = d.trace(k, c);
      bool finite = t.size() >= 2;
      for (double v : t) finite = finite && std::isfinite(v);
      out->acf[k].push_back(finite ? bnn::autocorrelation(t, DiagnosticsView::kMaxLag)
                                   : std::vector<double>{});
    }
  return out;
}

}  // namespace

DiagnosticsView::DiagnosticsView(const ViewContext& context, QWidget* parent)
    : AnalysisView(context, parent) {
  const ScrollFrame frame = makeScrollFrame(this);
  QWidget* content = frame.content;
  QVBoxLayout* root = frame.root;

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(QStringLiteral("Run"), content));
  m_runBox = new QComboBox(content);
  m_runBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  m_runBox->setMinimumContentsLength(16);
  m_runBox->setToolTip(QStringLiteral("The run whose chains are shown (a K-chain run shows all K)"));
  top->addWidget(m_runBox, 2);
  top->addSpacing(8);
  top->addWidget(new QLabel(QStringLiteral("Scalar"), content));
  m_scalarBox = new QComboBox(content);
  m_scalarBox->setMinimumContentsLength(14);
  m_scalarBox->setToolTip(QStringLiteral("The per-sample scalar of the trace and autocorrelation charts"));
  top->addWidget(m_scalarBox, 1);
  top->addStretch(1);
  top->addWidget(chart_export::makeExportButton(content, [this] { return exports().value(0); }));
  root->addLayout(top);

  m_trace = makeChartView(QStringLiteral("Trace"));
  m_trace->setToolTip(
      QStringLiteral("The scalar at each kept sample, one line per chain: chains that mix "
                     "overlap and wander over the same range"));
  m_traceX = new QValueAxis;
  m_traceY = new QValueAxis;
  m_traceX->setTitleText(QStringLiteral("sampling step"));
  m_trace->chart()->addAxis(m_traceX, Qt::AlignBottom);
  m_trace->chart()->addAxis(m_traceY, Qt::AlignLeft);
  m_acf = makeChartView(QStringLiteral("Autocorrelation"));
  m_acf->setToolTip(
      QStringLiteral("Autocorrelation of the scalar within each chain against the lag in kept "
                     "samples; the slower it falls, the fewer effective draws"));
  m_acfX = new QValueAxis;
  m_acfY = new QValueAxis;
  m_acfX->setTitleText(QStringLiteral("lag (kept samples)"));
  m_acfY->setTitleText(QStringLiteral("autocorrelation"));
  m_acf->chart()->addAxis(m_acfX, Qt::AlignBottom);
  m_acf->chart()->addAxis(m_acfY, Qt::AlignLeft);
  m_acf->setMinimumHeight(170);
  auto* charts = new QSplitter(Qt::Vertical, content);
  charts->setChildrenCollapsible(false);
  charts->addWidget(m_trace);
  charts->addWidget(m_acf);
  charts->setStretchFactor(0, 3);
  charts->setStretchFactor(1, 2);

  auto* right = new QWidget(content);
  auto* rv = new QVBoxLayout(right);
  rv->setContentsMargins(0, 0, 0, 0);
  m_summary = new QLabel(right);
  m_summary->setWordWrap(true);
  m_summary->setTextFormat(Qt::PlainText);
  m_table = new QTableWidget(right);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->verticalHeader()->hide();
  m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  const QStringList headers{QStringLiteral("scalar"), QStringLiteral("R̂"),        QStringLiteral("bulk"),
                            QStringLiteral("tail"),   QStringLiteral("ESS bulk"), QStringLiteral("ESS tail"),
                            QStringLiteral("mean"),   QStringLiteral("sd")};
  m_table->setColumnCount(int(headers.size()));
  m_table->setHorizontalHeaderLabels(headers);
  const QStringList tips{
      QStringLiteral("The recorded scalar (tooltip: what it is)"),
      QStringLiteral("max(bulk, tail) split-R̂ on rank-normalised draws (Vehtari et al. 2021); below 1.01 "
                     "the chains agree"),
      QStringLiteral("R̂ of the rank-normalised split chains: do the chains' locations agree?"),
      QStringLiteral("R̂ of the folded draws |x − median|: do their spreads agree?"),
      QStringLiteral("Effective sample size of the rank-normalised split chains (for means and medians)"),
      QStringLiteral("min of the ESS of the 5% and 95% quantile indicators (for intervals)"),
      QStringLiteral("Mean over all chains' draws"),
      QStringLiteral("Standard deviation over all chains' draws")};
  for (int i = 0; i < tips.size(); ++i) m_table->horizontalHeaderItem(i)->setToolTip(tips[i]);
  m_table->setMinimumWidth(260);
  rv->addWidget(m_summary);
  rv->addWidget(m_table, 1);
  right->setMaximumWidth(560);
  m_right = right;

  auto* row = new QSplitter(Qt::Horizontal, content);
  row->setChildrenCollapsible(false);
  row->addWidget(charts);
  row->addWidget(right);
  row->setStretchFactor(0, 3);
  row->setStretchFactor(1, 2);
  root->addWidget(row, 1);
  content->setMinimumSize(560, 420);

  connect(m_runBox, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  connect(m_scalarBox, &QComboBox::currentIndexChanged, this, [this] {
    if (m_scalarBox->currentIndex() >= 0) m_scalar = m_scalarBox->currentText();
    refreshCharts();
  });
  connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
    const QList<QTableWidgetItem*> sel = m_table->selectedItems();
    if (!sel.isEmpty()) setScalar(m_table->item(sel.first()->row(), 0)->text());
  });
  refresh();
}

DiagnosticsView::~DiagnosticsView() = default;

void DiagnosticsView::resizeEvent(QResizeEvent* event) {
  AnalysisView::resizeEvent(event);
  // The charts keep at least 55% of the width; the table scrolls beyond that.
  m_right->setMaximumWidth(std::clamp(int(width() * 0.45), 260, 560));
}

void DiagnosticsView::updateRun(const ViewRun& run) {
  if (!m_runs.contains(run.id)) m_order << run.id;
  m_runs[run.id] = {run};
  request(run.id);
  refreshRunBox();
}

void DiagnosticsView::removeRun(const QString& id) {
  if (JobRunner* jobs = context().jobs) jobs->forgetRun(id);
  m_runs.remove(id);
  m_order.removeAll(id);
  m_derived.remove(id);
  m_derivedFrom.remove(id);
  refreshRunBox();
}

void DiagnosticsView::selectRun(const QString& id) { setRun(id); }

void DiagnosticsView::setRun(const QString& id) {
  const int i = m_runBox->findData(id);
  if (i >= 0) m_runBox->setCurrentIndex(i);
}

void DiagnosticsView::setScalar(const QString& name) {
  m_scalar = name;
  const int i = m_scalarBox->findText(name);
  if (i >= 0 && i != m_scalarBox->currentIndex())
    m_scalarBox->setCurrentIndex(i);  // redraws
  else
    refreshCharts();
}

QString DiagnosticsView::currentRun() const { return m_runBox->currentData().toString(); }
QString DiagnosticsView::currentScalar() const { return m_scalar; }
QString DiagnosticsView::summaryText() const { return m_summary->text(); }

void DiagnosticsView::request(const QString& id) {
  const std::shared_ptr<const bnn::RunResult> result = m_runs.value(id).run.result;
  if (!result || result->diagnostics.empty() || m_derivedFrom.value(id) == result) return;
  auto work = [result](const JobRunner::CancelCheck&) { return derive(result->diagnostics); };
  auto install = [this, id, result](std::shared_ptr<const Derived> d) {
    m_derived[id] = std::move(d);
    m_derivedFrom[id] = result;
    if (id == currentRun()) refresh();
    Q_EMIT diagnosticsInstalled(id);
  };
  submitOrRun(context().jobs, this, QStringLiteral("diagnostics/") + id, {id}, work, install);
}

void DiagnosticsView::refreshRunBox() {
  const QString keep = currentRun();
  {
    const QSignalBlocker block(m_runBox);
    m_runBox->clear();
    for (const QString& id : m_order) {
      const ViewRun& r = m_runs[id].run;
      QString label = r.name;
      const auto& res = r.result;
      if (res && !res->diagnostics.empty()) {
        const int64_t k = int64_t(res->diagnostics.chains().size());
        if (k > 1) label += QStringLiteral(" (%1 chains)").arg(k);
      } else {
        label += r.running ? QStringLiteral(" (running)") : QStringLiteral(" (no diagnostics)");
      }
      m_runBox->addItem(label, id);
      m_runBox->setItemData(m_runBox->count() - 1, r.color, Qt::DecorationRole);
    }
    int i = m_runBox->findData(keep);
    if (i < 0) {  // the newest run with diagnostics, else the newest
      for (int j = m_runBox->count() - 1; j >= 0 && i < 0; --j) {
        const auto& res = m_runs[m_runBox->itemData(j).toString()].run.result;
        if (res && !res->diagnostics.empty()) i = j;
      }
      if (i < 0) i = m_runBox->count() - 1;
    }
    m_runBox->setCurrentIndex(i);
  }
  refresh();
}

void DiagnosticsView::refresh() {
  const QString id = currentRun();
  const ViewRun* run = m_runs.contains(id) ? &m_runs[id].run : nullptr;
  const std::shared_ptr<const Derived> d = m_derived.value(id);
  const bool current = d && run && m_derivedFrom.value(id) == run->result;
  {
    const QSignalBlocker block(m_scalarBox);
    m_scalarBox->clear();
    if (current)
      for (const bnn::ScalarConvergence& s : d->table) {
        m_scalarBox->addItem(QString::fromStdString(s.name));
        m_scalarBox->setItemData(m_scalarBox->count() - 1, describe(QString::fromStdString(s.name)),
                                 Qt::ToolTipRole);
      }
    const int i = m_scalarBox->findText(m_scalar);
    m_scalarBox->setCurrentIndex(i >= 0 ? i : 0);
    if (m_scalarBox->currentIndex() >= 0) m_scalar = m_scalarBox->currentText();
  }

  const QSignalBlocker blockTable(m_table);
  m_table->setRowCount(0);
  if (!run) {
    m_summary->setText(
        QStringLiteral("No runs yet. Runs record their diagnostics at their kept samples; open a "
                       "saved run or a K-chain folder, or start a run."));
  } else if (!run->result || run->result->diagnostics.empty()) {
    m_summary->setText(
        run->running
            ? QStringLiteral("%1 is running: its diagnostics appear when it finishes.").arg(run->name)
        : run->result && run->result->evaluation.isEvaluation()
            ? QStringLiteral("%1 is an evaluation of another run's samples: it has no chain to diagnose.")
                  .arg(run->name)
            : QStringLiteral("%1 has no per-sample diagnostics (saved by an earlier version, or nothing was "
                             "sampled).")
                  .arg(run->name));
  } else if (!current) {
    m_summary->setText(QStringLiteral("Computing R̂ and ESS for %1…").arg(run->name));
  } else {
    int above = 0, shown = 0;
    const bnn::ConvergenceDiagnostics* any = nullptr;
    m_table->setRowCount(int(d->table.size()));
    for (size_t r = 0; r < d->table.size(); ++r) {
      const bnn::ScalarConvergence& s = d->table[r];
      if (s.d.numChains > 0) any = &s.d;
      const bool bad = s.d.rhat >= kRhatRule;
      above += bad ? 1 : 0;
      const QStringList cells{QString::fromStdString(s.name),
                              number(s.d.rhat, 3),
                              number(s.d.rhatBulk, 3),
                              number(s.d.rhatTail, 3),
                              number(s.d.essBulk, 0),
                              number(s.d.essTail, 0),
                              compact(s.mean),
                              compact(s.sd)};
      for (int c = 0; c < cells.size(); ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (c == 0) item->setToolTip(describe(cells[0]));
        if (bad && c == 1) {
          item->setForeground(QColor(0xc6, 0x28, 0x28));
          item->setToolTip(QStringLiteral("R̂ ≥ 1.01: the chains do not agree on this scalar yet"));
        }
        m_table->setItem(int(r), c, item);
      }
      ++shown;
    }
    if (!any) {
      m_summary->setText(QStringLiteral("%1: fewer than 4 recorded samples per chain, too few for R̂ and ESS.")
                             .arg(run->name));
    } else {
      m_summary->setText(
          QStringLiteral("%1 chain%2 × %3 draws (kept samples). %4 of %5 scalars have R̂ ≥ 1.01%6.")
              .arg(any->numChains)
              .arg(any->numChains == 1 ? QStringLiteral(" (its two halves compared)") : QStringLiteral("s"))
              .arg(any->numDraws)
              .arg(above)
              .arg(shown)
              .arg(above > 0 ? QStringLiteral(": the chains have not mixed for those")
                             : QStringLiteral(": the chains agree")));
    }
    for (int r = 0; r < m_table->rowCount(); ++r)
      if (m_table->item(r, 0)->text() == m_scalar) m_table->selectRow(r);
  }
  refreshCharts();
}

void DiagnosticsView::refreshCharts() {
  QChart* trace = m_trace->chart();
  QChart* acf = m_acf->chart();
  trace->removeAllSeries();
  acf->removeAllSeries();
  const QString id = currentRun();
  const ViewRun* run = m_runs.contains(id) ? &m_runs[id].run : nullptr;
  const std::shared_ptr<const Derived> d = m_derived.value(id);
  const bool current = d && run && m_derivedFrom.value(id) == run->result;
  double lo = 0, hi = 1, xHi = 1;
  if (current) {
    const bnn::SampleDiagnostics& diag = run->result->diagnostics;
    const auto it = std::find(diag.names.begin(), diag.names.end(), m_scalar.toStdString());
    if (it != diag.names.end()) {
      const size_t k = size_t(it - diag.names.begin());
      const size_t width = diag.names.size();
      lo = INFINITY;
      hi = -INFINITY;
      for (size_t ci = 0; ci < d->chains.size(); ++ci) {
        const int64_t c = d->chains[ci];
        const QColor color = chainColor(run->color, int(ci));
        auto* s = makeLineSeries(color, Qt::SolidLine, 1.5);
        s->setName(QStringLiteral("chain %1").arg(c));
        QList<QPointF> pts;
        for (size_t r = 0; r < diag.step.size(); ++r) {
          if (diag.chain[r] != c) continue;
          const double v = diag.values[r * width + k];
          if (!std::isfinite(v)) continue;
          pts.append(QPointF(double(diag.step[r]), v));
          lo = std::min(lo, v);
          hi = std::max(hi, v);
          xHi = std::max(xHi, double(diag.step[r]));
        }
        s->replace(pts);
        trace->addSeries(s);
        s->attachAxis(m_traceX);
        s->attachAxis(m_traceY);
        const std::vector<double>& rho = d->acf[k][ci];
        auto* a = makeLineSeries(color, Qt::SolidLine, 1.5);
        a->setName(QStringLiteral("chain %1").arg(c));
        QList<QPointF> apts;
        for (size_t t = 0; t < rho.size(); ++t) apts.append(QPointF(double(t), rho[t]));
        a->replace(apts);
        acf->addSeries(a);
        a->attachAxis(m_acfX);
        a->attachAxis(m_acfY);
      }
      if (!(lo <= hi)) lo = 0, hi = 1;
      if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) lo -= 0.5, hi += 0.5;
    }
  }
  m_traceY->setTitleText(m_scalar);
  TickOptions t;
  t.target = 5;
  applyNiceTicks(m_traceY, lo, hi, t);
  TickOptions steps;
  steps.integer = true;
  steps.roundRange = false;
  applyNiceTicks(m_traceX, 0, xHi, steps);
  TickOptions lags;
  lags.integer = true;
  applyNiceTicks(m_acfX, 0, kMaxLag, lags);
  applyNiceTicks(m_acfY, -0.5, 1, t);
  trace->setTitle(QStringLiteral("Trace of %1").arg(m_scalar));
  acf->setTitle(QStringLiteral("Autocorrelation of %1").arg(m_scalar));
}

QList<ChartExport> DiagnosticsView::exports() const {
  const QString id = currentRun();
  const std::shared_ptr<const Derived> d = m_derived.value(id);
  std::function<std::string()> csv;
  if (d) csv = [d] { return bnn::convergenceCsv(d->table); };
  return {ChartExport{QStringLiteral("Diagnostics (trace and autocorrelation; CSV: R-hat and ESS)"),
                      QStringLiteral("diagnostics"),
                      {m_trace, m_acf},
                      csv,
                      0,
                      {}},
          ChartExport{QStringLiteral("Trace"), QStringLiteral("trace"), {m_trace}, {}, 0, {}}};
}
