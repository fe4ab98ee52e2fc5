#pragma once
// The one text-file writer: CSV tables, JSON files and reports are written whole or not at all.
// The text goes into a new file beside the destination (".NAME.tmp-…", created with the usual
// permissions), is flushed to disk, and the file is renamed over the destination; a failure leaves
// the previous file untouched and removes the temporary. Errors name the file and say what failed
// ("out/per_digit.csv: input/output error (cannot write: No space left on device)").
// Thread-safe (no shared state; concurrent writers of the same path: the last rename wins).

#include <string>
#include <string_view>

#include "util/error.h"

namespace bnn {

/// Whether the text reaches the disk before the rename (fsync): ToDisk for a file on its own, so
/// that a crash leaves the old or the new file, never an empty one; InFolder for files inside a
/// folder that is itself written beside its destination and renamed into place (result folders),
/// which skips a flush per file (15-35 ms for a result folder's three text files here).
enum class FileSync { ToDisk, InFolder };

Status writeTextFile(const std::string& path, std::string_view text, FileSync sync = FileSync::ToDisk);

}  // namespace bnn
