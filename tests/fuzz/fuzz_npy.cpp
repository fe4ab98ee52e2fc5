// Fuzz target: the bytes of a .npy file through the reader's checks (magic, version, header
// dictionary, dtype, shape, payload size). Property beyond "no crash": an accepted array holds
// exactly prod(shape) items of its dtype, and its shape prints.
#include <cstdint>
#include <cstdlib>

#include "util/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bnn;
  Result<NpyArray> a = parseNpy(data, size, "fuzz.npy");
  if (!a) {
    if (a.error().message().empty()) std::abort();
    return 0;
  }
  const int64_t count = a->elementCount();
  if (count < 0 || uint64_t(count) * uint64_t(npyItemSize(a->type)) != a->data.size()) std::abort();
  if (npyShapeText(a->shape).empty()) std::abort();
  switch (a->type) {
    case NpyType::Float32:
      if (a->values<float>().size() != size_t(count)) std::abort();
      break;
    case NpyType::Float64:
      if (a->values<double>().size() != size_t(count)) std::abort();
      break;
    case NpyType::UInt32:
      if (a->values<uint32_t>().size() != size_t(count)) std::abort();
      break;
    case NpyType::UInt8:
      if (a->values<uint8_t>().size() != size_t(count)) std::abort();
      break;
  }
  return 0;
}
