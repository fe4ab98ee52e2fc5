#include "shell/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>
#include <algorithm>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "common/dataset_text.h"
#include "common/display_path.h"
#include "common/job_runner.h"
#include "common/latency_monitor.h"
#include "data_source/dataset_loader.h"
#include "data_source/dataset_panel.h"
#include "data_source/mnist_fetcher.h"
#include "evaluate/evaluation_controller.h"
#include "run/chain_pool.h"
#include "runs/chain_progress_panel.h"
#include "runs/recovery_store.h"
#include "runs/run_controller.h"
#include "runs/run_files.h"
#include "runs/run_list_model.h"
#include "runs/run_list_pane.h"
#include "runs/run_panel.h"
#include "runs/sample_cache.h"
#include "shell/diagnostics_dialog.h"
#include "shell/unsaved_runs_guard.h"
#include "util/cpu_features.h"
#include "views/view_host.h"
#include "views/view_registry.h"

// bnn_ui is a static library: its resources are registered explicitly.
static void initUiResources() { Q_INIT_RESOURCE(resources); }

namespace {
QString toQ(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  initUiResources();
  setWindowTitle(QStringLiteral("BNN Explorer"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/bnn-explorer.svg")));
  m_jobs = new JobRunner(this);
  m_controller = new RunController(0, this);
  m_model = new RunListModel(this);
  m_files = new RunFiles(m_model, m_jobs, this);
  m_loader = new DatasetLoader(m_jobs, this);
  m_latency = new LatencyMonitor(this);
  m_latency->setRunningChainsProvider([this] { return m_controller->runningCount(); });
  m_fetcher = new MnistFetcher(this);
  m_fetcher->setJobRunner(m_jobs);
  m_recovery = new RecoveryStore(m_jobs, RecoveryStore::defaultRoot(), this);
  m_evaluations = new EvaluationController(m_model, this);
  m_evaluations->setDialogParent(this);
  buildUi();
  buildMenus();
  connectParts();
  // After connectParts: a finished run is in the list before its recovery copy is made.
  m_guard = new UnsavedRunsGuard(this, m_model, m_files, m_controller, m_recovery, this);
  connect(m_guard, &UnsavedRunsGuard::statusMessage, this,
          [this](const QString& t) { statusBar()->showMessage(t, 8000); });
  connect(m_guard, &UnsavedRunsGuard::runRestored, m_runList, &RunListPane::selectRun);
  m_statusTimer.setInterval(1000);
  connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
  m_statusTimer.start();
  restoreSettings();
  updateStatus();
  updateActions();
  // Kept samples that sessions which died left in the cache folder go now, in the background.
  m_jobs->submit(
      this, QStringLiteral("cache/cleanup"), {},
      [root = sample_cache::root()](const JobRunner::CancelCheck&) {
        return sample_cache::removeStale(root);
      },
      [this](sample_cache::Cleanup c) {
        if (c.files > 0)
          statusBar()->showMessage(
              QStringLiteral("Removed %1 sample file%2 (%3 MB) left by sessions that ended "
                             "without closing")
                  .arg(c.files)
                  .arg(c.files == 1 ? "" : "s")
                  .arg(double(c.bytes) / 1e6, 0, 'f', 1),
              8000);
      });
}

MainWindow::~MainWindow() {
  m_controller->stopAllAndWait();
  delete m_jobs;  // joins the background job in progress before the views go
  m_jobs = nullptr;
}

// ---------------------------------------------------------------------------------------------
// Layout

void MainWindow::buildUi() {
  m_runPanel = new RunPanel;
  m_runPanel->setMinimumWidth(280);
  auto* formDock = new QDockWidget(QStringLiteral("Run"), this);
  formDock->setObjectName(QStringLiteral("runDock"));
  formDock->setWidget(m_runPanel);
  formDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                        QDockWidget::DockWidgetClosable);
  addDockWidget(Qt::LeftDockWidgetArea, formDock);

  m_runList = new RunListPane(m_model, m_files);
  m_runList->addRunAction(m_evaluations->action());
  auto* listDock = new QDockWidget(QStringLiteral("Runs"), this);
  listDock->setObjectName(QStringLiteral("runsDock"));
  listDock->setWidget(m_runList);
  listDock->setFeatures(formDock->features());
  addDockWidget(Qt::LeftDockWidgetArea, listDock);
  resizeDocks({formDock, listDock}, {3, 1}, Qt::Vertical);

  auto* centre = new QWidget;
  auto* v = new QVBoxLayout(centre);
  v->setContentsMargins(2, 2, 2, 2);
  v->setSpacing(2);
  m_datasetPanel = new DatasetPanel(centre);
  v->addWidget(m_datasetPanel);
  m_progress = new ChainProgressPanel(centre);
  v->addWidget(m_progress);
  m_views = new ViewHost(ViewContext{m_model, m_jobs, [this] { return dataset(); }}, centre);
  v->addWidget(m_views, 1);
  setCentralWidget(centre);

  m_statusRuns = new QLabel(this);
  m_statusLatency = new QLabel(this);
  statusBar()->addWidget(m_statusRuns, 1);
  statusBar()->addPermanentWidget(m_statusLatency);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  QAction* openData =
      file->addAction(QStringLiteral("Open data folder…"), this, &MainWindow::chooseDataFolder);
  openData->setShortcut(QKeySequence(QStringLiteral("Ctrl+D")));
  file->addAction(QStringLiteral("Fetch MNIST"), this, &MainWindow::fetchMnist);
  file->addSeparator();
  file->addAction(m_runList->saveAction());
  file->addAction(m_runList->openAction());
  file->addAction(m_runList->resumeAction());
  file->addAction(m_runList->removeAction());
  file->addSeparator();
  m_exportMenu = file->addMenu(QStringLiteral("Export"));
  connect(m_exportMenu, &QMenu::aboutToShow, this, &MainWindow::fillExportMenu);
  file->addSeparator();
  file->addAction(QStringLiteral("Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* run = menuBar()->addMenu(QStringLiteral("&Run"));
  QAction* runAction =
      run->addAction(QStringLiteral("Run"), this, [this] { m_runPanel->runButton()->click(); });
  runAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+R")));
  run->addAction(QStringLiteral("Compare SGLD vs SGHMC"), this,
                 [this] { m_runPanel->compareButton()->click(); });
  run->addSeparator();
  run->setToolTipsVisible(true);  // "Evaluate on…" says why it is unavailable
  run->addAction(m_evaluations->action());
  run->addSeparator();
  run->addAction(m_runList->stopSelectedAction());
  run->addAction(m_runList->stopAllAction());

  m_viewMenu = menuBar()->addMenu(QStringLiteral("&View"));
  m_viewActionsAnchor = m_viewMenu->addSeparator();
  const auto& regs = registeredViews();
  for (size_t i = 0; i < regs.size(); ++i) {
    const QString key = regs[i].key;
    QAction* a = m_viewMenu->addAction(regs[i].title, this, [this, key] { showView(key); });
    if (i < 9) a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
  }
  m_viewMenu->addSeparator();
  for (QDockWidget* d : findChildren<QDockWidget*>()) m_viewMenu->addAction(d->toggleViewAction());

  QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
  help->addAction(QStringLiteral("Diagnostics…"), this, &MainWindow::showDiagnostics);
  help->addAction(QStringLiteral("About BNN Explorer"), this, [this] {
    QMessageBox::about(this, QStringLiteral("About BNN Explorer"),
                       QStringLiteral("<b>BNN Explorer</b><p>Samples the posterior of a Bayesian "
                                      "neural network (MLP) on MNIST with SGLD and SGHMC, shows "
                                      "the chains live, compares them and explores what the model "
                                      "is unsure about.</p>"));
  });
  onCurrentViewChanged(m_views->currentView());
}

void MainWindow::connectParts() {
  // Form and progress rows
  connect(m_runPanel, &RunPanel::runRequested, this, [this](const bnn::RunConfig& c) { startRun(c); });
  connect(m_runPanel, &RunPanel::compareRequested, this, [this] {
    // The analysis views compare the pair: the first run, "Compare with" the second.
    const QStringList ids = startComparison(m_runPanel->compareOverrides());
    if (ids.size() == 2) m_views->selectPair(ids[0], ids[1]);
  });
  connect(m_progress, &ChainProgressPanel::stopRequested, this, &MainWindow::stopRun);
  // A view fills the run form (the Sweep view's "Use this step size").
  connect(m_views, &ViewHost::runFormRequested, this, [this](const bnn::RunConfig& c) {
    for (const std::string& name : bnn::presetNames())
      if (bnn::presetTitle(name) == c.name) m_runPanel->applyPreset(QString::fromStdString(name));
    m_runPanel->setConfig(c);
    if (auto* dock = qobject_cast<QDockWidget*>(m_runPanel->parentWidget())) dock->raise();
  });
  // Evaluations of kept samples: a progress row each, the result selected in the run list.
  connect(m_progress, &ChainProgressPanel::stopRequested, m_evaluations, &EvaluationController::cancel);
  connect(m_runList, &RunListPane::selectionChanged, m_evaluations, &EvaluationController::setCurrentRun);
  connect(m_evaluations, &EvaluationController::started, m_progress, &ChainProgressPanel::addEvaluation);
  connect(m_evaluations, &EvaluationController::progressed, m_progress,
          &ChainProgressPanel::setEvaluationProgress);
  connect(
      m_evaluations, &EvaluationController::finished, this, [this](const QString& id, const QString& runId) {
        const RunRecord* r = m_model->record(runId);
        if (!r || !r->result) return;
        m_progress->setEvaluationFinished(id, QStringLiteral("Completed"),
                                          QStringLiteral("ensemble %1 · last sample %2 · %3 images in %4 s")
                                              .arg(r->result->ensembleAccuracy(), 0, 'f', 4)
                                              .arg(r->result->lastPointwiseAccuracy, 0, 'f', 4)
                                              .arg(r->result->testCount())
                                              .arg(r->result->timings.totalSeconds, 0, 'f', 1));
        m_runList->selectRun(runId);
        m_views->selectRun(runId);
      });
  connect(m_evaluations, &EvaluationController::failed, this,
          [this](const QString& id, const QString& error) {
            m_progress->setEvaluationFinished(id, QStringLiteral("Failed"), error);
          });
  connect(m_evaluations, &EvaluationController::cancelled, this, [this](const QString& id) {
    m_progress->setEvaluationFinished(id, QStringLiteral("Cancelled"), QStringLiteral("cancelled"));
  });
  connect(m_evaluations, &EvaluationController::statusMessage, this,
          [this](const QString& t) { statusBar()->showMessage(t, 8000); });
  // Data
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
  connect(m_loader, &DatasetLoader::loadingStarted, this, [this](const QString& dir) {
    m_datasetPanel->showLoading(dir);
    m_runPanel->setDataReady(false, QStringLiteral("Loading data…"));
  });
  connect(m_loader, &DatasetLoader::loaded, this,
          [this](std::shared_ptr<const bnn::Dataset> data, const QString& dir) {
            if (m_rememberSettings && !dir.isEmpty())
              QSettings().setValue(QStringLiteral("data/directory"), dir);
            m_datasetPanel->showDataset(*data);
            noteRunningChainsData();
            m_evaluations->setStartFolder(dir);
            m_runPanel->setDataReady(true);
            updateStatus();
            Q_EMIT datasetLoaded();
          });
  connect(m_loader, &DatasetLoader::failed, this, [this](const QString& dir, const QString& error) {
    m_datasetPanel->showMissing(dir, error);
    // Runs can go on with the data loaded before, if any.
    m_runPanel->setDataReady(dataset() != nullptr, QStringLiteral("No data loaded: ") + error);
    Q_EMIT datasetFailed(error);
  });
  // Runs: controller -> model -> views
  connect(m_controller, &RunController::progressUpdated, this,
          [this](const QString& id, const bnn::ChainProgress& p) {
            m_model->setProgress(id, p);
            m_progress->setProgress(id, p);
          });
  connect(m_controller, &RunController::curvePointsAdded, m_model, &RunListModel::appendCurve);
  connect(m_controller, &RunController::snapshotReady, m_model, &RunListModel::setSnapshot);
  connect(m_controller, &RunController::runFinished, this,
          [this](const QString& id, std::shared_ptr<const bnn::RunResult> result) {
            m_model->setResult(id, result);
            m_progress->setFinished(id, *result);
            onRunFinished(id);
          });
  connect(m_controller, &RunController::drained, m_views, &ViewHost::refreshCurves);
  // Renaming, hiding, removing or opening runs redraws the curves at the next turn of the loop
  // (while chains run, the controller's tick does it anyway).
  auto scheduleRefresh = [this] { QTimer::singleShot(0, m_views, &ViewHost::refreshCurves); };
  connect(m_model, &QAbstractItemModel::dataChanged, this, scheduleRefresh);
  connect(m_model, &QAbstractItemModel::rowsInserted, this, scheduleRefresh);
  connect(m_model, &QAbstractItemModel::rowsRemoved, this, scheduleRefresh);
  connect(m_model, &RunListModel::runRenamed, m_progress, &ChainProgressPanel::renameChain);
  connect(m_model, &RunListModel::runAboutToBeRemoved, m_progress, &ChainProgressPanel::removeChain);
  connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateActions);
  // A removed run's arrays go back to the allocator; give the pages back to the system too
  // (glibc keeps freed memory otherwise). In the background, after the jobs of the run.
  connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
    m_jobs->submit(
        this, QStringLiteral("memory/trim"), {},
        [](const JobRunner::CancelCheck&) {
#if defined(__GLIBC__)
          malloc_trim(0);
#endif
          return true;
        },
        [](bool) {});
  });
  // Run list
  connect(m_runList, &RunListPane::stopRequested, this, &MainWindow::stopRun);
  connect(m_runList, &RunListPane::stopAllRequested, this, &MainWindow::stopAll);
  connect(m_runList, &RunListPane::runChosen, m_views, &ViewHost::selectRun);
  connect(m_runList, &RunListPane::statusMessage, this,
          [this](const QString& t) { statusBar()->showMessage(t, 6000); });
  connect(m_files, &RunFiles::opened, this, [this](const QString& id) { m_runList->selectRun(id); });
  connect(m_runList, &RunListPane::resumeRequested, this,
          [this](const QString& dir) { m_files->resume(dir, dataset()); });
  connect(m_files, &RunFiles::resumable, this, &MainWindow::resumeRun);
  // Views
  connect(m_views, &ViewHost::currentViewChanged, this, &MainWindow::onCurrentViewChanged);
  for (AnalysisView* v : m_views->views())
    connect(v, &AnalysisView::statusMessage, this,
            [this](const QString& t) { statusBar()->showMessage(t, 6000); });
}

// ---------------------------------------------------------------------------------------------
// Data

void MainWindow::loadData(const QString& directory) { m_loader->load(directory); }

void MainWindow::setDataset(std::shared_ptr<const bnn::Dataset> data) {
  m_loader->setDataset(std::move(data));
}

std::shared_ptr<const bnn::Dataset> MainWindow::dataset() const { return m_loader->dataset(); }

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
  Q_EMIT datasetFailed(
      QStringLiteral("no data folder given (--data) and %1 does not exist").arg(displayPath(own)));
}

