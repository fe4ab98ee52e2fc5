#include "runs/run_panel.h"

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

// What "Compare SGLD vs SGHMC" takes from the form: the schedule and the seed.
const QStringList kCompareKeys{QStringLiteral("warmup"), QStringLiteral("eval-every"),
                               QStringLiteral("samples"), QStringLiteral("thinning"), QStringLiteral("seed")};

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
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
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
  m_compareButton = new QPushButton(QStringLiteral("Compare SGLD vs SGHMC"), this);
  m_compareButton->setObjectName(QStringLiteral("compareButton"));
  m_compareNote = new QLabel(this);
  m_compareNote->setWordWrap(true);
  m_compareNote->setEnabled(false);
  layout->addWidget(m_runButton);
  layout->addWidget(m_compareButton);
  layout->addWidget(m_compareNote);
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
  m_form = new QFormLayout(host);
  m_form->setContentsMargins(0, 0, 4, 0);
  m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
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
    editor->setMinimumWidth(90);
    f.label = new QLabel(toQ(spec.label), host);
    f.label->setToolTip(tip);
    f.label->setBuddy(editor);
    f.editor = editor;
    m_form->addRow(f.label, editor);
    // The reason for a refused value gets a row of its own, across the whole width, so it
    // wraps onto as many lines as it needs and the form grows instead of clipping it.
    f.error = new QLabel(host);
    f.error->setObjectName(QStringLiteral("error-") + key);
    f.error->setWordWrap(true);
    f.error->setStyleSheet(QStringLiteral("color:#c62828;"));
    m_form->addRow(f.error);
    m_form->setRowVisible(f.error, false);
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
  f.error->setText(f.errorText);
  m_form->setRowVisible(f.error, !error.isEmpty());
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
    return true;
  }
  bnn::RunConfig probe = m_config;
  if (auto err = bnn::setParam(probe, key.toStdString(), text.toStdString())) {
    setFieldError(*it, toQ(*err));  // a value the box cannot show: refused with the reason
    updateState();
    return true;
  }
  const QString value = toQ(bnn::getParam(probe, key.toStdString()));
  if (auto* b = qobject_cast<QCheckBox*>(it->editor)) b->setChecked(value == QLatin1String("true"));
  if (auto* c = qobject_cast<QComboBox*>(it->editor)) c->setCurrentText(value);
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

bnn::ParamOverrides RunPanel::compareOverrides() const {
  bnn::ParamOverrides out;
  for (const QString& key : kCompareKeys) {
    const std::string k = key.toStdString();
    if (bnn::findParamSpec(k)) out.emplace_back(k, bnn::getParam(m_config, k));
  }
  return out;
}

QString RunPanel::presetNote() const { return m_presetNote->text(); }

QString RunPanel::compareNote() const { return m_compareNote->text(); }

void RunPanel::updateNotes() {
  const QString preset = presetName();
  const QString title = toQ(bnn::presetTitle(preset.toStdString()));
  if (const auto base = bnn::presetConfig(preset.toStdString())) {
    QStringList changed;
    for (const QString& key : m_order) {
      const std::string k = key.toStdString();
      const Field& f = m_fields[key];
      if (!f.errorText.isEmpty() || bnn::getParam(*base, k) != bnn::getParam(m_config, k))
        changed << f.label->text();
    }
    m_presetNote->setText(
        changed.isEmpty()
            ? QStringLiteral("Fields hold the preset \"%1\"; edit any of them.").arg(title)
            : QStringLiteral("Preset \"%1\", changed: %2.").arg(title, changed.join(QStringLiteral(", "))));
  }
  QStringList schedule;
  for (const auto& [key, value] : compareOverrides()) {
    // The symbol the label ends with ("Warm-up steps W" -> W), else the label itself.
    auto it = m_fields.find(toQ(key));
    const QString label = it != m_fields.end() ? it->label->text() : toQ(key);
    const QString last = label.section(QLatin1Char(' '), -1);
    schedule << QStringLiteral("%1 = %2").arg(last.size() == 1 ? last : label.toLower(), toQ(value));
  }
  m_compareNote->setText(QStringLiteral("Compare: both example presets with this form's %1.")
                             .arg(schedule.join(QStringLiteral(", "))));
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
  m_compareButton->setToolTip(m_dataReady
                                  ? QStringLiteral("Start the Example SGLD and Example SGHMC presets at "
                                                   "once on the worker pool, with this form's schedule "
                                                   "and seed")
                                  : dataTip);
  // Fields the configuration ignores (SGHMC's friction under SGLD, the cycles of a constant
  // schedule, ...) are greyed out; their values are kept and saved.
  for (auto it = m_fields.begin(); it != m_fields.end(); ++it) {
    const bool applies = bnn::parameterApplies(m_config, it.key().toStdString());
    it->editor->setEnabled(applies);
    it->label->setEnabled(applies);
  }
  if (!m_loading) updateNotes();
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
  if (any) setConfig(c);  // the note lists what differs from the preset
}
