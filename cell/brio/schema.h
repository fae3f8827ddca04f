// A Brio schema: the containment tree that pressed blobs follow (Burst's
// Brio). The schema parser (schema_parser.h) builds it from a .brio file; the
// presser (presser.h) and the reader (reader.h) walk it. Plain data, no
// behaviour beyond lookups: every decision about layout lives in
// blob_format.h, every decision about syntax in the parser.
//
//   schema unity {
//     version: 2
//     root) user : User
//     structure User {
//       0) id : string key
//       1) country : string
//       2) sessions : vector[Session]
//       3) tags : vector[string]
//       4) traits : map[string, long]
//       5) os : string since 2        // added in version 2: null in older blobs
//     }
//     structure Session { 0) id : long key  1) start : long ordinal  2) events : vector[Event] }
//     structure Event { 0) ts : long ordinal  1) type : string  2) value : double }
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace datablox::brio {

// Fixed-size scalars, stored in place; strings are dictionary keys in place.
enum class ScalarType : uint8_t { kBoolean, kByte, kShort, kInteger, kLong, kDouble, kString };

// How a field relates its structure to its value.
enum class FieldKind : uint8_t {
  kScalar,          // one scalar, fixed size, in the structure's fixed part
  kScalarVector,    // vector[long]: a variable-size relation
  kScalarMap,       // map[string, long]: keys and values are scalars
  kReference,       // one structure (may be null)
  kReferenceVector  // vector[Session]
};

struct SchemaPos {
  int line = 0;    // 1-based, in the schema file
  int column = 0;  // 1-based, in bytes
};

struct Field {
  int ordinal = 0;  // the `N)` before the name: the field's fixed identity across versions
  std::string name;
  FieldKind kind = FieldKind::kScalar;
  ScalarType scalar = ScalarType::kLong;     // kScalar, kScalarVector: the element; kScalarMap: the value
  ScalarType map_key = ScalarType::kString;  // kScalarMap only
  std::string structure;                     // kReference, kReferenceVector: the structure's name
  int structure_index = -1;                  // index into Schema::structures, filled by the parser
  bool key = false;                          // `key`: identifies the structure among its siblings
  bool ordering = false;                     // `ordinal`: vectors of this structure are ordered by it
  int since_version = 1;                     // `since N`: absent (null) in blobs of older versions
  SchemaPos pos;
};

struct Structure {
  std::string name;
  std::vector<Field> fields;  // in ordinal order (the parser sorts and checks them: 0..n-1, unique)
  SchemaPos pos;

  const Field* FindField(std::string_view field_name) const {
    for (const Field& f : fields)
      if (f.name == field_name) return &f;
    return nullptr;
  }
};

struct Schema {
  std::string name;         // `schema unity`
  int version = 1;          // the version new blobs are pressed at; fields with since_version > version are errors
  std::string root_name;    // `root) user : User`: the name of the root relation
  int root_structure = -1;  // index into structures
  std::vector<Structure> structures;

  const Structure& root() const { return structures[static_cast<size_t>(root_structure)]; }
  int FindStructure(std::string_view structure_name) const {
    for (size_t i = 0; i < structures.size(); ++i)
      if (structures[i].name == structure_name) return static_cast<int>(i);
    return -1;
  }
};

// The name a type is written with in a schema: "boolean", "long", "string".
std::string_view ScalarTypeName(ScalarType type);
// The inverse; nullopt for an unknown word.
std::optional<ScalarType> ScalarTypeFromName(std::string_view name);
// Bytes a scalar takes in a structure's fixed part (a string: its 4-byte dictionary key).
int ScalarSize(ScalarType type);

}  // namespace datablox::brio
