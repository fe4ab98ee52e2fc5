#include "run/sample_file_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <vector>

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

Result<std::unique_ptr<SampleFileWriter>> SampleFileWriter::continueFrom(const std::string& path,
                                                                       int64_t params, int64_t count) {
  if (params <= 0 || count < 0)
    return makeError(ErrorCode::BadDimensions, path, -1, "at least one parameter", std::to_string(params));
  const int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return ioError(path, "cannot open the samples file");
  // The header as this class writes it, for some number of samples n >= count (a chain stopped
  // between a sample's data and the header's update has one more sample's bytes than n says).
  const size_t headerBytes = npyHeader(NpyType::Float32, {0, params}).size();
  const size_t bytes = static_cast<size_t>(params) * sizeof(float);
  std::string header(headerBytes, '\0');
  const ssize_t got = ::pread(in, header.data(), headerBytes, 0);
  struct stat st {};
  const bool statted = ::fstat(in, &st) == 0;
  const std::string key = "'shape': (";
  const size_t at = header.find(key);
  int64_t n = -1;
  if (got == static_cast<ssize_t>(headerBytes) && at != std::string::npos)
    std::from_chars(header.data() + at + key.size(), header.data() + header.size(), n);
  if (n < count || header != npyHeader(NpyType::Float32, {n, params}) || !statted ||
      st.st_size < static_cast<off_t>(headerBytes + static_cast<size_t>(count) * bytes)) {
    ::close(in);
    return makeError(ErrorCode::BadDimensions, path, 0,
                     "float32 samples [>= " + std::to_string(count) + ", " + std::to_string(params) + "]",
                     n < 0 ? std::string("another file") : npyShapeText({n, params}), "the kept samples");
  }
  const std::string tmp = path + ".continued";
  Result<std::unique_ptr<SampleFileWriter>> w = create(tmp, params);
  if (!w) {
    ::close(in);
    return w;
  }
  std::vector<float> row(static_cast<size_t>(params));
  for (int64_t i = 0; i < count; ++i) {
    const int64_t offset = static_cast<int64_t>(headerBytes) + i * static_cast<int64_t>(bytes);
    size_t done = 0;
    while (done < bytes) {
      const ssize_t r = ::pread(in, reinterpret_cast<char*>(row.data()) + done, bytes - done,
                                static_cast<off_t>(offset + static_cast<int64_t>(done)));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        const Error e = r < 0 ? ioError(path, "cannot read a sample")
                              : makeError(ErrorCode::PayloadTooShort, path, offset, std::to_string(bytes) + " bytes",
                                          std::to_string(done) + " bytes", "sample " + std::to_string(i));
        ::close(in);
        ::unlink(tmp.c_str());
        return e;
      }
      done += static_cast<size_t>(r);
    }
    if (Status s = (*w)->append(row.data()); !s) {
      ::close(in);
      ::unlink(tmp.c_str());
      return s.error();
    }
  }
  ::close(in);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const Error e = ioError(path, "cannot replace the samples file");
    ::unlink(tmp.c_str());
    return e;
  }
  (*w)->m_path = path;
  return w;
}

Status SampleFileWriter::sync() {
  if (m_fd >= 0 && ::fdatasync(m_fd) != 0) return ioError(m_path, "cannot flush the samples file");
  return okStatus();
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
