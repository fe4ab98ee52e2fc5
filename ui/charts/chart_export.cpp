#include "charts/chart_export.h"

#include <QChartView>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetrics>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPen>
#include <QSaveFile>
#include <QSettings>
#include <QSvgGenerator>
#include <QTemporaryFile>
#include <QToolButton>
#include <algorithm>

#include "util/text_file.h"

namespace chart_export {

namespace {

QSize sizeOf(const QChartView* c) { return c->size().isEmpty() ? QSize(640, 420) : c->size(); }

int columnsOf(const ChartExport& what) {
  const int n = static_cast<int>(what.charts.size());
  return what.columns > 0 ? std::min(what.columns, std::max(n, 1)) : std::max(n, 1);
}

// Legend entries laid out left to right in rows of the given width: each a short line sample
// in the series' colour and pen style, then its text.
constexpr int kLegendPad = 10, kLegendSample = 28, kLegendGap = 18;

struct LegendLayout {
  QList<QRect> boxes;  // one per entry: the sample and the text
  int height = 0;
};

LegendLayout layoutLegend(const QList<ChartLegendEntry>& legend, int width, const QFontMetrics& fm) {
  LegendLayout out;
  if (legend.isEmpty()) return out;
  const int lineHeight = fm.height() + 6;
  int x = kLegendPad, y = kLegendPad;
  for (const ChartLegendEntry& e : legend) {
    const int w = kLegendSample + 6 + fm.horizontalAdvance(e.text);
    if (x > kLegendPad && x + w > width - kLegendPad) {
      x = kLegendPad;
      y += lineHeight;
    }
    out.boxes.append(QRect(x, y, w, lineHeight));
    x += w + kLegendGap;
  }
  out.height = y + lineHeight + kLegendPad / 2;
  return out;
}

QFont legendFont() {
  QFont f;
  f.setPointSizeF(std::max(9.0, f.pointSizeF()));
  return f;
}

// The grid of charts, `columns` per row: each column as wide as its widest chart, each row as
// high as its highest (one row: the charts side by side at their own sizes).
struct Grid {
  QList<int> x, y;  // left edge of each column, top edge of each row (after the legend)
  QSize size;       // the charts' part
};

Grid gridOf(const ChartExport& what, int top) {
  const int cols = columnsOf(what), n = static_cast<int>(what.charts.size());
  const int rows = std::max(1, (n + cols - 1) / cols);
  QList<int> widths(cols, 0), heights(rows, 0);
  for (int i = 0; i < n; ++i) {
    const QSize s = sizeOf(what.charts[i]);
    widths[i % cols] = std::max(widths[i % cols], s.width());
    heights[i / cols] = std::max(heights[i / cols], s.height());
  }
  Grid g;
  int x = 0, y = top;
  for (int w : widths) g.x.append(x), x += w;
  for (int h : heights) g.y.append(y), y += h;
  g.size = QSize(x, y - top);
  return g;
}

int chartsWidth(const ChartExport& what) { return gridOf(what, 0).size.width(); }

QSize combinedSize(const ChartExport& what) {
  const Grid g = gridOf(what, 0);
  const int legend = layoutLegend(what.legend, g.size.width(), QFontMetrics(legendFont())).height;
  return {std::max(g.size.width(), 1), std::max(legend + g.size.height(), 1)};
}

void paintCharts(QPainter& p, const ChartExport& what) {
  p.setFont(legendFont());
  const LegendLayout legend = layoutLegend(what.legend, chartsWidth(what), p.fontMetrics());
  for (int i = 0; i < legend.boxes.size(); ++i) {
    const ChartLegendEntry& e = what.legend[i];
    const QRect& b = legend.boxes[i];
    const int mid = b.center().y();
    p.setPen(QPen(e.color, 2.5, e.style));
    p.drawLine(b.left(), mid, b.left() + kLegendSample, mid);
    p.setPen(Qt::black);
    p.drawText(QRect(b.left() + kLegendSample + 6, b.top(), b.width() - kLegendSample - 6, b.height()),
               Qt::AlignLeft | Qt::AlignVCenter, e.text);
  }
  const int cols = columnsOf(what);
  const Grid g = gridOf(what, legend.height);
  for (int i = 0; i < what.charts.size(); ++i) {
    QChartView* c = what.charts[i];
    const QSize s = sizeOf(c);
    if (c->size().isEmpty()) c->resize(s);  // never shown: lay it out at the export size
    // QGraphicsView::render draws the scene's items (vector primitives on an SVG device).
    c->render(&p, QRectF(g.x[i % cols], g.y[i / cols], s.width(), s.height()), c->viewport()->rect());
  }
}

bool fail(QString* error, const QString& text) {
  if (error) *error = text;
  return false;
}

const char* kLastFolderKey = "export/lastFolder";

}  // namespace

QString suffix(ExportFormat format) {
  switch (format) {
    case ExportFormat::Png:
      return QStringLiteral("png");
    case ExportFormat::Svg:
      return QStringLiteral("svg");
    case ExportFormat::Csv:
      return QStringLiteral("csv");
  }
  return {};
}

QImage render(const ChartExport& what) {
  QImage img(combinedSize(what), QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::white);
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  paintCharts(p, what);
  return img;
}

bool saveText(const QString& path, const std::string& text, QString* error) {
  const bnn::Status st = bnn::writeTextFile(path.toStdString(), text);
  return st.ok() || fail(error, QString::fromStdString(st.error().message()));
}

bool save(const ChartExport& what, ExportFormat format, const QString& path, QString* error) {
  switch (format) {
    case ExportFormat::Csv:
      if (!what.hasCsv()) return fail(error, QStringLiteral("%1 has no table to export").arg(what.title));
      return saveText(path, what.csv(), error);
    case ExportFormat::Png: {
      if (!what.hasImage()) return fail(error, QStringLiteral("%1 has no chart to export").arg(what.title));
      QSaveFile f(path);
      if (!f.open(QIODevice::WriteOnly) || !render(what).save(&f, "PNG") || !f.commit())
        return fail(error, QStringLiteral("%1: cannot write the PNG file (%2)").arg(path, f.errorString()));
      return true;
    }
    case ExportFormat::Svg: {
      if (!what.hasImage()) return fail(error, QStringLiteral("%1 has no chart to export").arg(what.title));
      // QSvgGenerator writes in place: write a temporary sibling, then rename it over `path`.
      const QFileInfo info(path);
      QTemporaryFile tmp(info.absolutePath() + QStringLiteral("/.export-XXXXXX.svg"));
      if (!tmp.open()) return fail(error, QStringLiteral("%1: %2").arg(path, tmp.errorString()));
      {
        QSvgGenerator gen;
        gen.setOutputDevice(&tmp);
        gen.setTitle(what.title);
        gen.setDescription(QStringLiteral("BNN Explorer chart"));
        const QSize size = combinedSize(what);
        gen.setSize(size);
        gen.setViewBox(QRect(QPoint(0, 0), size));
        QPainter p;
        if (!p.begin(&gen)) return fail(error, QStringLiteral("%1: cannot write the SVG file").arg(path));
        paintCharts(p, what);
        p.end();
      }
      tmp.close();
      QFile::remove(path);
      if (!tmp.rename(path)) return fail(error, QStringLiteral("%1: %2").arg(path, tmp.errorString()));
      tmp.setAutoRemove(false);
      return true;
    }
  }
  return false;
}

QString saveWithDialog(QWidget* parent, const ChartExport& what, ExportFormat format) {
  const QString ext = suffix(format);
  QSettings settings;
  const QString folder = settings.value(QLatin1String(kLastFolderKey), QDir::homePath()).toString();
  const QString filter = format == ExportFormat::Csv
                             ? QStringLiteral("CSV table (*.csv)")
                             : QStringLiteral("%1 image (*.%2)").arg(ext.toUpper(), ext);
  QString path =
      QFileDialog::getSaveFileName(parent, QStringLiteral("Export %1").arg(what.title),
                                   QDir(folder).filePath(what.baseName + QLatin1Char('.') + ext), filter);
  if (path.isEmpty()) return {};
  if (QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + ext;
  settings.setValue(QLatin1String(kLastFolderKey), QFileInfo(path).absolutePath());
  QString error;
  if (!save(what, format, path, &error)) {
    QMessageBox::warning(parent, QStringLiteral("Export failed"), error);
    return {};
  }
  return path;
}

std::string withRunColumn(const std::string& csv, const QString& run, bool header) {
  std::string name = run.toStdString();
  if (name.find_first_of(",\"\n") != std::string::npos) {
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    name = q + "\"";
  }
  std::string out;
  size_t start = 0;
  bool first = true;
  while (start < csv.size()) {
    size_t end = csv.find('\n', start);
    if (end == std::string::npos) end = csv.size();
    const std::string line = csv.substr(start, end - start);
    if (first) {
      if (header) out += "run," + line + "\n";
    } else if (!line.empty()) {
      out += name + "," + line + "\n";
    }
    first = false;
    start = end + 1;
  }
  return out;
}

QToolButton* makeExportButton(QWidget* parent, std::function<ChartExport()> provider) {
  auto* button = new QToolButton(parent);
  button->setText(QStringLiteral("Export"));
  button->setToolTip(QStringLiteral("Save this chart as PNG or SVG, or its data as CSV"));
  button->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(button);
  QObject::connect(menu, &QMenu::aboutToShow, button, [menu, parent, provider] {
    menu->clear();
    const ChartExport what = provider();
    for (ExportFormat f : {ExportFormat::Png, ExportFormat::Svg, ExportFormat::Csv}) {
      const QString label = f == ExportFormat::Csv ? QStringLiteral("Data as CSV…")
                                                   : QStringLiteral("Chart as %1…").arg(suffix(f).toUpper());
      QAction* a = menu->addAction(label, parent, [parent, provider, f] {
        const ChartExport current = provider();
        saveWithDialog(parent, current, f);
      });
      a->setEnabled(f == ExportFormat::Csv ? what.hasCsv() : what.hasImage());
    }
  });
  button->setMenu(menu);
  return button;
}

}  // namespace chart_export
