#pragma once
// How the application shows a folder: relative to the current directory when it lies inside it
// ("data/mnist" when started from the project), "~/…" under the home folder, else as given.
// Tooltips and error messages that must name the exact place use the absolute path.
// Thread-safe (reads the current directory).

#include <QString>

QString displayPath(const QString& path);
