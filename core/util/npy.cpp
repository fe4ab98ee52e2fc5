#include "util/npy.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <system_error>

namespace bnn {

namespace {

namespace fs = std::filesystem;

constexpr unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr int64_t kAlign = 64;

// Printable form of raw bytes: ASCII as is, everything else as \xNN.
std::string escapeBytes(const unsigned char* p, size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = p[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      s += static_cast<char>(c);
    } else {
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 15];
    }
  }
  return s;
}

// Used on big-endian hosts only.
[[maybe_unused]] void swapBytesInPlace(unsigned char* p, size_t bytes, int itemSize) {
  if (itemSize <= 1) return;
  for (size_t i = 0; i + itemSize <= bytes; i += itemSize) std::reverse(p + i, p + i + itemSize);
}

std::optional<NpyType> typeFromDescr(const std::string& d) {
  if (d == "<f4") return NpyType::Float32;
  if (d == "<f8") return NpyType::Float64;
  if (d == "<u4") return NpyType::UInt32;
  if (d == "|u1" || d == "<u1") return NpyType::UInt8;
  return std::nullopt;
}

// Parser for the header dictionary, a Python literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (7, 10), }
class HeaderParser {
 public:
  HeaderParser(const std::string& text, int64_t base, const std::string& path)
      : m_s(text), m_base(base), m_path(path) {}

  std::optional<Error> parse() {
    skipSpace();
    if (!consume('{')) return fail("'{' opening the header dictionary");
    bool haveDescr = false, haveOrder = false, haveShape = false;
    for (;;) {
      skipSpace();
      if (consume('}')) break;
      const size_t keyPos = m_pos;
      std::string key;
      if (!parseString(key)) return fail("a quoted key in the header dictionary");
      skipSpace();
      if (!consume(':')) return fail("':' after key '" + key + "'");
      skipSpace();
      if (key == "descr") {
        const size_t at = m_pos;
        if (!parseString(descr)) return fail("a quoted dtype string for 'descr'");
        descrOffset = m_base + static_cast<int64_t>(at) + 1;  // first character of the dtype
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (m_s.compare(m_pos, 4, "True") == 0) {
          fortranOrder = true;
          m_pos += 4;
        } else if (m_s.compare(m_pos, 5, "False") == 0) {
          fortranOrder = false;
          m_pos += 5;
        } else {
          return fail("True or False for 'fortran_order'");
        }
        haveOrder = true;
      } else if (key == "shape") {
        shapeOffset = m_base + static_cast<int64_t>(m_pos);
        if (auto e = parseShape()) return e;
        haveShape = true;
      } else {
        m_pos = keyPos;
        return fail("one of the keys 'descr', 'fortran_order', 'shape'");
      }
      skipSpace();
      if (consume(',')) continue;
      skipSpace();
      if (consume('}')) break;
      return fail("',' or '}' in the header dictionary");
    }
    skipSpace();
    if (m_pos != m_s.size()) return fail("only padding after the header dictionary");
    if (!haveDescr || !haveOrder || !haveShape) {
      std::string missing;
      if (!haveDescr) missing += " 'descr'";
      if (!haveOrder) missing += " 'fortran_order'";
      if (!haveShape) missing += " 'shape'";
      return makeError(ErrorCode::BadFormat, m_path, m_base, "keys 'descr', 'fortran_order' and 'shape'",
                       "a dictionary without" + missing);
    }
    return std::nullopt;
  }

  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  int64_t descrOffset = 0;
  int64_t shapeOffset = 0;

