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

Status writeTextFile(const std::string& path, std::string_view text);

}  // namespace bnn
