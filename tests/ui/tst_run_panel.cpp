// RunPanel: one field per run parameter, validation as typed with reasons that name the field,
// the preset note, SGHMC-only fields, and what Compare takes from the form.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QtTest>

#include "runs/run_panel.h"

class TestRunPanel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyParameterHasAFieldWithTooltip();
  void invalidValueIsRefusedWithAReasonNamingTheField();
  void errorRowsGrowTheForm();
  void presetNoteSaysWhatChanged();
  void sghmcOnlyFieldsFollowTheSampler();
  void compareTakesTheScheduleAndSeed();
};

void TestRunPanel::everyParameterHasAFieldWithTooltip() {
  RunPanel panel;
  for (const bnn::ParamSpec& spec : bnn::runParamSpecs()) {
    QWidget* f = panel.field(QString::fromStdString(spec.key));
    QVERIFY2(f, spec.key.c_str());
    QVERIFY2(!f->toolTip().isEmpty(), spec.key.c_str());
    QCOMPARE(panel.fieldText(QString::fromStdString(spec.key)),
             QString::fromStdString(bnn::getParam(panel.config(), spec.key)));
  }
  QVERIFY(panel.applyPreset(QStringLiteral("example-sghmc")));
  QCOMPARE(panel.config().sampler, bnn::SamplerKind::Sghmc);
  QCOMPARE(panel.fieldText(QStringLiteral("step-size")), QStringLiteral("4.5e-06"));
  QVERIFY(!panel.applyPreset(QStringLiteral("no-such-preset")));
  // The tuned preset fills every field it sets, chains and network included, and is valid as is.
  QVERIFY(panel.applyPreset(QStringLiteral("tuned-csgld")));
  QCOMPARE(panel.config(), *bnn::presetConfig("tuned-csgld"));
  QCOMPARE(panel.fieldText(QStringLiteral("chains")), QStringLiteral("4"));
  QCOMPARE(panel.fieldText(QStringLiteral("hidden")), QStringLiteral("1000"));
  QCOMPARE(panel.fieldText(QStringLiteral("schedule")), QStringLiteral("cyclical"));
  QCOMPARE(panel.fieldText(QStringLiteral("augment-shift")), QStringLiteral("0"));
  QVERIFY2(panel.isValid(), qPrintable(panel.validationMessage()));
  // Its shifted twin sets the random shift and is valid as is too.
  QVERIFY(panel.applyPreset(QStringLiteral("tuned-csgld-shift")));
  QCOMPARE(panel.config(), *bnn::presetConfig("tuned-csgld-shift"));
  QCOMPARE(panel.fieldText(QStringLiteral("augment-shift")), QStringLiteral("1"));
  QVERIFY2(panel.isValid(), qPrintable(panel.validationMessage()));
}

void TestRunPanel::invalidValueIsRefusedWithAReasonNamingTheField() {
  RunPanel panel;
  panel.setDataReady(true);
  panel.show();
  QVERIFY(panel.runButton()->isEnabled());
  auto* edit = qobject_cast<QLineEdit*>(panel.field(QStringLiteral("step-size")));
  QVERIFY(edit);
  const double before = panel.config().stepSize;
  edit->selectAll();
  QTest::keyClicks(edit, QStringLiteral("abc"));
  QCOMPARE(edit->text(), QStringLiteral("abc"));
  const QString reason = panel.fieldError(QStringLiteral("step-size"));
  QVERIFY(reason.contains(QStringLiteral("abc")));
  QVERIFY2(reason.startsWith(QStringLiteral("Step size h:")), qPrintable(reason));  // the label, not the key
  QVERIFY(edit->property("invalid").toBool());
  QVERIFY(!panel.runButton()->isEnabled());
  QVERIFY(panel.runButton()->toolTip().contains(reason));
  QCOMPARE(panel.config().stepSize, before);  // the config keeps the last valid value
  QSignalSpy requested(&panel, &RunPanel::runRequested);
  panel.runButton()->click();
  QCOMPARE(requested.count(), 0);
  // Out of range is refused as well.
  edit->setText(QStringLiteral("-1"));
  QVERIFY(!panel.fieldError(QStringLiteral("step-size")).isEmpty());
  panel.setFieldText(QStringLiteral("samples"), QStringLiteral("0.5"));
  QVERIFY(!panel.fieldError(QStringLiteral("samples")).isEmpty());
  // Valid values clear the marks and enable Run again.
  edit->setText(QStringLiteral("1e-4"));
  panel.setFieldText(QStringLiteral("samples"), QStringLiteral("30"));
  QVERIFY(panel.fieldError(QStringLiteral("step-size")).isEmpty());
  QVERIFY(!edit->property("invalid").toBool());
  QVERIFY(panel.runButton()->isEnabled());
  QCOMPARE(panel.config().stepSize, 1e-4);
  QCOMPARE(panel.config().samplingSteps, int64_t(30));
  // A choice the box cannot hold is refused with a reason too.
  panel.setFieldText(QStringLiteral("sampler"), QStringLiteral("nuts"));
  QVERIFY(!panel.fieldError(QStringLiteral("sampler")).isEmpty());
}

