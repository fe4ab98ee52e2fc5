#include "data/gzip.h"

#include <zlib.h>

#include <algorithm>

namespace bnn {

namespace {

// zlib counts in uInt; feed and drain at most this many bytes per call.
constexpr size_t kMaxZlibChunk = size_t(1) << 30;

// Ends an inflate stream when it leaves scope.
class InflateGuard {
 public:
  explicit InflateGuard(z_stream* zs) : m_zs(zs) {}
  ~InflateGuard() { inflateEnd(m_zs); }
  InflateGuard(const InflateGuard&) = delete;
  InflateGuard& operator=(const InflateGuard&) = delete;

 private:
  z_stream* m_zs;
};

Error gzipError(const std::string& path, std::string detail, std::string expected = {},
                std::string found = {}) {
  return makeError(ErrorCode::CorruptGzip, path, -1, std::move(expected), std::move(found),
                   std::move(detail));
}

// First guess for the output size: the ISIZE field of the last member (decompressed size mod
// 2^32) when it is plausible, else a multiple of the input. Only a hint; the buffer grows as needed.
size_t initialOutputSize(const uint8_t* data, size_t size, uint64_t maxOutput) {
  uint64_t guess = uint64_t(size) * 4;
  if (size >= 18) {
    const uint8_t* t = data + size - 4;
    const uint64_t isize =
        uint64_t(t[0]) | (uint64_t(t[1]) << 8) | (uint64_t(t[2]) << 16) | (uint64_t(t[3]) << 24);
    // Deflate cannot expand more than about 1032:1.
    if (isize > 0 && isize <= uint64_t(size) * 1032) guess = isize;
  }
  guess = std::max<uint64_t>(guess, 64 * 1024);
  guess = std::min<uint64_t>(guess, maxOutput + 1);
  return size_t(guess);
}

}  // namespace

bool isGzip(const uint8_t* data, size_t size) { return size >= 2 && data[0] == 0x1f && data[1] == 0x8b; }

Result<std::vector<uint8_t>> gunzip(const uint8_t* data, size_t size, const std::string& path,
                                    uint64_t maxOutput) {
  if (!isGzip(data, size))
    return gzipError(path, "not a gzip stream", "magic 1f 8b", size < 2 ? "end of data" : "other bytes");

  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return makeError(ErrorCode::Io, path, -1, {}, {}, "zlib could not be initialised");
  }
  InflateGuard guard(&zs);

  // One byte beyond the limit lets us notice output that would exceed it.
  const uint64_t bufferLimit = maxOutput + 1;
  std::vector<uint8_t> out(initialOutputSize(data, size, maxOutput));
  size_t produced = 0;
  const uint8_t* const end = data + size;
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = 0;

  for (;;) {
    const auto consumed = [&] { return size_t(zs.next_in - data); };
    if (zs.avail_in == 0 && consumed() < size) zs.avail_in = uInt(std::min(size - consumed(), kMaxZlibChunk));
    if (produced == out.size()) {
      if (out.size() >= bufferLimit) {
        return gzipError(path, "decompressed data exceed the size limit",
                         "at most " + std::to_string(maxOutput) + " decompressed bytes", "more");
      }
      const uint64_t grown = std::min<uint64_t>(uint64_t(out.size()) * 2, bufferLimit);
      out.resize(size_t(grown));
    }
    zs.next_out = out.data() + produced;
    zs.avail_out = uInt(std::min(out.size() - produced, kMaxZlibChunk));

    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced = size_t(zs.next_out - out.data());

    if (rc == Z_STREAM_END) {
      if (zs.next_in == end) break;
      // Another member may follow (concatenated gzip files); anything else is an error.
      const size_t at = consumed();
      if (!isGzip(zs.next_in, size_t(end - zs.next_in))) {
        return gzipError(path,
                         "unexpected bytes after the gzip stream at compressed byte " + std::to_string(at),
                         "end of file or another gzip member", std::to_string(size - at) + " trailing bytes");
      }
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      if (zs.avail_in == 0 && zs.next_in == end && zs.avail_out > 0) {
        return gzipError(path, "gzip stream truncated after " + std::to_string(size) + " compressed bytes",
                         "end of gzip stream", "end of file");
      }
      continue;
    }
    if (rc == Z_MEM_ERROR) {
      return makeError(ErrorCode::Io, path, -1, {}, {}, "out of memory while decompressing");
    }
    // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
    std::string why = zs.msg ? zs.msg : "invalid deflate data";
    return gzipError(path, why + " at compressed byte " + std::to_string(consumed()));
  }

  if (produced > maxOutput) {
    return gzipError(path, "decompressed data exceed the size limit",
                     "at most " + std::to_string(maxOutput) + " decompressed bytes", "more");
  }
  out.resize(produced);
  if (out.capacity() > produced + produced / 8 + 4096) out.shrink_to_fit();
  return out;
}

std::vector<uint8_t> gzipCompress(const uint8_t* data, size_t size, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::vector<uint8_t> out(deflateBound(&zs, uLong(std::min<size_t>(size, kMaxZlibChunk))) + 64);
  size_t produced = 0;
  size_t fed = 0;
  zs.next_in = const_cast<Bytef*>(data);
  for (;;) {
    if (zs.avail_in == 0 && fed < size) {
      const size_t take = std::min(size - fed, kMaxZlibChunk);
      zs.avail_in = uInt(take);
      fed += take;
    }
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = out.data() + produced;
    zs.avail_out = uInt(std::min(out.size() - produced, kMaxZlibChunk));
    const int rc = deflate(&zs, fed == size ? Z_FINISH : Z_NO_FLUSH);
    produced = size_t(zs.next_out - out.data());
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      produced = 0;
      break;
    }
  }
  deflateEnd(&zs);
  out.resize(produced);
  return out;
}

}  // namespace bnn
