// Datasets know what they are: recognised by their files' checksums (MNIST, Fashion-MNIST), by
// a classes.txt in the folder, or by the folder's name; class names go with every result.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include "common/test_helpers.h"
#include "data/dataset_identity.h"
#include "data/idx_loader.h"
#include "run/result_io.h"
#include "run/run_engine.h"

using namespace bnn;

namespace {

using Md5s = std::vector<std::pair<std::string, std::string>>;

Md5s mnistSums(bool withTrain = true) {
  Md5s m;
  for (const char* stem : {"train-images", "train-labels", "t10k-images", "t10k-labels"})
    if (withTrain || std::string(stem).rfind("t10k", 0) == 0) m.emplace_back(stem, canonicalMnistMd5(stem));
  return m;
}

Md5s fashionSums() {
  Md5s m;
  for (const char* stem : {"train-images", "train-labels", "t10k-images", "t10k-labels"})
    m.emplace_back(stem, fashionMnistMd5(stem));
  return m;
}

bool writeText(const QString& path, const QByteArray& text) {
  QFile f(path);
  return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

constexpr const char* kFashionDir = "/usr/share/datasets/fashion-mnist";

}  // namespace

class TestDatasetIdentity : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void recognisedByChecksums() {
    Result<DatasetIdentity> id = identifyDataset("anywhere/at-all", mnistSums(), 10);
    QVERIFY(id.ok());
    QCOMPARE(id->name, std::string("MNIST"));
    QCOMPARE(id->check, DatasetCheck::Verified);
    QCOMPARE(id->classNames, mnistClassNames());
    QCOMPARE(classNoun(id->classNames), std::string("digit"));
    // The test split alone is enough (an evaluation reads only it).
    id = identifyDataset("anywhere", mnistSums(false), 10);
    QVERIFY(id.ok() && id->check == DatasetCheck::Verified && id->name == "MNIST");

    id = identifyDataset("some/folder", fashionSums(), 10);
    QVERIFY(id.ok());
    QCOMPARE(id->name, std::string("Fashion-MNIST"));
    QCOMPARE(id->check, DatasetCheck::Verified);
    QCOMPARE(id->classNames.size(), size_t(10));
    QCOMPARE(id->classNames[0], std::string("T-shirt/top"));
    QCOMPARE(id->classNames[9], std::string("Ankle boot"));
    QCOMPARE(classNoun(id->classNames), std::string("class"));
    QCOMPARE(datasetLabel(id->name, id->check), std::string("Fashion-MNIST (checksums verified)"));
  }

  // One file that differs is enough to lose the checksum status; the folder's name remains.
  void modifiedFilesAreNotVerified() {
    Md5s sums = fashionSums();
    sums[2].second = "00000000000000000000000000000000";
    Result<DatasetIdentity> id = identifyDataset("/data/My-Fashion-copy", sums, 10);
    QVERIFY(id.ok());
    QCOMPARE(id->name, std::string("Fashion-MNIST"));
    QCOMPARE(id->check, DatasetCheck::Differs);
    QCOMPARE(id->classNames, fashionMnistClassNames());
    Md5s mixed = mnistSums();
    mixed[0] = fashionSums()[0];
    id = identifyDataset("/data/kmnist", mixed, 10);
    QVERIFY(id.ok());
    QCOMPARE(id->name, std::string("kmnist"));
    QCOMPARE(id->check, DatasetCheck::Unknown);
    QCOMPARE(id->classNames, mnistClassNames());  // numbered
    QCOMPARE(datasetCheckText(id->check), "unrecognised files");
    QCOMPARE(identifyDataset("x", {}, 10)->check, DatasetCheck::Unknown);  // no file read: never verified
  }

  void namedInTheFolder() {
    QTemporaryDir tmp;
    QVERIFY(writeText(
        tmp.filePath("classes.txt"),
        "\xEF\xBB\xBF# Kuzushiji-MNIST\r\no\r\nki\r\n\r\nsu\r\ntsu\r\nna\r\nha\r\nma\r\nya\r\nre\r\nwo\r\n"));
    const Result<DatasetIdentity> id = identifyDataset(tmp.path().toStdString(), {}, 10);
    QVERIFY2(id.ok(), id.ok() ? "" : id.error().message().c_str());
    QCOMPARE(id->check, DatasetCheck::ClassFile);
    QCOMPARE(id->classNames.front(), std::string("o"));
    QCOMPARE(id->classNames.back(), std::string("wo"));
    QCOMPARE(classNoun(id->classNames), std::string("class"));
  }