 private:
  void skipSpace() {
    while (m_pos < m_s.size() &&
           (m_s[m_pos] == ' ' || m_s[m_pos] == '\n' || m_s[m_pos] == '\t' || m_s[m_pos] == '\r'))
      ++m_pos;
  }
  bool consume(char c) {
    if (m_pos < m_s.size() && m_s[m_pos] == c) {
      ++m_pos;
      return true;
    }
    return false;
  }
  bool parseString(std::string& out) {
    if (m_pos >= m_s.size() || (m_s[m_pos] != '\'' && m_s[m_pos] != '"')) return false;
    const char q = m_s[m_pos];
    const size_t end = m_s.find(q, m_pos + 1);
    if (end == std::string::npos) return false;
    out = m_s.substr(m_pos + 1, end - m_pos - 1);
    m_pos = end + 1;
    return true;
  }
  std::optional<Error> parseShape() {
    if (!consume('(')) return fail("'(' opening the shape tuple");
    for (;;) {
      skipSpace();
      if (consume(')')) return std::nullopt;
      const size_t start = m_pos;
      int64_t v = 0;
      while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9') {
        const int d = m_s[m_pos] - '0';
        if (v > (std::numeric_limits<int64_t>::max() - d) / 10) {
          m_pos = start;
          return fail("a dimension that fits in 64 bits");
        }
        v = v * 10 + d;
        ++m_pos;
      }
      if (m_pos == start) return fail("a non-negative integer dimension in the shape tuple");
      // Python 2 era files may write long integers as 10L.
      if (m_pos < m_s.size() && m_s[m_pos] == 'L') ++m_pos;
      shape.push_back(v);
      skipSpace();
      if (consume(',')) continue;
      skipSpace();
      if (consume(')')) {
        if (shape.size() == 1) {
          // "(7)" is an integer in Python, not a tuple; NumPy always writes "(7,)".
          return makeError(ErrorCode::BadFormat, m_path, shapeOffset, "a tuple such as (7,)",
                           quotedText(m_s.substr(static_cast<size_t>(shapeOffset - m_base),
                                                 m_pos - static_cast<size_t>(shapeOffset - m_base))));
        }
        return std::nullopt;
      }
      return fail("',' or ')' in the shape tuple");
    }
  }
  Error fail(const std::string& what) const {
    std::string found;
    if (m_pos >= m_s.size()) {
      found = "end of header";
    } else {
      const size_t n = std::min<size_t>(16, m_s.size() - m_pos);
      found = quotedText(escapeBytes(reinterpret_cast<const unsigned char*>(m_s.data() + m_pos), n));
    }
    return makeError(ErrorCode::BadFormat, m_path, m_base + static_cast<int64_t>(m_pos), what, found,
                     "header dictionary");
  }

  const std::string& m_s;
  size_t m_pos = 0;
  int64_t m_base;
  const std::string& m_path;
};

}  // namespace

const char* npyDescr(NpyType type) {
  switch (type) {
    case NpyType::Float32:
      return "<f4";
    case NpyType::Float64:
      return "<f8";
    case NpyType::UInt32:
      return "<u4";
    case NpyType::UInt8:
      return "|u1";
  }
  return "|u1";
}

int npyItemSize(NpyType type) {
  switch (type) {
    case NpyType::Float32:
      return 4;
    case NpyType::Float64:
      return 8;
    case NpyType::UInt32:
      return 4;
    case NpyType::UInt8:
      return 1;
  }
  return 1;
}

std::string npyShapeText(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  s += ")";
  return s;
}

std::string npyHeader(NpyType type, const std::vector<int64_t>& shape) {
  std::string dict = "{'descr': '";
  dict += npyDescr(type);
  dict += "', 'fortran_order': False, 'shape': ";
  dict += npyShapeText(shape);
  dict += ", }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64.
  const int64_t unpadded = 10 + static_cast<int64_t>(dict.size()) + 1;
  const int64_t padding = (kAlign - unpadded % kAlign) % kAlign;
  const int64_t headerLen = static_cast<int64_t>(dict.size()) + padding + 1;
  std::string h(reinterpret_cast<const char*>(kMagic), 6);
  h += '\x01';
  h += '\x00';
  h += static_cast<char>(headerLen & 0xff);
  h += static_cast<char>((headerLen >> 8) & 0xff);
  h += dict;
  h.append(static_cast<size_t>(padding), ' ');
  h += '\n';
  return h;
}

int64_t NpyArray::elementCount() const {
  // A zero dimension makes the array empty whatever the others are (which may be huge: the
  // product of the others alone may not fit in 64 bits).
  for (int64_t d : shape)
    if (d == 0) return 0;
  int64_t n = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n)) return -1;
  return n;
}

