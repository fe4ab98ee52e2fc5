#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QThread>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>
#include <cmath>
#include <cstdio>

#include "accuracy_chart.h"
#include "chain_progress_panel.h"
#include "data/idx_loader.h"
#include "dataset_panel.h"
#include "diagnostics_dialog.h"
#include "latency_monitor.h"
#include "mnist_fetcher.h"
#include "run/result_io.h"
#include "run_controller.h"
#include "run_list_model.h"
#include "run_panel.h"
#include "uncertainty_explorer.h"

// bnn_ui is a static library: its resources are registered explicitly.
static void initUiResources() { Q_INIT_RESOURCE(resources); }

namespace {
QString toQ(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  initUiResources();
  setWindowTitle(QStringLiteral("BNN Explorer"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/bnn-explorer.svg")));
  m_controller = new RunController(0, this);
  m_model = new RunListModel(this);
  m_latency = new LatencyMonitor(this);
  m_latency->setRunningChainsProvider([this] { return m_controller->runningCount(); });
  m_fetcher = new MnistFetcher(this);
  buildUi();
  buildMenus();
  connectController();
  m_statusTimer.setInterval(1000);
  connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
  m_statusTimer.start();
  restoreSettings();
  updateStatus();
  updateActions();
}

MainWindow::~MainWindow() {
  m_controller->stopAllAndWait();
  if (m_loadThread) {
    m_loadThread->wait();
    delete m_loadThread;
  }
}

// ---------------------------------------------------------------------------------------------
// Layout

void MainWindow::buildUi() {
  // Run form (left dock)
  m_runPanel = new RunPanel;
  auto* formDock = new QDockWidget(QStringLiteral("Run"), this);
  formDock->setObjectName(QStringLiteral("runDock"));
  formDock->setWidget(m_runPanel);
  m_runPanel->setMinimumWidth(340);
  formDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::LeftDockWidgetArea, formDock);

  // Run list (left dock, under the form)
  auto* listHost = new QWidget;
  auto* listLayout = new QVBoxLayout(listHost);
  listLayout->setContentsMargins(2, 2, 2, 2);
  auto* listBar = new QToolBar(listHost);
  listBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  listLayout->addWidget(listBar);
  m_runView = new QTreeView(listHost);
  m_runView->setObjectName(QStringLiteral("runView"));
  m_runView->setModel(m_model);
  m_runView->setRootIsDecorated(false);
  m_runView->setAlternatingRowColors(true);
  m_runView->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_runView->setSelectionMode(QAbstractItemView::SingleSelection);
  m_runView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::SelectedClicked);
  m_runView->header()->setStretchLastSection(true);
  m_runView->setColumnWidth(RunListModel::NameColumn, 150);
  m_runView->setColumnWidth(RunListModel::SamplerColumn, 92);
  m_runView->setColumnWidth(RunListModel::StatusColumn, 110);
  m_runView->setColumnWidth(RunListModel::SamplesColumn, 60);
  m_runView->setToolTip(
      QStringLiteral("Checked runs are drawn in the charts; double-click a name to "
                     "rename it."));
  listLayout->addWidget(m_runView, 1);
  auto* listDock = new QDockWidget(QStringLiteral("Runs"), this);
  listDock->setObjectName(QStringLiteral("runsDock"));
  listDock->setWidget(listHost);
  listDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::LeftDockWidgetArea, listDock);

