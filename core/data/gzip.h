#pragma once
// gzip (RFC 1952) decoding and encoding through zlib. Free functions without shared state;
// safe to call from any thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace bnn {

/// Default limit on the decompressed size: 1 GiB, far above any IDX dataset of this kind.
inline constexpr uint64_t kMaxGunzipBytes = uint64_t(1) << 30;

/// zlib counts in uInt; gzip and GzipReader feed and drain at most this many bytes per call.
inline constexpr size_t kMaxZlibChunk = size_t(1) << 30;

/// True when the buffer starts with the gzip magic bytes 1f 8b.
bool isGzip(const uint8_t* data, size_t size);

/// Decompresses a gzip buffer, including several concatenated members (as `cat a.gz b.gz`
/// produces). Output grows in chunks; decoding stops with CorruptGzip when the stream is
/// damaged, ends early, is followed by non-gzip bytes, or would exceed `maxOutput` bytes.
/// `path` only names the source in errors.
Result<std::vector<uint8_t>> gunzip(const uint8_t* data, size_t size, const std::string& path,
                                    uint64_t maxOutput = kMaxGunzipBytes);

/// Compresses a buffer into a single gzip member (used to write test fixtures and exports).
std::vector<uint8_t> gzipCompress(const uint8_t* data, size_t size, int level = 6);

}  // namespace bnn
