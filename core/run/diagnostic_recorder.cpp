#include "run/diagnostic_recorder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "run/chain_parts.h"
#include "run/sample_schedule.h"
#include "util/philox.h"

namespace bnn {

std::vector<int64_t> DiagnosticRecorder::recordedSteps(const RunConfig& c) {
  RunConfig k = c;
  if (k.keepSamples <= 0) k.keepSamples = 100;
  return keptSamplingSteps(k);
}

DiagnosticRecorder::DiagnosticRecorder(const RunConfig& c, const Mlp& mlp, const Dataset& d)
    : m_mlp(mlp), m_d(d), m_chain(std::max<int64_t>(0, c.chainIndex)), m_steps(recordedSteps(c)) {
  if (m_steps.empty() || d.train.count == 0) {
    m_steps.clear();
    return;
  }
  m_target = std::make_unique<MlpTarget>(
      mlp, d.train, c.batchSize, BatchMode::WithReplacement, c.priorSigma, c.augmentShift,
      RandomStream(streamKey(c.seed, chainStream(kDiagnosticBatchStream, c.chainIndex))));
  m_gsum.resize(static_cast<size_t>(mlp.numParams()));
  const MlpShape& shape = mlp.shape();
  m_diag.names = {"potential", "minibatch_log_lik", "test_log_lik", "config_temperature"};
  const int64_t n = d.test.count;
  for (int j = 0; j < kImages && n > 0; ++j) {
    const int64_t i = j * n / kImages;
    if (!m_images.empty() && m_images.back() == i) continue;  // fewer than 16 test images
    m_images.push_back(i);
    m_diag.names.push_back("logit_" + std::to_string(i));
  }
  // The centre pixel's weight to hidden unit 0 and that unit's bias; the output layer's first
  // weight and class 0's bias.
  const int64_t centre = std::min<int64_t>(
      shape.sizes[0] - 1, static_cast<int64_t>(d.test.rows / 2) * d.test.cols + d.test.cols / 2);
  const int last = shape.numLayers() - 1;
  m_paramIndex = {shape.weightOffset(0) + centre * shape.sizes[1], shape.biasOffset(0),
                  shape.weightOffset(last), shape.biasOffset(last)};
  m_diag.names.push_back("w1_" + std::to_string(centre) + "_0");
  m_diag.names.push_back("b1_0");
  m_diag.names.push_back("wL_0_0");
  m_diag.names.push_back("bL_0");
}

DiagnosticRecorder::~DiagnosticRecorder() = default;

bool DiagnosticRecorder::begin(int64_t step, const float* theta) {
  while (m_next < m_steps.size() && m_steps[m_next] < step) ++m_next;  // skipped (exploration) steps
  if (m_next >= m_steps.size() || m_steps[m_next] != step) return false;
  ++m_next;
  const MlpShape& shape = m_mlp.shape();
  const int64_t d = shape.numParams();
  m_target->nextMinibatch();
  m_target->dataGradient(theta, m_gsum.data());
  const double scale = m_target->dataScale(), prec = m_target->priorPrecision();
  double sq = 0, dot = 0;
  for (int64_t j = 0; j < d; ++j) {
    const double t = theta[j];
    sq += t * t;
    dot += t * m_gsum[static_cast<size_t>(j)];
  }
  const double logLik = scale * m_target->lastLogLikelihood();
  m_row.assign(m_diag.names.size(), std::numeric_limits<double>::quiet_NaN());
  size_t col = 0;
  m_row[col++] = -logLik + 0.5 * prec * sq;
  m_row[col++] = logLik;
  ++col;  // test_log_lik: at finish()
  // ∇U = -(N/n) gsum + θ / σ².
  m_row[col++] = (-scale * dot + prec * sq) / static_cast<double>(d);
  // Logits of the fixed images: a plain forward pass over each image's ink.
  std::vector<double> h, next;
  for (int64_t i : m_images) {
    const uint8_t* px = m_d.test.image(i);
    const int in = shape.sizes[0];
    h.assign(static_cast<size_t>(shape.sizes[1]), 0.0);
    const float* w = theta + shape.weightOffset(0);
    const float* b = theta + shape.biasOffset(0);
    for (int o = 0; o < shape.sizes[1]; ++o) h[static_cast<size_t>(o)] = b[o];
    for (int p = 0; p < in; ++p) {
      if (px[p] == 0) continue;
      const double x = static_cast<double>(static_cast<float>(px[p]) / 255.0f);
      const float* row = w + static_cast<int64_t>(p) * shape.sizes[1];
      for (int o = 0; o < shape.sizes[1]; ++o) h[static_cast<size_t>(o)] += x * row[o];
    }
    for (int l = 1; l < shape.numLayers(); ++l) {
      for (double& v : h) v = std::max(v, 0.0);
      const int inL = shape.sizes[static_cast<size_t>(l)], outL = shape.sizes[static_cast<size_t>(l) + 1];
      const float* wl = theta + shape.weightOffset(l);
      const float* bl = theta + shape.biasOffset(l);
      next.assign(static_cast<size_t>(outL), 0.0);
      for (int o = 0; o < outL; ++o) next[static_cast<size_t>(o)] = bl[o];
      for (int k = 0; k < inL; ++k) {
        const double a = h[static_cast<size_t>(k)];
        if (a == 0.0) continue;
        const float* row = wl + static_cast<int64_t>(k) * outL;
        for (int o = 0; o < outL; ++o) next[static_cast<size_t>(o)] += a * row[o];
      }
      h.swap(next);
    }
    const int y = m_d.test.labels[static_cast<size_t>(i)];
    m_row[col++] =
        y < static_cast<int>(h.size()) ? h[static_cast<size_t>(y)] : std::numeric_limits<double>::quiet_NaN();
  }
  for (int64_t j : m_paramIndex) m_row[col++] = theta[j];
  m_pendingStep = step;
  return true;
}

DiagnosticRecorder::State DiagnosticRecorder::state() const {
  return {m_diag, m_target ? m_target->position().draw : 0};
}

Status DiagnosticRecorder::restore(const State& s, const std::string& source) {
  if (s.rows.names != m_diag.names && !(s.rows.empty() && s.rows.names.empty()))
    return makeError(ErrorCode::BadFormat, source, -1,
                     "the diagnostic columns of this run (" + std::to_string(m_diag.names.size()) + ")",
                     std::to_string(s.rows.names.size()) + " other columns", "entry 'diagnostics.names'");
  for (const int64_t step : s.rows.step)
    if (std::find(m_steps.begin(), m_steps.end(), step) == m_steps.end())
      return makeError(ErrorCode::BadValue, source, -1, "rows at the recorded sampling steps",
                       "a row at step " + std::to_string(step), "entry 'diagnostics.step'");
  std::vector<std::string> names = std::move(m_diag.names);
  m_diag = s.rows;
  m_diag.names = std::move(names);
  if (m_target) {
    MlpTarget::Position p;
    p.draw = s.batchDraws;
    m_target->seek(p);
  }
  m_pendingStep = -1;
  return okStatus();
}

void DiagnosticRecorder::finish(int64_t step, const std::vector<float>& logProbs) {
  if (m_pendingStep != step) return;
  m_pendingStep = -1;
  const int64_t n = m_d.test.count;
  const int k = m_mlp.numClasses();
  if (n > 0 && static_cast<int64_t>(logProbs.size()) == n * k) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i)
      s += logProbs[static_cast<size_t>(i * k + m_d.test.labels[static_cast<size_t>(i)])];
    m_row[2] = s / static_cast<double>(n);
  }
  m_diag.append(m_chain, step, m_row);
}

}  // namespace bnn
