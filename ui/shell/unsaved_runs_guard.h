#pragma once
// UnsavedRunsGuard: nothing of a session is lost without being asked. Closing the window while
// finished runs are not saved (or chains still run) asks Save all / Discard / Cancel; Save all
// writes every unsaved run into one chosen folder in the background and closes when all are
// written (a failure keeps the window open). Meanwhile every finished run is copied into the
// RecoveryStore as it finishes (renamed copies are rewritten; saving or removing a run drops its
// copy), and offerRecovery() offers the runs of a session that died (Restore / Discard / Later).
// Threading: GUI thread only.

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

class QWidget;
class RecoveryStore;
class RunController;
class RunFiles;
class RunListModel;

class UnsavedRunsGuard : public QObject {
  Q_OBJECT
 public:
  UnsavedRunsGuard(QWidget* window, RunListModel* model, RunFiles* files, RunController* controller,
                   RecoveryStore* store, QObject* parent = nullptr);

  /// Called from the window's closeEvent: true when it may close now. Asks when runs are unsaved
  /// or chains run; after "Save all" it returns false and closes the window itself once saved.
  bool allowClose();
  /// Starts saving every unsaved run into `folder` (one sub-folder each, named after the run),
  /// then closes the window; false (nothing started) when there is nothing to save.
  bool saveAllThenClose(const QString& folder);
  bool isSaving() const { return !m_pending.isEmpty(); }
  /// Looks for runs of a session that ended without closing and asks what to do with them.
  void offerRecovery();

 Q_SIGNALS:
  void statusMessage(const QString& text);
  /// A recovered run joined the list.
  void runRestored(const QString& id);

 private:
  QString unsavedText(const QStringList& ids, int running) const;
  QString chooseFolder();

  QWidget* m_window;
  RunListModel* m_model;
  RunFiles* m_files;
  RunController* m_controller;
  RecoveryStore* m_store;
  QSet<QString> m_pending;  // runs being saved by "Save all"
  bool m_saveFailed = false;
  bool m_closeNow = false;  // everything saved: the next close passes
};
