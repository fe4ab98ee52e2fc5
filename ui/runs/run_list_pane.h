#pragma once
// RunListPane: the run list (RunListModel in a tree view: show/hide, rename) with its actions:
// stop the selected chain, stop all, save the selected run as a results folder, open a saved
// run, resume an interrupted run from its checkpoint, remove the selected run (a running one cannot be removed). Saving and opening go through
// RunFiles (background); the outcome is reported with statusMessage or a message box.
// Threading: GUI thread only.

#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QToolBar;
class QTreeView;
QT_END_NAMESPACE

class RunFiles;
class RunListModel;

class RunListPane : public QWidget {
  Q_OBJECT
 public:
  RunListPane(RunListModel* model, RunFiles* files, QWidget* parent = nullptr);

  QTreeView* view() const { return m_view; }
  QString selectedRunId() const;
  void selectRun(const QString& id);

  QAction* stopSelectedAction() const { return m_stopSelected; }
  QAction* stopAllAction() const { return m_stopAll; }
  QAction* saveAction() const { return m_save; }
  QAction* openAction() const { return m_open; }
  QAction* resumeAction() const { return m_resume; }
  QAction* removeAction() const { return m_remove; }

  /// Adds an action about the selected run to the tool bar and the context menu (after Remove).
  void addRunAction(QAction* action);

  /// Enables the actions for the selection and the number of running chains.
  void updateActions(int runningChains);
  void saveSelectedWithDialog();
  void openWithDialog();
  /// Asks for the folder of an interrupted run and emits resumeRequested with it.
  void resumeWithDialog();
  void removeSelected();

 Q_SIGNALS:
  void stopRequested(const QString& id);
  void stopAllRequested();
  /// The user made `id` the current row (not sent when rows move by themselves).
  void runChosen(const QString& id);
  /// The current row changed, by the user or not ("" when none).
  void selectionChanged(const QString& id);
  void statusMessage(const QString& text);
  /// Continue the interrupted run in `directory` (its checkpoint); the window knows the data.
  void resumeRequested(const QString& directory);

 private:
  RunListModel* m_model;
  RunFiles* m_files;
  QTreeView* m_view = nullptr;
  QAction* m_stopSelected = nullptr;
  QAction* m_stopAll = nullptr;
  QAction* m_save = nullptr;
  QAction* m_open = nullptr;
  QAction* m_resume = nullptr;
  QAction* m_remove = nullptr;
  QToolBar* m_bar = nullptr;
  QList<QAction*> m_extra;  // addRunAction
  int m_running = 0;
};
