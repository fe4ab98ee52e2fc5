#pragma once
// Errors and results for expected bad input. Loaders and parsers return a Result<T>;
// they never throw for bad files. Thread-safe value types.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace bnn {

enum class ErrorCode {
  NotFound,          // path does not exist
  IsDirectory,       // a file was expected
  Unreadable,        // permission or I/O error
  Empty,             // zero-byte file
  TruncatedHeader,   // file ends inside the IDX header
  BadMagic,          // first two bytes are not 0x00 0x00
  BadItemType,       // IDX item type is not unsigned byte (0x08)
  BadDimensions,     // wrong number of dimensions or image size not 28x28
  PayloadTooShort,   // fewer payload bytes than the header declares
  PayloadTooLong,    // more payload bytes than the header declares
  CountMismatch,     // image and label counts differ
  LabelOutOfRange,   // a label outside 0..9
  CorruptGzip,       // gzip stream cannot be decoded
  ChecksumMismatch,  // MD5 differs from the expected one
  MissingFile,       // a dataset folder lacks one of the four IDX files
  InvalidConfig,     // run configuration rejected
  BadFormat,         // a result file that cannot be parsed
  Io,                // write failure
  NotADirectory,     // a folder was expected
  BadValue,          // a value that cannot occur (NaN, out of range, inconsistent with others)
  Cancelled,         // the caller asked a long computation to stop
};

/// Stable machine name of a code, e.g. "truncated-header".
const char* errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Io;
  std::string path;      // file the error is about ("" when none)
  int64_t offset = -1;   // byte offset in the (decompressed) file, -1 when not relevant
  std::string expected;  // "expected X" part, may be empty
  std::string found;     // "found Y" part, may be empty
  std::string detail;    // free text, may be empty

  /// One line for users: "<path>: <what> at byte <offset>: expected X, found Y".
  std::string message() const;
};

/// An Error with its fields; the one place errors are put together.
inline Error makeError(ErrorCode code, std::string path, int64_t offset = -1, std::string expected = {},
                       std::string found = {}, std::string detail = {}) {
  Error e;
  e.code = code;
  e.path = std::move(path);
  e.offset = offset;
  e.expected = std::move(expected);
  e.found = std::move(found);
  e.detail = std::move(detail);
  return e;
}

/// 'text' in single quotes, for the "found" part of an Error (built by appending, which also keeps
/// GCC 12's false -Wrestrict on "'" + text quiet).
inline std::string quotedText(const std::string& text) {
  std::string s;
  s.reserve(text.size() + 2);
  s += '\'';
  s += text;
  s += '\'';
  return s;
}

/// A value or an Error. Minimal std::expected stand-in for C++20.
template <class T>
class Result {
 public:
  Result(T value) : m_v(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : m_v(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  T* operator->() { return &std::get<0>(m_v); }
  const T* operator->() const { return &std::get<0>(m_v); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<1>(m_v); }

 private:
  std::variant<T, Error> m_v;
};

/// Result for operations without a value.
using Status = Result<std::monostate>;
inline Status okStatus() { return Status(std::monostate{}); }

}  // namespace bnn
