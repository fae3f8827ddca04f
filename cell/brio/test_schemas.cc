#include "cell/brio/test_schemas.h"

namespace datablox::brio::testing {

Field ScalarField(int ordinal, std::string name, ScalarType type, int since) {
  Field f;
  f.ordinal = ordinal;
  f.name = std::move(name);
  f.kind = FieldKind::kScalar;
  f.scalar = type;
  f.since_version = since;
  return f;
}

Field VectorField(int ordinal, std::string name, ScalarType type) {
  Field f = ScalarField(ordinal, std::move(name), type);
  f.kind = FieldKind::kScalarVector;
  return f;
}

Field MapField(int ordinal, std::string name, ScalarType key, ScalarType value) {
  Field f = ScalarField(ordinal, std::move(name), value);
  f.kind = FieldKind::kScalarMap;
  f.map_key = key;
  return f;
}

Field ReferenceField(int ordinal, std::string name, std::string structure) {
  Field f;
  f.ordinal = ordinal;
  f.name = std::move(name);
  f.kind = FieldKind::kReference;
  f.structure = std::move(structure);
  return f;
}

Field ReferenceVectorField(int ordinal, std::string name, std::string structure) {
  Field f = ReferenceField(ordinal, std::move(name), std::move(structure));
  f.kind = FieldKind::kReferenceVector;
  return f;
}

void Resolve(Schema* schema) {
  for (Structure& s : schema->structures)
    for (Field& f : s.fields)
      if (!f.structure.empty()) f.structure_index = schema->FindStructure(f.structure);
}

Schema UnitySchema(int version) {
  Schema schema;
  schema.name = "unity";
  schema.version = version;
  schema.root_name = "user";
  Structure user{"User", {}, {}};
  user.fields.push_back(ScalarField(0, "id", ScalarType::kString));
  user.fields.back().key = true;
  user.fields.push_back(ScalarField(1, "country", ScalarType::kString));
  user.fields.push_back(ReferenceVectorField(2, "sessions", "Session"));
  user.fields.push_back(VectorField(3, "tags", ScalarType::kString));
  user.fields.push_back(MapField(4, "traits", ScalarType::kString, ScalarType::kLong));
  if (version >= 2) user.fields.push_back(ScalarField(5, "os", ScalarType::kString, 2));
  Structure session{"Session", {}, {}};
  session.fields.push_back(ScalarField(0, "id", ScalarType::kLong));
  session.fields.back().key = true;
  session.fields.push_back(ScalarField(1, "start", ScalarType::kLong));
  session.fields.back().ordering = true;
  session.fields.push_back(ReferenceVectorField(2, "events", "Event"));
  Structure event{"Event", {}, {}};
  event.fields.push_back(ScalarField(0, "ts", ScalarType::kLong));
  event.fields.back().ordering = true;
  event.fields.push_back(ScalarField(1, "type", ScalarType::kString));
  event.fields.push_back(ScalarField(2, "value", ScalarType::kDouble));
  schema.structures = {user, session, event};
  schema.root_structure = 0;
  Resolve(&schema);
  return schema;
}

Schema EverythingSchema() {
  Schema schema;
  schema.name = "everything";
  schema.version = 1;
  schema.root_name = "all";
  Structure all{"All", {}, {}};
  int n = 0;
  all.fields.push_back(ScalarField(n++, "b", ScalarType::kBoolean));
  all.fields.push_back(ScalarField(n++, "y", ScalarType::kByte));
  all.fields.push_back(ScalarField(n++, "s", ScalarType::kShort));
  all.fields.push_back(ScalarField(n++, "i", ScalarType::kInteger));
  all.fields.push_back(ScalarField(n++, "l", ScalarType::kLong));
  all.fields.push_back(ScalarField(n++, "d", ScalarType::kDouble));
  all.fields.push_back(ScalarField(n++, "str", ScalarType::kString));
  all.fields.push_back(VectorField(n++, "bools", ScalarType::kBoolean));
  all.fields.push_back(VectorField(n++, "bytes", ScalarType::kByte));
  all.fields.push_back(VectorField(n++, "shorts", ScalarType::kShort));
  all.fields.push_back(VectorField(n++, "ints", ScalarType::kInteger));
  all.fields.push_back(VectorField(n++, "longs", ScalarType::kLong));
  all.fields.push_back(VectorField(n++, "doubles", ScalarType::kDouble));
  all.fields.push_back(VectorField(n++, "strs", ScalarType::kString));
  all.fields.push_back(MapField(n++, "scores", ScalarType::kString, ScalarType::kDouble));
  all.fields.push_back(MapField(n++, "names", ScalarType::kLong, ScalarType::kString));
  all.fields.push_back(ReferenceField(n++, "leaf", "Leaf"));
  all.fields.push_back(ReferenceVectorField(n++, "leaves", "Leaf"));
  all.fields.push_back(ReferenceVectorField(n++, "trees", "Tree"));
  Structure leaf{"Leaf", {}, {}};
  leaf.fields.push_back(ScalarField(0, "x", ScalarType::kInteger));
  leaf.fields.push_back(ScalarField(1, "tag", ScalarType::kString));
  Structure tree{"Tree", {}, {}};
  tree.fields.push_back(ScalarField(0, "name", ScalarType::kString));
  tree.fields.push_back(ReferenceVectorField(1, "kids", "Tree"));
  schema.structures = {all, leaf, tree};
  schema.root_structure = 0;
  Resolve(&schema);
  return schema;
}

}  // namespace datablox::brio::testing
