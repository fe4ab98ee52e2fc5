#pragma once
// Incremental gzip (RFC 1952) decoding through zlib: the caller decides how much to decompress,
// so a file can be checked from its first bytes (a header that says how long the content is)
// before more memory is spent on it. Used by one thread at a time; no shared state.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/error.h"

namespace bnn {

class GzipReader {
 public:
  /// Decodes `data` (not copied: it must outlive the reader); `path` only names it in errors.
  GzipReader(const uint8_t* data, size_t size, std::string path);
  ~GzipReader();
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;

  /// Appends up to `n` further decompressed bytes to `out`, and returns how many were appended:
  /// fewer than `n` only when the compressed data end there (every member decoded and checked).
  /// Several concatenated members (as `cat a.gz b.gz` produces) are one stream. The output grows
  /// with what is actually decoded, never to `n` up front. Errors (CorruptGzip): not gzip, damaged
  /// or truncated data, bytes after the last member other than another member.
  Result<size_t> read(size_t n, std::vector<uint8_t>& out);

  /// True when all the compressed data have been decoded (a further read() returns 0).
  bool atEnd() const { return m_finished; }
  /// Decompressed bytes produced so far.
  uint64_t produced() const { return m_produced; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  bool m_finished = false;
  uint64_t m_produced = 0;
};

}  // namespace bnn
