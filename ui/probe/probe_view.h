#pragma once
// ProbeView ("Draw & probe"): draw a digit, or edit a test image or a picture, and see at once
// what a run's kept posterior samples make of it. The drawing (DrawingCanvas) is turned into the
// network's 28 x 28 input the way MNIST was made (data/mnist_style.h), shown beside the canvas;
// every change of the drawing probes the chosen run's samples (run/posterior_probe.h) on the
// background runner, latest request wins (the canvas never waits for it), and a second run can
// be probed on the same image side by side. Runs without kept samples are listed with the reason
// they cannot be probed.
// Threading: GUI thread only.

#include <QHash>
#include <QImage>
#include <cstdint>
#include <vector>

#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QDoubleSpinBox;
class QHBoxLayout;
class QResizeEvent;
class QVBoxLayout;
class QLabel;
class QPushButton;
class QSpinBox;
class QToolButton;
QT_END_NAMESPACE

class DigitView;
class DrawingCanvas;
class ProbeResultPane;
class RunPairPicker;
class SampledRuns;

class ProbeView : public AnalysisView {
  Q_OBJECT
 public:
  explicit ProbeView(const ViewContext& context, QWidget* parent = nullptr);

  Feeds feeds() const override { return Results; }
  void updateRun(const ViewRun& run) override;
  void removeRun(const QString& id) override;
  void selectRun(const QString& id) override;
  void selectPair(const QString& id, const QString& comparison) override;
  QList<ChartExport> exports() const override;
  bool editsImages() const override { return true; }
  /// Test image `image` of run `runId` onto the canvas. The run becomes the probed one if it
  /// kept samples; otherwise (an evaluation, a run without samples) the probed run stays.
  bool editImage(const QString& runId, qint64 image) override;

  DrawingCanvas* canvas() const { return m_canvas; }
  RunPairPicker* runPicker() const { return m_picker; }
  ProbeResultPane* primaryPane() const { return m_panes[0]; }
  ProbeResultPane* comparisonPane() const { return m_panes[1]; }
  DigitView* inputView() const { return m_input; }
  /// The network's input made from the drawing (784 bytes; empty when there is no ink).
  const std::vector<uint8_t>& inputBytes() const { return m_bytes; }
  /// Puts test image `index` of the chosen run's test set on the canvas; false if there is none.
  bool editTestImage(int64_t index);
  /// Loads a PNG/JPEG (or any image Qt reads) onto the canvas; false with a message if unreadable.
  bool loadImageFile(const QString& path);
  /// What the canvas holds ("Editing test image #3 of MNIST (true digit: 5)").
  QString sourceText() const;
  /// Probes installed so far (tests).
  int probesInstalled() const { return m_installed; }
  /// True when the view is too narrow for the answers beside the drawing: they are below it.
  bool answersBelow() const;

 Q_SIGNALS:
  void probeInstalled();

 private:
  void resizeEvent(QResizeEvent* event) override;
  void arrangeAnswers();
  void shownChanged();
  void drawingChanged();
  void probeAll();
  void probe(int slot);
  void showRunHeader(int slot);
  QString slotRun(int slot) const;
  void updateTestImageRange();
  bool putTestImage(const ViewRun& run, int64_t index);

  QString primaryId() const;
  const ViewRun* runOf(const QString& id) const;

  SampledRuns* m_runs = nullptr;  // the runs, the probed one and the compared one
  QString m_probed[2];            // the runs of the last probes (slot 0, slot 1)
  bool m_updating = false;        // inside updateRun: it decides whether to probe
  bool m_probeWanted = false;     // the probed pair changed during updateRun
  RunPairPicker* m_picker = nullptr;
  QVBoxLayout* m_root = nullptr;  // the scaffold's: header, body, (answers when stacked)
  QHBoxLayout* m_body = nullptr;  // drawing, input, (answers when wide enough)
  QWidget* m_drawBox = nullptr;
  QWidget* m_inputBox = nullptr;
  QWidget* m_answers = nullptr;  // both result panes
  bool m_stacked = false;
  DrawingCanvas* m_canvas = nullptr;
  DigitView* m_input = nullptr;
  QLabel* m_inputNote = nullptr;
  QDoubleSpinBox* m_brush = nullptr;
  QToolButton* m_eraser = nullptr;
  QToolButton* m_undo = nullptr;
  QSpinBox* m_testIndex = nullptr;
  QPushButton* m_editTest = nullptr;
  QLabel* m_source = nullptr;
  ProbeResultPane* m_panes[2] = {nullptr, nullptr};
  std::vector<uint8_t> m_bytes;
  int m_installed = 0;
};