  m_stopSelectedAction = new QAction(QStringLiteral("Stop selected"), this);
  m_stopSelectedAction->setToolTip(QStringLiteral("Cancel the selected chain"));
  connect(m_stopSelectedAction, &QAction::triggered, this, [this] { stopRun(selectedRunId()); });
  m_stopAllAction = new QAction(QStringLiteral("Stop all"), this);
  m_stopAllAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+.")));
  connect(m_stopAllAction, &QAction::triggered, this, &MainWindow::stopAll);
  m_saveAction = new QAction(QStringLiteral("Save run…"), this);
  m_saveAction->setShortcut(QKeySequence::Save);
  m_saveAction->setToolTip(QStringLiteral("Save the selected finished run as a results folder"));
  connect(m_saveAction, &QAction::triggered, this, &MainWindow::saveSelectedRun);
  auto* openAction = new QAction(QStringLiteral("Open run…"), this);
  openAction->setObjectName(QStringLiteral("openRunAction"));
  openAction->setShortcut(QKeySequence::Open);
  connect(openAction, &QAction::triggered, this, &MainWindow::openRunWithDialog);
  m_removeAction = new QAction(QStringLiteral("Remove"), this);
  m_removeAction->setToolTip(QStringLiteral("Remove the selected run from the list (saved folders stay)"));
  connect(m_removeAction, &QAction::triggered, this, &MainWindow::removeSelectedRun);
  // Short labels on the list's own bar; the menus carry the full ones.
  auto addShort = [listBar](QAction* action, const QString& label) {
    QAction* a = listBar->addAction(label);
    a->setToolTip(action->toolTip().isEmpty() ? action->text() : action->toolTip());
    a->setEnabled(action->isEnabled());
    connect(a, &QAction::triggered, action, &QAction::trigger);
    connect(action, &QAction::enabledChanged, a, &QAction::setEnabled);
  };
  addShort(m_stopSelectedAction, QStringLiteral("Stop"));
  addShort(m_stopAllAction, QStringLiteral("Stop all"));
  listBar->addSeparator();
  addShort(m_saveAction, QStringLiteral("Save…"));
  addShort(openAction, QStringLiteral("Open…"));
  addShort(m_removeAction, QStringLiteral("Remove"));

  // Centre: data strip, progress rows, chart tabs
  auto* centre = new QWidget;
  auto* v = new QVBoxLayout(centre);
  v->setContentsMargins(2, 2, 2, 2);
  v->setSpacing(2);
  m_datasetPanel = new DatasetPanel(centre);
  v->addWidget(m_datasetPanel);
  m_progress = new ChainProgressPanel(centre);
  v->addWidget(m_progress);
  m_tabs = new QTabWidget(centre);
  m_tabs->setObjectName(QStringLiteral("viewTabs"));
  m_warmupChart = new AccuracyChart(AccuracyChart::Kind::Warmup);
  m_samplingChart = new AccuracyChart(AccuracyChart::Kind::Sampling);
  m_comparisonChart = new AccuracyChart(AccuracyChart::Kind::Comparison);
  for (AccuracyChart* c : {m_warmupChart, m_samplingChart, m_comparisonChart}) c->setModel(m_model);
  m_tabs->addTab(m_warmupChart, QStringLiteral("Warm-up"));
  m_tabs->addTab(m_samplingChart, QStringLiteral("Sampling"));
  m_tabs->addTab(m_comparisonChart, QStringLiteral("Comparison"));
  m_uncertainty = new UncertaintyExplorer;
  m_tabs->addTab(m_uncertainty, QStringLiteral("Uncertainty"));
  v->addWidget(m_tabs, 1);
  setCentralWidget(centre);

  m_statusRuns = new QLabel(this);
  m_statusLatency = new QLabel(this);
  statusBar()->addWidget(m_statusRuns, 1);
  statusBar()->addPermanentWidget(m_statusLatency);

