#pragma once
// Multi-layer perceptron with ReLU hidden layers and a log-softmax output, float32.
// All parameters of a network live in one contiguous vector: for each layer l in order,
// W_l (in_l x out_l, row-major: row k holds the weights leaving input k) then b_l (out_l).
// The first layer consumes sparse input (SparseBatch, column groups); the output layer runs on
// hand-written kernels (nn/kernels.h), and so do the dense hidden layers between them.
//
// Mlp is immutable and thread-safe; each thread evaluating it needs its own MlpWorkspace.

#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include "nn/sparse_batch.h"

namespace bnn {

using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct MlpShape {
  std::vector<int> sizes;  // {input, hidden..., output}, e.g. {784, 500, 10}

  int numLayers() const { return static_cast<int>(sizes.size()) - 1; }
  int64_t numParams() const;
  int64_t weightOffset(int layer) const;  // W_layer
  int64_t biasOffset(int layer) const;    // b_layer
};

/// Scratch buffers of one evaluation (activations per layer). Grows on first use, then reused.
struct MlpWorkspace {
  std::vector<RowMatrixXf> z;      // pre-activations of the output layer (rows x classes); the
                                   // hidden layers keep only a = ReLU(z) (z > 0 exactly where a > 0)
  std::vector<RowMatrixXf> a;      // activations per hidden layer (ReLU(z))
  std::vector<RowMatrixXf> dz;     // gradients w.r.t. z
  std::vector<float> wT;           // the output layer's weights transposed (classes x inputs)
  std::vector<float> hiddenWT;     // a later hidden layer's weights transposed (back-propagation)
  std::vector<double> tileLogLik;  // per row tile, summed in order
};

class Mlp {
 public:
  explicit Mlp(MlpShape shape);
  const MlpShape& shape() const { return m_shape; }
  int64_t numParams() const { return m_shape.numParams(); }
  int numClasses() const { return m_shape.sizes.back(); }

  /// gsum = Σ_i ∇θ log p(y_i | x_i, θ) over the rows of x; returns Σ_i log p(y_i | x_i, θ).
  /// `parallel`: split the work over fixed column blocks and row tiles (same result either way).
  double logLikelihoodGradient(const float* theta, const SparseBatch& x, const uint8_t* labels, float* gsum,
                               MlpWorkspace& ws, bool parallel = true) const;

  /// out (x.rows x numClasses, row-major) = log p(· | x_i, θ).
  void logProbabilities(const float* theta, const SparseBatch& x, float* out, MlpWorkspace& ws,
                        bool parallel = false) const;

 private:
  // All layers; the output layer's logits only when `outputLayer` (after a hidden layer, the
  // transposed output weights are prepared either way and outputTile computes a row tile).
  void forward(const float* theta, const SparseBatch& x, MlpWorkspace& ws, bool parallel,
               bool outputLayer = true) const;
  void outputTile(const float* theta, int64_t tile, int64_t rows, MlpWorkspace& ws) const;
  MlpShape m_shape;
};

}  // namespace bnn
