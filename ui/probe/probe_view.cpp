#include "probe/probe_view.h"

#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <cstring>

#include "common/digit_view.h"
#include "common/job_runner.h"
#include "common/sampled_runs.h"
#include "common/view_scaffold.h"
#include "data/mnist_style.h"
#include "probe/drawing_canvas.h"
#include "probe/probe_result_pane.h"
#include "run/posterior_probe.h"
#include "run/posterior_samples.h"
#include "util/format.h"
#include "views/run_pair_picker.h"

namespace {

QStringList classNamesOf(const bnn::RunResult& r, int classes) {
  QStringList out;
  for (int k = 0; k < classes; ++k) out << QString::fromStdString(r.className(k));
  return out;
}

QToolButton* toolButton(const QString& text, const QString& tip, QWidget* parent) {
  auto* b = new QToolButton(parent);
  b->setText(text);
  b->setToolTip(tip);
  b->setToolButtonStyle(Qt::ToolButtonTextOnly);
  return b;
}

}  // namespace

ProbeView::ProbeView(const ViewContext& context, QWidget* parent) : AnalysisView(context, parent) {
  const ViewScaffold scaffold = makeViewScaffold(this);
  QWidget* content = scaffold.content;
  QVBoxLayout* root = scaffold.root;
  m_picker = scaffold.picker;

  m_root = root;
  m_body = new QHBoxLayout;
  root->addLayout(m_body, 1);
  QHBoxLayout* body = m_body;

  // Canvas and its tools.
  auto* drawBox = new QGroupBox(QStringLiteral("Drawing"), content);
  auto* drawLayout = new QVBoxLayout(drawBox);
  m_canvas = new DrawingCanvas(drawBox);
  drawLayout->addWidget(m_canvas, 1);
  auto* tools = new QHBoxLayout;
  tools->addWidget(new QLabel(QStringLiteral("Brush"), drawBox));
  m_brush = new QDoubleSpinBox(drawBox);
  m_brush->setRange(0.5, 6.0);
  m_brush->setSingleStep(0.5);
  m_brush->setDecimals(1);
  m_brush->setValue(m_canvas->brushSize());
  m_brush->setSuffix(QStringLiteral(" px"));
  m_brush->setToolTip(
      QStringLiteral("Brush diameter in pixels of the 28 x 28 input (MNIST strokes: about 2-3)"));
  tools->addWidget(m_brush);
  m_eraser = toolButton(QStringLiteral("Eraser"), QStringLiteral("Erase instead of drawing (E)"), drawBox);
  m_eraser->setCheckable(true);
  m_eraser->setShortcut(QKeySequence(Qt::Key_E));
  tools->addWidget(m_eraser);
  m_undo =
      toolButton(QStringLiteral("Undo"), QStringLiteral("Undo the last stroke or edit (Ctrl+Z)"), drawBox);
  m_undo->setShortcut(QKeySequence::Undo);
  m_undo->setEnabled(false);
  tools->addWidget(m_undo);
  auto* clear = toolButton(QStringLiteral("Clear"), QStringLiteral("Clear the canvas"), drawBox);
  tools->addWidget(clear);
  tools->addStretch(1);
  drawLayout->addLayout(tools);

  auto* edits = new QHBoxLayout;
  auto* rotL = toolButton(QStringLiteral("⟲ 15°"), QStringLiteral("Rotate 15° anticlockwise"), drawBox);
  auto* rotR = toolButton(QStringLiteral("⟳ 15°"), QStringLiteral("Rotate 15° clockwise"), drawBox);
  auto* left = toolButton(QStringLiteral("←"), QStringLiteral("Shift one input pixel left"), drawBox);
  auto* right = toolButton(QStringLiteral("→"), QStringLiteral("Shift one input pixel right"), drawBox);
  auto* up = toolButton(QStringLiteral("↑"), QStringLiteral("Shift one input pixel up"), drawBox);
  auto* down = toolButton(QStringLiteral("↓"), QStringLiteral("Shift one input pixel down"), drawBox);
  auto* thicken = toolButton(QStringLiteral("Thicken"),
                             QStringLiteral("Make every stroke about one input pixel thicker"), drawBox);
  for (QToolButton* b : {rotL, rotR, left, right, up, down, thicken}) edits->addWidget(b);
  edits->addStretch(1);
  drawLayout->addLayout(edits);

  auto* sources = new QHBoxLayout;
  sources->addWidget(new QLabel(QStringLiteral("Test image #"), drawBox));
  m_testIndex = new QSpinBox(drawBox);
  m_testIndex->setRange(0, 0);
  m_testIndex->setToolTip(QStringLiteral("Index of a test image of the chosen run's dataset"));
  sources->addWidget(m_testIndex);
  m_editTest = new QPushButton(QStringLiteral("Edit"), drawBox);
  m_editTest->setToolTip(QStringLiteral("Put this test image on the canvas to edit it"));
  sources->addWidget(m_editTest);
  auto* load = new QPushButton(QStringLiteral("Load image…"), drawBox);
  load->setToolTip(
      QStringLiteral("Load a PNG or JPEG picture (converted to grey; light backgrounds are inverted)"));
  sources->addWidget(load);
  sources->addStretch(1);
  drawLayout->addLayout(sources);
  m_source = new QLabel(drawBox);
  m_source->setWordWrap(true);
  drawLayout->addWidget(m_source);
  body->addWidget(drawBox, 4);
  m_drawBox = drawBox;

  // The network's input.
  auto* inputBox = new QGroupBox(QStringLiteral("Network input (28 x 28)"), content);
  auto* inputLayout = new QVBoxLayout(inputBox);
  m_input = new DigitView(inputBox);
  m_input->setMinimumSize(112, 112);
  m_input->setToolTip(QStringLiteral(
      "What the network sees: the ink's bounding box fitted into 20 x 20 keeping its aspect ratio, "
      "anti-aliased, and placed in the 28 x 28 frame by its centre of mass, as MNIST was made"));
  inputLayout->addWidget(m_input, 1);
  m_inputNote = new QLabel(inputBox);
  m_inputNote->setWordWrap(true);
  inputLayout->addWidget(m_inputNote);
  inputLayout->addStretch(0);
  body->addWidget(inputBox, 2);
  m_inputBox = inputBox;

  // The runs' answers: beside the drawing, or below it when the view is too narrow for both.
  m_answers = new QWidget(content);
  auto* answers = new QHBoxLayout(m_answers);
  answers->setContentsMargins(0, 0, 0, 0);
  for (int i = 0; i < 2; ++i) {
    m_panes[i] = new ProbeResultPane(m_answers);
    answers->addWidget(m_panes[i], 1);
  }
  m_panes[1]->hide();
  body->addWidget(m_answers, 6);

  connect(m_canvas, &DrawingCanvas::imageChanged, this, &ProbeView::drawingChanged);
  connect(m_canvas, &DrawingCanvas::undoAvailable, m_undo, &QToolButton::setEnabled);
  connect(m_brush, &QDoubleSpinBox::valueChanged, m_canvas, &DrawingCanvas::setBrushSize);
  connect(m_eraser, &QToolButton::toggled, m_canvas, &DrawingCanvas::setEraser);
  connect(m_undo, &QToolButton::clicked, m_canvas, &DrawingCanvas::undo);
  connect(clear, &QToolButton::clicked, m_canvas, &DrawingCanvas::clear);
  connect(rotL, &QToolButton::clicked, this, [this] { m_canvas->rotate(-15); });
  connect(rotR, &QToolButton::clicked, this, [this] { m_canvas->rotate(15); });
  connect(left, &QToolButton::clicked, this, [this] { m_canvas->shift(-1, 0); });
  connect(right, &QToolButton::clicked, this, [this] { m_canvas->shift(1, 0); });
  connect(up, &QToolButton::clicked, this, [this] { m_canvas->shift(0, -1); });
  connect(down, &QToolButton::clicked, this, [this] { m_canvas->shift(0, 1); });
  connect(thicken, &QToolButton::clicked, m_canvas, &DrawingCanvas::thicken);
  connect(m_editTest, &QPushButton::clicked, this, [this] { editTestImage(m_testIndex->value()); });
  connect(load, &QPushButton::clicked, this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, QStringLiteral("Load an image"), QString(),
                                     QStringLiteral("Images (*.png *.jpg *.jpeg *.bmp *.pgm)"));
    if (!path.isEmpty()) loadImageFile(path);
  });
  m_runs = new SampledRuns(m_picker, this);
  connect(m_runs, &SampledRuns::shownChanged, this, &ProbeView::shownChanged);
  drawingChanged();
  shownChanged();
}

