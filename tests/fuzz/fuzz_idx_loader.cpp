// Fuzz target: the bytes of an IDX file, raw or gzip-compressed, through the loader's decoding
// (gzip bounded by the header it holds) and parsing for every rank a caller asks for, and
// gunzip itself under a size limit. Properties beyond "no crash": a parsed array holds exactly
// the bytes its dimensions declare; gzip output never exceeds its bound.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "data/gzip.h"
#include "data/idx_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bnn;
  const std::vector<uint8_t> bytes(data, data + size);
  for (int rank : {0, 1, 3}) {
    bool gzipped = false;
    Result<std::vector<uint8_t>> plain = decodeIdxFile(bytes, "fuzz-idx", rank, &gzipped);
    if (!plain) {
      if (plain.error().message().empty()) std::abort();
      continue;
    }
    if (plain->size() > kMaxGunzipBytes) std::abort();
    Result<IdxArray> idx = parseIdx(std::move(plain).value(), "fuzz-idx", rank);
    if (!idx) {
      if (idx.error().message().empty()) std::abort();
      continue;
    }
    uint64_t n = 1;
    for (uint32_t d : idx->dims) n *= d;
    if (n != idx->data.size()) std::abort();
    if (rank > 0 && idx->dims.size() != size_t(rank)) std::abort();
  }
  constexpr uint64_t kLimit = 1 << 16;
  Result<std::vector<uint8_t>> out = gunzip(data, size, "fuzz-gz", kLimit);
  if (out && out->size() > kLimit) std::abort();
  return 0;
}
