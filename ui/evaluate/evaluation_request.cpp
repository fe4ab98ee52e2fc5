#include "evaluate/evaluation_request.h"

#include "data/idx_loader.h"
#include "util/format.h"

namespace {

QString number(double v) { return QString::fromStdString(bnn::formatNumber(v)); }

bool isRandom(const bnn::TransformSpec& t) {
  return t.kind == bnn::TransformKind::GaussianNoise || t.kind == bnn::TransformKind::Permute ||
         t.kind == bnn::TransformKind::UniformNoise;
}

}  // namespace

QString transformPhrase(const bnn::TransformSpec& t) {
  switch (t.kind) {
    case bnn::TransformKind::Rotate:
      return QStringLiteral("rotated %1°").arg(number(t.degrees));
    case bnn::TransformKind::Translate:
      return QStringLiteral("shifted %1, %2 px").arg(number(t.dx), number(t.dy));
    case bnn::TransformKind::GaussianNoise:
      return QStringLiteral("noise σ = %1").arg(number(t.sigma));
    case bnn::TransformKind::Invert:
      return QStringLiteral("inverted");
    case bnn::TransformKind::Permute:
      return QStringLiteral("pixels permuted");
    case bnn::TransformKind::UniformNoise:
      return QStringLiteral("uniform noise images");
  }
  return {};
}

QString EvaluationRequest::describe(const QString& datasetName) const {
  if (source == Source::Folder) return QStringLiteral("%1 %2").arg(datasetName, split);
  return QStringLiteral("%1 test, %2").arg(datasetName, transformPhrase(transform));
}

bnn::Result<bnn::RunResult> evaluateRequest(const bnn::RunResult& source, const QString& sourceName,
                                            const QString& sourceFolder, const EvaluationRequest& request,
                                            const bnn::EvaluationControl& control) {
  using namespace bnn;
  if (!source.samples)
    return makeError(ErrorCode::InvalidConfig, sourceFolder.toStdString(), -1, {}, {},
                     whySamplesUnavailable(source));
  EvaluationInfo info;
  info.sourceName = sourceName.toStdString();
  info.sourceDirectory = sourceFolder.toStdString();
  std::shared_ptr<const ImageSet> images;
  Dataset data;  // what the images are (no pixels of its own)
  if (request.source == EvaluationRequest::Source::Folder) {
    const bool test = request.split != QLatin1String("train");
    Result<Dataset> loaded =
        loadDataset(request.folder.toStdString(), test ? DatasetSplits::TestOnly : DatasetSplits::TrainOnly);
    if (!loaded) return loaded.error();
    if (control.cancel && control.cancel->load())
      return makeError(ErrorCode::Cancelled, {}, -1, {}, {}, "evaluation cancelled");
    images = std::make_shared<const ImageSet>(std::move(test ? loaded->test : loaded->train));
    loaded->test = {};
    loaded->train = {};
    data = std::move(*loaded);
    info.split = test ? "test" : "train";
  } else {
    if (!source.test || source.testImages().empty())
      return makeError(ErrorCode::InvalidConfig, sourceFolder.toStdString(), -1, {}, {},
                       "the run holds no test images to transform (its folder was saved without them)");
    images = std::make_shared<const ImageSet>(applyTransform(*source.test, request.transform, request.seed));
    data.name = source.datasetName.empty() ? std::string("test set") : source.datasetName;
    data.directory = source.datasetDirectory;
    data.check = source.datasetCheck;
    data.classNames = source.classNames;
    data.numClasses = source.samples->numClasses();
    info.split = "test";
    info.transform = transformSpecText(request.transform);
    if (isRandom(request.transform)) info.transform += " seed " + std::to_string(request.seed);
  }
  Result<PosteriorEvaluation> e = evaluatePosterior(*source.samples, *images, control);
  if (!e) return e.error();
  RunResult r = evaluationResult(source, std::move(*e), images, data, info);
  const QString name =
      QStringLiteral("%1 on %2").arg(sourceName, request.describe(QString::fromStdString(data.name)));
  r.config.name = name.left(200).toStdString();  // the parameter table's limit on names
  return r;
}