void ProbeView::updateRun(const ViewRun& run) {
  // New samples of a shown run are probed again; a new name or colour only renames its pane.
  m_updating = true;
  m_probeWanted = false;
  const bool samplesChanged = m_runs->setRun(run);
  m_updating = false;
  if (m_probeWanted || (samplesChanged && m_runs->shownIds().contains(run.id))) probeAll();
}

void ProbeView::removeRun(const QString& id) {
  if (JobRunner* jobs = context().jobs) jobs->forgetRun(id);
  m_runs->removeRun(id);
}

void ProbeView::selectPair(const QString& id, const QString& comparison) { m_runs->setPair(id, comparison); }

void ProbeView::selectRun(const QString& id) { m_runs->select(id); }

QString ProbeView::primaryId() const { return m_runs->primaryId(); }

const ViewRun* ProbeView::runOf(const QString& id) const { return m_runs->run(id); }

bool ProbeView::answersBelow() const { return m_stacked; }

void ProbeView::resizeEvent(QResizeEvent* event) {
  AnalysisView::resizeEvent(event);
  arrangeAnswers();
}

// One row (drawing, input, answers) when the view is wide enough for the drawing and the input
// at their minimum widths and the answers at the width they ask for (their bars, labels and
// sample strips squeezed any narrower get cut); else the answers go below the drawing, side by
// side across the whole width.
void ProbeView::arrangeAnswers() {
  const int spacing = m_body->spacing() > 0 ? m_body->spacing() : 6;
  const int margins = m_root->contentsMargins().left() + m_root->contentsMargins().right();
  const int oneRow = m_drawBox->minimumSizeHint().width() + m_inputBox->minimumSizeHint().width() +
                     m_answers->sizeHint().width() + 2 * spacing + margins;
  const bool stacked = width() < oneRow;
  if (stacked == m_stacked) return;
  m_stacked = stacked;
  if (stacked) {
    m_body->removeWidget(m_answers);
    m_root->addWidget(m_answers, 1);
    m_root->setStretchFactor(m_body, 0);  // the drawing at its natural size, the answers below
  } else {
    m_root->removeWidget(m_answers);
    m_body->addWidget(m_answers, 6);
    m_root->setStretchFactor(m_body, 1);
  }
}

