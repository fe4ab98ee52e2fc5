// IDX loading on synthetic files: every layer of validation, gzip, MD5 and dataset folders.
#include <sys/stat.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <vector>

#include "data/gzip.h"
#include "data/idx_loader.h"
#include "data/md5.h"

using namespace bnn;

namespace {

QByteArray idxHeader(uint8_t type, const std::vector<uint32_t>& dims) {
  QByteArray h;
  h.append(char(0)).append(char(0)).append(char(type)).append(char(dims.size()));
  for (uint32_t d : dims) {
    h.append(char(d >> 24)).append(char(d >> 16)).append(char(d >> 8)).append(char(d));
  }
  return h;
}

QByteArray pixelBytes(int64_t n) {
  QByteArray p(qsizetype(n), '\0');
  for (qsizetype i = 0; i < p.size(); ++i) p[i] = char((i * 7 + 3) & 0xff);
  return p;
}

QByteArray imagesFile(uint32_t count, uint32_t rows = 28, uint32_t cols = 28) {
  return idxHeader(0x08, {count, rows, cols}) + pixelBytes(int64_t(count) * rows * cols);
}

QByteArray labelBytes(uint32_t count) {
  QByteArray l;
  for (uint32_t i = 0; i < count; ++i) l.append(char((i * 3) % 10));
  return l;
}

QByteArray labelsFile(uint32_t count) { return idxHeader(0x08, {count}) + labelBytes(count); }

QByteArray gz(const QByteArray& plain) {
  const std::vector<uint8_t> z =
      gzipCompress(reinterpret_cast<const uint8_t*>(plain.constData()), size_t(plain.size()));
  return QByteArray(reinterpret_cast<const char*>(z.data()), qsizetype(z.size()));
}

bool writeFile(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  return f.write(bytes) == bytes.size();
}

QByteArray toBytes(const std::vector<uint8_t>& v) {
  return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size()));
}

// Writes a dataset folder with `trainCount` / `testCount` images under the given file names.
bool writeDataset(const QString& dir, uint32_t trainCount, uint32_t testCount, bool gzip, bool dotted) {
  if (!QDir().mkpath(dir)) return false;
  const char* const stems[4] = {"train-images", "train-labels", "t10k-images", "t10k-labels"};
  const QByteArray contents[4] = {imagesFile(trainCount), labelsFile(trainCount), imagesFile(testCount),
                                  labelsFile(testCount)};
  for (int i = 0; i < 4; ++i) {
    const std::vector<std::string> names = candidateFileNames(stems[i]);
    const std::string& name = names[size_t((dotted ? 2 : 0) + (gzip ? 1 : 0))];
    if (!writeFile(dir + "/" + QString::fromStdString(name), gzip ? gz(contents[i]) : contents[i]))
      return false;
  }
  return true;
}

// Common checks of an Error: code, path named in the message, offset, expected / found parts.
void checkError(const Error& e, ErrorCode code, const QString& path, qint64 offset, const QString& expected,
                const QString& found) {
  const QString msg = QString::fromStdString(e.message());
  QVERIFY2(e.code == code,
           qPrintable(QStringLiteral("got %1: %2").arg(QString::fromLatin1(errorCodeName(e.code)), msg)));
  QCOMPARE(QString::fromStdString(e.path), path);
  QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
  if (offset >= 0) {
    QCOMPARE(qint64(e.offset), offset);
    QVERIFY2(msg.contains(QStringLiteral(" at byte %1").arg(offset)), qPrintable(msg));
  }
  if (!expected.isEmpty()) {
    QVERIFY2(QString::fromStdString(e.expected).contains(expected), qPrintable(msg));
    QVERIFY2(msg.contains(QStringLiteral("expected ")), qPrintable(msg));
  }
  if (!found.isEmpty()) {
    QVERIFY2(QString::fromStdString(e.found).contains(found), qPrintable(msg));
    QVERIFY2(msg.contains(QStringLiteral("found ") + QString::fromStdString(e.found)), qPrintable(msg));
  }
}

}  // namespace

Q_DECLARE_METATYPE(bnn::ErrorCode)

