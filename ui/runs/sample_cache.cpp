#include "runs/sample_cache.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace sample_cache {

QString root() {
  const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
  return cache.isEmpty() ? QString() : QDir(cache).filePath(QStringLiteral("samples"));
}

quint64 processStartTicks(qint64 pid) {
  QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
  if (pid <= 0 || !f.open(QIODevice::ReadOnly)) return 0;
  const QByteArray stat = f.readAll();
  // "pid (comm) state ppid ...": the command may hold spaces and parentheses; fields after the
  // last ')' are numbered from 3 (state); the start time is field 22.
  const qsizetype close = stat.lastIndexOf(')');
  if (close < 0) return 0;
  const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
  return fields.size() > 19 ? fields[19].toULongLong() : 0;
}

QString sessionName(qint64 pid, quint64 startTicks) {
  return QStringLiteral("session-%1-%2").arg(pid).arg(startTicks);
}

QString sessionFolder(const QString& root) {
  if (root.isEmpty()) return {};
  const qint64 pid = QCoreApplication::applicationPid();
  const QString dir = QDir(root).filePath(sessionName(pid, processStartTicks(pid)));
  QDir().mkpath(dir);
  return dir;
}

Cleanup removeStale(const QString& root) {
  Cleanup c;
  if (root.isEmpty()) return c;
  const QDir dir(root);
  static const QRegularExpression kSession(QStringLiteral("^session-(\\d+)-(\\d+)$"));
  for (const QFileInfo& fi : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    const auto m = kSession.match(fi.fileName());
    if (!m.hasMatch()) continue;  // not ours
    const qint64 pid = m.captured(1).toLongLong();
    const quint64 start = m.captured(2).toULongLong();
    const quint64 now = processStartTicks(pid);
    if (now != 0 && now == start) continue;  // that session still runs
    int files = 0;
    qint64 bytes = 0;
    QDirIterator it(fi.absoluteFilePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
      it.next();
      ++files;
      bytes += it.fileInfo().size();
    }
    if (QDir(fi.absoluteFilePath()).removeRecursively()) {
      ++c.folders;
      c.files += files;
      c.bytes += bytes;
    }
  }
  // Earlier versions wrote the files straight into the root; their owner is unknown, so only
  // files nobody has written to for a day go.
  const QDateTime dayAgo = QDateTime::currentDateTimeUtc().addDays(-1);
  for (const QFileInfo& fi : dir.entryInfoList({QStringLiteral("samples-*.npy")}, QDir::Files)) {
    if (fi.lastModified().toUTC() > dayAgo) continue;
    const qint64 size = fi.size();
    if (QFile::remove(fi.absoluteFilePath())) {
      ++c.files;
      c.bytes += size;
    }
  }
  return c;
}

}  // namespace sample_cache
