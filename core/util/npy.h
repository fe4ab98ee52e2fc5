#pragma once
// NumPy .npy files (format version 1.0): little-endian float32, float64, uint32 and uint8 arrays
// in C order. The writer produces exactly what numpy.save writes (header padded with spaces so
// the data starts at a multiple of 64 bytes, ending in '\n'). The reader validates the magic,
// version, dtype, shape and payload size and reports problems as an Error with the path, the
// byte offset and what was expected and found. Stateless; thread-safe.

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "util/error.h"

namespace bnn {

enum class NpyType { Float32, Float64, UInt32, UInt8 };

/// NumPy dtype string: "<f4", "<f8", "<u4", "|u1".
const char* npyDescr(NpyType type);
/// Bytes per element (4, 8, 4, 1).
int npyItemSize(NpyType type);
/// Python tuple text of a shape as NumPy writes it: "(7, 10)", "(7,)", "()".
std::string npyShapeText(const std::vector<int64_t>& shape);
/// The complete header (magic, version, length, dictionary, padding) for an array.
std::string npyHeader(NpyType type, const std::vector<int64_t>& shape);

/// An array read from a .npy file. `data` holds the raw little-endian payload converted to the
/// host byte order, prod(shape) * itemSize bytes.
struct NpyArray {
  NpyType type = NpyType::UInt8;
  std::vector<int64_t> shape;
  std::vector<unsigned char> data;

  int64_t elementCount() const;  // prod(shape); -1 when that overflows (never for a parsed array)
  /// Copies the payload out as T; T must match `type` (float, double, uint32_t, uint8_t).
  template <class T>
  std::vector<T> values() const {
    std::vector<T> out(data.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), data.data(), out.size() * sizeof(T));
    return out;
  }
};

/// Writes `data` (prod(shape) elements of `type`, host byte order) as a .npy file.
Status writeNpy(const std::string& path, NpyType type, const std::vector<int64_t>& shape, const void* data);
inline Status writeNpy(const std::string& path, const std::vector<int64_t>& shape,
                       const std::vector<float>& v) {
  return writeNpy(path, NpyType::Float32, shape, v.data());
}
inline Status writeNpy(const std::string& path, const std::vector<int64_t>& shape,
                       const std::vector<double>& v) {
  return writeNpy(path, NpyType::Float64, shape, v.data());
}
inline Status writeNpy(const std::string& path, const std::vector<int64_t>& shape,
                       const std::vector<uint32_t>& v) {
  return writeNpy(path, NpyType::UInt32, shape, v.data());
}
inline Status writeNpy(const std::string& path, const std::vector<int64_t>& shape,
                       const std::vector<uint8_t>& v) {
  return writeNpy(path, NpyType::UInt8, shape, v.data());
}

/// Reads and validates a .npy file of any of the four supported dtypes.
Result<NpyArray> readNpy(const std::string& path);
/// The same checks on the bytes of a .npy file already in memory; `path` only names it in errors.
Result<NpyArray> parseNpy(const unsigned char* data, size_t size, const std::string& path);

/// What the header of a .npy file says: dtype, shape and the byte offset of the data.
struct NpyHeaderInfo {
  NpyType type = NpyType::UInt8;
  std::vector<int64_t> shape;
  int64_t dataOffset = 0;  // the data run from here to the end of the file
};
/// Reads only the header of a .npy file, with the same checks as readNpy (the payload size is
/// checked against the file's size), for arrays that are memory-mapped or streamed instead of read.
Result<NpyHeaderInfo> readNpyHeader(const std::string& path);
/// As readNpy, and additionally requires the dtype and the number of dimensions.
Result<NpyArray> readNpy(const std::string& path, NpyType expectedType, int expectedRank);

}  // namespace bnn
