// OptionParser: the forms bnn-cli accepts, values that look like options, and one-line errors.
#include <QtTest>

#include <string>
#include <vector>

#include "util/option_parser.h"

using namespace bnn;

namespace {

OptionParser runLike() {
  OptionParser p;
  p.flag("compare").value("data").value("threshold").positional(1);
  p.values([](const std::string& name) { return name == "step-size" || name == "seed"; });
  return p;
}

std::vector<std::string> split(const QString& line) {
  std::vector<std::string> v;
  for (const QString& s : line.split(' ', Qt::SkipEmptyParts)) v.push_back(s.toStdString());
  return v;
}

}  // namespace

class TestOptionParser : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void accepted_data() {
    QTest::addColumn<QString>("args");
    QTest::addColumn<QString>("options");  // name=value;... in order
    QTest::addColumn<QString>("arguments");
    QTest::newRow("nothing") << ""
                             << ""
                             << "";
    QTest::newRow("value and flag") << "--data d --compare"
                                    << "data=d;compare="
                                    << "";
    QTest::newRow("inline value") << "--step-size=3e-5"
                                  << "step-size=3e-5"
                                  << "";
    QTest::newRow("negative value") << "--step-size -1"
                                    << "step-size=-1"
                                    << "";
    QTest::newRow("negative inline") << "--step-size=-1e-3"
                                     << "step-size=-1e-3"
                                     << "";
    QTest::newRow("value that looks like an option") << "--data --compare"
                                                     << "data=--compare"
                                                     << "";
    QTest::newRow("empty inline value") << "--data="
                                        << "data="
                                        << "";
    QTest::newRow("value with =") << "--data=a=b"
                                  << "data=a=b"
                                  << "";
    QTest::newRow("positional") << "run1 --seed 4"
                                << "seed=4"
                                << "run1";
    QTest::newRow("repeated, in order") << "--seed 1 --seed 2"
                                        << "seed=1;seed=2"
                                        << "";
    QTest::newRow("-- ends options") << "-- --compare"
                                     << ""
                                     << "--compare";
    QTest::newRow("single dash is positional") << "-"
                                               << ""
                                               << "-";
  }
  void accepted() {
    QFETCH(QString, args);
    QFETCH(QString, options);
    QFETCH(QString, arguments);
    const OptionParser::Parsed p = runLike().parse(split(args));
    QVERIFY2(p.ok(), p.error.c_str());
    QStringList got;
    for (const auto& [n, v] : p.options) got << QString::fromStdString(n + "=" + v);
    QCOMPARE(got.join(';'), options);
    QStringList pos;
    for (const std::string& a : p.arguments) pos << QString::fromStdString(a);
    QCOMPARE(pos.join(' '), arguments);
  }

  void refused_data() {
    QTest::addColumn<QString>("args");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown") << "--frobnicate 1"
                             << "unknown option '--frobnicate'";
    QTest::newRow("unknown single dash") << "-x"
                                         << "unknown option '-x'";
    QTest::newRow("missing value") << "--seed"
                                   << "--seed needs a value";
    QTest::newRow("flag with value") << "--compare=yes"
                                     << "--compare takes no value";
    QTest::newRow("two positionals") << "a b"
                                     << "too many arguments: 'b' (expected at most 1)";
    QTest::newRow("bare --") << "--=3"
                             << "unknown option '--'";
  }
  void refused() {
    QFETCH(QString, args);
    QFETCH(QString, error);
    const OptionParser::Parsed p = runLike().parse(split(args));
    QVERIFY(!p.ok());
    QCOMPARE(QString::fromStdString(p.error), error);
  }

  void noPositionals() {
    OptionParser p;
    p.flag("x");
    QCOMPARE(QString::fromStdString(p.parse({"stray"}).error), QStringLiteral("unexpected argument 'stray'"));
  }

  void helpAndLookups() {
    const OptionParser::Parsed p = runLike().parse({"--seed", "1", "-h", "--seed", "2"});
    QVERIFY(p.ok());
    QVERIFY(p.help);
    QVERIFY(p.has("seed"));
    QVERIFY(!p.has("data"));
    QCOMPARE(p.last("seed").value_or(""), std::string("2"));
    QVERIFY(!p.last("data"));
    QVERIFY(runLike().parse({"--help"}).help);
  }

  // Any bytes: a one-line error or a result, never a crash; long junk is cut in the message.
  void anyInputIsSafe() {
    const std::vector<std::string> junk{std::string(10000, '-'),
                                        "--\n--",
                                        std::string("--a\0b", 5),
                                        "\xff\xfe",
                                        "--" + std::string(5000, 'x'),
                                        "=",
                                        "--=",
                                        "---",
                                        "--data"};
    for (const std::string& j : junk) {
      const OptionParser::Parsed p = runLike().parse({j, j});
      QVERIFY(p.error.size() < 200);
      QVERIFY(p.error.find('\n') == std::string::npos);
    }
    const char* argv[] = {"--data", nullptr, "x"};
    QVERIFY(runLike().parse(2, argv).ok());  // a null entry reads as empty
  }
};

QTEST_GUILESS_MAIN(TestOptionParser)
#include "tst_option_parser.moc"
