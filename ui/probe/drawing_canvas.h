#pragma once
// DrawingCanvas: a square surface to draw a digit (or any shape) on with the mouse or a pen:
// light ink on a dark background, as MNIST stores its images, at 280 x 280 pixels (ten per pixel
// of the 28 x 28 input). Brush size, eraser, clear and undo; whole-image edits (rotate, shift,
// thicken); and images put onto it to edit (a test image, a PNG/JPEG file). It emits
// imageChanged while a stroke moves, so listeners can follow the drawing live; what it holds is
// always inkImage(), which the probe view turns into the network's input (data/mnist_style.h).
// Threading: GUI thread only.

#include <QImage>
#include <QList>
#include <QPointF>
#include <QWidget>

class DrawingCanvas : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kSide = 280;  // pixels of the ink image

  explicit DrawingCanvas(QWidget* parent = nullptr);

  /// The drawing: kSide x kSide, Format_Grayscale8, 0 background .. 255 ink.
  const QImage& inkImage() const { return m_ink; }
  bool isEmpty() const;

  /// Brush diameter in pixels of the 28 x 28 input (1 .. 6; the canvas draws ten times wider).
  void setBrushSize(double inputPixels);
  double brushSize() const { return m_brush; }
  void setEraser(bool on) { m_eraser = on; }
  bool isEraser() const { return m_eraser; }

  /// Replaces the drawing (undoable). `image` of any size and format: converted to grey, a light
  /// background inverted (the mean of its border above half), scaled to fit keeping the aspect
  /// ratio and centred. 28 x 28 images (test images) are scaled by exactly ten.
  void setImage(const QImage& image);
  void clear();
  /// Rotates about the centre by `degrees` (positive: clockwise), bilinear.
  void rotate(double degrees);
  /// Shifts by whole pixels of the input (dx right, dy down); what leaves the canvas is lost.
  void shift(int dx, int dy);
  /// Makes strokes about one input pixel thicker (a grey dilation of radius 5 canvas pixels).
  void thicken();
  bool canUndo() const { return !m_undo.isEmpty(); }
  void undo();

  /// Draws a stroke through `points` (canvas pixels) as the mouse would (tests, automation).
  void drawStroke(const QList<QPointF>& points);

  QSize sizeHint() const override { return {kSide, kSide}; }
  QSize minimumSizeHint() const override { return {140, 140}; }
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int w) const override { return w; }

 Q_SIGNALS:
  /// The drawing changed (during a stroke: at every move).
  void imageChanged();
  void undoAvailable(bool available);

 protected:
  void paintEvent(QPaintEvent*) override;
  void mousePressEvent(QMouseEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void mouseReleaseEvent(QMouseEvent*) override;
  void tabletEvent(QTabletEvent*) override;

 private:
  QRect square() const;
  QPointF toCanvas(const QPointF& widgetPos) const;
  void pushUndo();
  void replace(QImage image);
  void beginStroke(const QPointF& widgetPos, double pressure);
  void continueStroke(const QPointF& widgetPos, double pressure);
  void endStroke();
  void paintSegment(const QPointF& a, const QPointF& b, double pressure);

  QImage m_ink;
  QList<QImage> m_undo;
  double m_brush = 2.0;
  bool m_eraser = false;
  bool m_drawing = false;
  QPointF m_last;
};
