#include "explorer/gallery_pane.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QScopedValueRollback>
#include <QScrollBar>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "charts/chart_export.h"
#include "common/display_path.h"
#include "common/elided_label.h"
#include "explorer/explorer_state.h"
#include "explorer/explorer_text.h"
#include "explorer/gallery_delegate.h"
#include "explorer/uncertainty_gallery_model.h"

GalleryPane::GalleryPane(ExplorerState* state, QWidget* parent) : QWidget(parent), m_state(state) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  auto* box = new QGroupBox(QStringLiteral("Test images, least certain first"), this);
  outer->addWidget(box);
  auto* lay = new QVBoxLayout(box);
  lay->setContentsMargins(4, 4, 4, 4);

  auto* filters = new QGridLayout;
  filters->setHorizontalSpacing(6);
  m_trueFilter = new QComboBox(box);
  m_predictedFilter = new QComboBox(box);
  for (QComboBox* c : {m_trueFilter, m_predictedFilter}) {
    c->addItem(QStringLiteral("any"), -1);
    for (int d = 0; d < 10; ++d) c->addItem(QString::number(d), d);
  }
  m_trueFilter->setToolTip(
      QStringLiteral("Show only images of this true digit (or click a bar of the per-digit chart)"));
  m_predictedFilter->setToolTip(QStringLiteral("Show only images predicted (argmax p̄) as this digit"));
  m_misclassified = new QCheckBox(QStringLiteral("Misclassified"), box);
  m_misclassified->setToolTip(QStringLiteral("Only images whose argmax p̄ differs from the true label"));
  m_confidentlyWrong = new QCheckBox(QStringLiteral("Confidently wrong"), box);
  m_confidentlyWrong->setToolTip(
      QStringLiteral("Only images misclassified although certain: wrong with max p̄ ≥ t"));
  m_order = new QComboBox(box);
  m_order->addItem(QStringLiteral("max p̄, lowest first"), int(bnn::UncertaintyOrder::MaxProbAscending));
  m_order->addItem(QStringLiteral("entropy, highest first"), int(bnn::UncertaintyOrder::EntropyDescending));
  m_order->addItem(QStringLiteral("mutual information, highest first"),
                   int(bnn::UncertaintyOrder::MutualInformationDescending));
  m_order->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_order->setMinimumContentsLength(14);
  m_order->setToolTip(
      QStringLiteral("max p̄: confidence of the averaged prediction. Entropy H[p̄]: total uncertainty. "
                     "Mutual information H[p̄] − E_s H[p_s]: disagreement between posterior samples "
                     "(epistemic). Ties keep the test-set order."));
  auto* trueLabel = m_trueLabel = new QLabel(QStringLiteral("True digit"), box);
  trueLabel->setBuddy(m_trueFilter);
  auto* predLabel = new QLabel(QStringLiteral("Predicted"), box);
  predLabel->setBuddy(m_predictedFilter);
  auto* orderLabel = new QLabel(QStringLiteral("Order"), box);
  orderLabel->setBuddy(m_order);
  filters->addWidget(trueLabel, 0, 0);
  filters->addWidget(m_trueFilter, 0, 1);
  filters->addWidget(predLabel, 0, 2);
  filters->addWidget(m_predictedFilter, 0, 3);
  filters->addWidget(m_misclassified, 1, 0, 1, 2);
  filters->addWidget(m_confidentlyWrong, 1, 2, 1, 2);
  filters->addWidget(orderLabel, 2, 0);
  filters->addWidget(m_order, 2, 1, 1, 3);
  filters->setColumnStretch(4, 1);
  lay->addLayout(filters);

  m_model = new UncertaintyGalleryModel(this);
  m_view = new QListView(box);
  m_view->setModel(m_model);
  m_view->setItemDelegate(new GalleryDelegate(m_view));
  m_view->setViewMode(QListView::IconMode);
  m_view->setMovement(QListView::Static);
  m_view->setResizeMode(QListView::Adjust);
  m_view->setUniformItemSizes(true);
  m_view->setLayoutMode(QListView::Batched);
  m_view->setBatchSize(400);
  m_view->setSpacing(2);
  m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  m_view->verticalScrollBar()->setSingleStep(24);
  // Two whole columns of tiles at least, and room for the scroll bar.
  m_view->setMinimumWidth(2 * (GalleryDelegate::tileSize().width() + 4) +
                          m_view->verticalScrollBar()->sizeHint().width() + 8);
  m_view->setMinimumHeight(GalleryDelegate::tileSize().height() + 8);
  m_view->viewport()->installEventFilter(this);
  lay->addWidget(m_view, 1);

  auto* bottom = new QHBoxLayout;
  m_count = new ElidedLabel(QString(), box);
  m_count->setMinimumChars(14);
  bottom->addWidget(m_count, 1);
  m_update = new QPushButton(QStringLiteral("Update"), box);
  m_update->setToolTip(
      QStringLiteral("A newer result of the running chain is held back while the pointer is over the "
                     "tiles, so that they do not move under it. Show it now."));
  // Keep the button's place when hidden: the row does not jump.
  QSizePolicy keep = m_update->sizePolicy();
  keep.setRetainSizeWhenHidden(true);
  m_update->setSizePolicy(keep);
  m_update->hide();
  bottom->addWidget(m_update);
  m_export = new QToolButton(box);
  m_export->setText(QStringLiteral("Export"));
  m_export->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(m_export);
  connect(menu, &QMenu::aboutToShow, this, [this, menu] {
    menu->clear();
    const qsizetype selected = tilesFor(TileSet::Selected).size();
    const int all = m_model->rowCount();
    QAction* a = menu->addAction(QStringLiteral("Selected tiles (%1) as PNG…").arg(selected), this,
                                 [this] { exportWithDialog(TileSet::Selected); });
    a->setEnabled(selected > 0);
    a = menu->addAction(QStringLiteral("First %1 tiles as PNG…").arg(std::min(15, all)), this,
                        [this] { exportWithDialog(TileSet::First15); });
    a->setEnabled(all > 0);
    a = menu->addAction(QStringLiteral("All %1 tiles of this filter as PNG…").arg(all), this,
                        [this] { exportWithDialog(TileSet::All); });
    a->setEnabled(all > 0 && all <= kMaxExportTiles);
    if (all > kMaxExportTiles)
      a->setToolTip(QStringLiteral("At most %1 tiles in one image: narrow the filter").arg(kMaxExportTiles));
    menu->addSeparator();
    a = menu->addAction(QStringLiteral("Table of these %1 images as CSV…").arg(all), this,
                        [this] { exportTableWithDialog(); });
    a->setEnabled(all > 0);
  });
  menu->setToolTipsVisible(true);
  m_export->setMenu(menu);
  m_export->setToolTip(QStringLiteral("Save tiles as a PNG grid, or the ranked table as CSV"));
  bottom->addWidget(m_export);
  lay->addLayout(bottom);

  auto refilter = [this] { updateFilter(); };
  connect(m_trueFilter, &QComboBox::currentIndexChanged, this, refilter);
  connect(m_predictedFilter, &QComboBox::currentIndexChanged, this, refilter);
  connect(m_misclassified, &QCheckBox::toggled, this, refilter);
  connect(m_confidentlyWrong, &QCheckBox::toggled, this, refilter);
  connect(m_order, &QComboBox::currentIndexChanged, this, [this] {
    m_model->setOrder(bnn::UncertaintyOrder(m_order->currentData().toInt()));
    followSelection();
    updateCount();
  });
  connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& i) {
    if (m_settingSelection || !i.isValid()) return;
    m_userPicked = true;  // the user's tile stays selected through newer results and filters
    m_state->setSelectedImage(m_model->imageIndexAt(i.row()));
  });
  // Right-click a tile: send it to the drawing canvas.
  m_view->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
    const QModelIndex i = m_view->indexAt(pos);
    if (!i.isValid()) return;
    const int image = m_model->imageIndexAt(i.row());
    const bool hasPixels =
        !m_model->data(i, UncertaintyGalleryModel::DigitImageRole).value<QImage>().isNull();
    QMenu menu(this);
    QAction* edit = menu.addAction(QStringLiteral("Edit in canvas"));
    edit->setEnabled(image >= 0 && hasPixels);
    edit->setToolTip(QStringLiteral("Put image #%1 on the Draw and probe canvas").arg(image));
    if (menu.exec(m_view->viewport()->mapToGlobal(pos)) == edit) Q_EMIT editInCanvasRequested(image);
  });
  connect(m_update, &QPushButton::clicked, this, &GalleryPane::applyHeldUpdate);
  connect(state, &ExplorerState::shownChanged, this, &GalleryPane::onShownChanged);
  connect(state, &ExplorerState::thresholdChanged, this, [this] {
    if (m_confidentlyWrong->isChecked()) updateFilter();
  });
  onShownChanged();
}

