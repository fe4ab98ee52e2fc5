#pragma once
// Which instruction-set level the hot kernels run at. Every hot kernel is compiled three times,
// each copy in its own translation unit (*_avx512.cpp, *_avx2.cpp, *_baseline.cpp beside the
// module: nn/kernels.h, util/vector_math.h, samplers/update_kernels.h); the level is chosen once,
// when the program starts, from the CPU's features (cpuid, and xgetbv for the operating system's
// support of the wider registers):
//   avx512    x86-64-v4: AVX-512 F/CD/BW/DQ/VL (with the AVX2 + FMA set below)
//   avx2      x86-64-v3: AVX2 + FMA (with AVX, BMI1/2, F16C, LZCNT, MOVBE)
//   baseline  x86-64: SSE2, what every 64-bit x86 CPU runs
// The environment variable BNN_KERNEL_LEVEL (avx512 | avx2 | baseline) forces a lower level, for
// testing; a level the CPU lacks, or an unknown name, is refused with a one-line message on
// stderr and the detected level is used. The avx512 and avx2 levels give bit-identical results;
// baseline agrees to float rounding (it has no fused multiply-add).
//
// Thread-safe. forceKernelLevel() must not be called while kernels run (programs call it at
// start-up; tests between runs).

#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace bnn {

enum class KernelLevel : int { Baseline = 0, Avx2 = 1, Avx512 = 2 };

constexpr KernelLevel kAllKernelLevels[] = {KernelLevel::Avx512, KernelLevel::Avx2, KernelLevel::Baseline};

/// The best level this CPU and operating system support.
KernelLevel detectedKernelLevel();
/// True when `level` can run here (it is at most the detected level).
bool kernelLevelSupported(KernelLevel level);
/// The level the kernels run at: the detected one unless forced lower.
KernelLevel activeKernelLevel();

/// "avx512", "avx2", "baseline": the names BNN_KERNEL_LEVEL and --kernel-level accept.
const char* kernelLevelName(KernelLevel level);
/// "AVX-512 (x86-64-v4)", "AVX2 + FMA (x86-64-v3)", "baseline x86-64 (SSE2)".
const char* kernelLevelTitle(KernelLevel level);
/// Parses a level name (case-insensitive).
std::optional<KernelLevel> parseKernelLevel(std::string_view name);

/// `name` as a level at most `best`, or why not (InvalidConfig naming `source`, the value and
/// the levels allowed).
Result<KernelLevel> resolveKernelLevel(std::string_view name, std::string_view source, KernelLevel best);

/// Makes `level` the active one. Refused (InvalidConfig, with a message naming the level and
/// what this CPU supports) when the CPU lacks it; the active level is then unchanged.
Status forceKernelLevel(KernelLevel level);
/// The same for a name, as typed by a user (`source` names the option in the message).
Status forceKernelLevel(std::string_view name, std::string_view source);

/// The active level and how it was chosen: "AVX-512 (x86-64-v4), detected" or "AVX2 + FMA
/// (x86-64-v3), forced by BNN_KERNEL_LEVEL; this CPU supports AVX-512 (x86-64-v4)".
std::string kernelLevelDescription();
/// One line for reports: "kernels: " and the description.
std::string kernelLevelReport();
/// Why BNN_KERNEL_LEVEL was refused ("" when it was not set or was honoured).
std::string kernelLevelNotice();

}  // namespace bnn
