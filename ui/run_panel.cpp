#include "run_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QVBoxLayout>

namespace {

const char* kInvalidStyle = "QLineEdit { border: 1px solid #c62828; background: #fdecea; }";

QString toQ(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

RunPanel::RunPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);

  auto* presetRow = new QFormLayout;
  m_presetBox = new QComboBox(this);
  m_presetBox->setObjectName(QStringLiteral("presetBox"));
  for (const std::string& name : bnn::presetNames())
    m_presetBox->addItem(toQ(bnn::presetTitle(name)), toQ(name));
  m_presetBox->setToolTip(QStringLiteral(
      "Load all fields from a preset of the worked example. Example SGHMC as published reproduces "
      "the notebook's outputs (Ma form, then SGLD in the sampling phase)."));
  presetRow->addRow(QStringLiteral("Preset"), m_presetBox);
  layout->addLayout(presetRow);
  m_presetNote = new QLabel(this);
  m_presetNote->setWordWrap(true);
  m_presetNote->setEnabled(false);
  layout->addWidget(m_presetNote);

  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* host = new QWidget(scroll);
  buildForm(host);
  scroll->setWidget(host);
  layout->addWidget(scroll, 1);

  m_configError = new QLabel(this);
  m_configError->setWordWrap(true);
  m_configError->setStyleSheet(QStringLiteral("color:#c62828;"));
  m_configError->hide();
  layout->addWidget(m_configError);

  m_runButton = new QPushButton(QStringLiteral("Run"), this);
  m_runButton->setObjectName(QStringLiteral("runButton"));
  m_runButton->setDefault(true);
  m_runButton->setToolTip(
      QStringLiteral("Start a chain with this configuration (other chains keep running)"));
  m_compareButton = new QPushButton(QStringLiteral("Compare SGLD vs SGHMC"), this);
  m_compareButton->setObjectName(QStringLiteral("compareButton"));
  m_compareButton->setToolTip(
      QStringLiteral("Start the Example SGLD and Example SGHMC presets at once on the worker pool"));
  layout->addWidget(m_runButton);
  layout->addWidget(m_compareButton);
  connect(m_runButton, &QPushButton::clicked, this, [this] {
    if (isValid() && m_dataReady) Q_EMIT runRequested(m_config);
  });
  connect(m_compareButton, &QPushButton::clicked, this, [this] {
    if (m_dataReady) Q_EMIT compareRequested();
  });
  connect(m_presetBox, &QComboBox::activated, this,
          [this](int i) { applyPreset(m_presetBox->itemData(i).toString()); });

  applyPreset(QStringLiteral("example-sgld"));
}

void RunPanel::buildForm(QWidget* host) {
  auto* form = new QFormLayout(host);
  form->setContentsMargins(0, 0, 0, 0);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  for (const bnn::ParamSpec& spec : bnn::runParamSpecs()) {
    const QString key = toQ(spec.key);
    Field f;
    f.spec = &spec;
    const QString tip = toQ(spec.tooltip);
    QWidget* editor = nullptr;
    switch (spec.type) {
      case bnn::ParamSpec::Type::Bool: {
        auto* box = new QCheckBox(host);
        connect(box, &QCheckBox::toggled, this,
                [this, key](bool on) { onEdited(key, on ? "true" : "false"); });
        editor = box;
        break;
      }
      case bnn::ParamSpec::Type::Choice: {
        auto* box = new QComboBox(host);
        for (const std::string& c : spec.choices) box->addItem(toQ(c));
        connect(box, &QComboBox::currentTextChanged, this,
                [this, key](const QString& t) { onEdited(key, t); });
        editor = box;
        break;
      }
      default: {
        auto* edit = new QLineEdit(host);
        connect(edit, &QLineEdit::textChanged, this, [this, key](const QString& t) { onEdited(key, t); });
        if (spec.type == bnn::ParamSpec::Type::IntList)
          edit->setPlaceholderText(QStringLiteral("e.g. 500 or 400,400"));
        editor = edit;
        break;
      }
    }
    editor->setObjectName(QStringLiteral("field-") + key);
    editor->setToolTip(tip);
    auto* label = new QLabel(toQ(spec.label), host);
    label->setToolTip(tip);
    label->setBuddy(editor);
    f.editor = editor;
    f.error = new QLabel(host);
    f.error->setObjectName(QStringLiteral("error-") + key);
    f.error->setWordWrap(true);
    f.error->setStyleSheet(QStringLiteral("color:#c62828;"));
    f.error->hide();
    auto* cell = new QWidget(host);
    auto* v = new QVBoxLayout(cell);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(1);
    v->addWidget(editor);
    v->addWidget(f.error);
    form->addRow(label, cell);
    m_fields.insert(key, f);
    m_order << key;
  }
}

