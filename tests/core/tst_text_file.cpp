// writeTextFile: whole or not at all, the previous file kept on failure, errors naming the file.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <string>

#include "util/text_file.h"

using namespace bnn;

namespace {

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList entries(const QString& dir) {
  return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

}  // namespace

class TestTextFile : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void writesAndReplaces() {
    QTemporaryDir tmp;
    const QString path = tmp.filePath("table.csv");
    QVERIFY(writeTextFile(path.toStdString(), "a,b\n1,2\n").ok());
    QCOMPARE(readAll(path), QByteArray("a,b\n1,2\n"));
    // Replaced, never appended; nothing else left in the folder.
    QVERIFY(writeTextFile(path.toStdString(), "x\n").ok());
    QCOMPARE(readAll(path), QByteArray("x\n"));
    QCOMPARE(entries(tmp.path()), QStringList{"table.csv"});
    // Binary-safe and empty texts.
    const std::string bytes("\0\xff\n", 3);
    QVERIFY(writeTextFile(path.toStdString(), bytes).ok());
    QCOMPARE(readAll(path), QByteArray(bytes.data(), 3));
    QVERIFY(writeTextFile(path.toStdString(), "").ok());
    QCOMPARE(QFileInfo(path).size(), qint64(0));
  }

  void usualPermissions() {
    QTemporaryDir tmp;
    const QString path = tmp.filePath("p.txt");
    const mode_t mask = ::umask(022);
    const Status st = writeTextFile(path.toStdString(), "x");
    ::umask(mask);
    QVERIFY(st.ok());
    QCOMPARE(QFileInfo(path).permissions() & (QFile::ReadOther | QFile::WriteOwner),
             QFile::ReadOther | QFile::WriteOwner);  // 0644, not mkstemp's 0600
  }

  void failureNamesTheFileAndKeepsTheOldOne() {
    QTemporaryDir tmp;
    // Folder missing.
    const QString missing = tmp.filePath("no-such-folder/out.csv");
    Status st = writeTextFile(missing.toStdString(), "x");
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, ErrorCode::Io);
    QVERIFY2(QString::fromStdString(st.error().message()).startsWith(missing + ": "),
             st.error().message().c_str());
    QVERIFY2(st.error().message().find("No such file or directory") != std::string::npos,
             st.error().message().c_str());
    // The destination is a folder.
    st = writeTextFile(tmp.path().toStdString(), "x");
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, ErrorCode::IsDirectory);
    // Not a file name at all.
    QVERIFY(!writeTextFile("", "x").ok());
    QVERIFY(!writeTextFile((tmp.path() + "/..").toStdString(), "x").ok());

    // A folder that cannot be written (root may write anywhere; fileTooLarge covers root).
    if (::geteuid() == 0) QSKIP("running as root: permissions do not stop writes");
    const QString locked = tmp.filePath("locked");
    QVERIFY(QDir().mkdir(locked));
    const QString old = locked + "/keep.csv";
    QVERIFY(writeTextFile(old.toStdString(), "old\n").ok());
    QVERIFY(QFile::setPermissions(locked, QFile::ReadOwner | QFile::ExeOwner));
    st = writeTextFile(old.toStdString(), "new\n");
    QFile::setPermissions(locked, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY(!st.ok());
    QVERIFY(QString::fromStdString(st.error().message()).startsWith(old + ": "));
    QCOMPARE(readAll(old), QByteArray("old\n"));
    QCOMPARE(entries(locked), QStringList{"keep.csv"});
  }

  // A write that fails half-way (the file size limit here, as a full disk would): the error says
  // so, the old file stays as it was, no temporary is left. Works for any user.
  void failedWriteKeepsTheOldFile() {
    QTemporaryDir tmp;
    const QString path = tmp.filePath("keep.csv");
    QVERIFY(writeTextFile(path.toStdString(), "old\n").ok());
    rlimit before{};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &before), 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = before;
    small.rlim_cur = 4096;
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const Status st = writeTextFile(path.toStdString(), std::string(100000, 'n'));
    ::setrlimit(RLIMIT_FSIZE, &before);
    std::signal(SIGXFSZ, oldHandler);
    QVERIFY(!st.ok());
    const QString msg = QString::fromStdString(st.error().message());
    QVERIFY2(msg.startsWith(path + ": ") && msg.contains("cannot write: File too large"), qPrintable(msg));
    QCOMPARE(readAll(path), QByteArray("old\n"));
    QCOMPARE(entries(tmp.path()), QStringList{"keep.csv"});
  }
};

QTEST_GUILESS_MAIN(TestTextFile)
#include "tst_text_file.moc"
