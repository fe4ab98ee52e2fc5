// Fuzz target: the text of a cost-matrix CSV file (analysis/decision.h) for 10 classes and, with
// the input's first byte choosing it, for 1 to 16 classes. Properties beyond "no crash": an
// accepted matrix is valid (validateCostMatrix), and its own CSV text reads back to the same
// matrix.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analysis/decision.h"

namespace {

void parse(std::string_view text, int classes) {
  using namespace bnn;
  Result<CostMatrix> m = parseCostMatrixCsv(text, classes, "fuzz-costs.csv");
  if (!m) {
    if (m.error().message().empty()) std::abort();
    return;
  }
  if (m->numClasses != classes || !validateCostMatrix(*m).ok()) std::abort();
  const std::string again = costMatrixCsv(*m);
  Result<CostMatrix> back = parseCostMatrixCsv(again, classes, "fuzz-costs-again.csv");
  if (!back || !(*back == *m)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  parse(text, 10);
  if (size > 0) parse(text.substr(1), 1 + data[0] % 16);
  return 0;
}
