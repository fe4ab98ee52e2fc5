#include "samplers/update_kernels.h"

#include "util/cpu_features.h"

namespace bnn::update {

const UpdateKernels& updateKernels(KernelLevel level) {
  switch (level) {
    case KernelLevel::Avx512:
      return kUpdateKernelsAvx512;
    case KernelLevel::Avx2:
      return kUpdateKernelsAvx2;
    case KernelLevel::Baseline:
      break;
  }
  return kUpdateKernelsBaseline;
}

const UpdateKernels& updateKernels() { return updateKernels(activeKernelLevel()); }

}  // namespace bnn::update
