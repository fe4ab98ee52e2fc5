// formatNumber: the shortest text that reads back as the same double or float.
#include <QtTest>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "util/format.h"

using namespace bnn;

class TestFormat : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void knownTexts_data() {
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("0.1") << 0.1 << "0.1";
    QTest::newRow("0.17") << 0.17 << "0.17";
    QTest::newRow("integer") << 3.0 << "3";
    QTest::newRow("zero") << 0.0 << "0";
    QTest::newRow("negative zero") << -0.0 << "-0";
    QTest::newRow("4.5e-5") << 4.5e-5 << "4.5e-05";
    QTest::newRow("1e21") << 1e21 << "1e+21";
    QTest::newRow("not 0.17") << 0.17000000000000348 << "0.17000000000000348";
    QTest::newRow("1/3") << 1.0 / 3.0 << "0.3333333333333333";
    QTest::newRow("smallest subnormal") << std::numeric_limits<double>::denorm_min() << "5e-324";
    QTest::newRow("largest") << std::numeric_limits<double>::max() << "1.7976931348623157e+308";
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << "nan";
    QTest::newRow("inf") << std::numeric_limits<double>::infinity() << "inf";
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << "-inf";
  }
  void knownTexts() {
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(formatNumber(value)), text);
    std::string appended = "x=";
    appendNumber(appended, value);
    QCOMPARE(QString::fromStdString(appended), "x=" + text);
  }

  // Every text reads back as exactly the value, over many magnitudes and bit patterns.
  void roundTrips() {
    uint64_t state = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 200000; ++i) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      double v;
      std::memcpy(&v, &state, sizeof v);
      if (!std::isfinite(v)) continue;
      const std::string t = formatNumber(v);
      double back = 0;
      const auto r = std::from_chars(t.data(), t.data() + t.size(), back);
      QVERIFY2(r.ec == std::errc() && r.ptr == t.data() + t.size(), t.c_str());
      QVERIFY2(std::memcmp(&back, &v, sizeof v) == 0, t.c_str());
    }
  }

  void floatsUseTheirOwnShortestForm() {
    QCOMPARE(QString::fromStdString(formatNumber(0.1f)), QStringLiteral("0.1"));
    QCOMPARE(QString::fromStdString(formatNumber(double(0.1f))), QStringLiteral("0.10000000149011612"));
    QCOMPARE(QString::fromStdString(formatNumber(std::numeric_limits<float>::quiet_NaN())),
             QStringLiteral("nan"));
  }
};

QTEST_GUILESS_MAIN(TestFormat)
#include "tst_format.moc"
