#include "common/display_path.h"

#include <QDir>
#include <QFileInfo>

QString displayPath(const QString& path) {
  if (path.isEmpty()) return path;
  const QString abs = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
  const QString cwd = QDir::cleanPath(QDir::currentPath());
  if (abs == cwd) return QStringLiteral(".");
  if (cwd != QLatin1String("/") && abs.startsWith(cwd + QLatin1Char('/'))) return abs.mid(cwd.size() + 1);
  const QString home = QDir::cleanPath(QDir::homePath());
  if (home != QLatin1String("/") && abs.startsWith(home + QLatin1Char('/')))
    return QStringLiteral("~/") + abs.mid(home.size() + 1);
  return abs;
}