bool RunPanel::applyPreset(const QString& name) {
  const auto cfg = bnn::presetConfig(name.toStdString());
  if (!cfg) return false;
  const int i = m_presetBox->findData(name);
  if (i >= 0) m_presetBox->setCurrentIndex(i);
  setConfig(*cfg);
  m_presetNote->setText(QStringLiteral("Fields hold the preset \"%1\"; edit any of them.")
                            .arg(toQ(bnn::presetTitle(name.toStdString()))));
  return true;
}

QString RunPanel::presetName() const { return m_presetBox->currentData().toString(); }

void RunPanel::setConfig(const bnn::RunConfig& config) {
  m_config = config;
  loadFieldsFromConfig();
}

void RunPanel::loadFieldsFromConfig() {
  m_loading = true;
  for (auto it = m_fields.begin(); it != m_fields.end(); ++it) {
    const QString value = toQ(bnn::getParam(m_config, it.key().toStdString()));
    if (auto* e = qobject_cast<QLineEdit*>(it->editor))
      e->setText(value);
    else if (auto* b = qobject_cast<QCheckBox*>(it->editor))
      b->setChecked(value == QLatin1String("true"));
    else if (auto* c = qobject_cast<QComboBox*>(it->editor))
      c->setCurrentText(value);
    setFieldError(*it, {});
  }
  m_loading = false;
  updateState();
}

void RunPanel::setFieldError(Field& f, const QString& error) {
  f.errorText = error;
  f.error->setText(error);
  f.error->setVisible(!error.isEmpty());
  if (qobject_cast<QLineEdit*>(f.editor))
    f.editor->setStyleSheet(error.isEmpty() ? QString() : QString::fromLatin1(kInvalidStyle));
  f.editor->setProperty("invalid", !error.isEmpty());
}

void RunPanel::onEdited(const QString& key, const QString& text) {
  if (m_loading) return;
  auto it = m_fields.find(key);
  if (it == m_fields.end()) return;
  bnn::RunConfig probe = m_config;
  if (auto err = bnn::setParam(probe, key.toStdString(), text.trimmed().toStdString())) {
    setFieldError(*it, toQ(*err));
  } else {
    m_config = probe;
    setFieldError(*it, {});
  }
  updateState();
}

bool RunPanel::setFieldText(const QString& key, const QString& text) {
  auto it = m_fields.find(key);
  if (it == m_fields.end()) return false;
  if (auto* e = qobject_cast<QLineEdit*>(it->editor)) {
    e->setText(text);
  } else if (auto* b = qobject_cast<QCheckBox*>(it->editor)) {
    bnn::RunConfig probe = m_config;
    if (auto err = bnn::setParam(probe, key.toStdString(), text.toStdString())) {
      setFieldError(*it, toQ(*err));
      updateState();
      return true;
    }
    b->setChecked(bnn::getParam(probe, key.toStdString()) == "true");
  } else if (auto* c = qobject_cast<QComboBox*>(it->editor)) {
    const int i = c->findText(text);
    if (i < 0) {
      bnn::RunConfig probe = m_config;
      auto err = bnn::setParam(probe, key.toStdString(), text.toStdString());
      setFieldError(*it, err ? toQ(*err) : QString());
      updateState();
      return true;
    }
    c->setCurrentIndex(i);
  }
  return true;
}

