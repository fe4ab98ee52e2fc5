// The MNIST checksums are defined once, in core (canonicalMnistMd5). The fetch script is shell and
// keeps its own copy, and DEVELOPERS.md lists them: both must agree with core.
#include <QtTest>

#include <QFile>
#include <QRegularExpression>

#include "data/idx_loader.h"

namespace {

const char* const kFiles[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                              "t10k-labels-idx1-ubyte"};

QString readSource(const QString& relative) {
  QFile f(QStringLiteral(BNN_SOURCE_DIR) + QLatin1Char('/') + relative);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(f.readAll());
}

// "train-images-idx3-ubyte" -> "train-images", the stem canonicalMnistMd5 takes.
std::string stemOf(const QString& file) { return file.section(QLatin1Char('-'), 0, 1).toStdString(); }

}  // namespace

class TestMnistChecksums : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void fetchScriptAgreesWithCore() {
    const QString script = readSource(QStringLiteral("scripts/fetch-mnist.sh"));
    QVERIFY2(!script.isEmpty(), "scripts/fetch-mnist.sh not found");
    int found = 0;
    const QRegularExpression entry(QStringLiteral("\\[([a-z0-9-]+)\\]=([0-9a-f]{32})"));
    for (auto it = entry.globalMatch(script); it.hasNext();) {
      const QRegularExpressionMatch m = it.next();
      const QString file = m.captured(1);
      QCOMPARE(m.captured(2), QString::fromLatin1(bnn::canonicalMnistMd5(stemOf(file))));
      ++found;
    }
    QCOMPARE(found, 4);
  }

  void developerGuideAgreesWithCore() {
    const QString guide = readSource(QStringLiteral("DEVELOPERS.md"));
    QVERIFY2(!guide.isEmpty(), "DEVELOPERS.md not found");
    for (const char* file : kFiles) {
      const QRegularExpression row(QStringLiteral("\\| %1 \\| ([0-9a-f]{32}) \\|").arg(QLatin1String(file)));
      const QRegularExpressionMatch m = row.match(guide);
      QVERIFY2(m.hasMatch(), file);
      QCOMPARE(m.captured(1), QString::fromLatin1(bnn::canonicalMnistMd5(stemOf(QLatin1String(file)))));
    }
  }
};

QTEST_GUILESS_MAIN(TestMnistChecksums)
#include "tst_mnist_checksums.moc"