  // Connections of the panels
  connect(m_runPanel, &RunPanel::runRequested, this, [this](const bnn::RunConfig& c) { startRun(c); });
  connect(m_runPanel, &RunPanel::compareRequested, this, [this] { startComparison(); });
  connect(m_progress, &ChainProgressPanel::stopRequested, this, &MainWindow::stopRun);
  connect(m_datasetPanel, &DatasetPanel::chooseFolderRequested, this, &MainWindow::chooseDataFolder);
  connect(m_datasetPanel, &DatasetPanel::fetchRequested, this, &MainWindow::fetchMnist);
  connect(m_datasetPanel, &DatasetPanel::cancelFetchRequested, m_fetcher, &MnistFetcher::cancel);
  connect(m_fetcher, &MnistFetcher::stageChanged, m_datasetPanel, &DatasetPanel::showFetching);
  connect(m_fetcher, &MnistFetcher::finished, this, [this](bool ok, const QString& dirOrError) {
    if (ok)
      loadData(dirOrError);
    else
      m_datasetPanel->showFetchFailed(dirOrError);
  });
  connect(m_runView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
    updateActions();
    const QString id = selectedRunId();
    if (!id.isEmpty()) m_uncertainty->showRun(id);
  });
  connect(m_model, &RunListModel::runRenamed, this, [this](const QString& id, const QString& name) {
    m_progress->renameChain(id, name);
    m_uncertainty->renameRun(id, name);
  });
  connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::updateActions);
  // Renaming, hiding, removing or opening runs redraws the charts at the next turn of the loop
  // (while chains run, the controller's drain tick does it anyway).
  auto scheduleRefresh = [this] {
    if (m_chartRefreshPending) return;
    m_chartRefreshPending = true;
    QTimer::singleShot(0, this, [this] {
      m_chartRefreshPending = false;
      refreshCharts();
    });
  };
  connect(m_model, &QAbstractItemModel::dataChanged, this, scheduleRefresh);
  connect(m_model, &QAbstractItemModel::rowsInserted, this, scheduleRefresh);
  connect(m_model, &QAbstractItemModel::rowsRemoved, this, scheduleRefresh);
  connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
    if (m_tabs->currentWidget() == m_uncertainty) {
      // Hand over what arrived while the tab was hidden: the newest result of every run.
      QApplication::setOverrideCursor(Qt::WaitCursor);
      for (int row = 0; row < m_model->rowCount(); ++row) {
        const RunRecord& r = m_model->recordAt(row);
        feedUncertainty(r.id, r.latestResult());
      }
      QApplication::restoreOverrideCursor();
      const QString id = selectedRunId();
      if (!id.isEmpty()) m_uncertainty->showRun(id);
    }
    AccuracyChart* c = currentChart();
    m_bandZoomAction->setEnabled(c != nullptr);
    if (c) m_bandZoomAction->setChecked(c->bandZoom());
  });
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  QAction* choose =
      file->addAction(QStringLiteral("Choose data folder…"), this, &MainWindow::chooseDataFolder);
  choose->setShortcut(QKeySequence(QStringLiteral("Ctrl+D")));
  file->addAction(QStringLiteral("Fetch MNIST"), this, &MainWindow::fetchMnist);
  file->addSeparator();
  file->addAction(m_saveAction);
  file->addAction(QStringLiteral("Open run…"), QKeySequence::Open, this, &MainWindow::openRunWithDialog);
  file->addSeparator();
  QMenu* exportMenu = file->addMenu(QStringLiteral("Export current chart"));
  for (const char* fmt : {"png", "svg", "csv"}) {
    const QString f = QLatin1String(fmt);
    QAction* a =
        exportMenu->addAction(f == QLatin1String("csv") ? QStringLiteral("Data as CSV…")
                                                        : QStringLiteral("Chart as %1…").arg(f.toUpper()));
    connect(a, &QAction::triggered, this, [this, f] {
      if (AccuracyChart* c = currentChart())
        c->exportWithDialog(f);
      else
        QMessageBox::information(this, QStringLiteral("Export"), QStringLiteral("Select a chart tab first."));
    });
  }
  file->addSeparator();
  file->addAction(QStringLiteral("Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* run = menuBar()->addMenu(QStringLiteral("&Run"));
  QAction* runAction =
      run->addAction(QStringLiteral("Run"), this, [this] { m_runPanel->runButton()->click(); });
  runAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+R")));
  run->addAction(QStringLiteral("Compare SGLD vs SGHMC"), this,
                 [this] { m_runPanel->compareButton()->click(); });
  run->addSeparator();
  run->addAction(m_stopSelectedAction);
  run->addAction(m_stopAllAction);

  QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
  m_bandZoomAction = view->addAction(QStringLiteral("Zoom into 0.9 – 1.0"));
  m_bandZoomAction->setCheckable(true);
  m_bandZoomAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+B")));
  connect(m_bandZoomAction, &QAction::toggled, this, [this](bool on) {
    if (AccuracyChart* c = currentChart()) c->setBandZoom(on);
  });
  view->addAction(QStringLiteral("Reset zoom"), this, [this] {
    if (AccuracyChart* c = currentChart()) c->resetZoom();
    m_bandZoomAction->setChecked(false);
  });
  view->addSeparator();
  const char* tabs[] = {"Warm-up", "Sampling", "Comparison", "Uncertainty"};
  for (int i = 0; i < 4; ++i) {
    QAction* a = view->addAction(QLatin1String(tabs[i]), this, [this, i] { m_tabs->setCurrentIndex(i); });
    a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
  }
  view->addSeparator();
  for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());

  QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
  help->addAction(QStringLiteral("Diagnostics…"), this, &MainWindow::showDiagnostics);
  help->addAction(QStringLiteral("About BNN Explorer"), this, [this] {
    QMessageBox::about(this, QStringLiteral("About BNN Explorer"),
                       QStringLiteral("<b>BNN Explorer</b><p>Samples the posterior of a Bayesian "
                                      "neural network (MLP) on MNIST with SGLD and SGHMC, shows "
                                      "the chains live, compares them and explores what the model "
                                      "is unsure about.</p>"));
  });
}

