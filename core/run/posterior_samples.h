#pragma once
// The posterior samples kept with a run (RunConfig::keepSamples): K parameter vectors of one MLP
// shape in samples.npy, float32 [K, P], each row in the layout of nn/mlp.h (for every layer l:
// W_l as in_l x out_l row-major, then b_l). The file is memory-mapped read-only, never read into
// memory as a whole: evaluating a sample touches only its own pages, which the kernel may drop
// again at any time.
//
// Where the file lives: in a saved run's folder (Ownership::Borrowed: the folder owns it), or,
// for a run that has not been saved, in a cache or temporary folder (Ownership::RemoveWhenDone:
// the file is deleted when the last handle goes, i.e. when the run is removed). A RunResult
// holds a shared_ptr<const PosteriorSamples>; copies of the result share the one mapping.
//
// Pooled samples (pool()): the kept samples of the K chains of one run, in chain-index order,
// read through the chains' own files (each chain folder of a K-chain run keeps its samples.npy;
// the pooled folder lists them instead of holding a copy). Sample k is sample k - partStart(c)
// of chain c.
//
// Thread-safety: immutable after open(); every method may be called from any thread at once.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nn/mlp.h"
#include "util/error.h"

namespace bnn {

class PosteriorSamples {
 public:
  enum class Ownership { Borrowed, RemoveWhenDone };

  /// Maps `path` and checks it against what config.json records: a float32 .npy of shape
  /// [steps.size(), shape.numParams()] (header and file size; the values are checked by
  /// verifyValues()), steps increasing from 0. Errors name the file and what was found.
  static Result<std::shared_ptr<const PosteriorSamples>> open(const std::string& path, MlpShape shape,
                                                              std::vector<int64_t> steps,
                                                              Ownership ownership);
  /// The samples of `parts` (one per chain, in chain-index order) as one sequence. Every part
  /// must have the same network shape and at least one sample. `label` names the pooled samples
  /// in errors (e.g. the K-chain folder).
  static Result<std::shared_ptr<const PosteriorSamples>> pool(
      std::vector<std::shared_ptr<const PosteriorSamples>> parts, const std::string& label);
  ~PosteriorSamples();
  PosteriorSamples(const PosteriorSamples&) = delete;
  PosteriorSamples& operator=(const PosteriorSamples&) = delete;

  int64_t count() const { return static_cast<int64_t>(m_steps.size()); }
  int64_t numParams() const { return m_shape.numParams(); }
  int numClasses() const { return m_shape.sizes.back(); }
  int inputSize() const { return m_shape.sizes.front(); }
  const MlpShape& shape() const { return m_shape; }
  /// Sampling step (0-based, as CurvePoint::step) after which each sample was taken (for pooled
  /// samples: within its chain, so the steps restart at every chain).
  const std::vector<int64_t>& steps() const { return m_steps; }
  /// θ_k: numParams() floats (k in [0, count())).
  const float* sample(int64_t k) const {
    return m_parts.empty() ? m_data + k * numParams() : pooledSample(k);
  }
  /// Pooled samples: the chains' samples (empty for one file).
  const std::vector<std::shared_ptr<const PosteriorSamples>>& parts() const { return m_parts; }
  bool isPooled() const { return !m_parts.empty(); }
  const std::string& path() const { return m_path; }
  Ownership ownership() const { return m_ownership; }
  /// Bytes of the file (header included).
  int64_t fileBytes() const { return m_mappedBytes; }

  /// Every value finite; otherwise BadValue naming the file, the sample and the parameter.
  /// Scans the file once (about 50 ms for 100 samples of 784-500-10); the outcome is remembered.
  Status verifyValues() const;

  /// Places the samples at `dest` (replacing a file there): a hard link when `dest` is on the
  /// same file system, else a copy (from the mapping when the file is gone, e.g. its folder was
  /// replaced by the one being written). For saving a run whose samples live in a cache folder.
  /// Pooled samples have no file of their own: refused.
  Status linkOrCopyTo(const std::string& dest) const;

 private:
  PosteriorSamples() = default;
  const float* pooledSample(int64_t k) const;
  std::vector<std::shared_ptr<const PosteriorSamples>> m_parts;
  std::vector<int64_t> m_partStart;  // first sample of each part, then count()
  std::string m_path;
  MlpShape m_shape;
  std::vector<int64_t> m_steps;
  Ownership m_ownership = Ownership::Borrowed;
  void* m_map = nullptr;
  int64_t m_mappedBytes = 0;
  const float* m_data = nullptr;
  mutable std::once_flag m_verifyOnce;
  mutable std::optional<Error> m_verifyError;
};

}  // namespace bnn
