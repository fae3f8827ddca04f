// A dataset file's text, whole: plain JSON lines, or gzip'd ones (a name
// ending .gz, read through zlib, several members concatenated too). Whole,
// because a flat press keeps every row of a file until its roots are
// complete anyway, and the presser's rejects then name true line numbers.
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