// The shown pair changed, or a shown run got a new result, name or colour.
void ProbeView::shownChanged() {
  m_panes[1]->setVisible(!m_runs->comparisonId().isEmpty());
  arrangeAnswers();
  updateTestImageRange();
  const bool pairChanged = m_probed[0] != m_runs->primaryId() || m_probed[1] != m_runs->comparisonId();
  if (pairChanged) {
    if (m_updating)
      m_probeWanted = true;
    else
      probeAll();
    return;
  }
  showRunHeader(0);
  if (!m_runs->comparisonId().isEmpty()) showRunHeader(1);
}

void ProbeView::updateTestImageRange() {
  const ViewRun* r = runOf(primaryId());
  const int64_t n = r && r->result ? r->result->testCount() : 0;
  m_testIndex->setMaximum(int(std::max<int64_t>(0, n - 1)));
  m_testIndex->setEnabled(n > 0);
  m_editTest->setEnabled(n > 0);
}

bool ProbeView::editTestImage(int64_t index) {
  const ViewRun* r = runOf(primaryId());
  return r && putTestImage(*r, index);
}

QString ProbeView::sourceText() const { return m_source->text(); }

bool ProbeView::editImage(const QString& runId, qint64 image) {
  const ViewRun* found = runOf(runId);
  if (!found) return false;
  const ViewRun run = *found;
  if (run.result && run.result->samples && runId != primaryId()) selectRun(runId);
  return putTestImage(run, image);
}