void MainWindow::chooseDataFolder() {
  const QString start = m_loader->directory().isEmpty() ? QDir::homePath() : m_loader->directory();
  const QString dir = QFileDialog::getExistingDirectory(
      this, QStringLiteral("Open a folder with MNIST-style IDX files"), start);
  if (!dir.isEmpty()) loadData(dir);
}

void MainWindow::fetchMnist() {
  if (!m_fetcher->isRunning()) m_fetcher->start(MnistFetcher::defaultDestination());
}

// ---------------------------------------------------------------------------------------------
// Runs

QString MainWindow::startRun(const bnn::RunConfig& config) {
  const std::shared_ptr<const bnn::Dataset> data = dataset();
  if (!data || bnn::validate(config)) return {};
  // Chains K > 1: K runs of their own (the group's chains), pooled when the last one finished.
  if (const std::vector<bnn::RunConfig> chains = bnn::chainConfigs(config); chains.size() > 1) {
    ChainGroup group{config, {}};
    for (bnn::RunConfig c : chains) {
      c.name = (config.name.empty() ? std::string("Run") : config.name).substr(0, 180) + " · chain " +
               std::to_string(c.chainIndex);
      group.chainIds << startRun(c);
    }
    m_chainGroups.append(group);
    return group.chainIds.value(0);
  }
  return addLiveRun(m_controller->startRun(config, data), config, *data);
}

