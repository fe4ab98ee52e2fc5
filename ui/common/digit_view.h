#pragma once
// Drawing MNIST-style digits sharply: a 28x28 grayscale QImage from a run's test images, and a
// widget that scales it with nearest-neighbour sampling (no smoothing) to fill its square.
// GUI thread only (QImage creation is thread-safe, the widget is not).

#include <QImage>
#include <QString>
#include <QWidget>
#include <cstdint>

namespace bnn {
struct RunResult;
}

/// Grayscale image of test image `index` (0 = black background, 255 = white stroke, as stored).
/// Null when the run carries no images or the index is out of range.
QImage digitImage(const bnn::RunResult& run, int64_t index);

class DigitView : public QWidget {
  Q_OBJECT
 public:
  explicit DigitView(QWidget* parent = nullptr);
  void setImage(const QImage& image);
  /// Text drawn instead of the image (e.g. "no images in this run").
  void setPlaceholder(const QString& text);
  const QImage& image() const { return m_image; }
  QSize sizeHint() const override { return {196, 196}; }
  QSize minimumSizeHint() const override { return {84, 84}; }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  QImage m_image;
  QString m_placeholder;
};
