#include "util/text_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace bnn {

namespace {

namespace fs = std::filesystem;

Error ioError(const std::string& path, const std::string& what, int err) {
  return makeError(ErrorCode::Io, path, -1, {}, {}, what + ": " + std::strerror(err));
}

// Opens a new file ".NAME.tmp-PID-N" beside `path` (O_EXCL: never an existing file). Mode 0666
// before the umask, like any file the user creates.
int openTemporary(const fs::path& path, std::string& tmpName) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = ".";  // appended piecewise: "." + string trips GCC 12's false -Wrestrict
    name += path.filename().string();
    name += ".tmp-";
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(counter.fetch_add(1));
    tmpName = (dir / name).string();
    const int fd = ::open(tmpName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

}  // namespace

Status writeTextFile(const std::string& path, std::string_view text, FileSync sync) {
  const fs::path p(path);
  if (path.empty() || p.filename().empty() || p.filename() == "." || p.filename() == "..")
    return makeError(ErrorCode::Io, path, -1, {}, {}, "not a usable file name");
  std::error_code ec;
  if (fs::is_directory(p, ec)) return makeError(ErrorCode::IsDirectory, path);

  std::string tmp;
  const int fd = openTemporary(p, tmp);
  if (fd < 0) return ioError(path, "cannot create a file in its folder", errno);
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return ioError(path, what, err);
  };
  const char* data = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (sync == FileSync::ToDisk && ::fsync(fd) != 0 && errno != EINVAL) return fail("cannot flush to disk");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioError(path, "cannot write", err);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioError(path, "cannot move the new file into place", err);
  }
  return okStatus();
}

}  // namespace bnn