void MainWindow::connectController() {
  connect(m_controller, &RunController::progressUpdated, this,
          [this](const QString& id, const bnn::ChainProgress& p) {
            m_model->setProgress(id, p);
            m_progress->setProgress(id, p);
          });
  connect(m_controller, &RunController::curvePointsAdded, m_model, &RunListModel::appendCurve);
  connect(m_controller, &RunController::snapshotReady, this,
          [this](const QString& id, std::shared_ptr<const bnn::RunResult> snap) {
            m_model->setSnapshot(id, snap);
            feedUncertainty(id, std::move(snap));
          });
  connect(m_controller, &RunController::runFinished, this, &MainWindow::onRunFinished);
  connect(m_controller, &RunController::drained, this, &MainWindow::refreshCharts);
}

// ---------------------------------------------------------------------------------------------
// Data

void MainWindow::loadData(const QString& directory) {
  const QString dir = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
  const quint64 generation = ++m_loadGeneration;
  m_datasetPanel->showLoading(dir);
  m_runPanel->setDataReady(false, QStringLiteral("Loading data…"));
  if (m_loadThread) {
    m_loadThread->wait();  // the previous load (its result is ignored: older generation)
    delete m_loadThread;
    m_loadThread = nullptr;
  }
  m_loadThread = QThread::create([dir, generation, this] {
    auto result = std::make_shared<bnn::Result<bnn::Dataset>>(bnn::loadDataset(dir.toStdString()));
    QMetaObject::invokeMethod(
        this, [this, generation, result, dir] { onDataLoaded(generation, result, dir); },
        Qt::QueuedConnection);
  });
  m_loadThread->start();
}

void MainWindow::onDataLoaded(quint64 generation, std::shared_ptr<bnn::Result<bnn::Dataset>> result,
                              const QString& directory) {
  if (generation != m_loadGeneration) return;
  if (!result->ok()) {
    const QString error = toQ(result->error().message());
    m_datasetPanel->showMissing(directory, error);
    m_runPanel->setDataReady(false, QStringLiteral("No data loaded: ") + error);
    Q_EMIT datasetFailed(error);
    return;
  }
  m_dataDirectory = directory;
  if (!m_automation) QSettings().setValue(QStringLiteral("data/directory"), directory);
  setDataset(std::make_shared<const bnn::Dataset>(std::move(result->value())));
}

