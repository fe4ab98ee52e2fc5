// Fuzz target: the bytes of a chain checkpoint (run/checkpoint.h). The last four bytes are the
// CRC-32 of the rest; the target writes the right one before parsing, so that mutations reach
// the entries instead of stopping at the checksum (which bnn-cli run --resume checks first).
// Properties beyond "no crash": an accepted checkpoint serialises back to the same bytes, and
// its sampler states restore into samplers made for its configuration, or are refused by them
// with a message.
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "run/checkpoint.h"
#include "samplers/sampler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bnn;
  std::vector<uint8_t> bytes(data, data + size);
  if (bytes.size() >= 24) {
    const size_t body = bytes.size() - 4;
    const uint32_t crc = uint32_t(crc32(crc32(0L, Z_NULL, 0), bytes.data(), uInt(body)));
    for (int i = 0; i < 4; ++i) bytes[body + size_t(i)] = uint8_t(crc >> (8 * i));
  }
  Result<ChainCheckpoint> c = parseCheckpoint(bytes.data(), bytes.size(), "fuzz.bnnckpt");
  if (!c) {
    if (c.error().message().empty()) std::abort();
    return 0;
  }
  if (serializeCheckpoint(*c) != bytes) {
    // Entries may come in another order; what was read must read back the same.
    Result<ChainCheckpoint> again = [&] {
      const std::vector<uint8_t> b = serializeCheckpoint(*c);
      return parseCheckpoint(b.data(), b.size(), "fuzz-again.bnnckpt");
    }();
    if (!again || serializeCheckpoint(*again) != serializeCheckpoint(*c)) std::abort();
  }
  SamplerSettings s;
  s.kind = c->config.sampler;
  s.form = c->config.sghmcForm;
  s.leapfrogSteps = c->config.leapfrogSteps;
  const int64_t dim = static_cast<int64_t>(c->theta.size());
  std::unique_ptr<Sampler> warm = makeSampler(s, dim, RandomStream(1));
  if (Status st = warm->restoreState(c->warmupSampler, "fuzz.bnnckpt"); !st && st.error().message().empty())
    std::abort();
  if (c->config.samplingPhaseUsesSgld) {
    s.kind = SamplerKind::Sgld;
    std::unique_ptr<Sampler> samp = makeSampler(s, dim, RandomStream(2));
    if (Status st = samp->restoreState(c->samplingSampler, "fuzz.bnnckpt");
        !st && st.error().message().empty())
      std::abort();
  }
  return 0;
}
