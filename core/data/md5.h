#pragma once
// MD5 message digest (RFC 1321), used to recognise the canonical MNIST files. Not for security.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace bnn {

/// Incremental MD5. One instance belongs to one thread at a time (no internal locking);
/// separate instances are independent.
class Md5 {
 public:
  Md5();

  /// Appends `size` bytes to the message.
  void update(const uint8_t* data, size_t size);

  /// Finishes the message and returns the 16-byte digest. The object must not be updated after.
  std::array<uint8_t, 16> finish();

  /// finish() as 32 lowercase hex digits.
  std::string finishHex();

 private:
  void processBlock(const uint8_t* block);

  uint32_t m_state[4];
  uint64_t m_length = 0;  // message length in bytes
  uint8_t m_buffer[64];
  size_t m_buffered = 0;
};

}  // namespace bnn
