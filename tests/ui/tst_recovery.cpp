// Nothing lost: finished runs get a recovery copy as they finish (dropped when saved or removed,
// rewritten when renamed); closing with unsaved runs asks Save all / Discard / Cancel; the runs of
// a session that ended without closing are offered at the next start (Restore / Discard / Later).
// The application data folder is a test location under a temporary home.
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "common/job_runner.h"
#include "runs/recovery_store.h"
#include "runs/run_files.h"
#include "runs/run_list_model.h"
#include "runs/run_list_pane.h"
#include "shell/main_window.h"
#include "shell/unsaved_runs_guard.h"
#include "ui_test_support.h"

using namespace ui_test;

namespace {

// Starts `n` tiny runs one after the other and waits until all have finished and their
// recovery copies are written.
QStringList finishRuns(MainWindow& w, int n) {
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  QStringList ids;
  for (int i = 0; i < n; ++i) {
    bnn::RunConfig c = tinyConfig();
    c.seed = uint64_t(i);
    c.name = "Tiny " + std::to_string(i + 1);
    ids << w.startRun(c);
    if (!QTest::qWaitFor([&] { return done.count() == i + 1; }, 60000)) return {};
  }
  if (!w.jobs()->waitForIdle()) return {};
  return ids;
}

bool isRunFolder(const QString& dir) { return QFileInfo::exists(dir + QStringLiteral("/config.json")); }

// Accepts the next folder dialog with `folder`.
void answerNextFolderDialog(const QString& folder, bool* seen) {
  QTimer::singleShot(50, [folder, seen] {
    auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
    if (!dialog) {
      answerNextFolderDialog(folder, seen);
      return;
    }
    *seen = true;
    dialog->setDirectory(folder);  // nothing selected: the dialog returns its directory
    QMetaObject::invokeMethod(dialog, "accept");
  });
}

// A copy of `runFolder` in a session folder nobody holds: what a killed application leaves.
QString makeOrphan(const QString& root, const QString& session, const QString& runFolder) {
  const QString target = root + QLatin1Char('/') + session + QStringLiteral("/run-1");
  QDir().mkpath(target);
  for (const QString& f : QDir(runFolder).entryList(QDir::Files))
    QFile::copy(runFolder + QLatin1Char('/') + f, target + QLatin1Char('/') + f);
  return target;
}

}  // namespace

class TestRecovery : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void finishedRunsAreCopiedUntilSavedOrRemoved();
  void quitWithUnsavedRunsCanBeCancelledOrDiscard();
  void saveAllWritesEveryRunThenCloses();
  void orphanRunsAreOfferedAtStart();
  void orphansCanBeDiscardedOrLeftForLater();
  void aLockedSessionIsNotAnOrphan();

 private:
  QTemporaryDir m_home;
};

void TestRecovery::initTestCase() {
  QVERIFY(m_home.isValid());
  qputenv("HOME", m_home.path().toLocal8Bit());  // test-mode data paths live under the home folder
  QStandardPaths::setTestModeEnabled(true);
  QVERIFY(RecoveryStore::defaultRoot().startsWith(m_home.path()));
}

void TestRecovery::finishedRunsAreCopiedUntilSavedOrRemoved() {
  QString session;
  {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    w.show();
    RecoveryStore* store = w.recovery();
    QVERIFY(store->isEnabled());
    session = store->sessionFolder();
    QVERIFY(session.startsWith(RecoveryStore::defaultRoot()));
    const QStringList ids = finishRuns(w, 3);
    QCOMPARE(ids.size(), 3);
    QCOMPARE(w.runModel()->unsavedRuns(), ids);
    for (const QString& id : ids) QVERIFY2(isRunFolder(store->folderOf(id)), qPrintable(id));

    // Saved: the copy goes, the run no longer counts as unsaved.
    QTemporaryDir out;
    QSignalSpy saved(w.runFiles(), &RunFiles::saved);
    QVERIFY(w.runFiles()->save(ids[0], out.path() + QStringLiteral("/saved")));
    QVERIFY(saved.wait(30000));
    QVERIFY(w.jobs()->waitForIdle());
    QVERIFY(!QFileInfo::exists(session + QLatin1Char('/') + ids[0]));
    QCOMPARE(w.runModel()->unsavedRuns(), (QStringList{ids[1], ids[2]}));

    // Renamed: the copy carries the new name (a restored run comes back under it).
    w.runModel()->rename(ids[1], QStringLiteral("Renamed run"));
    QVERIFY(w.jobs()->waitForIdle());
    QFile config(store->folderOf(ids[1]) + QStringLiteral("/config.json"));
    QVERIFY(config.open(QIODevice::ReadOnly));
    QVERIFY(config.readAll().contains("\"Renamed run\""));

    // Removed from the list (discarded): the copy goes.
    const QString removed = store->folderOf(ids[2]);
    w.runList()->selectRun(ids[2]);
    w.runList()->removeAction()->trigger();
    QVERIFY(w.jobs()->waitForIdle());
    QVERIFY(!QFileInfo::exists(removed));
    QVERIFY(isRunFolder(store->folderOf(ids[1])));
  }
  // A normal end removes the session folder with what was left in it.
  QVERIFY(!QFileInfo::exists(session));
}

