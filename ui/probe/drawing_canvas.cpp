#include "probe/drawing_canvas.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTabletEvent>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace {

constexpr int kUndoDepth = 50;
constexpr double kScale = DrawingCanvas::kSide / 28.0;  // canvas pixels per input pixel

QImage blankInk() {
  QImage img(DrawingCanvas::kSide, DrawingCanvas::kSide, QImage::Format_Grayscale8);
  img.fill(0);
  return img;
}

// Mean of the border pixels of a grey image, 0..255.
double borderMean(const QImage& grey) {
  const int w = grey.width(), h = grey.height();
  double sum = 0;
  int64_t n = 0;
  for (int y = 0; y < h; ++y) {
    const uchar* row = grey.constScanLine(y);
    if (y == 0 || y == h - 1) {
      for (int x = 0; x < w; ++x) sum += row[x];
      n += w;
    } else {
      sum += row[0] + (w > 1 ? row[w - 1] : 0);
      n += w > 1 ? 2 : 1;
    }
  }
  return n > 0 ? sum / double(n) : 0.0;
}

}  // namespace

DrawingCanvas::DrawingCanvas(QWidget* parent) : QWidget(parent), m_ink(blankInk()) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  setCursor(Qt::CrossCursor);
  QSizePolicy sp(QSizePolicy::Expanding, QSizePolicy::Expanding);
  sp.setHeightForWidth(true);
  setSizePolicy(sp);
  setToolTip(QStringLiteral("Draw with the mouse or a pen; the network sees the 28 x 28 input beside it"));
}

bool DrawingCanvas::isEmpty() const {
  for (int y = 0; y < m_ink.height(); ++y) {
    const uchar* row = m_ink.constScanLine(y);
    for (int x = 0; x < m_ink.width(); ++x)
      if (row[x] != 0) return false;
  }
  return true;
}

void DrawingCanvas::setBrushSize(double inputPixels) { m_brush = std::clamp(inputPixels, 0.5, 8.0); }

QRect DrawingCanvas::square() const {
  const int side = std::max(1, std::min(width(), height()));
  return {(width() - side) / 2, (height() - side) / 2, side, side};
}

QPointF DrawingCanvas::toCanvas(const QPointF& pos) const {
  const QRect sq = square();
  const double s = double(kSide) / double(sq.width());
  return {(pos.x() - sq.left()) * s, (pos.y() - sq.top()) * s};
}

void DrawingCanvas::pushUndo() {
  m_undo.append(m_ink);
  if (m_undo.size() > kUndoDepth) m_undo.removeFirst();
  Q_EMIT undoAvailable(true);
}

void DrawingCanvas::replace(QImage image) {
  pushUndo();
  m_ink = std::move(image);
  update();
  Q_EMIT imageChanged();
}

void DrawingCanvas::undo() {
  if (m_undo.isEmpty()) return;
  m_ink = m_undo.takeLast();
  if (m_undo.isEmpty()) Q_EMIT undoAvailable(false);
  update();
  Q_EMIT imageChanged();
}

void DrawingCanvas::clear() { replace(blankInk()); }

void DrawingCanvas::setImage(const QImage& source) {
  if (source.isNull()) return;
  QImage grey = source.convertToFormat(QImage::Format_Grayscale8);
  if (borderMean(grey) > 127.5) grey.invertPixels();
  QImage out = blankInk();
  QPainter p(&out);
  p.setRenderHint(QPainter::SmoothPixmapTransform, true);
  QSize target = grey.size().scaled(kSide, kSide, Qt::KeepAspectRatio);
  if (grey.width() == 28 && grey.height() == 28) target = {kSide, kSide};
  const QRect r((kSide - target.width()) / 2, (kSide - target.height()) / 2, target.width(), target.height());
  p.drawImage(r, grey);
  p.end();
  replace(out.convertToFormat(QImage::Format_Grayscale8));
}

void DrawingCanvas::rotate(double degrees) {
  QImage out(kSide, kSide, QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::black);
  QPainter p(&out);
  p.setRenderHint(QPainter::SmoothPixmapTransform, true);
  p.translate(kSide / 2.0, kSide / 2.0);
  p.rotate(degrees);
  p.translate(-kSide / 2.0, -kSide / 2.0);
  p.drawImage(0, 0, m_ink);
  p.end();
  replace(out.convertToFormat(QImage::Format_Grayscale8));
}

