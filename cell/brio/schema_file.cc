// Reading a schema file: bounded, so a FIFO or /dev/zero ends in an error.

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "cell/brio/schema_limits.h"
#include "cell/brio/schema_parser.h"

namespace datablox::brio {

bool ReadSchemaFile(const std::string& path, std::string* text, std::vector<SchemaError>* errors) {
  // POSIX read rather than a stream, so that a directory fails here with its
  // own reason (EISDIR).
  text->clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto cannot_read = [&] {
    errors->push_back(
        SchemaError{path, SchemaPos{0, 0}, fmt::format("cannot read {}: {}", path, std::strerror(errno))});
    return false;
  };
  if (fd < 0) return cannot_read();
  char buffer[1 << 14];
  // One byte past the limit tells a file at the limit from a longer one.
  while (text->size() <= kMaxSchemaBytes) {
    const size_t wanted = std::min(sizeof buffer, kMaxSchemaBytes + 1 - text->size());
    const ssize_t n = ::read(fd, buffer, wanted);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const bool reported = cannot_read();
      ::close(fd);
      return reported;
    }
    text->append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text->size() <= kMaxSchemaBytes) return true;
  // Pointed at the first byte past the limit.
  const size_t last_newline = text->rfind('\n', kMaxSchemaBytes - 1);
  const int line = 1 + static_cast<int>(std::count(text->begin(), text->begin() + kMaxSchemaBytes, '\n'));
  const size_t column = last_newline == std::string::npos ? kMaxSchemaBytes + 1 : kMaxSchemaBytes - last_newline;
  errors->push_back(
      SchemaError{path, SchemaPos{line, static_cast<int>(std::min<size_t>(column, INT_MAX))},
                  fmt::format("file is larger than {} (the limit for a schema file)", kMaxSchemaBytesText)});
  text->clear();
  return false;
}

Schema LoadSchemaFile(const std::string& path, std::vector<SchemaError>* errors) {
  std::string text;
  if (!ReadSchemaFile(path, &text, errors)) return Schema{};
  return ParseSchema(text, path, errors);
}

Status LoadSchema(const std::string& path, Schema* schema) {
  std::vector<SchemaError> errors;
  std::string text;
  if (!ReadSchemaFile(path, &text, &errors)) {
    return errors.front().pos.line == 0 ? Status::IOError(errors.front().message)
                                        : Status::Invalid(errors.front().ToString());
  }
  Schema parsed = ParseSchema(text, path, &errors);
  if (errors.empty()) {
    *schema = std::move(parsed);
    return Status::OK();
  }
  std::string message;
  for (const SchemaError& error : errors) message += (message.empty() ? "" : "\n") + error.ToString();
  return Status::Invalid(message);
}

}  // namespace datablox::brio
