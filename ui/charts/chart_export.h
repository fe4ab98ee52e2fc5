#pragma once
// The one export routine of every chart: what a view can export is a ChartExport (charts drawn
// side by side as PNG or SVG, and the same data as CSV); the views only describe it. The file
// dialog remembers its last folder; failures name the file and the reason.
// Threading: GUI thread only.

#include <QColor>
#include <QImage>
#include <QList>
#include <QString>
#include <functional>
#include <string>

QT_BEGIN_NAMESPACE
class QChartView;
class QToolButton;
class QWidget;
QT_END_NAMESPACE

/// One line of a legend drawn above exported charts whose own legends are hidden (views that
/// show one legend for several charts outside them).
struct ChartLegendEntry {
  QString text;
  QColor color;
  Qt::PenStyle style = Qt::SolidLine;
};

struct ChartExport {
  QString title;                     // "Threshold curves": menu entries and the SVG title
  QString baseName;                  // "threshold_curve": the suggested file name
  QList<QChartView*> charts;         // drawn side by side; empty: no PNG / SVG
  std::function<std::string()> csv;  // the data behind them; null: no CSV
  int columns = 0;                   // charts per row in the image (0: all in one row)
  QList<ChartLegendEntry> legend;    // drawn above the charts when not empty

  bool hasImage() const { return !charts.isEmpty(); }
  bool hasCsv() const { return bool(csv); }
  bool isEmpty() const { return !hasImage() && !hasCsv(); }
};

enum class ExportFormat { Png, Svg, Csv };

namespace chart_export {

QString suffix(ExportFormat format);  // "png", "svg", "csv"
/// The charts at their on-screen size (640x420 for one never shown), `columns` per row, under
/// the legend when there is one.
QImage render(const ChartExport& what);
/// Writes `what` as `format` to `path` (atomically). False with a reason naming the file.
bool save(const ChartExport& what, ExportFormat format, const QString& path, QString* error);
/// Asks for a file and saves; failures are shown in a message box. Returns the path written,
/// or an empty string when cancelled or failed.
QString saveWithDialog(QWidget* parent, const ChartExport& what, ExportFormat format);
/// Writes text atomically (replaces `path` only once everything is written).
bool saveText(const QString& path, const std::string& text, QString* error);
/// One run's CSV table with a first column "run" holding `run` (CSV-quoted when needed); the
/// header line is kept only when `header` (tables of several runs are concatenated).
std::string withRunColumn(const std::string& csv, const QString& run, bool header);
/// An "Export" tool button whose menu offers what `provider` returns when it opens.
QToolButton* makeExportButton(QWidget* parent, std::function<ChartExport()> provider);

}  // namespace chart_export