void DrawingCanvas::shift(int dx, int dy) {
  QImage out = blankInk();
  const int ox = int(std::lround(dx * kScale)), oy = int(std::lround(dy * kScale));
  for (int y = 0; y < kSide; ++y) {
    const int sy = y - oy;
    if (sy < 0 || sy >= kSide) continue;
    const uchar* src = m_ink.constScanLine(sy);
    uchar* dst = out.scanLine(y);
    for (int x = 0; x < kSide; ++x) {
      const int sx = x - ox;
      if (sx >= 0 && sx < kSide) dst[x] = src[sx];
    }
  }
  replace(std::move(out));
}

void DrawingCanvas::thicken() {
  // Grey dilation with a disc of radius 5: max over the disc, computed row-wise per offset.
  constexpr int r = 5;
  QImage out = blankInk();
  for (int y = 0; y < kSide; ++y) {
    uchar* dst = out.scanLine(y);
    for (int dy = -r; dy <= r; ++dy) {
      const int sy = y + dy;
      if (sy < 0 || sy >= kSide) continue;
      const int half = int(std::floor(std::sqrt(double(r * r - dy * dy))));
      const uchar* src = m_ink.constScanLine(sy);
      for (int x = 0; x < kSide; ++x) {
        uchar m = dst[x];
        const int lo = std::max(0, x - half), hi = std::min(kSide - 1, x + half);
        for (int sx = lo; sx <= hi; ++sx) m = std::max(m, src[sx]);
        dst[x] = m;
      }
    }
  }
  replace(std::move(out));
}

void DrawingCanvas::paintSegment(const QPointF& a, const QPointF& b, double pressure) {
  QPainter p(&m_ink);
  p.setRenderHint(QPainter::Antialiasing, true);
  const double width = std::max(1.0, m_brush * kScale * std::clamp(pressure, 0.2, 1.5));
  QPen pen(m_eraser ? Qt::black : Qt::white, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
  p.setPen(pen);
  if (a == b)
    p.drawPoint(a);
  else
    p.drawLine(a, b);
}

void DrawingCanvas::beginStroke(const QPointF& pos, double pressure) {
  pushUndo();
  m_drawing = true;
  m_last = toCanvas(pos);
  paintSegment(m_last, m_last, pressure);
  update();
  Q_EMIT imageChanged();
}

void DrawingCanvas::continueStroke(const QPointF& pos, double pressure) {
  if (!m_drawing) return;
  const QPointF next = toCanvas(pos);
  paintSegment(m_last, next, pressure);
  m_last = next;
  update();
  Q_EMIT imageChanged();
}

void DrawingCanvas::endStroke() { m_drawing = false; }

void DrawingCanvas::drawStroke(const QList<QPointF>& points) {
  if (points.isEmpty()) return;
  pushUndo();
  QPointF last = points.front();
  paintSegment(last, last, 1.0);
  for (const QPointF& pt : points) {
    paintSegment(last, pt, 1.0);
    last = pt;
  }
  update();
  Q_EMIT imageChanged();
}

void DrawingCanvas::mousePressEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return;
  beginStroke(e->position(), 1.0);
}

void DrawingCanvas::mouseMoveEvent(QMouseEvent* e) {
  if (e->buttons() & Qt::LeftButton) continueStroke(e->position(), 1.0);
}

void DrawingCanvas::mouseReleaseEvent(QMouseEvent* e) {
  if (e->button() == Qt::LeftButton) endStroke();
}

void DrawingCanvas::tabletEvent(QTabletEvent* e) {
  // A pen's pressure modulates the width (the brush size at half pressure, thinner for a light
  // touch, up to 1.6 times for a firm one); its eraser end erases.
  const double pressure = e->pressure() > 0 ? 0.4 + 1.2 * e->pressure() : 1.0;
  const bool wasEraser = m_eraser;
  if (e->pointerType() == QPointingDevice::PointerType::Eraser) m_eraser = true;
  switch (e->type()) {
    case QEvent::TabletPress:
      beginStroke(e->position(), pressure);
      break;
    case QEvent::TabletMove:
      continueStroke(e->position(), pressure);
      break;
    case QEvent::TabletRelease:
      endStroke();
      break;
    default:
      break;
  }
  m_eraser = wasEraser;
  e->accept();
}

void DrawingCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Window));
  const QRect sq = square();
  p.setRenderHint(QPainter::SmoothPixmapTransform, true);
  p.drawImage(sq, m_ink);
  // The 20 x 20 box MNIST fits its digits into, as a faint guide.
  p.setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
  const double s = sq.width() / 28.0;
  p.drawRect(QRectF(sq.left() + 4 * s, sq.top() + 4 * s, 20 * s, 20 * s));
  if (isEmpty()) {
    p.setPen(QColor(170, 170, 170));
    p.drawText(sq, Qt::AlignCenter | Qt::TextWordWrap, QStringLiteral("Draw here"));
  }
}