Status writeNpy(const std::string& path, NpyType type, const std::vector<int64_t>& shape, const void* data) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && count > std::numeric_limits<int64_t>::max() / 16 / d))
      return makeError(ErrorCode::BadDimensions, path, -1, "non-negative dimensions", npyShapeText(shape));
    count *= d;
  }
  const std::string header = npyHeader(type, shape);
  if (header.size() - 10 > 0xffff)
    return makeError(ErrorCode::BadDimensions, path, -1, "a header shorter than 65536 bytes",
                     std::to_string(header.size()) + " bytes");
  const int item = npyItemSize(type);
  const size_t bytes = static_cast<size_t>(count) * static_cast<size_t>(item);
  if (bytes > 0 && data == nullptr)
    return makeError(ErrorCode::Io, path, -1, {}, {}, "no data for a non-empty array");

  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    Error e = makeError(ErrorCode::Io, path, -1, {}, {}, "cannot create file");
    return e;
  }
  bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size();
  if (ok && bytes > 0) {
    if constexpr (std::endian::native == std::endian::little) {
      ok = std::fwrite(data, 1, bytes, f) == bytes;
    } else {
      std::vector<unsigned char> tmp(static_cast<const unsigned char*>(data),
                                     static_cast<const unsigned char*>(data) + bytes);
      swapBytesInPlace(tmp.data(), tmp.size(), item);
      ok = std::fwrite(tmp.data(), 1, tmp.size(), f) == tmp.size();
    }
  }
  if (std::fclose(f) != 0) ok = false;
  if (!ok) return makeError(ErrorCode::Io, path, -1, {}, {}, "write failed");
  return okStatus();
}

namespace {

// Checks everything up to the data: magic, version, header dictionary, dtype, order, and the
// payload size (fileSize - data offset) against the shape. `bytes` holds the first `avail` bytes
// of a file of `fileSize` bytes (avail <= fileSize; the whole file for readNpy, the beginning for
// readNpyHeader).
Result<NpyHeaderInfo> checkHeader(const unsigned char* bytes, int64_t avail, int64_t fileSize,
                                  const std::string& path) {
  const int64_t size = fileSize;
  if (size == 0) return makeError(ErrorCode::Empty, path, -1, {}, {});

  // Magic.
  const int64_t magicAvail = std::min<int64_t>(avail, 6);
  if (!std::equal(bytes, bytes + magicAvail, kMagic))
    return makeError(ErrorCode::BadMagic, path, 0, "\\x93NUMPY",
                     quotedText(escapeBytes(bytes, static_cast<size_t>(magicAvail))),
                     "not a NumPy .npy file");
  if (avail < 8)
    return makeError(ErrorCode::TruncatedHeader, path, avail, "a version at byte 6", "end of file");

  // Version: 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one.
  const int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    return makeError(ErrorCode::BadFormat, path, 6, "version 1.0, 2.0 or 3.0",
                     "version " + std::to_string(major) + "." + std::to_string(minor));
  const int lenBytes = major == 1 ? 2 : 4;
  const int64_t prelude = 8 + lenBytes;
  if (avail < prelude)
    return makeError(ErrorCode::TruncatedHeader, path, avail,
                     "a " + std::to_string(lenBytes) + "-byte header length at byte 8", "end of file");
  int64_t headerLen = 0;
  for (int i = lenBytes - 1; i >= 0; --i) headerLen = (headerLen << 8) | bytes[8 + i];
  const int64_t dataStart = prelude + headerLen;
  if (dataStart > avail)
    return makeError(ErrorCode::TruncatedHeader, path, avail,
                     "a header of " + std::to_string(headerLen) + " bytes",
                     std::to_string(avail - prelude) + " bytes" + (avail < size ? " read" : ""));

  const std::string header(reinterpret_cast<const char*>(bytes + prelude), static_cast<size_t>(headerLen));
  HeaderParser parser(header, prelude, path);
  if (auto e = parser.parse()) return *e;

  const std::optional<NpyType> type = typeFromDescr(parser.descr);
  if (!type)
    return makeError(ErrorCode::BadItemType, path, parser.descrOffset, "dtype '<f4', '<f8', '<u4' or '|u1'",
                     quotedText(parser.descr));
  if (parser.fortranOrder && parser.shape.size() >= 2)
    return makeError(ErrorCode::BadFormat, path, prelude, "'fortran_order': False", "'fortran_order': True",
                     "only C order is supported");

  const int item = npyItemSize(*type);
  const int64_t payload = size - dataStart;
  // Element count with overflow protection: anything larger than the file is too short anyway.
  int64_t count = 1;
  bool tooLarge = false;
  for (int64_t d : parser.shape) {
    if (d == 0) {
      count = 0;
      tooLarge = false;
      break;
    }
    if (!tooLarge && count > (std::numeric_limits<int64_t>::max() / item) / d) tooLarge = true;
    if (!tooLarge) count *= d;
  }
  if (tooLarge)
    return makeError(ErrorCode::PayloadTooShort, path, size,
                     "more data than fits in memory for shape " + npyShapeText(parser.shape),
                     std::to_string(payload) + " bytes");
  const int64_t expectedBytes = count * item;
  if (payload < expectedBytes)
    return makeError(ErrorCode::PayloadTooShort, path, size,
                     std::to_string(expectedBytes) + " bytes of data for shape " +
                         npyShapeText(parser.shape) + " " + parser.descr,
                     std::to_string(payload) + " bytes");
  if (payload > expectedBytes)
    return makeError(ErrorCode::PayloadTooLong, path, dataStart + expectedBytes,
                     std::to_string(expectedBytes) + " bytes of data for shape " +
                         npyShapeText(parser.shape) + " " + parser.descr,
                     std::to_string(payload) + " bytes");
  NpyHeaderInfo info;
  info.type = *type;
  info.shape = parser.shape;
  info.dataOffset = dataStart;
  return info;
}

}  // namespace