void MainWindow::setDataset(std::shared_ptr<const bnn::Dataset> data) {
  m_data = std::move(data);
  m_datasetPanel->showDataset(*m_data);
  m_runPanel->setDataReady(true);
  updateStatus();
  Q_EMIT datasetLoaded();
}

void MainWindow::loadDefaultData() {
  const QString stored = QSettings().value(QStringLiteral("data/directory")).toString();
  if (!stored.isEmpty() && QFileInfo(stored).isDir()) {
    loadData(stored);
    return;
  }
  const QString own = MnistFetcher::defaultDestination();
  if (QFileInfo(own).isDir()) {
    loadData(own);
    return;
  }
  m_datasetPanel->showMissing(own, QStringLiteral("folder does not exist"));
  m_runPanel->setDataReady(false, QStringLiteral("No data loaded: fetch MNIST or choose a folder"));
  Q_EMIT datasetFailed(QStringLiteral("no data folder given (--data) and %1 does not exist").arg(own));
}

void MainWindow::chooseDataFolder() {
  const QString dir =
      QFileDialog::getExistingDirectory(this, QStringLiteral("Choose a folder with MNIST-style IDX files"),
                                        m_dataDirectory.isEmpty() ? QDir::homePath() : m_dataDirectory);
  if (!dir.isEmpty()) loadData(dir);
}

void MainWindow::fetchMnist() {
  if (m_fetcher->isRunning()) return;
  m_fetcher->start(MnistFetcher::defaultDestination());
}

// ---------------------------------------------------------------------------------------------
// Runs

QString MainWindow::startRun(const bnn::RunConfig& config) {
  if (!m_data) return {};
  if (bnn::validate(config)) return {};
  const QString id = m_controller->startRun(config, m_data);
  const QString name = config.name.empty() ? QStringLiteral("Run") : toQ(config.name);
  m_model->addLiveRun(id, name, config);
  const RunRecord* r = m_model->record(id);
  m_progress->addChain(id, r->name, r->color, config);
  if (!m_automation) {  // command-line sessions leave the user's last configuration alone
    QSettings s;
    m_runPanel->saveSettings(s);
  }
  updateStatus();
  updateActions();
  refreshCharts();
  return id;
}

QStringList MainWindow::startComparison(const std::vector<std::pair<std::string, std::string>>& overrides) {
  QStringList ids;
  if (!m_data) return ids;
  for (const char* name : {"example-sgld", "example-sghmc"}) {
    bnn::RunConfig c = bnn::presetConfig(name).value_or(bnn::RunConfig{});
    if (!applyOverrides(c, overrides).isEmpty()) continue;
    const QString id = startRun(c);
    if (!id.isEmpty()) ids << id;
  }
  return ids;
}

void MainWindow::stopRun(const QString& id) {
  if (!id.isEmpty()) m_controller->stopRun(id);
}

void MainWindow::stopAll() { m_controller->stopAll(); }

void MainWindow::onRunFinished(const QString& id, std::shared_ptr<const bnn::RunResult> result) {
  m_model->setResult(id, result);
  m_progress->setFinished(id, *result);
  feedUncertainty(id, result);
  refreshCharts();
  updateStatus();
  updateActions();
  if (m_controller->runningCount() == 0) {
    Q_EMIT allRunsFinished();
    if (m_automation) onAutomationDone();
  }
}

