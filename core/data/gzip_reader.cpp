#include "data/gzip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <optional>

#include "data/gzip.h"

namespace bnn {

namespace {

constexpr size_t kMinGrowth = size_t(64) << 10;

Error gzipError(const std::string& path, std::string detail, std::string expected = {},
                std::string found = {}) {
  return makeError(ErrorCode::CorruptGzip, path, -1, std::move(expected), std::move(found),
                   std::move(detail));
}

// First guess for how much output to make room for: the ISIZE field of the last member
// (decompressed size mod 2^32) when it is plausible, else a multiple of the input. Only a hint.
size_t sizeHint(const uint8_t* data, size_t size) {
  uint64_t guess = uint64_t(size) * 4;
  if (size >= 18) {
    const uint8_t* t = data + size - 4;
    const uint64_t isize =
        uint64_t(t[0]) | (uint64_t(t[1]) << 8) | (uint64_t(t[2]) << 16) | (uint64_t(t[3]) << 24);
    // Deflate cannot expand more than about 1032:1.
    if (isize > 0 && isize <= uint64_t(size) * 1032) guess = isize;
  }
  return size_t(std::clamp<uint64_t>(guess, kMinGrowth, kMaxZlibChunk));
}

}  // namespace

struct GzipReader::Impl {
  const uint8_t* data;
  size_t size;
  std::string path;
  z_stream zs{};
  bool initialised = false;
  size_t growth;  // room to add when the output is full (doubles, starting from the size hint)
  std::optional<Error> error;

  size_t consumed() const { return size_t(zs.next_in - data); }
};

GzipReader::GzipReader(const uint8_t* data, size_t size, std::string path)
    : m_impl(std::make_unique<Impl>()) {
  Impl& d = *m_impl;
  d.data = data;
  d.size = size;
  d.path = std::move(path);
  d.growth = sizeHint(data, size);
  if (!isGzip(data, size)) {
    d.error = gzipError(d.path, "not a gzip stream", "magic 1f 8b", size < 2 ? "end of data" : "other bytes");
    return;
  }
  d.zs.next_in = const_cast<Bytef*>(data);
  d.zs.avail_in = 0;
  if (inflateInit2(&d.zs, 16 + MAX_WBITS) != Z_OK) {
    d.error = makeError(ErrorCode::Io, d.path, -1, {}, {}, "zlib could not be initialised");
    return;
  }
  d.initialised = true;
}

GzipReader::~GzipReader() {
  if (m_impl->initialised) inflateEnd(&m_impl->zs);
}

Result<size_t> GzipReader::read(size_t n, std::vector<uint8_t>& out) {
  Impl& d = *m_impl;
  if (d.error) return *d.error;
  const size_t base = out.size();
  size_t got = 0;
  const uint8_t* const end = d.data + d.size;
  auto fail = [&](Error e) -> Result<size_t> {
    out.resize(base + got);
    d.error = e;
    return e;
  };

  while (got < n && !m_finished) {
    if (d.zs.avail_in == 0 && d.consumed() < d.size)
      d.zs.avail_in = uInt(std::min(d.size - d.consumed(), kMaxZlibChunk));
    // Room for the next piece of output: what is still wanted, at most `growth` at a time.
    const size_t room = std::min({n - got, d.growth, kMaxZlibChunk});
    out.resize(base + got + room);
    d.zs.next_out = out.data() + base + got;
    d.zs.avail_out = uInt(room);

    const int rc = inflate(&d.zs, Z_NO_FLUSH);
    const size_t made = room - d.zs.avail_out;
    got += made;
    m_produced += made;
    if (made == room) d.growth = std::min(d.growth * 2, kMaxZlibChunk);

    if (rc == Z_STREAM_END) {
      if (d.zs.next_in == end) {
        m_finished = true;
        break;
      }
      // Another member may follow (concatenated gzip files); anything else is an error.
      const size_t at = d.consumed();
      if (!isGzip(d.zs.next_in, size_t(end - d.zs.next_in))) {
        return fail(gzipError(
            d.path, "unexpected bytes after the gzip stream at compressed byte " + std::to_string(at),
            "end of file or another gzip member", std::to_string(d.size - at) + " trailing bytes"));
      }
      inflateReset(&d.zs);
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      if (d.zs.avail_in == 0 && d.zs.next_in == end && d.zs.avail_out > 0) {
        return fail(gzipError(d.path,
                              "gzip stream truncated after " + std::to_string(d.size) + " compressed bytes",
                              "end of gzip stream", "end of file"));
      }
      continue;
    }
    if (rc == Z_MEM_ERROR)
      return fail(makeError(ErrorCode::Io, d.path, -1, {}, {}, "out of memory while decompressing"));
    // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
    const std::string why = d.zs.msg ? d.zs.msg : "invalid deflate data";
    return fail(gzipError(d.path, why + " at compressed byte " + std::to_string(d.consumed())));
  }
  out.resize(base + got);
  return got;
}

}  // namespace bnn