void TestRunPanel::errorRowsGrowTheForm() {
  // Two refused fields, then one corrected: the other's reason keeps its full height.
  RunPanel panel;
  panel.resize(300, 600);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  auto* form = panel.field(QStringLiteral("seed"))->parentWidget();
  panel.setFieldText(QStringLiteral("seed"), QStringLiteral("not a number at all"));
  panel.setFieldText(QStringLiteral("warmup"), QStringLiteral("-5"));
  auto* seedError = form->findChild<QLabel*>(QStringLiteral("error-seed"));
  QVERIFY(seedError && seedError->isVisible());
  panel.setFieldText(QStringLiteral("warmup"), QStringLiteral("100"));
  QApplication::processEvents();
  QVERIFY(seedError->isVisible());
  const int needed = seedError->heightForWidth(seedError->width());
  QTRY_VERIFY2(seedError->height() >= needed,
               qPrintable(QStringLiteral("%1 < %2").arg(seedError->height()).arg(needed)));
}

void TestRunPanel::presetNoteSaysWhatChanged() {
  RunPanel panel;
  QVERIFY(panel.presetNote().contains(QStringLiteral("Fields hold the preset \"Example SGLD\"")));
  panel.setFieldText(QStringLiteral("seed"), QStringLiteral("7"));
  panel.setFieldText(QStringLiteral("warmup"), QStringLiteral("300"));
  QCOMPARE(panel.presetNote(), QStringLiteral("Preset \"Example SGLD\", changed: Warm-up steps W, Seed."));
  panel.setFieldText(QStringLiteral("seed"), QStringLiteral("0"));
  panel.setFieldText(QStringLiteral("warmup"), QStringLiteral("2340"));
  QVERIFY(panel.presetNote().startsWith(QStringLiteral("Fields hold the preset")));
}

void TestRunPanel::sghmcOnlyFieldsFollowTheSampler() {
  RunPanel panel;
  QCOMPARE(panel.config().sampler, bnn::SamplerKind::Sgld);
  for (const char* key :
       {"sghmc-form", "leapfrog-steps", "alpha", "beta", "fresh-batch-per-inner-step", "sampling-phase-sgld"})
    QVERIFY2(!panel.field(QString::fromLatin1(key))->isEnabled(), key);
  QVERIFY(panel.field(QStringLiteral("step-size"))->isEnabled());
  panel.setFieldText(QStringLiteral("sampler"), QStringLiteral("sghmc"));
  for (const char* key : {"sghmc-form", "leapfrog-steps", "alpha", "beta"})
    QVERIFY2(panel.field(QString::fromLatin1(key))->isEnabled(), key);
  QVERIFY(!panel.field(QStringLiteral("sgnht-diffusion"))->isEnabled());
  panel.setFieldText(QStringLiteral("sampler"), QStringLiteral("sgnht"));
  for (const char* key : {"leapfrog-steps", "fresh-batch-per-inner-step", "sgnht-diffusion"})
    QVERIFY2(panel.field(QString::fromLatin1(key))->isEnabled(), key);
  for (const char* key : {"alpha", "beta", "psgld-decay", "psgld-lambda"})
    QVERIFY2(!panel.field(QString::fromLatin1(key))->isEnabled(), key);
  panel.setFieldText(QStringLiteral("sampler"), QStringLiteral("psgld"));
  for (const char* key : {"psgld-decay", "psgld-lambda"})
    QVERIFY2(panel.field(QString::fromLatin1(key))->isEnabled(), key);
  QVERIFY(!panel.field(QStringLiteral("leapfrog-steps"))->isEnabled());
  // Schedule parameters follow the schedule.
  for (const char* key : {"schedule-b", "schedule-gamma", "cycles", "exploration"})
    QVERIFY2(!panel.field(QString::fromLatin1(key))->isEnabled(), key);
  panel.setFieldText(QStringLiteral("schedule"), QStringLiteral("cyclical"));
  QVERIFY(panel.field(QStringLiteral("cycles"))->isEnabled());
  QVERIFY(panel.field(QStringLiteral("exploration"))->isEnabled());
  QVERIFY(!panel.field(QStringLiteral("schedule-b"))->isEnabled());
  panel.setFieldText(QStringLiteral("schedule"), QStringLiteral("polynomial"));
  QVERIFY(panel.field(QStringLiteral("schedule-gamma"))->isEnabled());
  QVERIFY(!panel.field(QStringLiteral("cycles"))->isEnabled());
}

void TestRunPanel::compareTakesTheScheduleAndSeed() {
  RunPanel panel;
  panel.setFieldText(QStringLiteral("warmup"), QStringLiteral("300"));
  panel.setFieldText(QStringLiteral("samples"), QStringLiteral("100"));
  panel.setFieldText(QStringLiteral("seed"), QStringLiteral("4"));
  panel.setFieldText(QStringLiteral("step-size"), QStringLiteral("1e-4"));  // not carried over
  const auto o = panel.compareOverrides();
  std::map<std::string, std::string> m(o.begin(), o.end());
  QCOMPARE(m.at("warmup"), std::string("300"));
  QCOMPARE(m.at("samples"), std::string("100"));
  QCOMPARE(m.at("seed"), std::string("4"));
  QVERIFY(m.count("eval-every") && m.count("thinning"));
  QVERIFY(!m.count("step-size"));
  QCOMPARE(panel.compareNote(),
           QStringLiteral(
               "Compare: both example presets with this form's W = 300, K = 100, S = 100, k = 1, seed = 4."));
  panel.setDataReady(true);
  QVERIFY(panel.compareButton()->toolTip().contains(QStringLiteral("schedule and seed")));
}

QTEST_MAIN(TestRunPanel)
#include "tst_run_panel.moc"
