#pragma once
// Streams posterior samples into a NumPy file (samples.npy, float32 [K, P]) as a chain takes
// them, so that kept samples never accumulate in memory. The file is valid .npy at every moment
// a sample is complete: the header is written first with the number of samples so far (0) and
// rewritten in place after each append (the header's length does not depend on the count, so the
// data never move). A reader therefore sees the samples appended so far, never a torn one.
//
// One writer belongs to one thread (the chain's driver thread); not thread-safe.

#include <cstdint>
#include <memory>
#include <string>

#include "util/error.h"

namespace bnn {

class SampleFileWriter {
 public:
  /// Creates (or truncates) `path` for samples of `params` floats each.
  static Result<std::unique_ptr<SampleFileWriter>> create(const std::string& path, int64_t params);
  ~SampleFileWriter();  // closes the file (it stays on disk)
  SampleFileWriter(const SampleFileWriter&) = delete;
  SampleFileWriter& operator=(const SampleFileWriter&) = delete;

  /// Appends one sample of params() floats and updates the header's count.
  Status append(const float* theta);
  /// Closes the file; later appends fail.
  Status finish();

  int64_t count() const { return m_count; }
  int64_t params() const { return m_params; }
  const std::string& path() const { return m_path; }

 private:
  SampleFileWriter(std::string path, int fd, int64_t params);
  Status writeHeader();
  std::string m_path;
  int m_fd = -1;
  int64_t m_params = 0;
  int64_t m_count = 0;
  int64_t m_headerBytes = 0;
};

}  // namespace bnn
