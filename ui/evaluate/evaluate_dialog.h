#pragma once
// EvaluateDialog: what "Evaluate on…" asks before it starts: a dataset folder (typed, browsed, or
// the Fashion-MNIST folder of the Debian package when it is installed) and its split, or a
// transform of the run's own test set with its parameter (rotation in degrees, translation in
// pixels, Gaussian noise σ with its seed, inversion). "Evaluate" is enabled once the choice is
// complete; request() is the EvaluationRequest it makes.
// Threading: GUI thread only.

#include <QDialog>

#include "evaluate/evaluation_request.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
QT_END_NAMESPACE

class EvaluateDialog : public QDialog {
  Q_OBJECT
 public:
  /// `canTransform` false: the run holds no test images (the reason goes into the tooltip).
  EvaluateDialog(const QString& runName, const QString& runDataset, bool canTransform,
                 const QString& startFolder, QWidget* parent = nullptr);

  EvaluationRequest request() const;
  /// Sets the fields from a request (tests, the last choice).
  void setRequest(const EvaluationRequest& request);

  QRadioButton* folderChoice() const { return m_folderChoice; }
  QRadioButton* transformChoice() const { return m_transformChoice; }
  QLineEdit* folderEdit() const { return m_folder; }
  QComboBox* splitBox() const { return m_split; }
  QComboBox* transformBox() const { return m_kind; }
  QDoubleSpinBox* firstParameter() const { return m_first; }
  QDoubleSpinBox* secondParameter() const { return m_second; }
  QPushButton* evaluateButton() const { return m_evaluate; }

  /// Where the Debian package dataset-fashion-mnist installs Fashion-MNIST.
  static QString fashionMnistFolder();

 private:
  void updateState();

  QRadioButton* m_folderChoice = nullptr;
  QRadioButton* m_transformChoice = nullptr;
  QLineEdit* m_folder = nullptr;
  QPushButton* m_browse = nullptr;
  QPushButton* m_fashion = nullptr;
  QComboBox* m_split = nullptr;
  QComboBox* m_kind = nullptr;
  QLabel* m_firstLabel = nullptr;
  QDoubleSpinBox* m_first = nullptr;
  QLabel* m_secondLabel = nullptr;
  QDoubleSpinBox* m_second = nullptr;
  QLabel* m_seedLabel = nullptr;
  QSpinBox* m_seed = nullptr;
  QLabel* m_preview = nullptr;
  QPushButton* m_evaluate = nullptr;
  QString m_runDataset;
  bool m_canTransform = true;
};