void TestRecovery::quitWithUnsavedRunsCanBeCancelledOrDiscard() {
  MainWindow w;
  w.setDataset(syntheticData());
  w.show();
  QCOMPARE(finishRuns(w, 1).size(), 1);
  // No chain runs, yet closing asks: Cancel keeps the window and the run.
  bool asked = false;
  answerNextMessageBox(QMessageBox::Cancel, &asked);
  QVERIFY(!w.close());
  QVERIFY(asked);
  QVERIFY(w.isVisible());
  QCOMPARE(w.runModel()->rowCount(), 1);
  // Discard closes.
  asked = false;
  answerNextMessageBox(QMessageBox::Discard, &asked);
  QVERIFY(w.close());
  QVERIFY(asked);
  // Nothing unsaved and nothing running: no question.
  MainWindow empty;
  empty.show();
  QVERIFY(empty.close());
}

void TestRecovery::saveAllWritesEveryRunThenCloses() {
  MainWindow w;
  w.setDataset(syntheticData());
  w.show();
  const QStringList ids = finishRuns(w, 2);
  QCOMPARE(ids.size(), 2);
  QTemporaryDir out;
  QDir().mkpath(out.path() + QStringLiteral("/tiny-1"));  // taken: the first run goes to tiny-1-2
  bool asked = false, chose = false;
  answerNextMessageBox(QMessageBox::SaveAll, &asked);
  answerNextFolderDialog(out.path(), &chose);
  QVERIFY(!w.close());  // not yet: the runs are written in the background first
  QVERIFY(asked && chose);
  QVERIFY(w.unsavedRunsGuard()->isSaving());
  QTRY_VERIFY_WITH_TIMEOUT(!w.isVisible(), 30000);  // closed by itself once both are written
  QVERIFY(isRunFolder(out.path() + QStringLiteral("/tiny-1-2")));
  QVERIFY(isRunFolder(out.path() + QStringLiteral("/tiny-2")));
  QVERIFY(!isRunFolder(out.path() + QStringLiteral("/tiny-1")));
  QVERIFY(w.runModel()->unsavedRuns().isEmpty());
  QCOMPARE(w.runModel()->record(ids[0])->path, out.path() + QStringLiteral("/tiny-1-2"));
}