void GalleryPane::onShownChanged() {
  const ExplorerRun* p = m_state->primary();
  std::shared_ptr<const RunAnalysis> analysis = p ? p->analysis : nullptr;
  const QString id = p ? p->id : QString();
  if (id == m_shownRun && analysis == m_shown) return;
  if (id == m_shownRun && m_pointerOver && m_shown && analysis) {
    m_held = std::move(analysis);  // the same run got newer numbers: wait for the pointer
    m_update->show();
    updateCount();
    return;
  }
  const bool sameRun = id == m_shownRun;
  m_shownRun = id;
  show(std::move(analysis), sameRun);
}

void GalleryPane::show(std::shared_ptr<const RunAnalysis> analysis, bool keepPosition) {
  if (analysis && analysis->run) {  // the filters name the run's classes
    const bnn::RunResult& r = *analysis->run;
    const QString noun = QString::fromStdString(r.classNoun());
    m_trueLabel->setText(QStringLiteral("True ") + noun);
    m_trueFilter->setToolTip(
        QStringLiteral("Show only images of this true %1 (or click a bar of the per-class chart)").arg(noun));
    m_predictedFilter->setToolTip(
        QStringLiteral("Show only images predicted (argmax p̄) as this %1").arg(noun));
    for (QComboBox* c : {m_trueFilter, m_predictedFilter})
      for (int i = 1; i < c->count(); ++i)
        c->setItemText(i, QString::fromStdString(r.className(c->itemData(i).toInt())));
  }
  m_held.reset();
  m_update->hide();
  m_shown = std::move(analysis);
  if (!keepPosition) m_userPicked = false;  // another run: start again at its least certain image
  const int scroll = m_view->verticalScrollBar()->value();
  {
    const QScopedValueRollback guard(m_settingSelection, true);
    if (m_shown)
      m_model->setSource(m_shown->run, m_shown->analysis);
    else
      m_model->setSource(nullptr, nullptr);
  }
  if (keepPosition && m_userPicked) m_view->verticalScrollBar()->setValue(scroll);
  followSelection();
  updateCount();
  Q_EMIT tilesChanged();
}

