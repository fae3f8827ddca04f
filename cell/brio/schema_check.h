// The checks of a schema after its syntax: names resolved, ordinals 0..n-1,
// versions, annotations, the containment tree. Private to cell/brio: the
// parser calls it with where each part was written; CheckSchema
// (schema_parser.h) with the fields' own positions.
#pragma once

#include <string>
#include <vector>

#include "cell/brio/schema.h"
#include "cell/brio/schema_parser.h"

namespace datablox::brio {

// Where the parts of one field were written, for errors that point at a
// type or an annotation rather than at the field's name.
struct FieldMarks {
  SchemaPos type;      // the type (or the structure inside vector[...])
  SchemaPos key;       // `key`, when given
  SchemaPos ordering;  // `ordinal`, when given
  SchemaPos since;     // the N of `since N`, when given
};

struct SchemaMarks {
  SchemaPos root;              // the word `root`; line 0: no root was declared
  SchemaPos root_type;         // the structure after `root) name :`
  std::string root_structure;  // its name, which the checker resolves into Schema::root_structure
  SchemaPos version;           // the N of `version: N`
  bool version_known = true;   // false: `version:` was written wrongly, so `since` is not checked against it
  // [structure][field], both in the order written (before fields are sorted).
  std::vector<std::vector<FieldMarks>> fields;
  // [structure]: the ordinals of fields that did not parse (and so are not in
  // the schema). They still hold their place: "ordinal 3 is missing" there
  // would only echo the syntax error already reported. -1: a broken field
  // without an ordinal, which might have had any.
  std::vector<std::vector<int>> broken_ordinals;
};

// Checks `schema` in place (see CheckSchema in schema_parser.h); `marks`
// may be null, and then every error points at a field's or a structure's
// own position.
void CheckSchemaWithMarks(Schema* schema, const SchemaMarks* marks, const std::string& file,
                          std::vector<SchemaError>* errors);

}  // namespace datablox::brio
