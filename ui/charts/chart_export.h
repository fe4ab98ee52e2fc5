#pragma once
// The one export routine of every chart: what a view can export is a ChartExport (charts drawn
// side by side as PNG or SVG, and the same data as CSV); the views only describe it. The file
// dialog remembers its last folder; failures name the file and the reason.
// Threading: GUI thread only.

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

struct ChartExport {
  QString title;                     // "Threshold curves": menu entries and the SVG title
  QString baseName;                  // "threshold_curve": the suggested file name
  QList<QChartView*> charts;         // drawn side by side; empty: no PNG / SVG
  std::function<std::string()> csv;  // the data behind them; null: no CSV

  bool hasImage() const { return !charts.isEmpty(); }
  bool hasCsv() const { return bool(csv); }
  bool isEmpty() const { return !hasImage() && !hasCsv(); }
};

enum class ExportFormat { Png, Svg, Csv };

namespace chart_export {

QString suffix(ExportFormat format);  // "png", "svg", "csv"
/// The charts side by side at their on-screen size (640x420 for one never shown).
QImage render(const QList<QChartView*>& charts);
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