QString MainWindow::resumeRun(const QString& directory,
                              std::shared_ptr<const bnn::ChainCheckpoint> checkpoint) {
  const std::shared_ptr<const bnn::Dataset> data = dataset();
  if (!data || !checkpoint) return {};
  const bnn::RunConfig config = checkpoint->config;
  // Replaces "Reading the checkpoint in ..." with where the run continues.
  const bool warmup = checkpoint->phase == bnn::Phase::Warmup;
  const QString where = QStringLiteral("%1 step %2 of %3")
                            .arg(warmup ? QStringLiteral("warm-up") : QStringLiteral("sampling"))
                            .arg(checkpoint->step + 1)
                            .arg(warmup ? config.warmupSteps : config.samplingSteps);
  const QString id =
      addLiveRun(m_controller->resumeRun(std::move(checkpoint), directory, data), config, *data);
  m_runList->selectRun(id);
  statusBar()->showMessage(QStringLiteral("Resumed %1 at %2").arg(toQ(config.name), where), 8000);
  return id;
}

QString MainWindow::addLiveRun(const QString& id, const bnn::RunConfig& config, const bnn::Dataset& data) {
  m_model->addLiveRun(id, config.name.empty() ? QStringLiteral("Run") : toQ(config.name), config, &data);
  const RunRecord* r = m_model->record(id);
  m_progress->addChain(id, r->name, r->color, config, r->dataset, r->datasetTip);
  if (m_rememberSettings) {
    QSettings s;
    m_runPanel->saveSettings(s);
  }
  updateStatus();
  updateActions();
  return id;
}

