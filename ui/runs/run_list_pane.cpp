#include "runs/run_list_pane.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include "common/display_path.h"
#include "runs/run_files.h"
#include "runs/run_list_model.h"

namespace {
const char* kRunsFolderKey = "runs/lastFolder";

// Reports a failure that arrives from the background without blocking the event loop.
void showError(QWidget* parent, const QString& title, const QString& text) {
  auto* box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Ok, parent);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}
}  // namespace

RunListPane::RunListPane(RunListModel* model, RunFiles* files, QWidget* parent)
    : QWidget(parent), m_model(model), m_files(files) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  auto* bar = m_bar = new QToolBar(this);
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  layout->addWidget(bar);
  m_view = new QTreeView(this);
  m_view->setModel(m_model);
  m_view->setRootIsDecorated(false);
  m_view->setAlternatingRowColors(true);
  m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_view->setSelectionMode(QAbstractItemView::SingleSelection);
  m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                          QAbstractItemView::SelectedClicked);
  m_view->header()->setStretchLastSection(true);
  m_view->setColumnWidth(RunListModel::NameColumn, 150);
  m_view->setColumnWidth(RunListModel::SamplerColumn, 92);
  m_view->setColumnWidth(RunListModel::DatasetColumn, 130);
  m_view->setColumnWidth(RunListModel::StatusColumn, 110);
  m_view->setColumnWidth(RunListModel::SamplesColumn, 60);
  m_view->setToolTip(
      QStringLiteral("Checked runs are drawn in the charts; double-click a name to rename it."));
  layout->addWidget(m_view, 1);

  m_stopSelected = new QAction(QStringLiteral("Stop selected"), this);
  m_stopSelected->setIconText(QStringLiteral("Stop"));
  m_stopSelected->setToolTip(QStringLiteral("Cancel the selected chain"));
  connect(m_stopSelected, &QAction::triggered, this, [this] {
    if (const QString id = selectedRunId(); !id.isEmpty()) Q_EMIT stopRequested(id);
  });
  m_stopAll = new QAction(QStringLiteral("Stop all"), this);
  m_stopAll->setShortcut(QKeySequence(QStringLiteral("Ctrl+.")));
  m_stopAll->setToolTip(QStringLiteral("Cancel every running chain"));
  connect(m_stopAll, &QAction::triggered, this, &RunListPane::stopAllRequested);
  m_save = new QAction(QStringLiteral("Save run…"), this);
  m_save->setIconText(QStringLiteral("Save…"));
  m_save->setShortcut(QKeySequence::Save);
  m_save->setToolTip(QStringLiteral("Save the selected finished run as a results folder"));
  connect(m_save, &QAction::triggered, this, &RunListPane::saveSelectedWithDialog);
  m_open = new QAction(QStringLiteral("Open run…"), this);
  m_open->setIconText(QStringLiteral("Open…"));
  m_open->setShortcut(QKeySequence::Open);
  m_open->setToolTip(QStringLiteral("Open a saved results folder as a run"));
  connect(m_open, &QAction::triggered, this, &RunListPane::openWithDialog);
  m_resume = new QAction(QStringLiteral("Resume run…"), this);
  m_resume->setToolTip(
      QStringLiteral("Continue an interrupted run from the checkpoint in its folder (bnn-cli run --out "
                     "writes one every --checkpoint-every seconds)"));
  connect(m_resume, &QAction::triggered, this, &RunListPane::resumeWithDialog);
  m_remove = new QAction(QStringLiteral("Remove run"), this);
  m_remove->setIconText(QStringLiteral("Remove"));
  m_remove->setToolTip(
      QStringLiteral("Remove the selected run from the list and free its memory (saved folders stay)"));
  connect(m_remove, &QAction::triggered, this, &RunListPane::removeSelected);
  bar->addAction(m_stopSelected);
  bar->addAction(m_stopAll);
  bar->addSeparator();
  bar->addAction(m_save);
  bar->addAction(m_open);
  bar->addAction(m_remove);

  m_view->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
    const QModelIndex index = m_view->indexAt(pos);
    if (index.isValid()) m_view->setCurrentIndex(index.siblingAtColumn(RunListModel::NameColumn));
    QMenu menu(this);
    menu.setToolTipsVisible(true);  // a disabled action says why
    menu.addAction(m_stopSelected);
    menu.addAction(m_save);
    menu.addAction(m_open);
    menu.addAction(m_remove);
    if (!m_extra.isEmpty()) menu.addSeparator();
    for (QAction* a : m_extra) menu.addAction(a);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
  });
  connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
    updateActions(m_running);
    Q_EMIT selectionChanged(selectedRunId());
    // Only a row the user picked: rows that shift when others are added or removed do not count.
    if (m_view->hasFocus() || m_view->viewport()->hasFocus())
      if (const QString id = selectedRunId(); !id.isEmpty()) Q_EMIT runChosen(id);
  });
  connect(m_view, &QTreeView::clicked, this, [this](const QModelIndex& index) {
    if (index.isValid()) Q_EMIT runChosen(m_model->idAt(index.row()));
  });
  connect(m_model, &QAbstractItemModel::dataChanged, this, [this] { updateActions(m_running); });
  connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] { updateActions(m_running); });

  connect(m_files, &RunFiles::saved, this, [this](const QString& id, const QString& dir) {
    const RunRecord* r = m_model->record(id);
    Q_EMIT statusMessage(QStringLiteral("Saved %1 to %2").arg(r ? r->name : id, displayPath(dir)));
  });
  connect(m_files, &RunFiles::saveFailed, this,
          [this](const QString&, const QString& dir, const QString& error) {
            showError(this, QStringLiteral("Save failed"),
                      QStringLiteral("Could not save the run to %1:\n%2").arg(dir, error));
          });
  connect(m_files, &RunFiles::opened, this, [this](const QString& id, const QString& dir) {
    const RunRecord* r = m_model->record(id);
    Q_EMIT statusMessage(QStringLiteral("Opened %1 from %2").arg(r ? r->name : id, displayPath(dir)));
  });
  connect(m_files, &RunFiles::resumeFailed, this, [this](const QString& dir, const QString& error) {
    showError(this, QStringLiteral("Resume failed"),
              QStringLiteral("Could not resume the run in %1:\n%2").arg(displayPath(dir), error));
  });
  connect(m_files, &RunFiles::openFailed, this, [this](const QString& dir, const QString& error) {
    showError(this, QStringLiteral("Open failed"),
              QStringLiteral("Could not open the run in %1:\n%2").arg(dir, error));
  });
  updateActions(0);
}

