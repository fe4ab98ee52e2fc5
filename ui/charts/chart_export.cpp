#include "charts/chart_export.h"

#include <QChartView>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
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

QSize combinedSize(const QList<QChartView*>& charts) {
  int w = 0, h = 0;
  for (QChartView* c : charts) {
    w += sizeOf(c).width();
    h = std::max(h, sizeOf(c).height());
  }
  return {std::max(w, 1), std::max(h, 1)};
}

void paintCharts(QPainter& p, const QList<QChartView*>& charts) {
  int x = 0;
  for (QChartView* c : charts) {
    const QSize s = sizeOf(c);
    if (c->size().isEmpty()) c->resize(s);  // never shown: lay it out at the export size
    // QGraphicsView::render draws the scene's items (vector primitives on an SVG device).
    c->render(&p, QRectF(x, 0, s.width(), s.height()), c->viewport()->rect());
    x += s.width();
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

QImage render(const QList<QChartView*>& charts) {
  QImage img(combinedSize(charts), QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::white);
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  paintCharts(p, charts);
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
      if (!f.open(QIODevice::WriteOnly) || !render(what.charts).save(&f, "PNG") || !f.commit())
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
        const QSize size = combinedSize(what.charts);
        gen.setSize(size);
        gen.setViewBox(QRect(QPoint(0, 0), size));
        QPainter p;
        if (!p.begin(&gen)) return fail(error, QStringLiteral("%1: cannot write the SVG file").arg(path));
        paintCharts(p, what.charts);
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
