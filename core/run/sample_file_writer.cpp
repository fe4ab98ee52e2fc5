#include "run/sample_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include "util/npy.h"

namespace bnn {

namespace {

Error ioError(const std::string& path, const std::string& what) {
  return makeError(ErrorCode::Io, path, -1, {}, {}, what + ": " + std::strerror(errno));
}

// pwrite until everything is written (or an error).
bool writeAll(int fd, const void* data, size_t bytes, int64_t offset) {
  const auto* p = static_cast<const unsigned char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd, p, bytes, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    bytes -= static_cast<size_t>(n);
    offset += n;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<SampleFileWriter>> SampleFileWriter::create(const std::string& path, int64_t params) {
  static_assert(std::endian::native == std::endian::little, "samples are written in host order");
  if (params <= 0)
    return makeError(ErrorCode::BadDimensions, path, -1, "at least one parameter", std::to_string(params));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ioError(path, "cannot create the samples file");
  std::unique_ptr<SampleFileWriter> w(new SampleFileWriter(path, fd, params));
  w->m_headerBytes = static_cast<int64_t>(npyHeader(NpyType::Float32, {0, params}).size());
  if (Status st = w->writeHeader(); !st) return st.error();
  return w;
}

SampleFileWriter::SampleFileWriter(std::string path, int fd, int64_t params)
    : m_path(std::move(path)), m_fd(fd), m_params(params) {}

SampleFileWriter::~SampleFileWriter() {
  if (m_fd >= 0) ::close(m_fd);
}

Status SampleFileWriter::writeHeader() {
  const std::string h = npyHeader(NpyType::Float32, {m_count, m_params});
  // The header is padded to a multiple of 64 bytes; a count of up to 19 digits never crosses it.
  if (static_cast<int64_t>(h.size()) != m_headerBytes)
    return makeError(ErrorCode::Io, m_path, 0, std::to_string(m_headerBytes) + " header bytes",
                     std::to_string(h.size()) + " header bytes", "the samples file's header grew");
  if (!writeAll(m_fd, h.data(), h.size(), 0)) return ioError(m_path, "cannot write the header");
  return okStatus();
}

Status SampleFileWriter::append(const float* theta) {
  if (m_fd < 0) return makeError(ErrorCode::Io, m_path, -1, {}, {}, "the samples file is closed");
  const size_t bytes = static_cast<size_t>(m_params) * sizeof(float);
  const int64_t offset = m_headerBytes + m_count * static_cast<int64_t>(bytes);
  if (!writeAll(m_fd, theta, bytes, offset)) return ioError(m_path, "cannot write a sample");
  ++m_count;
  return writeHeader();
}

Status SampleFileWriter::finish() {
  if (m_fd < 0) return okStatus();
  // No fsync: the file is a working copy (a cache or temporary folder) until a result folder
  // takes it, and result folders are made durable as a unit, like their other .npy files.
  const bool closed = ::close(m_fd) == 0;
  m_fd = -1;
  if (!closed) return ioError(m_path, "cannot close the samples file");
  return okStatus();
}

}  // namespace bnn