QStringList MainWindow::startComparison(const bnn::ParamOverrides& overrides) {
  QStringList ids;
  const bnn::CheckedConfigs configs = bnn::configsFromOptions(bnn::comparisonPresetNames(), overrides);
  if (!dataset() || !configs) return ids;
  for (const bnn::RunConfig& c : configs.configs)
    if (const QString id = startRun(c); !id.isEmpty()) ids << id;
  return ids;
}

void MainWindow::stopRun(const QString& id) {
  if (!id.isEmpty()) m_controller->stopRun(id);
}

void MainWindow::stopAll() { m_controller->stopAll(); }

void MainWindow::noteRunningChainsData() {
  // Chains hold the dataset they started with; a new folder is for the runs started from now on.
  const auto data = dataset();
  const QString now = data ? datasetShortLabel(*data) : QString();
  QStringList other;
  int running = 0;
  for (int row = 0; row < m_model->rowCount(); ++row) {
    const RunRecord& r = m_model->recordAt(row);
    if (!r.live) continue;
    ++running;
    const QString d = r.dataset.isEmpty() ? QStringLiteral("data not recorded") : r.dataset;
    if (!other.contains(d)) other << d;
  }
  if (running == 0) {
    m_datasetPanel->setRunningNote({});
    return;
  }
  const QString note =
      QStringLiteral(
          "%1 running chain%2 keep%3 the data %4 started with (%5); runs started from now on use %6")
          .arg(running)
          .arg(running == 1 ? "" : "s")
          .arg(running == 1 ? "s" : "")
          .arg(running == 1 ? "it" : "they")
          .arg(other.join(QStringLiteral(", ")), now);
  m_datasetPanel->setRunningNote(note);
  statusBar()->showMessage(note, 12000);
}