/// Runs on the test thread only.
class TestIdxLoader : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void md5Vectors_data();
  void md5Vectors();
  void md5Incremental();

  void badFile_data();
  void badFile();
  void badPair_data();
  void badPair();
  void hugeHeaderFailsFast();
  void overflowingDimensions();

  void roundTrip_data();
  void roundTrip();
  void gunzipLimit();
  void gunzipTrailingGarbage();

  void candidateNames();
  void loadDatasetFolder_data();
  void loadDatasetFolder();
  void datasetNames_data();
  void datasetNames();
  void loadDatasetMissingFile();
  void loadDatasetFolderErrors();
  void loadDatasetPropagatesFileErrors();
};

void TestIdxLoader::md5Vectors_data() {
  QTest::addColumn<QByteArray>("input");
  QTest::addColumn<QString>("digest");
  // RFC 1321, appendix A.5.
  QTest::newRow("empty") << QByteArray() << "d41d8cd98f00b204e9800998ecf8427e";
  QTest::newRow("a") << QByteArray("a") << "0cc175b9c0f1b6a831c399e269772661";
  QTest::newRow("abc") << QByteArray("abc") << "900150983cd24fb0d6963f7d28e17f72";
  QTest::newRow("message digest") << QByteArray("message digest") << "f96b697d7cb7938d525a2f31aaf161d0";
  QTest::newRow("alphabet") << QByteArray("abcdefghijklmnopqrstuvwxyz") << "c3fcd3d76192e4007dfb496cca67e13b";
  QTest::newRow("alphanumeric") << QByteArray(
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                                << "d174ab98d277d9f5a5611c2c9f419d9f";
  QTest::newRow("80 digits") << QByteArray(
                                    "1234567890123456789012345678901234567890"
                                    "1234567890123456789012345678901234567890")
                             << "57edf4a22be3c955ac49da2e2107b67a";
  QTest::newRow("million a") << QByteArray(1000000, 'a') << "7707d6ae4e027c70eea2a935c2296f21";
}

void TestIdxLoader::md5Vectors() {
  QFETCH(QByteArray, input);
  QFETCH(QString, digest);
  QCOMPARE(QString::fromStdString(
               md5Hex(reinterpret_cast<const uint8_t*>(input.constData()), size_t(input.size()))),
           digest);
}

void TestIdxLoader::md5Incremental() {
  const QByteArray data = pixelBytes(10007);
  const auto* p = reinterpret_cast<const uint8_t*>(data.constData());
  const std::string oneShot = md5Hex(p, size_t(data.size()));
  // Uneven pieces cross the 64-byte block boundaries in every way.
  Md5 md5;
  size_t at = 0;
  for (size_t piece = 1; at < size_t(data.size()); piece = piece * 3 % 97 + 1) {
    const size_t n = std::min(piece, size_t(data.size()) - at);
    md5.update(p + at, n);
    at += n;
  }
  QCOMPARE(md5.finishHex(), oneShot);
}

void TestIdxLoader::badFile_data() {
  QTest::addColumn<QString>("setup");  // file, missing, directory, unreadable, fifo
  QTest::addColumn<QString>("role");   // images or labels
  QTest::addColumn<QByteArray>("content");
  QTest::addColumn<bnn::ErrorCode>("code");
  QTest::addColumn<qint64>("offset");  // -1: not checked
  QTest::addColumn<QString>("expected");
  QTest::addColumn<QString>("found");

  const QByteArray none;
  QTest::newRow("not_found") << "missing"
                             << "images" << none << ErrorCode::NotFound << -1LL << ""
                             << "";
  QTest::newRow("is_directory") << "directory"
                                << "labels" << none << ErrorCode::IsDirectory << -1LL << ""
                                << "";
  QTest::newRow("unreadable") << "unreadable"
                              << "images" << imagesFile(2) << ErrorCode::Unreadable << -1LL << ""
                              << "";
  QTest::newRow("special_file") << "fifo"
                                << "images" << none << ErrorCode::Unreadable << -1LL << "a regular file"
                                << "a special file";
  QTest::newRow("empty") << "file"
                         << "images" << none << ErrorCode::Empty << -1LL << ""
                         << "";
  QTest::newRow("empty_labels") << "file"
                                << "labels" << none << ErrorCode::Empty << -1LL << ""
                                << "";
  QTest::newRow("truncated_header_magic")
      << "file"
      << "images" << QByteArray("\0\0", 2) << ErrorCode::TruncatedHeader << 2LL << "4-byte"
      << "2 bytes";
  QTest::newRow("truncated_header_dims") << "file"
                                         << "images" << idxHeader(0x08, {2, 28, 28}).left(9)
                                         << ErrorCode::TruncatedHeader << 9LL << "16-byte header"
                                         << "9 bytes";
  QTest::newRow("truncated_header_labels")
      << "file"
      << "labels" << idxHeader(0x08, {2}).left(6) << ErrorCode::TruncatedHeader << 6LL << "8-byte header"
      << "6 bytes";
  QTest::newRow("bad_magic") << "file"
                             << "images" << QByteArray("P5\n28 28\n255\n") << ErrorCode::BadMagic << 0LL
                             << "00 00"
                             << "50 35";
  QTest::newRow("bad_magic_second_byte") << "file"
                                         << "labels" << QByteArray("\0\x01\x08\x01\0\0\0\x02\x01\x02", 10)
                                         << ErrorCode::BadMagic << 1LL << "00 00"
                                         << "00 01";
  QTest::newRow("bad_item_type_float")
      << "file"
      << "images" << idxHeader(0x0D, {2, 28, 28}) + QByteArray(2 * 28 * 28 * 4, '\0')
      << ErrorCode::BadItemType << 2LL << "0x08"
      << "0x0d (32-bit float)";
  QTest::newRow("bad_item_type_labels")
      << "file"
      << "labels" << idxHeader(0x0C, {2}) + QByteArray(8, '\0') << ErrorCode::BadItemType << 2LL << "0x08"
      << "0x0c";
  QTest::newRow("bad_rank_images") << "file"
                                   << "images" << idxHeader(0x08, {2, 784}) + pixelBytes(2 * 784)
                                   << ErrorCode::BadDimensions << 3LL << "3 dimensions"
                                   << "2 dimensions";
  QTest::newRow("bad_rank_labels") << "file"
                                   << "labels" << imagesFile(2) << ErrorCode::BadDimensions << 3LL
                                   << "1 dimension"
                                   << "3 dimensions";
  QTest::newRow("bad_image_size") << "file"
                                  << "images" << imagesFile(2, 32, 32) << ErrorCode::BadDimensions << 8LL
                                  << "28 x 28"
                                  << "32 x 32";
  QTest::newRow("zero_images") << "file"
                               << "images" << imagesFile(0) << ErrorCode::BadDimensions << 4LL
                               << "at least 1 image"
                               << "0";
  QTest::newRow("payload_too_short") << "file"
                                     << "images" << imagesFile(2).left(16 + 1000)
                                     << ErrorCode::PayloadTooShort << 1016LL
                                     << "1568 payload bytes (2 x 28 x 28)"
                                     << "1000 bytes";
  QTest::newRow("payload_too_long") << "file"
                                    << "images" << imagesFile(2) + QByteArray(5, '\x07')
                                    << ErrorCode::PayloadTooLong << 1584LL << "1568 payload bytes"
                                    << "1573 bytes";
  QTest::newRow("labels_too_short") << "file"
                                    << "labels" << labelsFile(2).left(9) << ErrorCode::PayloadTooShort << 9LL
                                    << "2 payload bytes"
                                    << "1 byte";
  QTest::newRow("labels_too_long") << "file"
                                   << "labels" << labelsFile(2) + QByteArray(1, '\0')
                                   << ErrorCode::PayloadTooLong << 10LL << "2 payload bytes"
                                   << "3 bytes";
  QTest::newRow("header_claims_4e9_images")
      << "file"
      << "images" << idxHeader(0x08, {4000000000u, 28, 28}) + QByteArray(10, '\0')
      << ErrorCode::PayloadTooShort << 26LL << "3136000000000 payload bytes"
      << "10 bytes";
  QTest::newRow("corrupt_gzip") << "file"
                                << "images" << QByteArray("\x1f\x8b\x08\x00garbage-not-deflate-data", 28)
                                << ErrorCode::CorruptGzip << -1LL << ""
                                << "";
  QTest::newRow("truncated_gzip") << "file"
                                  << "images" << gz(imagesFile(2)).chopped(30) << ErrorCode::CorruptGzip
                                  << -1LL << "end of gzip stream"
                                  << "end of file";
  QTest::newRow("gzip_magic_only") << "file"
                                   << "labels" << QByteArray("\x1f\x8b", 2) << ErrorCode::CorruptGzip << -1LL
                                   << ""
                                   << "";
  QTest::newRow("gzip_of_empty") << "file"
                                 << "labels" << gz(QByteArray()) << ErrorCode::Empty << -1LL << ""
                                 << "";
  QTest::newRow("gzip_bad_magic") << "file"
                                  << "images" << gz(QByteArray("hello world")) << ErrorCode::BadMagic << 0LL
                                  << "00 00"
                                  << "68 65";
  QTest::newRow("gzip_payload_too_short") << "file"
                                          << "images" << gz(imagesFile(3).left(100))
                                          << ErrorCode::PayloadTooShort << 100LL << "2352 payload bytes"
                                          << "84 bytes";
  // Decompression is bounded by what the header declares: a bomb stops one byte past it.
  QTest::newRow("gzip_bomb") << "file"
                             << "images" << gz(imagesFile(2) + QByteArray(32 << 20, '\0'))
                             << ErrorCode::PayloadTooLong << 1584LL << "1568 payload bytes (2 x 28 x 28)"
                             << "more (decompression stopped after 1585 bytes)";
  QTest::newRow("gzip_bomb_labels") << "file"
                                    << "labels" << gz(labelsFile(2) + QByteArray(8 << 20, '\x01'))
                                    << ErrorCode::PayloadTooLong << 10LL << "2 payload bytes"
                                    << "more (decompression stopped after 11 bytes)";
  QTest::newRow("gzip_extra_member") << "file"
                                     << "images" << gz(imagesFile(2)) + gz(QByteArray("x"))
                                     << ErrorCode::PayloadTooLong << 1584LL << "1568 payload bytes"
                                     << "decompression stopped after 1585 bytes";
  QTest::newRow("gzip_truncated_header") << "file"
                                         << "images" << gz(idxHeader(0x08, {2, 28, 28}).left(9))
                                         << ErrorCode::TruncatedHeader << 9LL << "16-byte header"
                                         << "9 bytes";
  QTest::newRow("gzip_header_claims_4e9_images")
      << "file"
      << "images" << gz(idxHeader(0x08, {4000000000u, 28, 28}) + QByteArray(10, '\0'))
      << ErrorCode::PayloadTooShort << 26LL << "3136000000000 payload bytes"
      << "10 bytes";
  QTest::newRow("gzip_header_overflows")
      << "file"
      << "images" << gz(idxHeader(0x08, {0xffffffffu, 0xffffffffu, 0xffffffffu}) + QByteArray(3, '\0'))
      << ErrorCode::PayloadTooShort << 19LL << "more than 2^64 payload bytes"
      << "3 bytes";
}

void TestIdxLoader::badFile() {
  QFETCH(QString, setup);
  QFETCH(QString, role);
  QFETCH(QByteArray, content);
  QFETCH(bnn::ErrorCode, code);
  QFETCH(qint64, offset);
  QFETCH(QString, expected);
  QFETCH(QString, found);

  if (setup == QLatin1String("unreadable") && geteuid() == 0)
    QSKIP("running as root: permission bits do not stop root from reading a chmod 000 file");

  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString good = tmp.filePath(role == QLatin1String("images") ? "good-labels" : "good-images");
  QVERIFY(writeFile(good, role == QLatin1String("images") ? labelsFile(2) : imagesFile(2)));
  const QString bad = tmp.filePath("bad-" + role);
  if (setup == QLatin1String("file") || setup == QLatin1String("unreadable")) {
    QVERIFY(writeFile(bad, content));
    if (setup == QLatin1String("unreadable")) QVERIFY(::chmod(qPrintable(bad), 0) == 0);
  } else if (setup == QLatin1String("directory")) {
    QVERIFY(QDir().mkpath(bad));
  } else if (setup == QLatin1String("fifo")) {
    QVERIFY(::mkfifo(qPrintable(bad), 0600) == 0);
  }

  QElapsedTimer timer;
  timer.start();
  const bool images = role == QLatin1String("images");
  Result<ImageSet> r = images ? loadImageSet(bad.toStdString(), good.toStdString())
                              : loadImageSet(good.toStdString(), bad.toStdString());
  QVERIFY(!r.ok());
  QVERIFY2(timer.elapsed() < 2000, "validation must not take long");
  checkError(r.error(), code, bad, offset, expected, found);
}

void TestIdxLoader::badPair_data() {
  QTest::addColumn<QByteArray>("images");
  QTest::addColumn<QByteArray>("labels");
  QTest::addColumn<bnn::ErrorCode>("code");
  QTest::addColumn<qint64>("offset");
  QTest::addColumn<QString>("expected");
  QTest::addColumn<QString>("found");

  QTest::newRow("count_mismatch") << imagesFile(3) << labelsFile(2) << ErrorCode::CountMismatch << 4LL
                                  << "3 labels"
                                  << "2 labels";
  QTest::newRow("count_mismatch_more_labels")
      << imagesFile(1) << labelsFile(4) << ErrorCode::CountMismatch << 4LL << "1 label"
      << "4 labels";
  QTest::newRow("label_10") << imagesFile(4) << idxHeader(0x08, {4}) + QByteArray("\x01\x02\x0a\x03", 4)
                            << ErrorCode::LabelOutOfRange << 10LL << "0..9"
                            << "10";
  QTest::newRow("label_255") << imagesFile(3) << idxHeader(0x08, {3}) + QByteArray("\x09\x00\xff", 3)
                             << ErrorCode::LabelOutOfRange << 10LL << "0..9"
                             << "255";
  QTest::newRow("first_label_bad") << imagesFile(2) << idxHeader(0x08, {2}) + QByteArray("\x0c\x0d", 2)
                                   << ErrorCode::LabelOutOfRange << 8LL << "0..9"
                                   << "12";
}

void TestIdxLoader::badPair() {
  QFETCH(QByteArray, images);
  QFETCH(QByteArray, labels);
  QFETCH(bnn::ErrorCode, code);
  QFETCH(qint64, offset);
  QFETCH(QString, expected);
  QFETCH(QString, found);

  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString imagesPath = tmp.filePath("images-idx3-ubyte");
  const QString labelsPath = tmp.filePath("labels-idx1-ubyte");
  QVERIFY(writeFile(imagesPath, images));
  QVERIFY(writeFile(labelsPath, labels));
  Result<ImageSet> r = loadImageSet(imagesPath.toStdString(), labelsPath.toStdString());
  QVERIFY(!r.ok());
  checkError(r.error(), code, labelsPath, offset, expected, found);
  if (code == ErrorCode::CountMismatch)
    QVERIFY(QString::fromStdString(r.error().message()).contains(imagesPath));
}

void TestIdxLoader::hugeHeaderFailsFast() {
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString path = tmp.filePath("huge-idx3-ubyte");
  QVERIFY(writeFile(path, idxHeader(0x08, {4000000000u, 28, 28}) + QByteArray(64, '\x01')));
  QElapsedTimer timer;
  timer.start();
  Result<IdxArray> r = readIdx(path.toStdString(), 3);
  const qint64 ms = timer.elapsed();
  QVERIFY(!r.ok());
  QCOMPARE(r.error().code, ErrorCode::PayloadTooShort);
  QVERIFY2(ms < 500, qPrintable(QStringLiteral("took %1 ms").arg(ms)));

  // The same header behind gzip.
  QVERIFY(writeFile(path, gz(idxHeader(0x08, {4000000000u, 28, 28}) + QByteArray(64, '\x01'))));
  timer.restart();
  r = readIdx(path.toStdString(), 3);
  QVERIFY(!r.ok());
  QCOMPARE(r.error().code, ErrorCode::PayloadTooShort);
  QVERIFY(timer.elapsed() < 500);
}

void TestIdxLoader::overflowingDimensions() {
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString path = tmp.filePath("overflow-idx3-ubyte");
  // 0xffffffff^3 does not fit in 64 bits.
  QVERIFY(writeFile(path, idxHeader(0x08, {0xffffffffu, 0xffffffffu, 0xffffffffu}) + QByteArray(16, '\0')));
  Result<IdxArray> r = readIdx(path.toStdString(), 3);
  QVERIFY(!r.ok());
  checkError(r.error(), ErrorCode::PayloadTooShort, path, 32, "more than 2^64", "16 bytes");
}

void TestIdxLoader::roundTrip_data() {
  QTest::addColumn<QString>("imagesName");
  QTest::addColumn<QString>("labelsName");
  // raw, gzip, gzip2 (two concatenated members), gzip4 (four members, two splitting the header)
  QTest::addColumn<QString>("encoding");
  QTest::newRow("raw") << "images-idx3-ubyte"
                       << "labels-idx1-ubyte"
                       << "raw";
  QTest::newRow("gzip") << "images-idx3-ubyte.gz"
                        << "labels-idx1-ubyte.gz"
                        << "gzip";
  QTest::newRow("gzip_concatenated_members") << "images.gz"
                                             << "labels.gz"
                                             << "gzip2";
  QTest::newRow("gzip_header_split_over_members") << "images.gz"
                                                  << "labels.gz"
                                                  << "gzip4";
  QTest::newRow("gzip_content_under_raw_name") << "images-idx3-ubyte"
                                               << "labels-idx1-ubyte"
                                               << "gzip";
  QTest::newRow("raw_content_under_gz_name") << "images.gz"
                                             << "labels.gz"
                                             << "raw";
}

void TestIdxLoader::roundTrip() {
  QFETCH(QString, imagesName);
  QFETCH(QString, labelsName);
  QFETCH(QString, encoding);

  const uint32_t n = 7;
  const QByteArray images = imagesFile(n);
  const QByteArray labels = labelsFile(n);
  const auto encode = [&](const QByteArray& plain) {
    if (encoding == QLatin1String("gzip")) return gz(plain);
    if (encoding == QLatin1String("gzip2")) return gz(plain.left(100)) + gz(plain.mid(100));
    if (encoding == QLatin1String("gzip4"))
      return gz(plain.left(3)) + gz(plain.mid(3, 3)) + gz(QByteArray()) + gz(plain.mid(6));
    return plain;
  };
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString imagesPath = tmp.filePath(imagesName);
  const QString labelsPath = tmp.filePath(labelsName);
  QVERIFY(writeFile(imagesPath, encode(images)));
  QVERIFY(writeFile(labelsPath, encode(labels)));

  Result<std::vector<uint8_t>> bytes = readFileBytes(imagesPath.toStdString());
  QVERIFY2(bytes.ok(), bytes.ok() ? "" : bytes.error().message().c_str());
  QCOMPARE(toBytes(*bytes), images);

  IdxFileInfo imagesInfo, labelsInfo;
  Result<ImageSet> r =
      loadImageSet(imagesPath.toStdString(), labelsPath.toStdString(), 10, &imagesInfo, &labelsInfo);
  QVERIFY2(r.ok(), r.ok() ? "" : r.error().message().c_str());
  QCOMPARE(r->count, int64_t(n));
  QCOMPARE(r->rows, 28);
  QCOMPARE(r->cols, 28);
  QCOMPARE(toBytes(r->pixels), pixelBytes(int64_t(n) * 784));
  QCOMPARE(toBytes(r->labels), labelBytes(n));
  QCOMPARE(QString::fromStdString(r->imagesPath), imagesPath);
  QCOMPARE(QString::fromStdString(r->labelsPath), labelsPath);
  QCOMPARE(r->image(1)[0], uint8_t((784 * 7 + 3) & 0xff));

  const bool gzipped = encoding != QLatin1String("raw");
  QCOMPARE(imagesInfo.gzipped, gzipped);
  QCOMPARE(labelsInfo.gzipped, gzipped);
  QCOMPARE(imagesInfo.dataBytes, uint64_t(images.size()));
  QCOMPARE(imagesInfo.fileBytes, uint64_t(QFileInfo(imagesPath).size()));
  QCOMPARE(QString::fromStdString(imagesInfo.md5),
           QString::fromLatin1(QCryptographicHash::hash(images, QCryptographicHash::Md5).toHex()));
  QCOMPARE(QString::fromStdString(labelsInfo.md5),
           QString::fromLatin1(QCryptographicHash::hash(labels, QCryptographicHash::Md5).toHex()));

  Result<IdxArray> idx = readIdx(labelsPath.toStdString(), 1);
  QVERIFY(idx.ok());
  QCOMPARE(idx->dims, std::vector<uint32_t>{n});
  QCOMPARE(toBytes(idx->data), labelBytes(n));
}

void TestIdxLoader::gunzipLimit() {
  const QByteArray plain(100000, 'z');
  const QByteArray z = gz(plain);
  const auto* p = reinterpret_cast<const uint8_t*>(z.constData());
  Result<std::vector<uint8_t>> r = gunzip(p, size_t(z.size()), "bomb.gz", 1000);
  QVERIFY(!r.ok());
  QCOMPARE(r.error().code, ErrorCode::CorruptGzip);
  QVERIFY(QString::fromStdString(r.error().message()).contains("limit"));
  QVERIFY(QString::fromStdString(r.error().message()).contains("bomb.gz"));

  r = gunzip(p, size_t(z.size()), "exact.gz", 100000);
  QVERIFY(r.ok());
  QCOMPARE(toBytes(*r), plain);
  r = gunzip(p, size_t(z.size()), "one-short.gz", 99999);
  QVERIFY(!r.ok());
}

void TestIdxLoader::gunzipTrailingGarbage() {
  const QByteArray z = gz(labelsFile(3)) + QByteArray("junk");
  Result<std::vector<uint8_t>> r =
      gunzip(reinterpret_cast<const uint8_t*>(z.constData()), size_t(z.size()), "t.gz");
  QVERIFY(!r.ok());
  QCOMPARE(r.error().code, ErrorCode::CorruptGzip);
  QCOMPARE(QString::fromStdString(r.error().found), QStringLiteral("4 trailing bytes"));
}

void TestIdxLoader::candidateNames() {
  QCOMPARE(candidateFileNames("train-images"),
           (std::vector<std::string>{"train-images-idx3-ubyte", "train-images-idx3-ubyte.gz",
                                     "train-images.idx3-ubyte", "train-images.idx3-ubyte.gz"}));
  QCOMPARE(candidateFileNames("t10k-labels"),
           (std::vector<std::string>{"t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz",
                                     "t10k-labels.idx1-ubyte", "t10k-labels.idx1-ubyte.gz"}));
  QCOMPARE(QString::fromLatin1(canonicalMnistMd5("t10k-labels")),
           QStringLiteral("27ae3e4e09519cfbb04c329615203637"));
  QCOMPARE(QString::fromLatin1(canonicalMnistMd5("other")), QString());
}

void TestIdxLoader::loadDatasetFolder_data() {
  QTest::addColumn<bool>("gzip");
  QTest::addColumn<bool>("dotted");
  QTest::newRow("raw") << false << false;
  QTest::newRow("gzip") << true << false;
  QTest::newRow("dotted_raw") << false << true;
  QTest::newRow("dotted_gzip") << true << true;
}

void TestIdxLoader::loadDatasetFolder() {
  QFETCH(bool, gzip);
  QFETCH(bool, dotted);
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString dir = tmp.filePath("synthetic");
  QVERIFY(writeDataset(dir, 20, 10, gzip, dotted));

  Result<Dataset> r = loadDataset(dir.toStdString());
  QVERIFY2(r.ok(), r.ok() ? "" : r.error().message().c_str());
  QCOMPARE(QString::fromStdString(r->name), QStringLiteral("synthetic"));
  QCOMPARE(QString::fromStdString(r->directory), dir);
  QCOMPARE(r->numClasses, 10);
  QVERIFY(!r->canonicalMnist);
  QCOMPARE(r->train.count, int64_t(20));
  QCOMPARE(r->test.count, int64_t(10));
  QCOMPARE(toBytes(r->train.pixels), pixelBytes(20 * 784));
  QCOMPARE(toBytes(r->test.labels), labelBytes(10));
  QVERIFY(QString::fromStdString(r->train.imagesPath).endsWith(gzip ? ".gz" : "ubyte"));
  QVERIFY(QString::fromStdString(r->test.labelsPath).contains(dotted ? "t10k-labels." : "t10k-labels-"));
}

void TestIdxLoader::datasetNames_data() {
  QTest::addColumn<QString>("directory");
  QTest::addColumn<bool>("canonical");
  QTest::addColumn<QString>("name");
  QTest::newRow("canonical") << "/data/whatever" << true << "MNIST";
  QTest::newRow("fashion_lower") << "/usr/share/datasets/fashion-mnist" << false << "Fashion-MNIST";
  QTest::newRow("fashion_mixed_case") << "/data/My-FASHION/set" << false << "Fashion-MNIST";
  QTest::newRow("folder_name") << "/data/kmnist" << false << "kmnist";
  QTest::newRow("trailing_slash") << "/data/kmnist/" << false << "kmnist";
}

void TestIdxLoader::datasetNames() {
  QFETCH(QString, directory);
  QFETCH(bool, canonical);
  QFETCH(QString, name);
  QCOMPARE(QString::fromStdString(datasetName(directory.toStdString(), canonical)), name);
}

void TestIdxLoader::loadDatasetMissingFile() {
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString dir = tmp.filePath("partial");
  QVERIFY(writeDataset(dir, 20, 10, false, false));
  QVERIFY(QFile::remove(dir + "/t10k-labels-idx1-ubyte"));
  Result<Dataset> r = loadDataset(dir.toStdString());
  QVERIFY(!r.ok());
  const QString msg = QString::fromStdString(r.error().message());
  QCOMPARE(r.error().code, ErrorCode::MissingFile);
  QCOMPARE(QString::fromStdString(r.error().path), dir + "/t10k-labels-idx1-ubyte");
  for (const std::string& name : candidateFileNames("t10k-labels"))
    QVERIFY2(msg.contains(QString::fromStdString(name)), qPrintable(msg));
  QVERIFY2(msg.contains("found none"), qPrintable(msg));

  Result<std::string> found = findDatasetFile(dir.toStdString(), "train-images");
  QVERIFY(found.ok());
  QCOMPARE(QString::fromStdString(*found), dir + "/train-images-idx3-ubyte");
}

void TestIdxLoader::loadDatasetFolderErrors() {
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString missing = tmp.filePath("no-such-folder");
  Result<Dataset> r = loadDataset(missing.toStdString());
  QVERIFY(!r.ok());
  checkError(r.error(), ErrorCode::NotFound, missing, -1, "", "");

  const QString file = tmp.filePath("a-file");
  QVERIFY(writeFile(file, labelsFile(1)));
  r = loadDataset(file.toStdString());
  QVERIFY(!r.ok());
  checkError(r.error(), ErrorCode::NotADirectory, file, -1, "", "");

  const QString empty = tmp.filePath("empty-folder");
  QVERIFY(QDir().mkpath(empty));
  r = loadDataset(empty.toStdString());
  QVERIFY(!r.ok());
  QCOMPARE(r.error().code, ErrorCode::MissingFile);
}

void TestIdxLoader::loadDatasetPropagatesFileErrors() {
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString dir = tmp.filePath("broken");
  QVERIFY(writeDataset(dir, 20, 10, true, false));
  const QString labels = dir + "/t10k-labels-idx1-ubyte.gz";
  QByteArray bad = labelsFile(10);
  bad[8 + 6] = char(42);
  QVERIFY(writeFile(labels, gz(bad)));
  Result<Dataset> r = loadDataset(dir.toStdString());
  QVERIFY(!r.ok());
  checkError(r.error(), ErrorCode::LabelOutOfRange, labels, 14, "0..9", "42");
}

QTEST_GUILESS_MAIN(TestIdxLoader)
#include "tst_idx_loader.moc"
