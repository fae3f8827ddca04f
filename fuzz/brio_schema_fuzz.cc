// A Brio schema file (cell/brio/schema_parser.h): the lexer, the parser and
// the checks on any text, then what `describe` prints of a schema.
//
// Invariants: every error names the file and a line inside the text; a
// schema without errors prints (SchemaSourceText) as text that parses
// without errors to the same text again, and has a blob layout.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/blob_layout.h"
#include "cell/brio/schema_describe.h"
#include "cell/brio/schema_parser.h"

namespace {

using namespace datablox::brio;

constexpr const char* kFile = "fuzz.brio";

void Require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<SchemaError> errors;
  Schema schema = ParseSchema(text, kFile, &errors);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const SchemaError& error : errors) {
    Require(error.file == kFile && !error.message.empty());
    Require(error.pos.line >= 0 && error.pos.line <= lines + 1);
    (void)error.ToString();
  }
  (void)SchemaTreeText(schema);
  (void)SchemaTreeJson(schema);
  if (!errors.empty()) return 0;

  const std::string source = SchemaSourceText(schema);
  std::vector<SchemaError> again_errors;
  Schema again = ParseSchema(source, kFile, &again_errors);
  Require(again_errors.empty());
  Require(SchemaSourceText(again) == source);
  SchemaLayout layout;
  Require(SchemaLayout::Make(schema, &layout).ok());
  return 0;
}
