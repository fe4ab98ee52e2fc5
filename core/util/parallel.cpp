#include "util/parallel.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

namespace bnn {

void parallelBlocks(int64_t numBlocks, const std::function<void(int64_t)>& body) {
  if (numBlocks <= 0) return;
  if (numBlocks == 1 || tbb::this_task_arena::max_concurrency() == 1) {
    for (int64_t b = 0; b < numBlocks; ++b) body(b);
    return;
  }
  // Isolated: a thread waiting here only runs blocks of this loop, never another chain's work.
  tbb::this_task_arena::isolate([&] {
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, numBlocks, 1),
        [&](const tbb::blocked_range<int64_t>& r) {
          for (int64_t b = r.begin(); b < r.end(); ++b) body(b);
        },
        tbb::simple_partitioner());
  });
}

}  // namespace bnn