bool ProbeView::putTestImage(const ViewRun& r, int64_t index) {
  if (!r.result) return false;
  const QImage img = digitImage(*r.result, index);
  if (img.isNull()) return false;
  m_canvas->setImage(img);
  const int label = r.result->testLabels()[size_t(index)];
  QString text = QStringLiteral("Editing test image #%1 of %2 (true %3: %4)")
                     .arg(index)
                     .arg(QString::fromStdString(r.result->datasetName))
                     .arg(QString::fromStdString(r.result->classNoun()))
                     .arg(QString::fromStdString(r.result->className(label)));
  if (r.id != primaryId()) text += QStringLiteral(", from %1").arg(r.name);
  m_source->setText(text);
  if (r.id == primaryId()) m_testIndex->setValue(int(index));
  return true;
}

bool ProbeView::loadImageFile(const QString& path) {
  QImageReader reader(path);
  reader.setAutoTransform(true);
  const QImage img = reader.read();
  if (img.isNull()) {
    const QString why = QStringLiteral("Cannot read %1: %2").arg(path, reader.errorString());
    m_source->setText(why);
    Q_EMIT statusMessage(why);
    return false;
  }
  m_canvas->setImage(img);
  m_source->setText(QStringLiteral("Editing %1 (%2 x %3, converted to grey)")
                        .arg(QFileInfo(path).fileName())
                        .arg(img.width())
                        .arg(img.height()));
  return true;
}

void ProbeView::drawingChanged() {
  const QImage& ink = m_canvas->inkImage();
  std::vector<uint8_t> bytes(size_t(ink.width()) * size_t(ink.height()));
  for (int y = 0; y < ink.height(); ++y)
    memcpy(bytes.data() + size_t(y) * size_t(ink.width()), ink.constScanLine(y), size_t(ink.width()));
  bnn::MnistStyleOptions options;
  options.background = bnn::Background::Dark;  // the canvas is light ink on dark
  const bnn::MnistStyleInput in = bnn::toMnistStyle(bytes.data(), ink.height(), ink.width(), options);
  if (in.empty) {
    m_bytes.clear();
    m_input->setImage({});
    m_input->setPlaceholder(QStringLiteral("nothing drawn"));
    m_inputNote->setText(QStringLiteral("Nothing to classify: the canvas is empty."));
  } else {
    m_bytes = in.bytes;
    QImage img(28, 28, QImage::Format_Grayscale8);
    for (int r = 0; r < 28; ++r) memcpy(img.scanLine(r), m_bytes.data() + r * 28, 28);
    m_input->setImage(img);
    QString note = QStringLiteral("Ink box %1 x %2 scaled to %3 x %4; centre of mass at (%5, %6)")
                       .arg(in.box.width())
                       .arg(in.box.height())
                       .arg(in.scaledCols)
                       .arg(in.scaledRows)
                       .arg(in.centre.col, 0, 'f', 1)
                       .arg(in.centre.row, 0, 'f', 1);
    if (in.clippedShare > 0)
      note += QStringLiteral("; %1% of the ink fell outside the frame").arg(100 * in.clippedShare, 0, 'f', 1);
    m_inputNote->setText(note);
  }
  probeAll();
}

QString ProbeView::slotRun(int slot) const {
  return slot == 0 ? m_runs->primaryId() : m_runs->comparisonId();
}

void ProbeView::showRunHeader(int slot) {
  const ViewRun* found = runOf(slotRun(slot));
  if (!found) {
    m_panes[slot]->setRun({}, {}, {}, {}, {});
    return;
  }
  const ViewRun& r = *found;
  if (!r.result) {
    m_panes[slot]->setRun(r.name, r.color, QString(), {}, {});
    return;
  }
  const int classes = r.result->samples ? r.result->samples->numClasses() : r.result->predictive.numClasses();
  m_panes[slot]->setRun(r.name, r.color, QString::fromStdString(r.result->datasetLabel()),
                        classNamesOf(*r.result, classes),
                        r.result->samples ? r.result->samples->steps() : std::vector<int64_t>{});
}

