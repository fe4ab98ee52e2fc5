#include "data/md5.h"

#include <algorithm>
#include <cstring>

namespace bnn {

namespace {

// Per-round shift amounts and the constants K[i] = floor(abs(sin(i + 1)) * 2^32).
constexpr uint32_t kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

constexpr uint32_t kConst[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

// Message word used by step i.
constexpr uint8_t kIndex[64] = {0, 1, 2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                1, 6, 11, 0,  5,  10, 15, 4,  9,  14, 3,  8,  13, 2,  7,  12,
                                5, 8, 11, 14, 1,  4,  7,  10, 13, 0,  3,  6,  9,  12, 15, 2,
                                0, 7, 14, 5,  12, 3,  10, 1,  8,  15, 6,  13, 4,  11, 2,  9};

inline uint32_t rotl(uint32_t x, uint32_t c) { return (x << c) | (x >> (32 - c)); }

inline uint32_t loadLe32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

}  // namespace

Md5::Md5() : m_state{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476} {}

// One MD5 step; the rounds are written out so that the compiler keeps everything in registers.
#define BNN_MD5_STEP(f, a, b, c, d, i)                  \
  do {                                                  \
    (a) += f((b), (c), (d)) + m[kIndex[i]] + kConst[i]; \
    (a) = (b) + rotl((a), kShift[i]);                   \
  } while (0)
#define BNN_MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define BNN_MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define BNN_MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define BNN_MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))

void Md5::processBlock(const uint8_t* block) {
  uint32_t m[16];
  for (int i = 0; i < 16; ++i) m[i] = loadLe32(block + 4 * i);
  uint32_t a = m_state[0], b = m_state[1], c = m_state[2], d = m_state[3];
  for (int i = 0; i < 16; i += 4) {
    BNN_MD5_STEP(BNN_MD5_F, a, b, c, d, i);
    BNN_MD5_STEP(BNN_MD5_F, d, a, b, c, i + 1);
    BNN_MD5_STEP(BNN_MD5_F, c, d, a, b, i + 2);
    BNN_MD5_STEP(BNN_MD5_F, b, c, d, a, i + 3);
  }
  for (int i = 16; i < 32; i += 4) {
    BNN_MD5_STEP(BNN_MD5_G, a, b, c, d, i);
    BNN_MD5_STEP(BNN_MD5_G, d, a, b, c, i + 1);
    BNN_MD5_STEP(BNN_MD5_G, c, d, a, b, i + 2);
    BNN_MD5_STEP(BNN_MD5_G, b, c, d, a, i + 3);
  }
  for (int i = 32; i < 48; i += 4) {
    BNN_MD5_STEP(BNN_MD5_H, a, b, c, d, i);
    BNN_MD5_STEP(BNN_MD5_H, d, a, b, c, i + 1);
    BNN_MD5_STEP(BNN_MD5_H, c, d, a, b, i + 2);
    BNN_MD5_STEP(BNN_MD5_H, b, c, d, a, i + 3);
  }
  for (int i = 48; i < 64; i += 4) {
    BNN_MD5_STEP(BNN_MD5_I, a, b, c, d, i);
    BNN_MD5_STEP(BNN_MD5_I, d, a, b, c, i + 1);
    BNN_MD5_STEP(BNN_MD5_I, c, d, a, b, i + 2);
    BNN_MD5_STEP(BNN_MD5_I, b, c, d, a, i + 3);
  }
  m_state[0] += a;
  m_state[1] += b;
  m_state[2] += c;
  m_state[3] += d;
}

#undef BNN_MD5_STEP
#undef BNN_MD5_F
#undef BNN_MD5_G
#undef BNN_MD5_H
#undef BNN_MD5_I

void Md5::update(const uint8_t* data, size_t size) {
  m_length += size;
  if (m_buffered > 0) {
    const size_t take = std::min(size, sizeof(m_buffer) - m_buffered);
    std::memcpy(m_buffer + m_buffered, data, take);
    m_buffered += take;
    data += take;
    size -= take;
    if (m_buffered < sizeof(m_buffer)) return;
    processBlock(m_buffer);
    m_buffered = 0;
  }
  while (size >= 64) {
    processBlock(data);
    data += 64;
    size -= 64;
  }
  if (size > 0) {
    std::memcpy(m_buffer, data, size);
    m_buffered = size;
  }
}

std::array<uint8_t, 16> Md5::finish() {
  const uint64_t bitLength = m_length * 8;
  // Padding: a single 1 bit, zeros up to 56 mod 64, then the bit length little-endian.
  uint8_t pad[72] = {0x80};
  const size_t padLength = (m_buffered < 56) ? 56 - m_buffered : 120 - m_buffered;
  for (int i = 0; i < 8; ++i) pad[padLength + i] = uint8_t(bitLength >> (8 * i));
  update(pad, padLength + 8);
  std::array<uint8_t, 16> digest{};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) digest[4 * i + j] = uint8_t(m_state[i] >> (8 * j));
  return digest;
}

std::string Md5::finishHex() {
  static const char kHex[] = "0123456789abcdef";
  const std::array<uint8_t, 16> digest = finish();
  std::string s(32, '0');
  for (int i = 0; i < 16; ++i) {
    s[2 * i] = kHex[digest[i] >> 4];
    s[2 * i + 1] = kHex[digest[i] & 15];
  }
  return s;
}

}  // namespace bnn
