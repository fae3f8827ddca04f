// Reading a schema file: bounded, so a FIFO or /dev/zero ends in an error.

#include <fmt/format.h>

#include "cell/brio/schema_limits.h"
#include "cell/brio/schema_parser.h"
#include "runtime/core/bounded_file.h"

namespace datablox::brio {

bool ReadSchemaFile(const std::string& path, std::string* text, std::vector<SchemaError>* errors) {
  const BoundedRead read = ReadBoundedFile(path, kMaxSchemaBytes, text);
  if (read.outcome == BoundedRead::Outcome::kCannotRead) {
    errors->push_back(SchemaError{path, SchemaPos{0, 0}, read.why});
    return false;
  }
  if (read.outcome == BoundedRead::Outcome::kTooLarge) {
    errors->push_back(
        SchemaError{path, SchemaPos{read.line, read.column},
                    fmt::format("file is larger than {} (the limit for a schema file)", kMaxSchemaBytesText)});
    return false;
  }
  return true;
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