void GalleryPane::applyHeldUpdate() {
  if (m_held) show(std::move(m_held), true);
}

void GalleryPane::setPointerOver(bool over) {
  m_pointerOver = over;
  if (!over) applyHeldUpdate();
}

bool GalleryPane::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_view->viewport()) {
    if (event->type() == QEvent::Enter) setPointerOver(true);
    if (event->type() == QEvent::Leave) setPointerOver(false);
  }
  return QWidget::eventFilter(watched, event);
}

void GalleryPane::updateFilter() {
  bnn::GalleryFilter f;
  f.trueClass = m_trueFilter->currentData().toInt();
  f.predictedClass = m_predictedFilter->currentData().toInt();
  f.onlyMisclassified = m_misclassified->isChecked();
  f.onlyConfidentlyWrong = m_confidentlyWrong->isChecked();
  f.threshold = m_state->threshold();
  {
    const QScopedValueRollback guard(m_settingSelection, true);
    m_model->setFilter(f);
  }
  followSelection();
  updateCount();
}

void GalleryPane::followSelection() {
  // The image the user picked stays selected where the filter keeps it; otherwise (or when the
  // selection was automatic) the first tile, the least certain image (or none).
  int row = m_userPicked ? m_model->rowOfImage(m_state->selectedImage()) : -1;
  if (row < 0 && m_model->rowCount() > 0) row = 0;
  const QScopedValueRollback guard(m_settingSelection, true);
  if (row >= 0) {
    const QModelIndex index = m_model->index(row);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_view->scrollTo(index);
  } else {
    m_view->selectionModel()->clear();
  }
  m_state->setSelectedImage(row >= 0 ? m_model->imageIndexAt(row) : -1);
}

void GalleryPane::updateCount() {
  const bnn::UncertaintyAnalysis* a = m_model->analysis();
  QString text =
      a ? QStringLiteral("%1 of %2")
              .arg(QLocale(QLocale::English).toString(m_model->rowCount()))
              .arg(explorer_text::count(a->numImages, QStringLiteral("image"), QStringLiteral("images")))
        : QStringLiteral("no images");
  if (m_held && m_held->analysis)
    text += QStringLiteral(" · newer result (S = %1) waits for the pointer to leave")
                .arg(m_held->analysis->sampleCount);
  m_count->setText(text);
}

