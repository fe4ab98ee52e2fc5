#include "run/posterior_samples.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "util/format.h"
#include "util/npy.h"

namespace bnn {

namespace {

namespace fs = std::filesystem;

Error samplesError(ErrorCode code, const std::string& path, std::string detail, std::string expected = {},
                   std::string found = {}, int64_t offset = -1) {
  return makeError(code, path, offset, std::move(expected), std::move(found), std::move(detail));
}

}  // namespace

Result<std::shared_ptr<const PosteriorSamples>> PosteriorSamples::open(const std::string& path,
                                                                       MlpShape shape,
                                                                       std::vector<int64_t> steps,
                                                                       Ownership ownership) {
  if (shape.numLayers() < 1)
    return samplesError(ErrorCode::BadDimensions, path, "network shape", "at least two layer sizes",
                        std::to_string(shape.sizes.size()) + " sizes");
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i] < 0 || (i > 0 && steps[i] <= steps[i - 1]))
      return samplesError(ErrorCode::BadValue, path, "sampling step of sample " + std::to_string(i),
                          "steps increasing from 0", std::to_string(steps[i]));
  Result<NpyHeaderInfo> h = readNpyHeader(path);
  if (!h) {
    if (h.error().code == ErrorCode::NotFound) return samplesError(ErrorCode::MissingFile, path, {});
    return h.error();
  }
  if (h->type != NpyType::Float32)
    return samplesError(ErrorCode::BadItemType, path, {}, "dtype '<f4'",
                        std::string("'") + npyDescr(h->type) + "'");
  const std::vector<int64_t> expected{static_cast<int64_t>(steps.size()), shape.numParams()};
  if (h->shape != expected)
    return samplesError(ErrorCode::BadDimensions, path,
                        "one row per kept sample and one column per network parameter (config.json)",
                        "shape " + npyShapeText(expected), "shape " + npyShapeText(h->shape));

  std::shared_ptr<PosteriorSamples> s(new PosteriorSamples());
  s->m_path = path;
  s->m_shape = std::move(shape);
  s->m_steps = std::move(steps);
  s->m_ownership = ownership;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return samplesError(ErrorCode::Unreadable, path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return samplesError(ErrorCode::Unreadable, path, std::strerror(err));
  }
  const int64_t bytes = st.st_size;
  const int64_t dataBytes = expected[0] * expected[1] * static_cast<int64_t>(sizeof(float));
  if (bytes != h->dataOffset + dataBytes) {  // changed since the header was read
    ::close(fd);
    return samplesError(ErrorCode::PayloadTooShort, path, "the file changed while it was opened",
                        std::to_string(h->dataOffset + dataBytes) + " bytes",
                        std::to_string(bytes) + " bytes");
  }
  if (dataBytes > 0) {
    void* map = ::mmap(nullptr, static_cast<size_t>(bytes), PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      return samplesError(ErrorCode::Unreadable, path,
                          std::string("cannot map the file: ") + std::strerror(err));
    }
    s->m_map = map;
    s->m_mappedBytes = bytes;
    s->m_data = reinterpret_cast<const float*>(static_cast<const unsigned char*>(map) + h->dataOffset);
  }
  ::close(fd);  // the mapping stays valid
  // A cache file is removed with its last handle even if opening fails from here on.
  return std::shared_ptr<const PosteriorSamples>(std::move(s));
}

