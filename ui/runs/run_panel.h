#pragma once
// RunPanel: the run form. A preset chooser (the core's presets) and one field per run parameter,
// generated from bnn::runParamSpecs(): line edits for numbers, lists and text, check boxes for
// flags, combo boxes for choices. Every edit is checked at once with bnn::setParam; a refused
// value marks the field, shows the reason on a line of its own under it (naming the field by
// its label) and disables Run. Tooltips come from the specs (what the parameter does and the
// example's value). The note under the preset says which fields differ from it; fields that only
// SGHMC uses are disabled while the sampler is SGLD. "Compare SGLD vs SGHMC" runs both example
// presets with this form's schedule and seed, as the note under it says.
// Threading: GUI thread only.

#include <QMap>
#include <QWidget>
#include <string>
#include <utility>
#include <vector>

#include "run/run_config.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSettings;
QT_END_NAMESPACE

class RunPanel : public QWidget {
  Q_OBJECT
 public:
  explicit RunPanel(QWidget* parent = nullptr);

  /// The configuration the valid fields describe.
  const bnn::RunConfig& config() const { return m_config; }
  /// Loads a preset into every field ("example-sgld", ...). False for unknown names.
  bool applyPreset(const QString& name);
  QString presetName() const;
  /// Replaces the whole form content.
  void setConfig(const bnn::RunConfig& config);
  /// Types `text` into the field of `key` as a user would (validates it). False for unknown keys.
  bool setFieldText(const QString& key, const QString& text);
  QString fieldText(const QString& key) const;
  /// Reason a field was refused, empty when it is valid.
  QString fieldError(const QString& key) const;
  QWidget* field(const QString& key) const;
  /// True when every field is valid and bnn::validate accepts the whole configuration.
  bool isValid() const;
  QString validationMessage() const;

  /// Enables Run / Compare only when data is ready (with the reason as tooltip otherwise).
  void setDataReady(bool ready, const QString& reason = {});
  /// What Compare applies to both example presets: this form's schedule and seed
  /// (warm-up W, evaluate every K, sampling S, thinning, seed) as (key, value) pairs.
  bnn::ParamOverrides compareOverrides() const;
  /// The note under the preset chooser ("Example SGLD, changed: seed, warm-up steps W").
  QString presetNote() const;
  QString compareNote() const;

  void saveSettings(QSettings& settings) const;
  void restoreSettings(QSettings& settings);

  QPushButton* runButton() const { return m_runButton; }
  QPushButton* compareButton() const { return m_compareButton; }

 Q_SIGNALS:
  void runRequested(const bnn::RunConfig& config);
  void compareRequested();
  void validityChanged(bool valid);

 private:
  struct Field {
    const bnn::ParamSpec* spec = nullptr;
    QWidget* editor = nullptr;
    QLabel* label = nullptr;
    QLabel* error = nullptr;  // a row of its own under the field
    QString errorText;
  };
  void buildForm(QWidget* host);
  void updateNotes();
  void onEdited(const QString& key, const QString& text);
  void loadFieldsFromConfig();
  void updateState();
  void setFieldError(Field& f, const QString& error);

  bnn::RunConfig m_config;
  QComboBox* m_presetBox = nullptr;
  QLabel* m_presetNote = nullptr;
  QLabel* m_configError = nullptr;
  QLabel* m_compareNote = nullptr;
  QFormLayout* m_form = nullptr;
  QPushButton* m_runButton = nullptr;
  QPushButton* m_compareButton = nullptr;
  QMap<QString, Field> m_fields;
  QStringList m_order;
  bool m_loading = false;
  bool m_dataReady = false;
  QString m_dataReason;
  bool m_lastValid = true;
};