  void unusableClassFile_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("says");
    QTest::newRow("too few") << QByteArray("a\nb\n") << "expected 10 class names, one per line, found 2";
    QTest::newRow("too long") << (QByteArray("a\n") + QByteArray(61, 'x') + "\n") << "line 2";
    QTest::newRow("control character") << QByteArray("a\x01\n") << "line 1";
  }
  void unusableClassFile() {
    QFETCH(QByteArray, text);
    QFETCH(QString, says);
    QTemporaryDir tmp;
    QVERIFY(writeText(tmp.filePath("classes.txt"), text));
    const Result<DatasetIdentity> id = identifyDataset(tmp.path().toStdString(), {}, 10);
    QVERIFY(!id.ok());
    const QString msg = QString::fromStdString(id.error().message());
    QVERIFY2(msg.contains("classes.txt") && msg.contains(says), qPrintable(msg));
  }

  // A loaded folder carries its identity; a synthetic folder is unknown with numbered classes.
  void loadedFolderKnowsWhatItIs() {
    QTemporaryDir tmp;
    const QString dir = tmp.filePath("shapes");
    QVERIFY(test::writeIdxDataset(dir, makeSyntheticDataset(50, 20, 3)));
    Result<Dataset> d = loadDataset(dir.toStdString());
    QVERIFY(d.ok());
    QCOMPARE(d->name, std::string("shapes"));
    QCOMPARE(d->check, DatasetCheck::Unknown);
    QCOMPARE(d->classNames.size(), size_t(10));
    // One split only.
    d = loadDataset(dir.toStdString(), DatasetSplits::TestOnly);
    QVERIFY(d.ok());
    QCOMPARE(d->train.count, int64_t(0));
    QCOMPARE(d->test.count, int64_t(20));
    QFile::remove(dir + "/train-images-idx3-ubyte");  // not needed for the test split
    QVERIFY(loadDataset(dir.toStdString(), DatasetSplits::TestOnly).ok());
    QVERIFY(!loadDataset(dir.toStdString()).ok());
    // A broken classes.txt names itself.
    QVERIFY(writeText(dir + "/classes.txt", "one\n"));
    d = loadDataset(dir.toStdString(), DatasetSplits::TestOnly);
    QVERIFY(!d.ok());
    QVERIFY(QString::fromStdString(d.error().message()).contains("classes.txt"));
  }

  void fashionMnistFromTheDebianPackage() {
    if (!QFileInfo::exists(QString(kFashionDir) + "/t10k-images-idx3-ubyte.gz"))
      QSKIP("Fashion-MNIST not installed (Debian package dataset-fashion-mnist)");
    const Result<Dataset> d = loadDataset(kFashionDir, DatasetSplits::TestOnly);
    QVERIFY2(d.ok(), d.ok() ? "" : d.error().message().c_str());
    QCOMPARE(d->name, std::string("Fashion-MNIST"));
    QCOMPARE(d->check, DatasetCheck::Verified);
    QCOMPARE(d->classNames, fashionMnistClassNames());
  }

  // A result records its dataset's identity and class names; folders saved before that open
  // with names inferred from the dataset's name.
  void resultsCarryTheIdentity() {
    QTemporaryDir tmp;
    Dataset data = makeSyntheticDataset(200, 30, 4);
    data.name = "Fashion-MNIST";
    data.check = DatasetCheck::Differs;
    data.classNames = fashionMnistClassNames();
    RunConfig c = test::tinyConfig();
    c.warmupSteps = 2;
    c.samplingSteps = 2;
    const RunResult r = runChain(c, data, nullptr, nullptr);
    QCOMPARE(r.datasetCheck, DatasetCheck::Differs);
    QCOMPARE(r.className(7), std::string("Sneaker"));
    QCOMPARE(r.classNoun(), std::string("class"));
    QCOMPARE(r.datasetLabel(), std::string("Fashion-MNIST (files differ from the published ones)"));
    const QString dir = tmp.filePath("run");
    QVERIFY(writeRunResult(r, dir.toStdString()).ok());
    Result<RunResult> back = readRunResult(dir.toStdString());
    QVERIFY(back.ok());
    QCOMPARE(back->classNames, fashionMnistClassNames());
    QCOMPARE(back->datasetCheck, DatasetCheck::Differs);
  }
};

QTEST_GUILESS_MAIN(TestDatasetIdentity)
#include "tst_dataset_identity.moc"
