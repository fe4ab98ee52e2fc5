#include "util/cpu_features.h"

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace bnn {

namespace {

#if defined(__x86_64__) || defined(__i386__)
// XCR0: which register states the operating system saves on a context switch. Only called when
// cpuid reports OSXSAVE (otherwise xgetbv is an invalid instruction).
uint64_t xgetbv0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (uint64_t{edx} << 32) | eax;
}

bool bit(unsigned reg, int b) { return (reg >> b) & 1u; }

KernelLevel detect() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return KernelLevel::Baseline;
  const bool fma = bit(c, 12), movbe = bit(c, 22), osxsave = bit(c, 27), avx = bit(c, 28), f16c = bit(c, 29);
  if (!osxsave || !avx) return KernelLevel::Baseline;
  const uint64_t xcr0 = xgetbv0();
  constexpr uint64_t kSseAvxState = 0x6;   // XMM and YMM upper halves
  constexpr uint64_t kAvx512State = 0xE0;  // opmask, ZMM0-15 upper halves, ZMM16-31
  if ((xcr0 & kSseAvxState) != kSseAvxState) return KernelLevel::Baseline;
  if (__get_cpuid_max(0, nullptr) < 7) return KernelLevel::Baseline;
  __cpuid_count(7, 0, a, b, c, d);
  const bool bmi1 = bit(b, 3), avx2 = bit(b, 5), bmi2 = bit(b, 8);
  const bool avx512f = bit(b, 16), avx512dq = bit(b, 17), avx512cd = bit(b, 28), avx512bw = bit(b, 30),
             avx512vl = bit(b, 31);
  unsigned ea = 0, eb = 0, ec = 0, ed = 0;
  const bool lzcnt = __get_cpuid(0x80000001u, &ea, &eb, &ec, &ed) && bit(ec, 5);
  if (!(avx2 && fma && bmi1 && bmi2 && f16c && movbe && lzcnt)) return KernelLevel::Baseline;
  if (avx512f && avx512dq && avx512cd && avx512bw && avx512vl && (xcr0 & kAvx512State) == kAvx512State)
    return KernelLevel::Avx512;
  return KernelLevel::Avx2;
}
#else
KernelLevel detect() { return KernelLevel::Baseline; }
#endif

// The active level (-1 until the first query), how it was chosen, and any refusal of the
// environment variable. Written under g_mutex; the level is also read without it.
std::atomic<int> g_active{-1};
std::mutex g_mutex;
std::once_flag g_once;
KernelLevel g_detected = KernelLevel::Baseline;
std::string g_source;  // "" = detected; otherwise what forced the level
std::string g_notice;

void initialise() {
  std::call_once(g_once, [] {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_detected = detect();
    KernelLevel level = g_detected;
    if (const char* env = std::getenv("BNN_KERNEL_LEVEL"); env && *env) {
      const Result<KernelLevel> forced = resolveKernelLevel(env, "BNN_KERNEL_LEVEL", g_detected);
      if (forced) {
        level = *forced;
        g_source = "BNN_KERNEL_LEVEL";
      } else {
        g_notice =
            forced.error().message() + "; refused, running the " + kernelLevelName(g_detected) + " kernels";
        std::fprintf(stderr, "%s\n", g_notice.c_str());
      }
    }
    g_active.store(static_cast<int>(level), std::memory_order_release);
  });
}

}  // namespace

KernelLevel detectedKernelLevel() {
  initialise();
  return g_detected;
}

bool kernelLevelSupported(KernelLevel level) {
  return static_cast<int>(level) <= static_cast<int>(detectedKernelLevel());
}

KernelLevel activeKernelLevel() {
  const int v = g_active.load(std::memory_order_acquire);
  if (v >= 0) return static_cast<KernelLevel>(v);
  initialise();
  return static_cast<KernelLevel>(g_active.load(std::memory_order_acquire));
}

const char* kernelLevelName(KernelLevel level) {
  switch (level) {
    case KernelLevel::Avx512:
      return "avx512";
    case KernelLevel::Avx2:
      return "avx2";
    case KernelLevel::Baseline:
      break;
  }
  return "baseline";
}

const char* kernelLevelTitle(KernelLevel level) {
  switch (level) {
    case KernelLevel::Avx512:
      return "AVX-512 (x86-64-v4)";
    case KernelLevel::Avx2:
      return "AVX2 + FMA (x86-64-v3)";
    case KernelLevel::Baseline:
      break;
  }
  return "baseline x86-64 (SSE2)";
}

std::optional<KernelLevel> parseKernelLevel(std::string_view name) {
  std::string s;
  for (char ch : name) s += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (KernelLevel l : kAllKernelLevels)
    if (s == kernelLevelName(l)) return l;
  return std::nullopt;
}

Status forceKernelLevel(KernelLevel level) {
  return forceKernelLevel(kernelLevelName(level), "kernel level");
}

Status forceKernelLevel(std::string_view name, std::string_view source) {
  initialise();
  std::lock_guard<std::mutex> lock(g_mutex);
  const Result<KernelLevel> level = resolveKernelLevel(name, source, g_detected);
  if (!level) return level.error();
  g_source = std::string(source);
  g_active.store(static_cast<int>(*level), std::memory_order_release);
  return okStatus();
}

Result<KernelLevel> resolveKernelLevel(std::string_view name, std::string_view source, KernelLevel best) {
  const auto parsed = parseKernelLevel(name);
  if (!parsed)
    return makeError(ErrorCode::InvalidConfig, std::string(source), -1, "avx512, avx2 or baseline",
                     quotedText(std::string(name)), "unknown kernel level");
  if (static_cast<int>(*parsed) <= static_cast<int>(best)) return *parsed;
  std::string names;  // the levels up to `best`: "avx2 or baseline"
  for (KernelLevel l : kAllKernelLevels) {
    if (static_cast<int>(l) > static_cast<int>(best)) continue;
    if (!names.empty()) names += l == KernelLevel::Baseline ? " or " : ", ";
    names += kernelLevelName(l);
  }
  return makeError(ErrorCode::InvalidConfig, std::string(source), -1, names, quotedText(std::string(name)),
                   std::string("this CPU supports ") + kernelLevelTitle(best) + " at most");
}

std::string kernelLevelDescription() {
  const KernelLevel active = activeKernelLevel();
  std::lock_guard<std::mutex> lock(g_mutex);
  std::string s = kernelLevelTitle(active);
  if (g_source.empty()) return s + ", detected";
  s += ", forced by " + g_source;
  if (active != g_detected) s += std::string("; this CPU supports ") + kernelLevelTitle(g_detected);
  return s;
}

std::string kernelLevelReport() { return "kernels: " + kernelLevelDescription(); }

std::string kernelLevelNotice() {
  initialise();
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_notice;
}

// The level is chosen when the program starts (and BNN_KERNEL_LEVEL refused then, on stderr),
// not at the first kernel call.
namespace {
[[maybe_unused]] const bool g_chosenAtStartUp = (initialise(), true);
}  // namespace

}  // namespace bnn
