#include "evaluate/evaluate_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <initializer_list>

#include "common/display_path.h"

namespace {
// Order of the transform box.
const bnn::TransformKind kKinds[] = {bnn::TransformKind::Rotate, bnn::TransformKind::Translate,
                                     bnn::TransformKind::GaussianNoise, bnn::TransformKind::Invert};
}  // namespace

QString EvaluateDialog::fashionMnistFolder() { return QStringLiteral("/usr/share/datasets/fashion-mnist"); }

EvaluateDialog::EvaluateDialog(const QString& runName, const QString& runDataset, bool canTransform,
                               const QString& startFolder, QWidget* parent)
    : QDialog(parent), m_runDataset(runDataset), m_canTransform(canTransform) {
  setWindowTitle(QStringLiteral("Evaluate %1 on…").arg(runName));
  auto* v = new QVBoxLayout(this);
  auto* intro = new QLabel(
      QStringLiteral("The kept posterior samples of <b>%1</b> (trained on %2) answer for other images. "
                     "The result joins the run list like a run.")
          .arg(runName.toHtmlEscaped(),
               runDataset.isEmpty() ? QStringLiteral("unrecorded data") : runDataset),
      this);
  intro->setWordWrap(true);
  v->addWidget(intro);

  m_folderChoice = new QRadioButton(QStringLiteral("A dataset folder"), this);
  m_folderChoice->setToolTip(QStringLiteral(
      "Any folder the loader accepts: MNIST, Fashion-MNIST or any IDX set of 28 x 28 images, raw or .gz"));
  v->addWidget(m_folderChoice);
  auto* folderGrid = new QGridLayout;
  folderGrid->setContentsMargins(24, 0, 0, 0);
  m_folder = new QLineEdit(startFolder, this);
  m_folder->setPlaceholderText(QStringLiteral("folder with train-/t10k- IDX files"));
  folderGrid->addWidget(m_folder, 0, 0, 1, 2);
  m_browse = new QPushButton(QStringLiteral("Browse…"), this);
  folderGrid->addWidget(m_browse, 0, 2);
  folderGrid->addWidget(new QLabel(QStringLiteral("Split"), this), 1, 0);
  m_split = new QComboBox(this);
  m_split->addItem(QStringLiteral("test"), QStringLiteral("test"));
  m_split->addItem(QStringLiteral("train"), QStringLiteral("train"));
  m_split->setToolTip(QStringLiteral("Which of the folder's two splits to evaluate"));
  folderGrid->addWidget(m_split, 1, 1);
  m_fashion = new QPushButton(QStringLiteral("Fashion-MNIST"), this);
  const bool haveFashion = QFileInfo(fashionMnistFolder()).isDir();
  m_fashion->setEnabled(haveFashion);
  m_fashion->setToolTip(
      haveFashion ? QStringLiteral("Use %1 (Debian package dataset-fashion-mnist)").arg(fashionMnistFolder())
                  : QStringLiteral("The Debian package dataset-fashion-mnist is not "
                                   "installed (apt-get install dataset-fashion-mnist)"));
  folderGrid->addWidget(m_fashion, 1, 2);
  v->addLayout(folderGrid);

  m_transformChoice = new QRadioButton(QStringLiteral("A transform of the run's test set"), this);
  v->addWidget(m_transformChoice);
  auto* form = new QFormLayout;
  form->setContentsMargins(24, 0, 0, 0);
  m_kind = new QComboBox(this);
  m_kind->addItem(QStringLiteral("Rotate"));
  m_kind->addItem(QStringLiteral("Translate"));
  m_kind->addItem(QStringLiteral("Gaussian noise"));
  m_kind->addItem(QStringLiteral("Invert"));
  form->addRow(QStringLiteral("Transform"), m_kind);
  m_firstLabel = new QLabel(this);
  m_first = new QDoubleSpinBox(this);
  form->addRow(m_firstLabel, m_first);
  m_secondLabel = new QLabel(QStringLiteral("Down (px)"), this);
  m_second = new QDoubleSpinBox(this);
  m_second->setRange(-28, 28);
  m_second->setDecimals(1);
  form->addRow(m_secondLabel, m_second);
  m_seedLabel = new QLabel(QStringLiteral("Seed"), this);
  m_seed = new QSpinBox(this);
  m_seed->setRange(0, 1000000000);
  m_seed->setToolTip(QStringLiteral("Seed of the noise: the same seed gives the same images"));
  form->addRow(m_seedLabel, m_seed);
  v->addLayout(form);
  if (!canTransform) {
    m_transformChoice->setEnabled(false);
    m_transformChoice->setToolTip(
        QStringLiteral("The run holds no test images to transform (its folder was saved without them)"));
  }

  m_preview = new QLabel(this);
  m_preview->setWordWrap(true);
  v->addWidget(m_preview);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  m_evaluate = buttons->addButton(QStringLiteral("Evaluate"), QDialogButtonBox::AcceptRole);
  m_evaluate->setDefault(true);
  v->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  m_folderChoice->setChecked(true);
  connect(m_folderChoice, &QRadioButton::toggled, this, &EvaluateDialog::updateState);
  connect(m_transformChoice, &QRadioButton::toggled, this, &EvaluateDialog::updateState);
  connect(m_folder, &QLineEdit::textChanged, this, &EvaluateDialog::updateState);
  connect(m_split, &QComboBox::currentIndexChanged, this, &EvaluateDialog::updateState);
  connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
    // Sensible parameters for each kind: 30°, 2 px right, σ = 0.3.
    updateState();  // the parameter's range first, then its value
    const bnn::TransformKind k = kKinds[std::max(0, m_kind->currentIndex())];
    if (k == bnn::TransformKind::Rotate) m_first->setValue(30);
    if (k == bnn::TransformKind::Translate) m_first->setValue(2), m_second->setValue(0);
    if (k == bnn::TransformKind::GaussianNoise) m_first->setValue(0.3);
  });
  connect(m_first, &QDoubleSpinBox::valueChanged, this, &EvaluateDialog::updateState);
  connect(m_second, &QDoubleSpinBox::valueChanged, this, &EvaluateDialog::updateState);
  connect(m_seed, &QSpinBox::valueChanged, this, &EvaluateDialog::updateState);
  connect(m_browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(
        this, QStringLiteral("Folder with MNIST-style IDX files"), m_folder->text());
    if (!dir.isEmpty()) m_folder->setText(dir);
  });
  connect(m_fashion, &QPushButton::clicked, this, [this] {
    m_folderChoice->setChecked(true);
    m_folder->setText(fashionMnistFolder());
  });
  m_first->setRange(-360, 360);
  m_first->setValue(30);
  updateState();
}

