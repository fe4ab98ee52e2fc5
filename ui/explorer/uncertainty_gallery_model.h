#pragma once
// List model of a run's test images for the most-uncertain gallery: one row per image, in the
// chosen order (max p̄ ascending, entropy or mutual information descending) after the filters.
// The rows are indices into one immutable UncertaintyAnalysis; nothing is copied per image.
// GUI thread only.

#include <QAbstractListModel>
#include <QImage>
#include <memory>
#include <vector>

#include "analysis/uncertainty.h"
#include "run/run_result.h"

class UncertaintyGalleryModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role {
    ImageIndexRole = Qt::UserRole + 1,  // int: index in the test set
    TrueClassRole,                      // int
    PredictedClassRole,                 // int: argmax p̄
    MaxProbRole,                        // double: max p̄
    CorrectRole,                        // bool
    ProbabilitiesRole,                  // QList<double>: p̄ of each class
    VoteSharesRole,                     // QList<double>: votes / S of each class
    EntropyRole,                        // double: H[p̄] (nats)
    MutualInformationRole,              // double: H[p̄] - E_s H[p_s] (nats)
    DigitImageRole,                     // QImage (28x28 grayscale) or a null QImage
  };

  explicit UncertaintyGalleryModel(QObject* parent = nullptr);

  /// The run shown; analysis == nullptr empties the model.
  void setSource(std::shared_ptr<const bnn::RunResult> run,
                 std::shared_ptr<const bnn::UncertaintyAnalysis> analysis);
  void setOrder(bnn::UncertaintyOrder order);
  void setFilter(const bnn::GalleryFilter& filter);
  bnn::UncertaintyOrder order() const { return m_order; }
  const bnn::GalleryFilter& filter() const { return m_filter; }

  bool hasImages() const;
  int imageIndexAt(int row) const;
  /// Row of a test image in the current ordering, -1 when filtered out.
  int rowOfImage(int imageIndex) const;
  const std::vector<int32_t>& rows() const { return m_rows; }
  const bnn::UncertaintyAnalysis* analysis() const { return m_analysis.get(); }
  const bnn::RunResult* run() const { return m_run.get(); }
  const std::shared_ptr<const bnn::UncertaintyAnalysis>& sharedAnalysis() const { return m_analysis; }
  const std::shared_ptr<const bnn::RunResult>& sharedRun() const { return m_run; }

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QHash<int, QByteArray> roleNames() const override;

 private:
  void rebuild();

  std::shared_ptr<const bnn::RunResult> m_run;
  std::shared_ptr<const bnn::UncertaintyAnalysis> m_analysis;
  bnn::UncertaintyOrder m_order = bnn::UncertaintyOrder::MaxProbAscending;
  bnn::GalleryFilter m_filter;
  std::vector<int32_t> m_rows;  // image indices
};