void MainWindow::feedUncertainty(const QString& id, std::shared_ptr<const bnn::RunResult> result) {
  if (!result || result->predictive.sampleCount() == 0) return;
  // The explorer analyses a run on this thread (tens of milliseconds for a full MNIST run), so
  // it receives runs only while its tab is shown; the tab catches up when it is opened (see
  // currentChanged).
  if (m_tabs->currentWidget() != m_uncertainty) return;
  const RunRecord* r = m_model->record(id);
  if (!r) return;
  if (m_fedToUncertainty.value(id).lock() == result) return;  // already has this one
  // Snapshots of running chains back off so that the analysis takes at most about a tenth of
  // this thread's time (final and opened runs always go through).
  const bool snapshot = result->outcome.status == bnn::RunStatus::Running;
  if (snapshot && m_uncertaintyClock.isValid() && m_uncertaintyClock.elapsed() < m_nextSnapshotFeedMs) return;
  m_fedToUncertainty.insert(id, result);
  ++m_uncertaintyUpdates;
  QElapsedTimer took;
  took.start();
  m_uncertainty->setRun(id, r->name, std::move(result));
  if (!m_uncertaintyClock.isValid()) m_uncertaintyClock.start();
  m_nextSnapshotFeedMs = m_uncertaintyClock.elapsed() + std::max<qint64>(900, 10 * took.elapsed());
}

bool MainWindow::saveRun(const QString& id, const QString& directory, QString* error) {
  const RunRecord* r = m_model->record(id);
  if (!r || !r->result) {
    if (error) *error = QStringLiteral("only a finished or loaded run can be saved");
    return false;
  }
  bnn::RunResult copy = *r->result;
  copy.config.name = r->name.toStdString();  // keep the name given in the list
  const bnn::Status st = bnn::writeRunResult(copy, QDir::cleanPath(directory).toStdString());
  if (!st.ok()) {
    if (error) *error = toQ(st.error().message());
    return false;
  }
  m_model->setPath(id, QDir::cleanPath(directory));
  return true;
}

QString MainWindow::openRun(const QString& directory, QString* error) {
  const QString dir = QDir::cleanPath(directory);
  bnn::Result<bnn::RunResult> r = bnn::readRunResult(dir.toStdString());
  if (!r.ok()) {
    if (error) *error = toQ(r.error().message());
    return {};
  }
  auto result = std::make_shared<const bnn::RunResult>(std::move(r.value()));
  const QString name = result->config.name.empty() ? QFileInfo(dir).fileName() : toQ(result->config.name);
  const QString id = m_model->addLoadedRun(name, result, dir);
  feedUncertainty(id, result);
  refreshCharts();
  return id;
}

void MainWindow::saveSelectedRun() {
  const QString id = selectedRunId();
  const RunRecord* r = m_model->record(id);
  if (!r || !r->result) return;
  QString suggested = r->name.toLower();
  suggested.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
  const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save run as a results folder"),
                                                    QDir::home().filePath(suggested), QString(), nullptr,
                                                    QFileDialog::ShowDirsOnly);
  if (path.isEmpty()) return;
  QString error;
  if (!saveRun(id, path, &error))
    QMessageBox::critical(this, QStringLiteral("Save failed"),
                          QStringLiteral("Could not save the run to %1:\n%2").arg(path, error));
  else
    statusBar()->showMessage(QStringLiteral("Saved %1 to %2").arg(r->name, path), 5000);
}

void MainWindow::openRunWithDialog() {
  const QString dir =
      QFileDialog::getExistingDirectory(this, QStringLiteral("Open a saved run folder"), QDir::homePath());
  if (dir.isEmpty()) return;
  QString error;
  if (openRun(dir, &error).isEmpty())
    QMessageBox::critical(this, QStringLiteral("Open failed"),
                          QStringLiteral("Could not open the run in %1:\n%2").arg(dir, error));
}

void MainWindow::removeSelectedRun() {
  const QString id = selectedRunId();
  if (id.isEmpty() || m_controller->isRunning(id)) return;
  m_progress->removeChain(id);
  m_uncertainty->removeRun(id);
  m_fedToUncertainty.remove(id);
  m_model->removeRun(id);
  refreshCharts();
  updateActions();
}

QString MainWindow::selectedRunId() const {
  const QModelIndex i = m_runView->currentIndex();
  return i.isValid() ? m_model->idAt(i.row()) : QString();
}

// ---------------------------------------------------------------------------------------------
// Views

