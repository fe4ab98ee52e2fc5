#pragma once
// The colour of the n-th run of a session, the same in every view: matplotlib's ten colours (as
// in the example's figures), then further hues spaced by the golden angle at alternating
// lightness, so no two of the first hundreds of runs share a colour. Pure function.

#include <QColor>

QColor runColor(int index);
