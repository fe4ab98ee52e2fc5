#include "explorer/uncertainty_gallery_model.h"

#include <QList>

#include "common/digit_view.h"

UncertaintyGalleryModel::UncertaintyGalleryModel(QObject* parent) : QAbstractListModel(parent) {}

void UncertaintyGalleryModel::setSource(std::shared_ptr<const bnn::RunResult> run,
                                        std::shared_ptr<const bnn::UncertaintyAnalysis> analysis) {
  beginResetModel();
  m_run = std::move(run);
  m_analysis = std::move(analysis);
  rebuild();
  endResetModel();
}

void UncertaintyGalleryModel::setOrder(bnn::UncertaintyOrder order) {
  if (order == m_order) return;
  beginResetModel();
  m_order = order;
  rebuild();
  endResetModel();
}

void UncertaintyGalleryModel::setFilter(const bnn::GalleryFilter& filter) {
  beginResetModel();
  m_filter = filter;
  rebuild();
  endResetModel();
}

void UncertaintyGalleryModel::rebuild() {
  m_rows.clear();
  if (m_analysis) m_rows = bnn::rankedImages(*m_analysis, m_order, m_filter);
}

bool UncertaintyGalleryModel::hasImages() const {
  return m_run && m_analysis &&
         m_run->testImages().size() >=
             size_t(m_analysis->numImages) * size_t(m_run->imageRows()) * size_t(m_run->imageCols()) &&
         !m_run->testImages().empty();
}

int UncertaintyGalleryModel::imageIndexAt(int row) const {
  return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)] : -1;
}

int UncertaintyGalleryModel::rowOfImage(int imageIndex) const {
  for (size_t r = 0; r < m_rows.size(); ++r)
    if (m_rows[r] == imageIndex) return int(r);
  return -1;
}

int UncertaintyGalleryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant UncertaintyGalleryModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_analysis)
    return {};
  const bnn::UncertaintyAnalysis& a = *m_analysis;
  const int i = m_rows[size_t(index.row())];
  const int truth = a.labels[size_t(i)], pred = a.predicted[size_t(i)];
  auto name = [this](int k) {
    return m_run ? QString::fromStdString(m_run->className(k)) : QString::number(k);
  };
  const QString noun = m_run ? QString::fromStdString(m_run->classNoun()) : QStringLiteral("digit");
  switch (role) {
    case Qt::DisplayRole:
      return QStringLiteral("#%1  true %2  predicted %3  max p̄ %4")
          .arg(i)
          .arg(name(truth))
          .arg(name(pred))
          .arg(a.maxProb[size_t(i)], 0, 'f', 3);
    case Qt::ToolTipRole:
      return QStringLiteral(
                 "Test image #%1\ntrue %8 %2, predicted %3%4\nmax p̄ = %5\n"
                 "entropy H[p̄] = %6 nats\nmutual information = %7 nats")
          .arg(i)
          .arg(name(truth))
          .arg(name(pred))
          .arg(truth == pred ? QString() : QStringLiteral(" (wrong)"))
          .arg(a.maxProb[size_t(i)], 0, 'f', 4)
          .arg(a.entropy[size_t(i)], 0, 'f', 4)
          .arg(a.mutualInformation[size_t(i)], 0, 'f', 4)
          .arg(noun);
    case ImageIndexRole:
      return i;
    case TrueClassRole:
      return truth;
    case PredictedClassRole:
      return pred;
    case MaxProbRole:
      return a.maxProb[size_t(i)];
    case CorrectRole:
      return truth == pred;
    case ProbabilitiesRole: {
      QList<double> p;
      for (int c = 0; c < a.numClasses; ++c) p.append(a.probability(i, c));
      return QVariant::fromValue(p);
    }
    case VoteSharesRole: {
      QList<double> v;
      for (int c = 0; c < a.numClasses; ++c) v.append(a.vote(i, c));
      return QVariant::fromValue(v);
    }
    case EntropyRole:
      return a.entropy[size_t(i)];
    case MutualInformationRole:
      return a.mutualInformation[size_t(i)];
    case DigitImageRole:
      return m_run ? digitImage(*m_run, i) : QImage();
    default:
      return {};
  }
}

QHash<int, QByteArray> UncertaintyGalleryModel::roleNames() const {
  auto names = QAbstractListModel::roleNames();
  names[ImageIndexRole] = "imageIndex";
  names[TrueClassRole] = "trueClass";
  names[PredictedClassRole] = "predictedClass";
  names[MaxProbRole] = "maxProb";
  names[CorrectRole] = "correct";
  names[ProbabilitiesRole] = "probabilities";
  names[VoteSharesRole] = "voteShares";
  names[EntropyRole] = "entropy";
  names[MutualInformationRole] = "mutualInformation";
  names[DigitImageRole] = "digitImage";
  return names;
}
