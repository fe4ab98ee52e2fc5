#include "explorer/gallery_delegate.h"

#include <QPainter>

#include "explorer/uncertainty_gallery_model.h"

namespace {
const QColor kWrong(205, 30, 30);
const QColor kPredicted(45, 110, 200);
const QColor kTrue(40, 150, 60);
const QColor kOther(160, 160, 160);
}  // namespace

GalleryDelegate::GalleryDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

GalleryTile GalleryDelegate::tileFromIndex(const QModelIndex& index) {
  GalleryTile t;
  t.imageIndex = index.data(UncertaintyGalleryModel::ImageIndexRole).toInt();
  t.trueClass = index.data(UncertaintyGalleryModel::TrueClassRole).toInt();
  t.predictedClass = index.data(UncertaintyGalleryModel::PredictedClassRole).toInt();
  t.maxProb = index.data(UncertaintyGalleryModel::MaxProbRole).toDouble();
  t.probabilities = index.data(UncertaintyGalleryModel::ProbabilitiesRole).value<QList<double>>();
  t.digit = index.data(UncertaintyGalleryModel::DigitImageRole).value<QImage>();
  return t;
}

void GalleryDelegate::paintTile(QPainter* p, const QRect& rect, const GalleryTile& t, bool selected,
                                const QPalette& palette) {
  p->save();
  p->setRenderHint(QPainter::Antialiasing, false);
  p->setRenderHint(QPainter::SmoothPixmapTransform, false);
  const QRect r = rect.adjusted(2, 2, -2, -2);
  p->fillRect(r, selected ? palette.color(QPalette::Highlight).lighter(170) : palette.color(QPalette::Base));
  const bool wrong = t.trueClass != t.predictedClass;

  // Digit: 28x28 scaled 3x, no smoothing.
  const QRect digitRect(r.center().x() - 42 + 1, r.top() + 6, 84, 84);
  if (!t.digit.isNull()) {
    p->drawImage(digitRect, t.digit);
  } else {
    p->fillRect(digitRect, palette.color(QPalette::AlternateBase));
    QFont big = p->font();
    big.setPointSizeF(big.pointSizeF() * 1.1);
    p->setFont(big);
    p->setPen(palette.color(QPalette::Text));
    p->drawText(digitRect, Qt::AlignCenter, QStringLiteral("#%1\n(no image)").arg(t.imageIndex));
  }

  QFont small = p->font();
  small.setPointSizeF(std::max(7.0, QFont().pointSizeF() * 0.85));
  p->setFont(small);
  const int lineH = QFontMetrics(small).height();
  int y = digitRect.bottom() + 4;
  // Line 1: "true 8  pred 3" (prediction red when wrong).
  const QRect line1(r.left() + 4, y, r.width() - 8, lineH);
  const QString trueText = QStringLiteral("true %1").arg(t.trueClass);
  const QString predText = QStringLiteral("pred %1").arg(t.predictedClass);
  p->setPen(palette.color(QPalette::Text));
  p->drawText(line1, Qt::AlignLeft | Qt::AlignVCenter, trueText);
  p->setPen(wrong ? kWrong : palette.color(QPalette::Text));
  p->drawText(line1, Qt::AlignRight | Qt::AlignVCenter, predText);
  y += lineH;
  // Line 2: max p̄ and the test index.
  const QRect line2(r.left() + 4, y, r.width() - 8, lineH);
  p->setPen(palette.color(QPalette::Text));
  p->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("p̄ %1").arg(t.maxProb, 0, 'f', 3));
  p->setPen(palette.color(QPalette::PlaceholderText));
  p->drawText(line2, Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("#%1").arg(t.imageIndex));
  y += lineH + 2;

  // Mini bar chart of p̄ over the classes: predicted blue, true green (when different).
  const int n = int(t.probabilities.size());
  if (n > 0) {
    const int chartH = std::max(10, r.bottom() - 4 - y);
    const int barW = std::max(2, (r.width() - 12) / n);
    const int left = r.center().x() - barW * n / 2;
    p->setPen(palette.color(QPalette::Mid));
    p->drawLine(left, y + chartH, left + barW * n, y + chartH);
    for (int c = 0; c < n; ++c) {
      const int h = int(std::lround(t.probabilities[c] * chartH));
      const QColor color = c == t.predictedClass ? kPredicted : c == t.trueClass ? kTrue : kOther;
      if (h > 0) p->fillRect(QRect(left + c * barW + 1, y + chartH - h, barW - 2, h), color);
      if (c == t.trueClass && wrong)  // mark the true class even when its bar is tiny
        p->fillRect(QRect(left + c * barW + 1, y + chartH + 1, barW - 2, 2), kTrue);
    }
  }

  // Border: red and thick for wrong predictions.
  p->setBrush(Qt::NoBrush);
  if (wrong) {
    p->setPen(QPen(kWrong, 3));
    p->drawRect(r.adjusted(1, 1, -2, -2));
  } else {
    p->setPen(QPen(palette.color(QPalette::Mid), 1));
    p->drawRect(r.adjusted(0, 0, -1, -1));
  }
  if (selected) {
    p->setPen(QPen(palette.color(QPalette::Highlight), 2, Qt::DashLine));
    p->drawRect(rect.adjusted(1, 1, -1, -1));
  }
  p->restore();
}

void GalleryDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                            const QModelIndex& index) const {
  paintTile(painter, option.rect, tileFromIndex(index), option.state.testFlag(QStyle::State_Selected),
            option.palette);
}

QSize GalleryDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const { return tileSize(); }

QImage GalleryDelegate::grid(const QList<GalleryTile>& tiles, int columns, const QPalette& palette) {
  const QSize tile = tileSize();
  const int n = int(tiles.size());
  const int cols = std::max(1, std::min(columns, n));
  const int rows = std::max(1, (n + cols - 1) / cols);
  QImage img(cols * tile.width(), rows * tile.height(), QImage::Format_RGB32);
  img.fill(palette.color(QPalette::Base));
  QPainter p(&img);
  for (int i = 0; i < n; ++i) {
    const QRect r(QPoint((i % cols) * tile.width(), (i / cols) * tile.height()), tile);
    paintTile(&p, r, tiles[i], false, palette);
  }
  return img;
}
