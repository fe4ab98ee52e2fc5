#include "nn/kernels.h"

#include "util/cpu_features.h"

namespace bnn::kernels {

const NnKernels& nnKernels(KernelLevel level) {
  switch (level) {
    case KernelLevel::Avx512:
      return kNnKernelsAvx512;
    case KernelLevel::Avx2:
      return kNnKernelsAvx2;
    case KernelLevel::Baseline:
      break;
  }
  return kNnKernelsBaseline;
}

const NnKernels& nnKernels() { return nnKernels(activeKernelLevel()); }

}  // namespace bnn::kernels