Result<NpyArray> readNpy(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return makeError(ErrorCode::NotFound, path, -1, {}, {});
  if (fs::is_directory(st)) return makeError(ErrorCode::IsDirectory, path, -1, {}, {});

  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(ErrorCode::Unreadable, path, -1, {}, {});
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return makeError(ErrorCode::Unreadable, path, -1, {}, {});
  return parseNpy(bytes.data(), bytes.size(), path);
}

Result<NpyArray> parseNpy(const unsigned char* data, size_t dataSize, const std::string& path) {
  const int64_t size = static_cast<int64_t>(dataSize);
  Result<NpyHeaderInfo> h = checkHeader(data, size, size, path);
  if (!h) return h.error();

  NpyArray a;
  a.type = h->type;
  a.shape = std::move(h->shape);
  a.data.assign(data + h->dataOffset, data + size);
  if constexpr (std::endian::native != std::endian::little)
    swapBytesInPlace(a.data.data(), a.data.size(), npyItemSize(a.type));
  return a;
}

Result<NpyHeaderInfo> readNpyHeader(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return makeError(ErrorCode::NotFound, path, -1, {}, {});
  if (fs::is_directory(st)) return makeError(ErrorCode::IsDirectory, path, -1, {}, {});
  const auto fileSize = fs::file_size(path, ec);
  if (ec) return makeError(ErrorCode::Unreadable, path, -1, {}, {}, ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(ErrorCode::Unreadable, path, -1, {}, {});
  // Version 1.0 headers are at most 10 + 65535 bytes; longer (2.0, 3.0) ones are not read whole.
  constexpr int64_t kMaxHeader = 12 + 65535;
  std::vector<unsigned char> head(
      static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(fileSize), kMaxHeader)));
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  if (in.gcount() != static_cast<std::streamsize>(head.size()))
    return makeError(ErrorCode::Unreadable, path, -1, {}, {});
  return checkHeader(head.data(), static_cast<int64_t>(head.size()), static_cast<int64_t>(fileSize), path);
}

Result<NpyArray> readNpy(const std::string& path, NpyType expectedType, int expectedRank) {
  Result<NpyArray> r = readNpy(path);
  if (!r) return r;
  if (r->type != expectedType)
    return makeError(ErrorCode::BadItemType, path, -1, std::string("dtype '") + npyDescr(expectedType) + "'",
                     std::string("'") + npyDescr(r->type) + "'");
  if (static_cast<int>(r->shape.size()) != expectedRank)
    return makeError(ErrorCode::BadDimensions, path, -1,
                     std::to_string(expectedRank) + " dimension" + (expectedRank == 1 ? "" : "s"),
                     "shape " + npyShapeText(r->shape));
  return r;
}

}  // namespace bnn
