// `datablox check FILE.brio` and `datablox describe-schema FILE`: Brio
// schemas (cell/brio/schema_parser.h), checked and shown as their tree.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cell/brio/schema_describe.h"
#include "cell/brio/schema_parser.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

// Reads and checks FILE; on failure prints why (stderr, or the JSON on
// stdout) and returns the exit status, else kExitOk.
int LoadForCommand(const std::string& file, const OutputFormat& format, brio::Schema* schema) {
  if (int code = CheckReadable(file, "schema file"); code != kExitOk) return code;
  std::vector<brio::SchemaError> errors;
  *schema = brio::LoadSchemaFile(file, &errors);
  if (errors.empty()) return kExitOk;
  // Line 0: the file as a whole could not be read (a directory, say).
  const bool unreadable = errors.size() == 1 && errors.front().pos.line == 0;
  if (format.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const brio::SchemaError& e : errors) {
      list.push_back({{"line", e.pos.line}, {"column", e.pos.column}, {"message", e.message}});
    }
    std::printf("%s\n", nlohmann::json{{"file", file}, {"ok", false}, {"errors", list}}.dump(2).c_str());
  } else {
    for (const brio::SchemaError& e : errors) {
      std::fprintf(stderr, "%s\n", unreadable ? ("error: " + e.message).c_str() : e.ToString().c_str());
    }
    if (!unreadable) {
      std::fprintf(stderr, "%s: %zu error%s\n", file.c_str(), errors.size(), errors.size() == 1 ? "" : "s");
    }
  }
  return unreadable ? kExitNoInput : kExitDataErr;
}

size_t FieldCount(const brio::Schema& schema) {
  size_t fields = 0;
  for (const brio::Structure& s : schema.structures) fields += s.fields.size();
  return fields;
}

}  // namespace

bool IsSchemaFile(const std::string& file) {
  constexpr std::string_view kExtension = ".brio";
  return file.size() > kExtension.size() && file.ends_with(kExtension);
}

int CheckSchemaFile(const std::string& file, const OutputFormat& format) {
  brio::Schema schema;
  if (int code = LoadForCommand(file, format, &schema); code != kExitOk) return code;
  if (format.json) {
    nlohmann::json out = {{"file", file},
                          {"ok", true},
                          {"schema", schema.name},
                          {"version", schema.version},
                          {"root", schema.root_name},
                          {"structures", schema.structures.size()},
                          {"fields", FieldCount(schema)},
                          {"errors", nlohmann::json::array()}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%s: ok: schema %s version %d, %zu structures, %zu fields, root %s : %s\n", file.c_str(),
                schema.name.c_str(), schema.version, schema.structures.size(), FieldCount(schema),
                schema.root_name.c_str(), schema.root().name.c_str());
  }
  return kExitOk;
}

int DescribeSchema(const std::string& file, const OutputFormat& format) {
  brio::Schema schema;
  if (int code = LoadForCommand(file, format, &schema); code != kExitOk) return code;
  if (format.json) std::printf("%s\n", brio::SchemaTreeJson(schema).c_str());
  else std::printf("%s", brio::SchemaTreeText(schema).c_str());
  return kExitOk;
}

}  // namespace datablox::cli