AccuracyChart* MainWindow::currentChart() const {
  return qobject_cast<AccuracyChart*>(m_tabs->currentWidget());
}

void MainWindow::refreshCharts() {
  // Hidden charts catch up when shown (AccuracyChart::showEvent).
  m_warmupChart->refresh();
  m_samplingChart->refresh();
  m_comparisonChart->refresh();
}

void MainWindow::showView(const QString& name) {
  if (name == QLatin1String("warmup"))
    m_tabs->setCurrentWidget(m_warmupChart);
  else if (name == QLatin1String("sampling"))
    m_tabs->setCurrentWidget(m_samplingChart);
  else if (name == QLatin1String("comparison"))
    m_tabs->setCurrentWidget(m_comparisonChart);
  else if (name == QLatin1String("uncertainty"))
    m_tabs->setCurrentWidget(m_uncertainty);
}

void MainWindow::updateStatus() {
  const int n = m_controller->runningCount();
  QString t = n == 0 ? QStringLiteral("No chain running")
                     : QStringLiteral("%1 chain%2 running").arg(n).arg(n == 1 ? "" : "s");
  t += QStringLiteral(" · worker pool: %1 threads").arg(m_controller->poolThreads());
  m_statusRuns->setText(t);
  const LatencyMonitor::Stats s = m_latency->recent();
  m_statusLatency->setText(QStringLiteral("event loop p99 %1 ms").arg(s.p99, 0, 'f', 1));
  m_statusLatency->setToolTip(m_latency->summary() + QStringLiteral("\nHelp ▸ Diagnostics for details."));
}

void MainWindow::updateActions() {
  const QString id = selectedRunId();
  const RunRecord* r = m_model->record(id);
  const bool running = r && m_controller->isRunning(id);
  m_stopSelectedAction->setEnabled(running);
  m_stopAllAction->setEnabled(m_controller->runningCount() > 0);
  m_saveAction->setEnabled(r && r->result);
  m_removeAction->setEnabled(r && !running);
}

QString MainWindow::diagnosticsReport() const {
  QString s = m_latency->summary();
  s += QStringLiteral("\nWorker pool: %1 threads (oneTBB); chains running: %2")
           .arg(m_controller->poolThreads())
           .arg(m_controller->runningCount());
  s += QStringLiteral("\nRuns in the list: %1").arg(m_model->rowCount());
  if (m_data)
    s += QStringLiteral("\nData: %1 (%2 train / %3 test) from %4")
             .arg(toQ(m_data->name))
             .arg(m_data->train.count)
             .arg(m_data->test.count)
             .arg(toQ(m_data->directory));
  s += QStringLiteral(
      "\nCharts refresh on the controller's 100 ms drain tick (QXYSeries::replace, "
      "animations off).");
  return s;
}

void MainWindow::showDiagnostics() {
  auto* dlg = new DiagnosticsDialog([this] { return diagnosticsReport(); }, this);
  dlg->setAttribute(Qt::WA_DeleteOnClose);
  dlg->show();
}

// ---------------------------------------------------------------------------------------------
// Settings, automation, closing

void MainWindow::saveSettings() {
  QSettings s;
  s.setValue(QStringLiteral("window/geometry"), saveGeometry());
  s.setValue(QStringLiteral("window/state"), saveState());
  s.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
  s.setValue(QStringLiteral("comparison/xAxis"), int(m_comparisonChart->xAxis()));
  m_runPanel->saveSettings(s);
}

void MainWindow::restoreSettings() {
  QSettings s;
  if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) {
    const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
    resize(std::min(1500, avail.width() - 40), std::min(950, avail.height() - 40));
  }
  restoreState(s.value(QStringLiteral("window/state")).toByteArray());
  m_tabs->setCurrentIndex(s.value(QStringLiteral("window/tab"), 0).toInt());
  m_comparisonChart->setXAxis(static_cast<AccuracyChart::XAxis>(
      std::clamp(s.value(QStringLiteral("comparison/xAxis"), 0).toInt(), 0, 2)));
  m_runPanel->restoreSettings(s);
}

