#pragma once
// GalleryPane: the shown run's test images as tiles, least certain first (or by entropy or
// mutual information), filtered by true and predicted digit, misclassified and confidently
// wrong. The order never changes under the pointer: while the pointer is over the tiles a newer
// result of a running chain is held back (a note says so, with an Update button) and applied
// when the pointer leaves. The current tile is the explorer's selected image; a filter that
// drops it selects the first tile that remains. Exports tiles as a PNG grid (the selected ones,
// the first 15, or all that pass the filter) and the ranked table as CSV.
// Threading: GUI thread only.

#include <QWidget>
#include <memory>

#include "analysis/uncertainty.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class QToolButton;
QT_END_NAMESPACE

class ElidedLabel;
class ExplorerState;
class UncertaintyGalleryModel;
struct RunAnalysis;

class GalleryPane : public QWidget {
  Q_OBJECT
 public:
  /// Tiles in one exported image at most (a 5-column grid of 2,000 tiles is 400 tiles high).
  static constexpr int kMaxExportTiles = 2000;
  enum class TileSet { Selected, First15, All };

  explicit GalleryPane(ExplorerState* state, QWidget* parent = nullptr);

  UncertaintyGalleryModel* model() const { return m_model; }
  QListView* listView() const { return m_view; }

  void setTrueDigit(int digit);       // -1: any
  void setPredictedDigit(int digit);  // -1: any
  void setOnlyMisclassified(bool on);
  void setOnlyConfidentlyWrong(bool on);
  void setOrder(bnn::UncertaintyOrder order);
  /// "82 of 10,000 images".
  QString countText() const;

  /// Whether the pointer is over the tiles (tests set it; events set it in the app).
  void setPointerOver(bool over);
  /// A newer analysis of the shown run is waiting for the pointer to leave.
  bool isHoldingUpdate() const { return m_held != nullptr; }
  void applyHeldUpdate();

  /// Images a tile export of `which` writes, in gallery order.
  QList<int> tilesFor(TileSet which) const;
  /// Writes those tiles as a PNG grid of 5 columns; false with a reason.
  bool exportTiles(TileSet which, const QString& path, QString* error);

 Q_SIGNALS:
  void statusMessage(const QString& text);
  /// The tiles now show another analysis (a newer result or another run).
  void tilesChanged();
  /// "Edit in canvas" on a tile's context menu: test image `image` of the shown run.
  void editInCanvasRequested(int image);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void onShownChanged();
  void show(std::shared_ptr<const RunAnalysis> analysis, bool keepPosition);
  void updateFilter();
  void followSelection();
  void updateCount();
  void exportWithDialog(TileSet which);
  void exportTableWithDialog();

  ExplorerState* m_state;
  UncertaintyGalleryModel* m_model = nullptr;
  QListView* m_view = nullptr;
  QComboBox* m_trueFilter = nullptr;
  QComboBox* m_predictedFilter = nullptr;
  QLabel* m_trueLabel = nullptr;
  QCheckBox* m_misclassified = nullptr;
  QCheckBox* m_confidentlyWrong = nullptr;
  QComboBox* m_order = nullptr;
  ElidedLabel* m_count = nullptr;
  QPushButton* m_update = nullptr;
  QToolButton* m_export = nullptr;
  QString m_shownRun;                          // run id the tiles belong to
  std::shared_ptr<const RunAnalysis> m_shown;  // analysis the tiles show
  std::shared_ptr<const RunAnalysis> m_held;   // newer one, waiting for the pointer to leave
  bool m_pointerOver = false;
  bool m_userPicked = false;        // the selected tile is the user's choice
  bool m_settingSelection = false;  // our own changes of the current tile
};
