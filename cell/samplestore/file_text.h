// A file's text, whole: plain, or gzip'd (a name ending .gz, read through
// zlib, several members concatenated too). For files read whole anyway
// (`datablox dump-region`'s region files); a worker's presses read the
// dataset in chunks of lines instead (line_chunks.h).
#pragma once

#include <cstdint>
#include <string>

#include "datablox/status.h"

namespace datablox::samplestore {

// More than this (after decompression) is refused: a gzip bomb, or a file
// that should have been split.
inline constexpr uint64_t kMaxFileTextBytes = uint64_t{8} << 30;

// IOError naming the file when it cannot be read, is not valid gzip, or
// is larger than max_bytes.
Status ReadFileText(const std::string& path, std::string* text, uint64_t max_bytes = kMaxFileTextBytes);

}  // namespace datablox::samplestore
