#pragma once
// Parallel loops over a fixed partition. The partition never depends on the number of threads,
// so results that are computed per block (and combined in block order) are bit-identical for
// any thread count. Runs on the oneTBB arena of the calling thread; TBB stays in the .cpp.

#include <cstdint>
#include <functional>

namespace bnn {

/// Calls body(block) for block in [0, numBlocks), possibly in parallel.
void parallelBlocks(int64_t numBlocks, const std::function<void(int64_t)>& body);

}  // namespace bnn
