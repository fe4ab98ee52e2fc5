#include "util/vector_math.h"

#include "util/cpu_features.h"

namespace bnn::vmath {

const VectorMathKernels& vectorMath(KernelLevel level) {
  switch (level) {
    case KernelLevel::Avx512:
      return kVectorMathAvx512;
    case KernelLevel::Avx2:
      return kVectorMathAvx2;
    case KernelLevel::Baseline:
      break;
  }
  return kVectorMathBaseline;
}

const VectorMathKernels& vectorMath() { return vectorMath(activeKernelLevel()); }

}  // namespace bnn::vmath
