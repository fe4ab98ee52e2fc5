// The desktop command line (QCommandLineParser): bad input refused in one line, values that
// start with a dash, Qt's own options left to Qt, overrides applied in order, views from the
// registry.
#include <QtTest>

#include "shell/app_options.h"
#include "views/view_registry.h"

class TestAppOptions : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void refusesBadInput_data();
  void refusesBadInput();
  void appliesOverrides();
  void negativeValueIsAValueNotAnOption();
  void qtOptionsWaitForTheStrictParse();
  void helpListsOptionsAndParameters();
  void viewsComeFromTheRegistry();
};

void TestAppOptions::refusesBadInput_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("reason");
  QTest::newRow("unknown option") << QStringList{"--frobnicate", "1"} << "frobnicate";
  QTest::newRow("unknown preset") << QStringList{"--preset", "nope"} << "unknown preset 'nope'";
  QTest::newRow("nonsense value") << QStringList{"--step-size", "abc"} << "abc";
  QTest::newRow("negative step size")
      << QStringList{"--step-size", "-1"} << "Step size h: expected a number above 0";
  QTest::newRow("out of range") << QStringList{"--warmup", "-5"} << "-5";
  QTest::newRow("missing value") << QStringList{"--seed"} << "Missing value after '--seed'";
  QTest::newRow("bare argument") << QStringList{"data"} << "unexpected argument";
  QTest::newRow("run and compare") << QStringList{"--run", "--compare"} << "exclude";
  QTest::newRow("bad view") << QStringList{"--view", "pie"} << "--view";
  QTest::newRow("empty data") << QStringList{"--data="} << "--data needs a folder";
  QTest::newRow("measure without runs") << QStringList{"--measure"} << "--measure needs --run or --compare";
  QTest::newRow("compare override invalid for SGHMC")
      << QStringList{"--compare", "--leapfrog-steps", "0"} << "Inner steps L";
}

void TestAppOptions::refusesBadInput() {
  QFETCH(QStringList, args);
  QFETCH(QString, reason);
  args.prepend(QStringLiteral("bnn-explorer"));
  const AppOptionsOutcome o = parseAppOptions(args, true);
  QVERIFY(!o.options);
  QVERIFY2(o.error.contains(reason), qPrintable(o.error));
  QVERIFY(!o.error.contains('\n'));
}

void TestAppOptions::appliesOverrides() {
  const AppOptionsOutcome out = parseAppOptions(
      {"bnn-explorer", "--data", "/x", "--preset", "example-sghmc", "--run", "--seed", "7", "--warmup=300",
       "--samples", "100", "--screenshot", "out.png", "--quit-when-done", "--seed", "8"},
      true);
  QVERIFY2(out.options, qPrintable(out.error));
  const AppOptions& o = *out.options;
  QCOMPARE(o.dataDir, QStringLiteral("/x"));
  QVERIFY(o.run && o.quitWhenDone && o.automated());
  const bnn::RunConfig c = o.runConfig();
  QCOMPARE(c.sampler, bnn::SamplerKind::Sghmc);
  QCOMPARE(c.seed, uint64_t(8));  // given twice: the last one counts
  QCOMPARE(c.warmupSteps, int64_t(300));
  QCOMPARE(c.samplingSteps, int64_t(100));
  const AppOptionsOutcome cmp = parseAppOptions({"bnn-explorer", "--compare", "--warmup", "300"}, true);
  QVERIFY2(cmp.options, qPrintable(cmp.error));
  const auto both = cmp.options->compareConfigs();
  QCOMPARE(both.size(), size_t(2));
  QCOMPARE(both[0].sampler, bnn::SamplerKind::Sgld);
  QCOMPARE(both[1].sampler, bnn::SamplerKind::Sghmc);
  QCOMPARE(both[1].warmupSteps, int64_t(300));
  QVERIFY(!parseAppOptions({"bnn-explorer"}, true).options->automated());
  // --measure quits when its figures are printed.
  const AppOptionsOutcome measured = parseAppOptions({"bnn-explorer", "--compare", "--measure"}, true);
  QVERIFY2(measured.options, qPrintable(measured.error));
  QVERIFY(measured.options->measure && measured.options->quitWhenDone);
}

void TestAppOptions::negativeValueIsAValueNotAnOption() {
  // "-1" is the value of --step-size (refused by its range), not an option of its own.
  const AppOptionsOutcome o = parseAppOptions({"bnn-explorer", "--step-size", "-1"}, false);
  QVERIFY(!o.options);
  QVERIFY(!o.deferred);
  QVERIFY2(o.error.contains(QStringLiteral("-1")) && !o.error.contains(QStringLiteral("needs a value")),
           qPrintable(o.error));
}

void TestAppOptions::qtOptionsWaitForTheStrictParse() {
  // Before QApplication: Qt's options are not ours, so the decision waits (no error yet).
  const AppOptionsOutcome lenient =
      parseAppOptions({"bnn-explorer", "-platform", "offscreen", "--seed", "3", "-style", "fusion"}, false);
  QVERIFY(lenient.deferred);
  QVERIFY(lenient.error.isEmpty());
  // After QApplication has taken its own, what is left parses strictly.
  const AppOptionsOutcome strict = parseAppOptions({"bnn-explorer", "--seed", "3"}, true);
  QVERIFY2(strict.options, qPrintable(strict.error));
  QCOMPARE(strict.options->runConfig().seed, uint64_t(3));
  QVERIFY(!parseAppOptions({"bnn-explorer", "-platform", "offscreen"}, true).options);
  // Our own bad values are reported before any display is needed.
  QVERIFY(!parseAppOptions({"bnn-explorer", "--warmup", "x"}, false).options);
}

void TestAppOptions::helpListsOptionsAndParameters() {
  const AppOptionsOutcome o = parseAppOptions({"bnn-explorer", "--help"}, false);
  QVERIFY(!o.helpText.isEmpty());
  for (const char* word :
       {"--data", "--compare", "--quit-when-done", "--step-size", "--seed", "Qt's own options"})
    QVERIFY2(o.helpText.contains(QLatin1String(word)), word);
  QVERIFY(parseAppOptions({"bnn-explorer", "--version"}, false)
              .versionText.startsWith(QStringLiteral("bnn-explorer ")));
}

void TestAppOptions::viewsComeFromTheRegistry() {
  for (const QString& key : viewKeys()) {
    const AppOptionsOutcome o = parseAppOptions({"bnn-explorer", "--view", key}, true);
    QVERIFY2(o.options, qPrintable(o.error));
    QCOMPARE(o.options->view, key);
  }
}

QTEST_MAIN(TestAppOptions)
#include "tst_app_options.moc"
