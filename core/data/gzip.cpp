#include "data/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "data/gzip_reader.h"

namespace bnn {

bool isGzip(const uint8_t* data, size_t size) { return size >= 2 && data[0] == 0x1f && data[1] == 0x8b; }

Result<std::vector<uint8_t>> gunzip(const uint8_t* data, size_t size, const std::string& path,
                                    uint64_t maxOutput) {
  // One byte beyond the limit lets us notice output that would exceed it.
  const uint64_t limit = std::min<uint64_t>(maxOutput, std::numeric_limits<size_t>::max() - 1);
  GzipReader reader(data, size, path);
  std::vector<uint8_t> out;
  Result<size_t> got = reader.read(size_t(limit) + 1, out);
  if (!got) return got.error();
  if (*got > limit) {
    return makeError(ErrorCode::CorruptGzip, path, -1,
                     "at most " + std::to_string(maxOutput) + " decompressed bytes", "more",
                     "decompressed data exceed the size limit");
  }
  if (out.capacity() > out.size() + out.size() / 8 + 4096) out.shrink_to_fit();
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
