#include "common/digit_view.h"

#include <QPainter>

#include "run/run_result.h"

QImage digitImage(const bnn::RunResult& run, int64_t index) {
  const int rows = run.imageRows(), cols = run.imageCols();
  if (rows <= 0 || cols <= 0 || index < 0) return {};
  const size_t pixels = size_t(rows) * size_t(cols);
  if (run.testImages().size() < (size_t(index) + 1) * pixels) return {};
  QImage img(cols, rows, QImage::Format_Grayscale8);
  const uint8_t* src = run.testImages().data() + size_t(index) * pixels;
  for (int r = 0; r < rows; ++r) memcpy(img.scanLine(r), src + size_t(r) * size_t(cols), size_t(cols));
  return img;
}

DigitView::DigitView(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void DigitView::setImage(const QImage& image) {
  m_image = image;
  update();
}

void DigitView::setPlaceholder(const QString& text) {
  m_placeholder = text;
  update();
}

void DigitView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const int side = std::min(width(), height());
  const QRect square((width() - side) / 2, (height() - side) / 2, side, side);
  if (m_image.isNull()) {
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(square.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(square, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    return;
  }
  // Nearest neighbour: an integer multiple of the image size where possible.
  const int scale = std::max(1, side / std::max(m_image.width(), m_image.height()));
  const QSize target = m_image.size() * scale;
  const QRect r(square.center().x() - target.width() / 2 + 1, square.center().y() - target.height() / 2 + 1,
                target.width(), target.height());
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  p.drawImage(r, m_image);
}