QString GalleryPane::countText() const { return m_count->text(); }

void GalleryPane::setTrueDigit(int digit) { m_trueFilter->setCurrentIndex(m_trueFilter->findData(digit)); }

void GalleryPane::setPredictedDigit(int digit) {
  m_predictedFilter->setCurrentIndex(m_predictedFilter->findData(digit));
}

void GalleryPane::setOnlyMisclassified(bool on) { m_misclassified->setChecked(on); }

void GalleryPane::setOnlyConfidentlyWrong(bool on) { m_confidentlyWrong->setChecked(on); }

void GalleryPane::setOrder(bnn::UncertaintyOrder order) {
  m_order->setCurrentIndex(m_order->findData(int(order)));
}

QList<int> GalleryPane::tilesFor(TileSet which) const {
  QList<int> rows;
  if (which == TileSet::Selected) {
    for (const QModelIndex& i : m_view->selectionModel()->selectedIndexes()) rows << i.row();
    std::sort(rows.begin(), rows.end());
  } else {
    const int n = which == TileSet::All ? m_model->rowCount() : std::min(15, m_model->rowCount());
    for (int r = 0; r < n; ++r) rows << r;
  }
  return rows;
}

bool GalleryPane::exportTiles(TileSet which, const QString& path, QString* error) {
  const QList<int> rows = tilesFor(which);
  if (rows.isEmpty() || rows.size() > kMaxExportTiles) {
    if (error)
      *error =
          rows.isEmpty()
              ? QStringLiteral("no tiles to export")
              : QStringLiteral("%1 tiles: at most %2 in one image").arg(rows.size()).arg(kMaxExportTiles);
    return false;
  }
  QList<GalleryTile> tiles;
  for (int r : rows) tiles.append(GalleryDelegate::tileFromIndex(m_model->index(r)));
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly) || !GalleryDelegate::grid(tiles, 5, m_view->palette()).save(&f, "PNG") ||
      !f.commit()) {
    if (error) *error = QStringLiteral("%1: cannot write the PNG file (%2)").arg(path, f.errorString());
    return false;
  }
  return true;
}

void GalleryPane::exportWithDialog(TileSet which) {
  const qsizetype n = tilesFor(which).size();
  QSettings settings;
  const QString folder = settings.value(QStringLiteral("export/lastFolder"), QDir::homePath()).toString();
  const QString path = QFileDialog::getSaveFileName(
      this,
      QStringLiteral("Export %1 as a PNG grid")
          .arg(explorer_text::count(n, QStringLiteral("tile"), QStringLiteral("tiles"))),
      QDir(folder).filePath(QStringLiteral("uncertain_images.png")), QStringLiteral("PNG image (*.png)"));
  if (path.isEmpty()) return;
  settings.setValue(QStringLiteral("export/lastFolder"), QFileInfo(path).absolutePath());
  QString error;
  if (!exportTiles(which, path, &error)) {
    QMessageBox::warning(this, QStringLiteral("Export failed"), error);
    return;
  }
  Q_EMIT statusMessage(
      QStringLiteral("Saved %1 to %2")
          .arg(explorer_text::count(n, QStringLiteral("tile"), QStringLiteral("tiles")), displayPath(path)));
}

void GalleryPane::exportTableWithDialog() {
  const bnn::UncertaintyAnalysis* a = m_model->analysis();
  if (!a) return;
  ChartExport e;
  e.title = QStringLiteral("Ranked images");
  e.baseName = QStringLiteral("uncertain_ranked");
  const std::vector<int32_t> rows = m_model->rows();
  const auto analysis = m_model->sharedAnalysis();
  e.csv = [analysis, rows] { return bnn::rankedImagesCsv(*analysis, rows); };
  const QString path = chart_export::saveWithDialog(this, e, ExportFormat::Csv);
  if (!path.isEmpty())
    Q_EMIT statusMessage(
        QStringLiteral("Saved the table of %1 to %2")
            .arg(explorer_text::count(qint64(rows.size()), QStringLiteral("image"), QStringLiteral("images")),
                 displayPath(path)));
}
