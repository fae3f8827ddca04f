// A checked schema as text: the tree `datablox describe-schema` prints, the
// same as JSON for scripts, and the schema in its own language (canonical:
// parsing it gives the same schema back, which the round-trip tests use).
#pragma once

#include <string>
#include <string_view>

#include "cell/brio/schema.h"

namespace datablox::brio {

// How a field's type is written: "long", "vector[Session]", "map[string, long]".
std::string FieldTypeText(const Field& field);
// "scalar", "scalar_vector", "scalar_map", "reference", "reference_vector".
std::string_view FieldKindName(FieldKind kind);

// The containment tree from the root, one relation a line, indented by level:
//
//   schema unity, version 2
//   user : User
//       0) id : string  key
//       2) sessions : vector[Session]
//           0) id : long  key
//
// A schema that did not pass the checks may hold a cycle: the walk stops
// kMaxContainmentDepth levels down, with a line saying so. A last line names
// the structures the root does not reach, if any. The tree repeats a
// structure under every relation to it, so it stops after 10,000 relations
// (a line says so).
std::string SchemaTreeText(const Schema& schema);

// The same tree as a JSON object (pretty-printed): the schema's name,
// version, root and, for each relation, ordinal, name, kind, type, key,
// ordering, since and (for a structure) its fields; "unused" lists the
// structures the root does not reach; "truncated" says whether the walk
// stopped (at the depth limit or after 10,000 relations).
std::string SchemaTreeJson(const Schema& schema);

// The schema in its language, one structure per block, fields in ordinal
// order.
std::string SchemaSourceText(const Schema& schema);

}  // namespace datablox::brio