Result<std::shared_ptr<const PosteriorSamples>> PosteriorSamples::pool(
    std::vector<std::shared_ptr<const PosteriorSamples>> parts, const std::string& label) {
  if (parts.empty())
    return samplesError(ErrorCode::BadValue, label, "pooled samples", "at least one chain", "none");
  std::shared_ptr<PosteriorSamples> s(new PosteriorSamples());
  s->m_path = label;
  s->m_shape = parts.front()->shape();
  for (size_t i = 0; i < parts.size(); ++i) {
    const PosteriorSamples& p = *parts[i];
    if (p.shape().sizes != s->m_shape.sizes)
      return samplesError(ErrorCode::BadDimensions, p.path(), "chain " + std::to_string(i) + "'s network",
                          "the network of chain 0", "another layer layout");
    if (p.count() == 0)
      return samplesError(ErrorCode::BadValue, p.path(), "chain " + std::to_string(i),
                          "at least one kept sample", "none");
    s->m_partStart.push_back(static_cast<int64_t>(s->m_steps.size()));
    s->m_steps.insert(s->m_steps.end(), p.steps().begin(), p.steps().end());
    s->m_mappedBytes += p.fileBytes();
  }
  s->m_partStart.push_back(static_cast<int64_t>(s->m_steps.size()));
  s->m_parts = std::move(parts);
  return std::shared_ptr<const PosteriorSamples>(std::move(s));
}

const float* PosteriorSamples::pooledSample(int64_t k) const {
  // The part whose range holds k: the last start at or below k.
  const auto it = std::upper_bound(m_partStart.begin(), m_partStart.end() - 1, k);
  const size_t part = static_cast<size_t>(it - m_partStart.begin()) - 1;
  return m_parts[part]->sample(k - m_partStart[part]);
}

PosteriorSamples::~PosteriorSamples() {
  if (m_map) ::munmap(m_map, static_cast<size_t>(m_mappedBytes));
  if (m_ownership == Ownership::RemoveWhenDone && !m_path.empty()) ::unlink(m_path.c_str());
}

Status PosteriorSamples::verifyValues() const {
  std::call_once(m_verifyOnce, [this] {
    for (const auto& part : m_parts)
      if (Status st = part->verifyValues(); !st) {
        m_verifyError = st.error();
        return;
      }
    const int64_t p = numParams();
    for (int64_t k = 0; k < count() && !m_verifyError; ++k) {
      const float* t = sample(k);
      // Sum of x - x is 0 for finite x and NaN otherwise: a branch-free scan that vectorises.
      float acc = 0.0f;
      for (int64_t j = 0; j < p; ++j) acc += t[j] - t[j];
      if (acc == 0.0f) continue;
      for (int64_t j = 0; j < p; ++j)
        if (!std::isfinite(t[j])) {
          m_verifyError = samplesError(ErrorCode::BadValue, m_path,
                                       "sample " + std::to_string(k) + ", parameter " + std::to_string(j),
                                       "a finite number", formatNumber(t[j]));
          break;
        }
    }
  });
  if (m_verifyError) return *m_verifyError;
  return okStatus();
}

Status PosteriorSamples::linkOrCopyTo(const std::string& dest) const {
  if (isPooled()) return samplesError(ErrorCode::Io, dest, "pooled samples stay in their chains' folders");
  std::error_code ec;
  fs::remove(dest, ec);
  if (::link(m_path.c_str(), dest.c_str()) == 0) return okStatus();
  if (fs::exists(m_path, ec)) {
    fs::copy_file(m_path, dest, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return samplesError(ErrorCode::Io, dest,
                          "cannot copy the posterior samples from " + m_path + ": " + ec.message());
    return okStatus();
  }
  // The file is gone (its folder was replaced, e.g. by the one being written): the mapping still
  // holds the whole file, header included.
  if (!m_map) return samplesError(ErrorCode::MissingFile, m_path, "the posterior samples' file is gone");
  const int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return samplesError(ErrorCode::Io, dest, std::string("cannot create: ") + std::strerror(errno));
  const auto* bytes = static_cast<const unsigned char*>(m_map);
  int64_t done = 0;
  while (done < m_mappedBytes) {
    const ssize_t w = ::write(fd, bytes + done, static_cast<size_t>(m_mappedBytes - done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int err = errno;
      ::close(fd);
      return samplesError(ErrorCode::Io, dest, std::string("cannot write: ") + std::strerror(err));
    }
    done += w;
  }
  if (::close(fd) != 0)
    return samplesError(ErrorCode::Io, dest, std::string("cannot write: ") + std::strerror(errno));
  return okStatus();
}

}  // namespace bnn