void MainWindow::onRunFinished(const QString& id) {
  poolChainGroup(id);
  bool anyLive = false;
  for (int row = 0; row < m_model->rowCount(); ++row) anyLive = anyLive || m_model->recordAt(row).live;
  if (!anyLive) m_datasetPanel->setRunningNote({});
  updateStatus();
  updateActions();
  if (m_controller->runningCount() == 0) Q_EMIT allRunsFinished();
}

void MainWindow::poolChainGroup(const QString& finishedId) {
  for (int g = 0; g < m_chainGroups.size(); ++g) {
    const ChainGroup group = m_chainGroups[g];
    if (!group.chainIds.contains(finishedId)) continue;
    std::vector<std::shared_ptr<const bnn::RunResult>> results;
    for (const QString& c : group.chainIds) {
      const RunRecord* r = m_model->record(c);
      if (!r) {  // a chain was removed: the group cannot be pooled any more
        m_chainGroups.removeAt(g);
        return;
      }
      if (!r->result) return;  // still running
      results.push_back(r->result);
    }
    m_chainGroups.removeAt(g);
    auto work = [results, groupName = group.config.name](const JobRunner::CancelCheck&) {
      std::vector<const bnn::RunResult*> ptrs;
      std::vector<std::string> labels;
      for (const auto& r : results) {
        ptrs.push_back(r.get());
        labels.push_back(r->config.name);
      }
      auto pooled = std::make_shared<bnn::Result<bnn::RunResult>>(bnn::poolChains(ptrs, labels));
      if (pooled->ok()) pooled->value().config.name = groupName;
      return pooled;
    };
    const QString name = toQ(group.config.name.empty() ? std::string("Run") : group.config.name) +
                         QStringLiteral(" (%1 chains)").arg(group.chainIds.size());
    auto install = [this, name, ids = group.chainIds](std::shared_ptr<bnn::Result<bnn::RunResult>> pooled) {
      if (!pooled->ok()) {
        statusBar()->showMessage(
            QStringLiteral("The chains could not be pooled: ") + toQ(pooled->error().message()), 10000);
        return;
      }
      m_model->addPooledRun(name, std::make_shared<const bnn::RunResult>(std::move(pooled->value())), ids);
      updateActions();
    };
    m_jobs->submit(this, QStringLiteral("pool/") + group.chainIds.join(','), group.chainIds, work, install);
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// Views, menus, status

bool MainWindow::showView(const QString& key) { return m_views->showView(key); }

AnalysisView* MainWindow::view(const QString& key) const { return m_views->view(key); }

void MainWindow::onCurrentViewChanged(AnalysisView* view) {
  // The current view's own actions (zoom, ...) join the View menu; Ctrl+B is the first one's.
  for (QAction* a : m_currentViewActions) {
    m_viewMenu->removeAction(a);
    a->setShortcut({});
  }
  m_currentViewActions = view ? view->viewActions() : QList<QAction*>{};
  m_viewMenu->insertActions(m_viewActionsAnchor, m_currentViewActions);
  if (!m_currentViewActions.isEmpty())
    m_currentViewActions.first()->setShortcut(QKeySequence(QStringLiteral("Ctrl+B")));
}

void MainWindow::fillExportMenu() {
  m_exportMenu->clear();
  AnalysisView* view = m_views->currentView();
  const QList<ChartExport> exports = view ? view->exports() : QList<ChartExport>{};
  if (exports.isEmpty()) {
    m_exportMenu->addAction(QStringLiteral("Nothing to export in this view"))->setEnabled(false);
    return;
  }
  for (const ChartExport& e : exports) {
    if (m_exportMenu->actions().size() > 0) m_exportMenu->addSeparator();
    for (ExportFormat f : {ExportFormat::Png, ExportFormat::Svg, ExportFormat::Csv}) {
      const QString label = f == ExportFormat::Csv
                                ? QStringLiteral("%1: data as CSV…").arg(e.title)
                                : QStringLiteral("%1 as %2…").arg(e.title, chart_export::suffix(f).toUpper());
      QAction* a = m_exportMenu->addAction(label, this, [this, e, f] {
        if (!chart_export::saveWithDialog(this, e, f).isEmpty())
          statusBar()->showMessage(QStringLiteral("Exported %1").arg(e.title), 6000);
      });
      a->setEnabled(f == ExportFormat::Csv ? e.hasCsv() : e.hasImage());
    }
  }
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

void MainWindow::updateActions() { m_runList->updateActions(m_controller->runningCount()); }

QString MainWindow::diagnosticsReport() const {
  // The kernel level first: a fact of the machine that does not scroll away under the latency lines.
  QString s = QStringLiteral("Kernels: %1").arg(toQ(bnn::kernelLevelDescription()));
  if (const std::string notice = bnn::kernelLevelNotice(); !notice.empty())
    s += QStringLiteral(" (%1)").arg(toQ(notice));
  s += QLatin1Char('\n') + m_latency->summary();
  s += QStringLiteral("\nWorker pool: %1 threads (oneTBB); chains running: %2")
           .arg(m_controller->poolThreads())
           .arg(m_controller->runningCount());
  s += QStringLiteral("\nBackground jobs pending (analysis, files, data): %1").arg(m_jobs->pendingCount());
  s += QStringLiteral("\nRuns in the list: %1").arg(m_model->rowCount());
  if (const auto data = dataset())
    s += QStringLiteral("\nData: %1 (%2 train / %3 test) from %4")
             .arg(toQ(data->name))
             .arg(data->train.count)
             .arg(data->test.count)
             .arg(displayPath(toQ(data->directory)));
  s += QStringLiteral(
      "\nCharts refresh on the controller's 100 ms drain tick (QXYSeries::replace, animations off); "
      "analyses run on one background thread.");
  return s;
}

void MainWindow::showDiagnostics() {
  auto* dlg = new DiagnosticsDialog([this] { return diagnosticsReport(); }, this);
  connect(dlg, &DiagnosticsDialog::resetRequested, m_latency, &LatencyMonitor::reset);
  dlg->setAttribute(Qt::WA_DeleteOnClose);
  dlg->show();
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (m_warmedUp) return;
  m_warmedUp = true;
  // Qt's own file dialog sets itself up the first time one is made (styles, icons, the file
  // system model: 150-190 ms measured on a busy machine, 40 ms the second time). Pay that now,
  // right after the window's first layout and paint, not when the user first saves or opens.
  QTimer::singleShot(0, this, [this] {
    QFileDialog warm(this);
    warm.setFileMode(QFileDialog::Directory);
  });
}

// ---------------------------------------------------------------------------------------------
// Settings, closing

void MainWindow::saveSettings() {
  QSettings s;
  s.setValue(QStringLiteral("window/geometry"), saveGeometry());
  s.setValue(QStringLiteral("window/state"), saveState());
  s.setValue(QStringLiteral("window/view"), m_views->currentKey());
  m_runPanel->saveSettings(s);
}

void MainWindow::restoreSettings() {
  QSettings s;
  if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) {
    const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
    resize(std::min(1500, avail.width()), std::min(950, avail.height()));
  }
  restoreState(s.value(QStringLiteral("window/state")).toByteArray());
  m_views->showView(s.value(QStringLiteral("window/view")).toString());
  m_runPanel->restoreSettings(s);
}

void MainWindow::offerRecovery() { m_guard->offerRecovery(); }

void MainWindow::closeEvent(QCloseEvent* event) {
  // Unsaved finished runs or running chains: Save all / Discard / Cancel (or stop / stay).
  if (m_confirmOnClose && !m_guard->allowClose()) {
    event->ignore();
    return;
  }
  if (m_rememberSettings) saveSettings();
  m_fetcher->cancel();
  m_controller->stopAllAndWait();
  event->accept();
}
