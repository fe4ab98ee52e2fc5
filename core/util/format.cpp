#include "util/format.h"

#include <charconv>
#include <cmath>

namespace bnn {

namespace {

template <class F>
void appendShortest(std::string& out, F v) {
  if (std::isnan(v)) {
    out += "nan";
    return;
  }
  if (std::isinf(v)) {
    out += v < 0 ? "-inf" : "inf";
    return;
  }
  char buf[64];  // the longest shortest form of a double is 24 characters
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

std::string formatNumber(double v) {
  std::string s;
  appendShortest(s, v);
  return s;
}

std::string formatNumber(float v) {
  std::string s;
  appendShortest(s, v);
  return s;
}

void appendNumber(std::string& out, double v) { appendShortest(out, v); }

}  // namespace bnn
