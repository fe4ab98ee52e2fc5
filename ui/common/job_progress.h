#pragma once
// JobProgress: what a long evaluation on the JobRunner shares with the view that started it.
// The view sets `cancel` (Cancel pressed, a newer request, the run removed, the view closing)
// and the core polls it between posterior samples; the job advances the counters and a timer on
// the GUI thread reads them. Nothing else crosses threads, so a view can go away while its job
// still runs (the job holds the progress by shared_ptr).
// Threading: any thread (atomics only).

#include <atomic>
#include <cstdint>

struct JobProgress {
  std::atomic<bool> cancel{false};
  std::atomic<bool> started{false};  // the runner has begun the job (until then it waits its turn)
  std::atomic<int64_t> done{0};      // units of work done (sample passes)
  std::atomic<int64_t> total{0};
  std::atomic<int> stage{0};  // what the job is at (the view's numbering, e.g. a level)
};