void ProbeView::probeAll() {
  m_probed[0] = m_runs->primaryId();
  m_probed[1] = m_runs->comparisonId();
  probe(0);
  if (!m_probed[1].isEmpty()) probe(1);
}

void ProbeView::probe(int slot) {
  ProbeResultPane* pane = m_panes[slot];
  const QString id = slotRun(slot);
  const QString channel = QStringLiteral("probe/%1").arg(slot);
  JobRunner* jobs = context().jobs;
  auto stop = [&](const QString& why) {
    if (jobs) jobs->cancel(channel);
    pane->setMessage(why);
  };
  if (id.isEmpty() || !runOf(id)) {
    m_panes[slot]->setRun({}, {}, {}, {}, {});
    return stop(m_runs->isEmpty()
                    ? QStringLiteral("No runs yet: start or open a run that keeps posterior samples.")
                    : QStringLiteral("Choose a run with kept samples."));
  }
  showRunHeader(slot);
  const ViewRun& run = *runOf(id);
  if (const QString why = SampledRuns::problem(run); !why.isEmpty()) return stop(why);
  if (m_bytes.empty())
    return stop(QStringLiteral("Nothing to classify: draw a digit, edit a test image or load a picture."));

  std::shared_ptr<const bnn::RunResult> result = run.result;
  auto work = [result, bytes = m_bytes](const JobRunner::CancelCheck&) {
    return bnn::probeImage(*result->samples, bytes.data(), 28, 28);
  };
  auto install = [this, slot, id](bnn::Result<bnn::ImageProbe> p) {
    if (slotRun(slot) != id) return;
    if (p)
      m_panes[slot]->setProbe(*p);
    else
      m_panes[slot]->setMessage(QString::fromStdString(p.error().message()));
    ++m_installed;
    Q_EMIT probeInstalled();
  };
  if (!jobs) {
    install(work([] { return false; }));
    return;
  }
  // A stroke sends a stream of images: the probe in progress finishes and shows, only the one
  // waiting is replaced by the newest drawing.
  jobs->submit(this, channel, {id}, std::move(work), std::move(install), JobRunner::Supersede::QueuedOnly);
}

QList<ChartExport> ProbeView::exports() const {
  ChartExport e;
  e.title = QStringLiteral("Probe of the drawing");
  e.baseName = QStringLiteral("probe");
  const ProbeResultPane* panes[2] = {m_panes[0], m_panes[1]};
  const QString ids[2] = {m_runs->primaryId(), m_runs->comparisonId()};
  bool any = false;
  for (int i = 0; i < 2; ++i) any = any || (!ids[i].isEmpty() && panes[i]->hasProbe());
  if (!any) return {e};
  QHash<QString, ViewRun> runs;
  for (const QString& id : ids)
    if (const ViewRun* r = runOf(id)) runs.insert(id, *r);
  const bnn::ImageProbe p0 = panes[0]->probe(), p1 = panes[1]->probe();
  const bool has0 = panes[0]->hasProbe(), has1 = !ids[1].isEmpty() && panes[1]->hasProbe();
  e.csv = [runs, ids0 = ids[0], ids1 = ids[1], p0, p1, has0, has1]() {
    std::string out;
    auto one = [&](const QString& id, const bnn::ImageProbe& p, bool header) {
      const ViewRun& r = runs[id];
      std::string table = "class,class_name,mean_probability,vote_share\n";
      for (int k = 0; k < p.classes; ++k) {
        std::string name = r.result ? r.result->className(k) : std::to_string(k);
        if (name.find_first_of(",\"\n") != std::string::npos) {
          std::string q = "\"";
          for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
          name = q + "\"";
        }
        table += std::to_string(k) + "," + name + "," + bnn::formatNumber(p.mean[size_t(k)]) + "," +
                 bnn::formatNumber(p.voteShare[size_t(k)]) + "\n";
      }
      out += chart_export::withRunColumn(table, r.name, header);
    };
    if (has0) one(ids0, p0, true);
    if (has1) one(ids1, p1, !has0);
    return out;
  };
  return {e};
}
