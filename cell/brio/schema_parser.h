// Reading a Brio schema (.brio): the language of the comment at the top of
// schema.h, parsed with the topology language's error discipline. Every
// error is "FILE:LINE:COL: error: MESSAGE"; the parser recovers after each
// one, so a run reports them all; the checks after the syntax (names,
// ordinals, versions, the containment tree) all run too.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/schema.h"
#include "datablox/status.h"

namespace datablox::brio {

// One error of a schema file. Line 0: about the file as a whole (unreadable).
struct SchemaError {
  std::string file;
  SchemaPos pos;
  std::string message;
  // "FILE:LINE:COL: error: MESSAGE"
  std::string ToString() const;
};

// Parses and checks `text`, named `file` in errors. Appends every error to
// `errors`, sorted by position; the schema returned is complete (fields in
// ordinal order, structure_index and root_structure filled) only when none
// was added.
Schema ParseSchema(std::string_view text, const std::string& file, std::vector<SchemaError>* errors);

// Reads a schema file whole, up to kMaxSchemaBytes (schema_limits.h). On
// failure appends why (cannot read: at line 0; too large: where the limit was
// passed) and returns false.
bool ReadSchemaFile(const std::string& path, std::string* text, std::vector<SchemaError>* errors);

// ReadSchemaFile, then ParseSchema.
Schema LoadSchemaFile(const std::string& path, std::vector<SchemaError>* errors);

// For code that wants one value (the sample store, the presser's tools): the
// schema of `path`, or Invalid with every error, one a line (IOError when
// the file cannot be read).
Status LoadSchema(const std::string& path, Schema* schema);

// The checks ParseSchema makes after the syntax, for a schema built in code
// (tests, a schema sent over the wire): resolves structure names
// (structure_index, root_structure), sorts fields by ordinal, and appends
// every error to `errors`, at the positions the fields carry.
void CheckSchema(Schema* schema, const std::string& file, std::vector<SchemaError>* errors);

}  // namespace datablox::brio