void TestRecovery::orphanRunsAreOfferedAtStart() {
  const QString root = RecoveryStore::defaultRoot();
  QTemporaryDir saved;
  std::shared_ptr<const bnn::RunResult> original;
  {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    const QStringList ids = finishRuns(w, 1);
    QCOMPARE(ids.size(), 1);
    original = w.runModel()->record(ids[0])->result;
    // What a killed application leaves behind: the copy in a session nobody holds.
    makeOrphan(root, QStringLiteral("session-20260101-000000-1"), w.recovery()->folderOf(ids[0]));
  }
  MainWindow w;
  w.setConfirmOnClose(false);
  w.show();
  QSignalSpy restored(w.unsavedRunsGuard(), &UnsavedRunsGuard::runRestored);
  bool asked = false;
  answerNextMessageBox(QMessageBox::Yes, &asked);  // "Restore"
  w.offerRecovery();
  QVERIFY(restored.wait(30000));
  QVERIFY(asked);
  const QString id = restored.first().at(0).toString();
  const RunRecord* r = w.runModel()->record(id);
  QCOMPARE(r->name, QStringLiteral("Tiny 1"));
  QVERIFY(r->recovered && r->unsaved());
  QCOMPARE(w.runModel()->unsavedRuns(), QStringList{id});
  // The same arrays as the run that finished.
  QCOMPARE(r->result->predictive.logSum(), original->predictive.logSum());
  QCOMPARE(r->result->predictive.votes(), original->predictive.votes());
  QCOMPARE(r->curve.size(), original->curve.size());
  // Adopted by this session (a second crash still keeps it); the orphan session is gone.
  QVERIFY(w.recovery()->folderOf(id).startsWith(w.recovery()->sessionFolder()));
  QVERIFY(isRunFolder(w.recovery()->folderOf(id)));
  QVERIFY(!QFileInfo::exists(root + QStringLiteral("/session-20260101-000000-1")));
  // Saving it drops the copy, as for any run.
  QSignalSpy savedSpy(w.runFiles(), &RunFiles::saved);
  QVERIFY(w.runFiles()->save(id, saved.path() + QStringLiteral("/restored")));
  QVERIFY(savedSpy.wait(30000));
  QVERIFY(w.jobs()->waitForIdle());
  QVERIFY(w.recovery()->folderOf(id).isEmpty());
  QVERIFY(!w.runModel()->record(id)->unsaved());
}

void TestRecovery::orphansCanBeDiscardedOrLeftForLater() {
  const QString root = RecoveryStore::defaultRoot();
  QString orphan;
  {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    const QStringList ids = finishRuns(w, 1);
    QCOMPARE(ids.size(), 1);
    orphan = makeOrphan(root, QStringLiteral("session-20260101-000000-2"), w.recovery()->folderOf(ids[0]));
  }
  {
    MainWindow w;  // Later: asked, nothing changes
    w.show();
    QSignalSpy found(w.recovery(), &RecoveryStore::orphansFound);
    bool asked = false;
    answerNextMessageBox(QMessageBox::No, &asked);
    w.offerRecovery();
    QVERIFY(found.wait(30000));
    QCOMPARE(found.first().at(0).value<QList<OrphanRun>>().size(), 1);
    QTRY_VERIFY(asked);
    QVERIFY(w.jobs()->waitForIdle());
    QCOMPARE(w.runModel()->rowCount(), 0);
    QVERIFY(isRunFolder(orphan));
  }
  {
    MainWindow w;  // Discard: asked again, the copy goes
    w.show();
    bool asked = false;
    answerNextMessageBox(QMessageBox::Discard, &asked);
    w.offerRecovery();
    QTRY_VERIFY_WITH_TIMEOUT(asked, 30000);
    QVERIFY(w.jobs()->waitForIdle());
    QCOMPARE(w.runModel()->rowCount(), 0);
    QVERIFY(!QFileInfo::exists(QFileInfo(orphan).absolutePath()));
  }
  {
    MainWindow w;  // nothing left: no question
    w.show();
    QSignalSpy found(w.recovery(), &RecoveryStore::orphansFound);
    w.offerRecovery();
    QVERIFY(found.wait(30000));
    QVERIFY(found.first().at(0).value<QList<OrphanRun>>().isEmpty());
    QVERIFY(!QApplication::activeModalWidget());
  }
}

void TestRecovery::aLockedSessionIsNotAnOrphan() {
  // Two windows (two running instances): neither offers the other's runs.
  MainWindow a;
  a.setConfirmOnClose(false);
  a.setDataset(syntheticData());
  QCOMPARE(finishRuns(a, 1).size(), 1);
  MainWindow b;
  QVERIFY(b.recovery()->sessionFolder() != a.recovery()->sessionFolder());
  QSignalSpy found(b.recovery(), &RecoveryStore::orphansFound);
  b.offerRecovery();
  QVERIFY(found.wait(30000));
  QVERIFY(found.first().at(0).value<QList<OrphanRun>>().isEmpty());
  QVERIFY(isRunFolder(a.recovery()->folderOf(a.runModel()->idAt(0))));
}

QTEST_MAIN(TestRecovery)
#include "tst_recovery.moc"