void EvaluateDialog::updateState() {
  const bool folder = m_folderChoice->isChecked();
  for (QWidget* w : std::initializer_list<QWidget*>{m_folder, m_browse, m_split}) w->setEnabled(folder);
  for (QWidget* w : std::initializer_list<QWidget*>{m_kind, m_first, m_second, m_firstLabel, m_secondLabel,
                                                    m_seed, m_seedLabel})
    w->setEnabled(!folder);
  const bnn::TransformKind k = kKinds[std::max(0, m_kind->currentIndex())];
  const QSignalBlocker block(m_first);
  switch (k) {
    case bnn::TransformKind::Rotate:
      m_firstLabel->setText(QStringLiteral("Angle (°, anticlockwise)"));
      m_first->setRange(-360, 360);
      m_first->setDecimals(1);
      m_first->setSingleStep(5);
      break;
    case bnn::TransformKind::Translate:
      m_firstLabel->setText(QStringLiteral("Right (px)"));
      m_first->setRange(-28, 28);
      m_first->setDecimals(1);
      m_first->setSingleStep(1);
      break;
    case bnn::TransformKind::GaussianNoise:
      m_firstLabel->setText(QStringLiteral("σ (pixel range 0-1)"));
      m_first->setRange(0, 1);
      m_first->setDecimals(2);
      m_first->setSingleStep(0.05);
      break;
    default:
      m_firstLabel->setText(QStringLiteral("(no parameter)"));
      break;
  }
  m_first->setVisible(k != bnn::TransformKind::Invert);
  m_firstLabel->setVisible(k != bnn::TransformKind::Invert);
  m_second->setVisible(k == bnn::TransformKind::Translate);
  m_secondLabel->setVisible(k == bnn::TransformKind::Translate);
  m_seed->setVisible(k == bnn::TransformKind::GaussianNoise);
  m_seedLabel->setVisible(k == bnn::TransformKind::GaussianNoise);

  const bool complete = folder ? !m_folder->text().trimmed().isEmpty() : m_canTransform;
  m_evaluate->setEnabled(complete);
  if (!complete) {
    m_preview->setText(folder ? QStringLiteral("Choose a folder.") : m_transformChoice->toolTip());
    return;
  }
  const EvaluationRequest r = request();
  const QString what = folder ? QStringLiteral("the %1 split of %2").arg(r.split, displayPath(r.folder))
                              : QStringLiteral("the run's test set, %1").arg(transformPhrase(r.transform));
  m_preview->setText(QStringLiteral("Evaluates every kept sample on %1.").arg(what));
}

EvaluationRequest EvaluateDialog::request() const {
  EvaluationRequest r;
  r.source =
      m_folderChoice->isChecked() ? EvaluationRequest::Source::Folder : EvaluationRequest::Source::Transform;
  r.folder = m_folder->text().trimmed();
  r.split = m_split->currentData().toString();
  r.transform.kind = kKinds[std::max(0, m_kind->currentIndex())];
  switch (r.transform.kind) {
    case bnn::TransformKind::Rotate:
      r.transform.degrees = m_first->value();
      break;
    case bnn::TransformKind::Translate:
      r.transform.dx = m_first->value();
      r.transform.dy = m_second->value();
      break;
    case bnn::TransformKind::GaussianNoise:
      r.transform.sigma = m_first->value();
      r.seed = uint64_t(m_seed->value());
      break;
    default:
      break;
  }
  return r;
}

void EvaluateDialog::setRequest(const EvaluationRequest& r) {
  (r.source == EvaluationRequest::Source::Folder ? m_folderChoice : m_transformChoice)->setChecked(true);
  m_folder->setText(r.folder);
  m_split->setCurrentIndex(r.split == QLatin1String("train") ? 1 : 0);
  for (int i = 0; i < 4; ++i)
    if (kKinds[i] == r.transform.kind) m_kind->setCurrentIndex(i);
  switch (r.transform.kind) {
    case bnn::TransformKind::Rotate:
      m_first->setValue(r.transform.degrees);
      break;
    case bnn::TransformKind::Translate:
      m_first->setValue(r.transform.dx);
      m_second->setValue(r.transform.dy);
      break;
    case bnn::TransformKind::GaussianNoise:
      m_first->setValue(r.transform.sigma);
      m_seed->setValue(int(r.seed));
      break;
    default:
      break;
  }
  updateState();
}