void MainWindow::applyOptions(const AppOptions& o) {
  m_options = o;
  m_automation = o.run || o.compare || !o.screenshot.isEmpty() || o.quitWhenDone;
  if (o.noConfirm || o.quitWhenDone) m_confirmOnClose = false;
  if (o.presetGiven || !o.overrides.empty()) {
    m_runPanel->applyPreset(o.preset);
    bnn::RunConfig c = m_runPanel->config();
    applyOverrides(c, o.overrides);
    m_runPanel->setConfig(c);
  }
  if (!o.view.isEmpty()) showView(o.view);
  if (m_automation) {
    auto startAutomation = [this] {
      if (m_automationStarted) return;
      m_automationStarted = true;
      if (m_options.compare) {
        startComparison(m_options.overrides);
        if (m_options.view.isEmpty()) showView(QStringLiteral("comparison"));
      } else if (m_options.run) {
        startRun(m_options.runConfig());
      }
      if (m_controller->runningCount() == 0)  // nothing to wait for: screenshot once laid out
        QTimer::singleShot(500, this, &MainWindow::onAutomationDone);
    };
    connect(this, &MainWindow::datasetLoaded, this, startAutomation);
    connect(this, &MainWindow::datasetFailed, this, [this](const QString& error) {
      if (m_automationStarted) return;
      std::fprintf(stderr, "bnn-explorer: %s\n", error.toLocal8Bit().constData());
      m_exitCode = 1;
      if (m_options.run || m_options.compare) {
        m_automationStarted = true;
        QTimer::singleShot(300, this, &MainWindow::onAutomationDone);
      }
    });
  }
  if (!o.dataDir.isEmpty())
    loadData(o.dataDir);
  else
    loadDefaultData();
}

void MainWindow::onAutomationDone() {
  if (!m_automation) return;
  refreshCharts();
  for (int row = 0; row < m_model->rowCount(); ++row) {
    const RunRecord& r = m_model->recordAt(row);
    if (r.result && r.result->outcome.status != bnn::RunStatus::Completed) m_exitCode = 1;
  }
  const LatencyMonitor::Stats two = m_latency->twoChains();
  if (two.count > 0)
    std::fprintf(stdout,
                 "event-loop latency with two chains running: p50 %.2f ms, p99 %.2f ms, "
                 "max %.1f ms (%lld samples of a 10 ms timer)\n",
                 two.p50, two.p99, two.max, static_cast<long long>(two.count));
  std::fflush(stdout);
  auto finish = [this] {
    if (!m_options.screenshot.isEmpty()) {
      QApplication::processEvents();
      const QPixmap shot = grab();
      if (!shot.save(m_options.screenshot, "PNG")) {
        std::fprintf(stderr, "bnn-explorer: could not write screenshot %s\n",
                     m_options.screenshot.toLocal8Bit().constData());
        m_exitCode = 1;
      }
    }
    if (m_options.quitWhenDone) {
      m_confirmOnClose = false;
      close();
      QCoreApplication::exit(m_exitCode);
    }
  };
  // Let the last refresh be laid out and painted before the screenshot.
  QTimer::singleShot(300, this, finish);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  const int running = m_controller->runningCount();
  if (running > 0 && m_confirmOnClose) {
    const auto answer = QMessageBox::question(
        this, QStringLiteral("Chains are running"),
        QStringLiteral("%1 chain%2 still running. Stop %3 and quit?\nUnsaved results of this "
                       "session are lost.")
            .arg(running)
            .arg(running == 1 ? QStringLiteral(" is") : QStringLiteral("s are"))
            .arg(running == 1 ? QStringLiteral("it") : QStringLiteral("them")),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes) {
      event->ignore();
      return;
    }
  }
  m_closing = true;
  if (!m_automation) saveSettings();
  m_fetcher->cancel();
  m_controller->stopAllAndWait();
  event->accept();
}
