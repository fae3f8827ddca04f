// Helpers of the schema tests: parse a text, see its errors as short lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/schema_parser.h"

namespace datablox::brio::testing {

// "LINE:COL: MESSAGE" for each error of `text` (the file name is "t.brio").
inline std::vector<std::string> ErrorsOf(std::string_view text) {
  std::vector<SchemaError> errors;
  ParseSchema(text, "t.brio", &errors);
  std::vector<std::string> lines;
  for (const SchemaError& e : errors) {
    lines.push_back(std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + ": " + e.message);
  }
  return lines;
}

// A schema that must parse without errors; `*errors` lists them if not.
inline Schema ParseClean(std::string_view text, std::vector<std::string>* errors) {
  std::vector<SchemaError> found;
  Schema schema = ParseSchema(text, "t.brio", &found);
  for (const SchemaError& e : found) errors->push_back(e.ToString());
  return schema;
}

// Wraps structures in a schema with a version and a root of `User`.
inline std::string WithUser(std::string_view structures, int version = 1) {
  return "schema s {\n  version: " + std::to_string(version) + "\n  root) user : User\n" + std::string(structures) +
         "}\n";
}

}  // namespace datablox::brio::testing
