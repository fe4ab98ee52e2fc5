#include "uncertainty_export.h"

#include <QChartView>
#include <QFile>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace uncertainty_export {

namespace {

QSize combinedSize(const QList<QChartView*>& charts) {
  int w = 0, h = 0;
  for (QChartView* c : charts) {
    const QSize s = c->size().isEmpty() ? QSize(640, 420) : c->size();
    w += s.width();
    h = std::max(h, s.height());
  }
  return {std::max(w, 1), std::max(h, 1)};
}

void paintCharts(QPainter& p, const QList<QChartView*>& charts) {
  int x = 0;
  for (QChartView* c : charts) {
    const QSize s = c->size().isEmpty() ? QSize(640, 420) : c->size();
    // QGraphicsView::render draws the scene's items (vector primitives on an SVG device).
    c->render(&p, QRectF(x, 0, s.width(), s.height()), c->viewport()->rect());
    x += s.width();
  }
}

void setError(QString* error, const QString& text) {
  if (error) *error = text;
}

}  // namespace

QImage renderCharts(const QList<QChartView*>& charts) {
  QImage img(combinedSize(charts), QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::white);
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  paintCharts(p, charts);
  return img;
}

bool saveChartsPng(const QList<QChartView*>& charts, const QString& path, QString* error) {
  if (!renderCharts(charts).save(path, "PNG")) {
    setError(error, QStringLiteral("%1: cannot write the PNG file").arg(path));
    return false;
  }
  return true;
}

bool saveChartsSvg(const QList<QChartView*>& charts, const QString& path, const QString& title,
                   QString* error) {
  {
    QFile probe(path);
    if (!probe.open(QIODevice::WriteOnly)) {
      setError(error, QStringLiteral("%1: %2").arg(path, probe.errorString()));
      return false;
    }
  }
  QSvgGenerator gen;
  gen.setFileName(path);
  gen.setTitle(title);
  gen.setDescription(QStringLiteral("BNN Explorer uncertainty chart"));
  const QSize size = combinedSize(charts);
  gen.setSize(size);
  gen.setViewBox(QRect(QPoint(0, 0), size));
  QPainter p;
  if (!p.begin(&gen)) {
    setError(error, QStringLiteral("%1: cannot write the SVG file").arg(path));
    return false;
  }
  paintCharts(p, charts);
  p.end();
  return true;
}

bool saveText(const QString& path, const std::string& text, QString* error) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) {
    setError(error, QStringLiteral("%1: %2").arg(path, f.errorString()));
    return false;
  }
  f.write(text.data(), qint64(text.size()));
  if (!f.commit()) {
    setError(error, QStringLiteral("%1: %2").arg(path, f.errorString()));
    return false;
  }
  return true;
}

QImage galleryGrid(const QList<GalleryTile>& tiles, int columns, const QPalette& palette) {
  const QSize tile = GalleryDelegate::tileSize();
  const int n = int(tiles.size());
  const int cols = std::max(1, std::min(columns, n));
  const int rows = std::max(1, (n + cols - 1) / cols);
  QImage img(cols * tile.width(), rows * tile.height(), QImage::Format_RGB32);
  img.fill(palette.color(QPalette::Base));
  QPainter p(&img);
  for (int i = 0; i < n; ++i) {
    const QRect r(QPoint((i % cols) * tile.width(), (i / cols) * tile.height()), tile);
    GalleryDelegate::paintTile(&p, r, tiles[i], false, palette);
  }
  return img;
}

}  // namespace uncertainty_export
