#pragma once
// Exports of the uncertainty explorer: charts as PNG or SVG (vector, through QSvgGenerator),
// tables as CSV (text made by core/analysis), gallery tiles as a PNG grid. GUI thread only.

#include <QImage>
#include <QList>
#include <QPalette>
#include <QString>
#include <string>

#include "gallery_delegate.h"

class QChartView;

namespace uncertainty_export {

/// Renders the charts side by side into an image of their combined on-screen size.
QImage renderCharts(const QList<QChartView*>& charts);
bool saveChartsPng(const QList<QChartView*>& charts, const QString& path, QString* error);
bool saveChartsSvg(const QList<QChartView*>& charts, const QString& path, const QString& title,
                   QString* error);
bool saveText(const QString& path, const std::string& text, QString* error);
/// Tiles in rows of `columns` (the example shows 15 images as 5 rows of 3; we use 5 columns).
QImage galleryGrid(const QList<GalleryTile>& tiles, int columns, const QPalette& palette);

}  // namespace uncertainty_export
