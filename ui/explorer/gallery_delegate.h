#pragma once
// Paints one tile of the uncertainty gallery: the digit (nearest-neighbour scaled), true and
// predicted label, max p̄, and a mini bar chart of the ten mean class probabilities; wrong
// predictions get a red border. Runs without images get text-only tiles. GUI thread only.

#include <QImage>
#include <QList>
#include <QStyledItemDelegate>

struct GalleryTile {
  int imageIndex = -1;
  int trueClass = -1;
  int predictedClass = -1;
  double maxProb = 0;
  QList<double> probabilities;
  QImage digit;  // null: text-only tile
};

class GalleryDelegate : public QStyledItemDelegate {
  Q_OBJECT
 public:
  explicit GalleryDelegate(QObject* parent = nullptr);

  static QSize tileSize() { return {120, 164}; }
  static GalleryTile tileFromIndex(const QModelIndex& index);
  /// Draws a tile into `rect` (also used to export the gallery as an image).
  static void paintTile(QPainter* painter, const QRect& rect, const GalleryTile& tile, bool selected,
                        const QPalette& palette);
  /// Tiles in rows of `columns` as one image (the export of the gallery).
  static QImage grid(const QList<GalleryTile>& tiles, int columns, const QPalette& palette);

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};
