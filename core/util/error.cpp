#include "util/error.h"

namespace bnn {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::NotFound:
      return "not-found";
    case ErrorCode::IsDirectory:
      return "is-directory";
    case ErrorCode::Unreadable:
      return "unreadable";
    case ErrorCode::Empty:
      return "empty";
    case ErrorCode::TruncatedHeader:
      return "truncated-header";
    case ErrorCode::BadMagic:
      return "bad-magic";
    case ErrorCode::BadItemType:
      return "bad-item-type";
    case ErrorCode::BadDimensions:
      return "bad-dimensions";
    case ErrorCode::PayloadTooShort:
      return "payload-too-short";
    case ErrorCode::PayloadTooLong:
      return "payload-too-long";
    case ErrorCode::CountMismatch:
      return "count-mismatch";
    case ErrorCode::LabelOutOfRange:
      return "label-out-of-range";
    case ErrorCode::CorruptGzip:
      return "corrupt-gzip";
    case ErrorCode::ChecksumMismatch:
      return "checksum-mismatch";
    case ErrorCode::MissingFile:
      return "missing-file";
    case ErrorCode::InvalidConfig:
      return "invalid-config";
    case ErrorCode::BadFormat:
      return "bad-format";
    case ErrorCode::Io:
      return "io";
    case ErrorCode::NotADirectory:
      return "not-a-directory";
    case ErrorCode::BadValue:
      return "bad-value";
    case ErrorCode::Cancelled:
      return "cancelled";
  }
  return "unknown";
}

static const char* describe(ErrorCode code) {
  switch (code) {
    case ErrorCode::NotFound:
      return "no such file or directory";
    case ErrorCode::IsDirectory:
      return "is a directory, expected a file";
    case ErrorCode::Unreadable:
      return "cannot be read";
    case ErrorCode::Empty:
      return "file is empty";
    case ErrorCode::TruncatedHeader:
      return "file ends inside the IDX header";
    case ErrorCode::BadMagic:
      return "not an IDX file (bad magic number)";
    case ErrorCode::BadItemType:
      return "unsupported IDX item type";
    case ErrorCode::BadDimensions:
      return "wrong dimensions";
    case ErrorCode::PayloadTooShort:
      return "data shorter than the header declares";
    case ErrorCode::PayloadTooLong:
      return "data longer than the header declares";
    case ErrorCode::CountMismatch:
      return "image and label counts differ";
    case ErrorCode::LabelOutOfRange:
      return "label out of range";
    case ErrorCode::CorruptGzip:
      return "corrupt gzip data";
    case ErrorCode::ChecksumMismatch:
      return "checksum mismatch";
    case ErrorCode::MissingFile:
      return "missing file";
    case ErrorCode::InvalidConfig:
      return "invalid configuration";
    case ErrorCode::BadFormat:
      return "bad format";
    case ErrorCode::Io:
      return "input/output error";
    case ErrorCode::NotADirectory:
      return "not a directory, expected a folder";
    case ErrorCode::BadValue:
      return "impossible value";
    case ErrorCode::Cancelled:
      return "cancelled";
  }
  return "error";
}

std::string Error::message() const {
  std::string s;
  if (!path.empty()) s += path + ": ";
  s += describe(code);
  if (offset >= 0) s += " at byte " + std::to_string(offset);
  if (!detail.empty()) s += " (" + detail + ")";
  if (!expected.empty() || !found.empty()) {
    s += ":";
    if (!expected.empty()) s += " expected " + expected;
    if (!expected.empty() && !found.empty()) s += ",";
    if (!found.empty()) s += " found " + found;
  }
  return s;
}

}  // namespace bnn
