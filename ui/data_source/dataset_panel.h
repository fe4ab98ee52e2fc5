#pragma once
// DatasetPanel: a strip that says which data the runs use (name, train/test counts, folder, MD5
// check) or, when no data could be loaded, why and how to get it: "Fetch MNIST" (download and
// verify, see MnistFetcher) or "Choose folder…". Shows fetch progress and errors. One line of
// text (the whole text in its tooltip); folders are shown relative to the current directory.
// When the folder changes while chains run, a note says that they keep the data they started with.
// Threading: GUI thread only.

#include <QWidget>

#include "data/dataset.h"

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
class QPushButton;
QT_END_NAMESPACE

class ElidedLabel;

class DatasetPanel : public QWidget {
  Q_OBJECT
 public:
  explicit DatasetPanel(QWidget* parent = nullptr);

  void showLoading(const QString& directory);
  void showDataset(const bnn::Dataset& data);
  void showMissing(const QString& directory, const QString& error);
  void showFetching(const QString& stage);
  void showFetchFailed(const QString& error);

  QString text() const;
  /// A note beside the data about chains still running on the data they started with (""
  /// hides it); the whole note is its tooltip.
  void setRunningNote(const QString& note);
  QString runningNote() const;

 Q_SIGNALS:
  void fetchRequested();
  void cancelFetchRequested();
  void chooseFolderRequested();

 private:
  void setText(const QString& richText, const QString& tip);

  QLabel* m_text = nullptr;          // messages, wrapped
  ElidedLabel* m_summary = nullptr;  // the data in use, one line
  ElidedLabel* m_note = nullptr;     // chains that keep other data
  QProgressBar* m_busy = nullptr;
  QPushButton* m_fetch = nullptr;
  QPushButton* m_cancel = nullptr;
  QPushButton* m_choose = nullptr;
};