QString RunPanel::fieldText(const QString& key) const {
  auto it = m_fields.find(key);
  if (it == m_fields.end()) return {};
  if (auto* e = qobject_cast<QLineEdit*>(it->editor)) return e->text();
  if (auto* b = qobject_cast<QCheckBox*>(it->editor)) return b->isChecked() ? "true" : "false";
  if (auto* c = qobject_cast<QComboBox*>(it->editor)) return c->currentText();
  return {};
}

QString RunPanel::fieldError(const QString& key) const {
  auto it = m_fields.find(key);
  return it == m_fields.end() ? QString() : it->errorText;
}

QWidget* RunPanel::field(const QString& key) const {
  auto it = m_fields.find(key);
  return it == m_fields.end() ? nullptr : it->editor;
}

QString RunPanel::validationMessage() const {
  for (const QString& key : m_order) {
    const Field& f = m_fields[key];
    if (!f.errorText.isEmpty()) return f.errorText;
  }
  if (auto err = bnn::validate(m_config)) return toQ(*err);
  return {};
}

bool RunPanel::isValid() const { return validationMessage().isEmpty(); }

void RunPanel::setDataReady(bool ready, const QString& reason) {
  m_dataReady = ready;
  m_dataReason = reason;
  updateState();
}

void RunPanel::updateState() {
  bool fieldsOk = true;
  for (const Field& f : m_fields) fieldsOk &= f.errorText.isEmpty();
  const auto whole = fieldsOk ? bnn::validate(m_config) : std::nullopt;
  m_configError->setText(whole ? toQ(*whole) : QString());
  m_configError->setVisible(whole.has_value());
  const bool valid = fieldsOk && !whole;
  m_runButton->setEnabled(valid && m_dataReady);
  m_compareButton->setEnabled(m_dataReady);
  const QString dataTip =
      m_dataReady ? QString() : (m_dataReason.isEmpty() ? QStringLiteral("No data loaded") : m_dataReason);
  m_runButton->setToolTip(!m_dataReady ? dataTip
                          : valid      ? QStringLiteral("Start a chain with this configuration "
                                                             "(other chains keep running)")
                                  : QStringLiteral("Fix the marked fields first: ") + validationMessage());
  m_compareButton->setToolTip(m_dataReady ? QStringLiteral("Start the Example SGLD and Example SGHMC "
                                                           "presets at once on the worker pool")
                                          : dataTip);
  if (valid != m_lastValid) {
    m_lastValid = valid;
    Q_EMIT validityChanged(valid);
  }
}

void RunPanel::saveSettings(QSettings& s) const {
  s.beginGroup(QStringLiteral("runForm"));
  s.setValue(QStringLiteral("preset"), presetName());
  for (const QString& key : m_order) s.setValue(key, toQ(bnn::getParam(m_config, key.toStdString())));
  s.endGroup();
}

void RunPanel::restoreSettings(QSettings& s) {
  s.beginGroup(QStringLiteral("runForm"));
  const QString preset = s.value(QStringLiteral("preset")).toString();
  if (!preset.isEmpty()) applyPreset(preset);
  bnn::RunConfig c = m_config;
  bool any = false;
  for (const QString& key : m_order) {
    if (!s.contains(key)) continue;
    any = true;
    // A stored value the current core refuses keeps the preset's value.
    bnn::setParam(c, key.toStdString(), s.value(key).toString().toStdString());
  }
  s.endGroup();
  if (any) {
    setConfig(c);
    m_presetNote->setText(
        QStringLiteral("Fields hold the last configuration used; choose a preset "
                       "to reset them."));
  }
}
