// Loading the real MNIST (BNN_DATA_DIR) and Fashion-MNIST (Debian package dataset-fashion-mnist):
// counts, canonical MD5, label histograms and the well-known mean pixel value.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include "data/gzip.h"
#include "data/idx_loader.h"

using namespace bnn;

namespace {

const char* const kFashionDir = "/usr/share/datasets/fashion-mnist";

std::array<int64_t, 10> histogram(const ImageSet& set) {
  std::array<int64_t, 10> h{};
  for (uint8_t l : set.labels) ++h[l];
  return h;
}

QList<qint64> toList(const std::array<int64_t, 10>& h) { return QList<qint64>(h.begin(), h.end()); }

// True when every one of the four files is present in some accepted form.
bool holdsDataset(const QString& dir) {
  for (const char* stem : {"train-images", "train-labels", "t10k-images", "t10k-labels"})
    if (!findDatasetFile(dir.toStdString(), stem).ok()) return false;
  return true;
}

}  // namespace

// Skips when MNIST is absent; fails when it is present but does not load.
#define REQUIRE_MNIST()                                                               \
  do {                                                                                \
    if (!m_skipReason.isEmpty()) QSKIP(qPrintable(m_skipReason));                     \
    QVERIFY(m_mnist.has_value());                                                     \
    QVERIFY2(m_mnist->ok(), m_mnist->ok() ? "" : m_mnist->error().message().c_str()); \
  } while (false)

/// Runs on the test thread only.
class TestMnistReal : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void mnistLoads();
  void mnistCounts_data();
  void mnistCounts();
  void mnistLabelHistogram_data();
  void mnistLabelHistogram();
  void mnistMeanPixel();
  void mnistGzippedIsStillCanonical();
  void fashionMnist();

 private:
  QString m_dir;
  QString m_skipReason;
  std::optional<Result<Dataset>> m_mnist;
};

void TestMnistReal::initTestCase() {
  m_dir = qEnvironmentVariable("BNN_DATA_DIR");
  if (m_dir.isEmpty()) {
    m_skipReason =
        "BNN_DATA_DIR is not set (point it at a folder with the four MNIST files, "
        "e.g. after scripts/fetch-mnist.sh)";
    return;
  }
  if (!holdsDataset(m_dir)) {
    m_skipReason =
        "BNN_DATA_DIR=" + m_dir + " does not hold the four MNIST files (run scripts/fetch-mnist.sh)";
    return;
  }
  QElapsedTimer timer;
  timer.start();
  m_mnist.emplace(loadDataset(m_dir.toStdString()));
  qInfo("loaded %s in %lld ms", qPrintable(m_dir), timer.elapsed());
}

void TestMnistReal::mnistLoads() {
  REQUIRE_MNIST();
  const Dataset& ds = m_mnist->value();
  QVERIFY2(ds.canonicalMnist, "MD5 of the files differs from the canonical MNIST sums");
  QCOMPARE(QString::fromStdString(ds.name), QStringLiteral("MNIST"));
  QCOMPARE(ds.numClasses, 10);
  QCOMPARE(ds.train.rows, 28);
  QCOMPARE(ds.train.cols, 28);
  QCOMPARE(ds.test.rows, 28);
  QCOMPARE(ds.test.cols, 28);
}

void TestMnistReal::mnistCounts_data() {
  QTest::addColumn<bool>("train");
  QTest::addColumn<qint64>("count");
  QTest::newRow("train") << true << 60000LL;
  QTest::newRow("test") << false << 10000LL;
}

void TestMnistReal::mnistCounts() {
  REQUIRE_MNIST();
  QFETCH(bool, train);
  QFETCH(qint64, count);
  const ImageSet& set = train ? m_mnist->value().train : m_mnist->value().test;
  QCOMPARE(qint64(set.count), count);
  QCOMPARE(qint64(set.labels.size()), count);
  QCOMPARE(qint64(set.pixels.size()), count * 28 * 28);
}

void TestMnistReal::mnistLabelHistogram_data() {
  QTest::addColumn<bool>("train");
  QTest::addColumn<QList<qint64>>("counts");
  QTest::newRow("train") << true << QList<qint64>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
  QTest::newRow("test") << false << QList<qint64>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
}

void TestMnistReal::mnistLabelHistogram() {
  REQUIRE_MNIST();
  QFETCH(bool, train);
  QFETCH(QList<qint64>, counts);
  QCOMPARE(toList(histogram(train ? m_mnist->value().train : m_mnist->value().test)), counts);
}

void TestMnistReal::mnistMeanPixel() {
  REQUIRE_MNIST();
  const std::vector<uint8_t>& pixels = m_mnist->value().train.pixels;
  uint64_t sum = 0;
  for (uint8_t p : pixels) sum += p;
  const double mean = double(sum) / double(pixels.size()) / 255.0;
  QVERIFY2(std::abs(mean - 0.1307) < 1e-4, qPrintable(QString::number(mean, 'f', 6)));
}

void TestMnistReal::mnistGzippedIsStillCanonical() {
  REQUIRE_MNIST();
  // The MD5 is taken over the decompressed bytes, so a gzipped copy is still canonical MNIST.
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString dir = tmp.filePath("mnist-gz");
  QVERIFY(QDir().mkpath(dir));
  for (const char* stem : {"train-images", "train-labels", "t10k-images", "t10k-labels"}) {
    Result<std::string> src = findDatasetFile(m_dir.toStdString(), stem);
    QVERIFY(src.ok());
    Result<std::vector<uint8_t>> bytes = readFileBytes(*src);
    QVERIFY(bytes.ok());
    const std::vector<uint8_t> z = gzipCompress(bytes->data(), bytes->size(), 1);
    QFile f(dir + "/" + QString::fromStdString(candidateFileNames(stem)[1]));
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(reinterpret_cast<const char*>(z.data()), qint64(z.size())), qint64(z.size()));
  }
  Result<Dataset> r = loadDataset(dir.toStdString());
  QVERIFY2(r.ok(), r.ok() ? "" : r.error().message().c_str());
  QVERIFY(r->canonicalMnist);
  QCOMPARE(QString::fromStdString(r->name), QStringLiteral("MNIST"));
  QVERIFY(r->train.pixels == m_mnist->value().train.pixels);
  QVERIFY(r->test.labels == m_mnist->value().test.labels);
}

void TestMnistReal::fashionMnist() {
  if (!holdsDataset(QString::fromLatin1(kFashionDir)))
    QSKIP(
        "Fashion-MNIST not installed in /usr/share/datasets/fashion-mnist "
        "(Debian package dataset-fashion-mnist)");
  QElapsedTimer timer;
  timer.start();
  Result<Dataset> r = loadDataset(kFashionDir);
  QVERIFY2(r.ok(), r.ok() ? "" : r.error().message().c_str());
  qInfo("loaded %s in %lld ms", kFashionDir, timer.elapsed());
  QCOMPARE(QString::fromStdString(r->name), QStringLiteral("Fashion-MNIST"));
  QVERIFY(!r->canonicalMnist);
  QCOMPARE(r->train.count, int64_t(60000));
  QCOMPARE(r->test.count, int64_t(10000));
  // Fashion-MNIST is balanced: 6000 training and 1000 test images per class.
  QCOMPARE(toList(histogram(r->train)), QList<qint64>(10, 6000));
  QCOMPARE(toList(histogram(r->test)), QList<qint64>(10, 1000));
}

QTEST_GUILESS_MAIN(TestMnistReal)
#include "tst_mnist_real.moc"