void RunListPane::addRunAction(QAction* action) {
  if (m_extra.isEmpty()) m_bar->addSeparator();
  m_extra << action;
  m_bar->addAction(action);
}

QString RunListPane::selectedRunId() const {
  const QModelIndex i = m_view->currentIndex();
  return i.isValid() ? m_model->idAt(i.row()) : QString();
}

void RunListPane::selectRun(const QString& id) {
  const int row = m_model->rowOf(id);
  if (row >= 0) m_view->setCurrentIndex(m_model->index(row, RunListModel::NameColumn));
}

void RunListPane::updateActions(int runningChains) {
  m_running = runningChains;
  const RunRecord* r = m_model->record(selectedRunId());
  const bool running = r && r->live;
  m_stopSelected->setEnabled(running);
  m_stopAll->setEnabled(runningChains > 0);
  m_save->setEnabled(r && r->result);
  m_remove->setEnabled(r && !running);
}

void RunListPane::saveSelectedWithDialog() {
  const QString id = selectedRunId();
  const RunRecord* r = m_model->record(id);
  if (!r || !r->result) return;
  QSettings settings;
  const QString folder = settings.value(QLatin1String(kRunsFolderKey), QDir::homePath()).toString();
  const QString path =
      QFileDialog::getSaveFileName(this, QStringLiteral("Save %1 as a results folder").arg(r->name),
                                   QDir(folder).filePath(RunFiles::suggestedFolderName(r->name)), QString(),
                                   nullptr, QFileDialog::ShowDirsOnly);
  if (path.isEmpty()) return;
  settings.setValue(QLatin1String(kRunsFolderKey), QFileInfo(path).absolutePath());
  QString error;
  if (!m_files->save(id, path, &error))
    QMessageBox::critical(this, QStringLiteral("Save failed"),
                          QStringLiteral("Could not save the run to %1:\n%2").arg(path, error));
  else
    Q_EMIT statusMessage(QStringLiteral("Saving %1 to %2…").arg(r->name, displayPath(path)));
}

void RunListPane::openWithDialog() {
  QSettings settings;
  const QString folder = settings.value(QLatin1String(kRunsFolderKey), QDir::homePath()).toString();
  const QString dir =
      QFileDialog::getExistingDirectory(this, QStringLiteral("Open a saved run folder"), folder);
  if (dir.isEmpty()) return;
  settings.setValue(QLatin1String(kRunsFolderKey), QFileInfo(dir).absolutePath());
  Q_EMIT statusMessage(QStringLiteral("Opening %1…").arg(displayPath(dir)));
  m_files->open(dir);
}

void RunListPane::resumeWithDialog() {
  QSettings settings;
  const QString folder = settings.value(QLatin1String(kRunsFolderKey), QDir::homePath()).toString();
  const QString dir = QFileDialog::getExistingDirectory(
      this, QStringLiteral("Resume the interrupted run in a folder"), folder);
  if (dir.isEmpty()) return;
  settings.setValue(QLatin1String(kRunsFolderKey), QFileInfo(dir).absolutePath());
  Q_EMIT statusMessage(QStringLiteral("Reading the checkpoint in %1…").arg(displayPath(dir)));
  Q_EMIT resumeRequested(dir);
}

void RunListPane::removeSelected() {
  const QString id = selectedRunId();
  const RunRecord* r = m_model->record(id);
  if (!r || r->live) return;
  m_model->removeRun(id);
}
