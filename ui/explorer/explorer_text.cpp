#include "explorer/explorer_text.h"

#include <QLocale>
#include <cmath>

namespace explorer_text {

QString definitions() {
  return QStringLiteral(
      "<b>p̄</b>: posterior predictive, the mean over the S samples of each sample's class "
      "probabilities.<br>"
      "<b>Ensemble accuracy</b>: argmax p̄ against the true label. <b>Last sample</b>: the final "
      "θ alone.<br>"
      "<b>Test NLL</b>: −(1/N) Σ log p̄(true label), nats per image.<br>"
      "<b>Certain (retained)</b>: max p̄ ≥ t. <b>Uncertain</b>: max p̄ &lt; t; the two partition "
      "the test set.<br>"
      "<b>Accuracy on certain</b>: undefined (n/a) when nothing is retained.<br>"
      "<b>Confidently wrong</b>: wrong prediction with max p̄ ≥ t.<br>"
      "<b>Entropy</b> H[p̄] = −Σ p̄ log p̄ (total); <b>expected entropy</b> E_s H[p_s] "
      "(aleatoric); <b>mutual information</b> H[p̄] − E_s H[p_s] (epistemic: the samples "
      "disagree).");
}

QString percent(double share, int decimals) {
  return std::isnan(share) ? QStringLiteral("n/a")
                           : QStringLiteral("%1%").arg(100.0 * share, 0, 'f', decimals);
}

QString fixed(double value, int decimals) {
  return std::isnan(value) ? QStringLiteral("n/a") : QString::number(value, 'f', decimals);
}

QString count(qint64 n, const QString& singular, const QString& plural) {
  return QStringLiteral("%1 %2").arg(QLocale(QLocale::English).toString(n), n == 1 ? singular : plural);
}

}  // namespace explorer_text
