#pragma once
// Texts shared by the explorer's panes: the definitions shown as tooltips (the README's
// "Measures of uncertainty" in short) and the number formats of the tables and labels.
// Pure functions; thread-safe.

#include <QString>

namespace explorer_text {

/// Rich-text definitions of every measure the explorer shows.
QString definitions();
/// 0.9622 -> "96.22%"; NaN -> "n/a".
QString percent(double share, int decimals = 2);
/// Fixed decimals; NaN -> "n/a".
QString fixed(double value, int decimals);
/// "1 tile", "3 tiles".
QString count(qint64 n, const QString& singular, const QString& plural);

}  // namespace explorer_text
