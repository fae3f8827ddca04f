// Schemas built in code for the tests (what schema_parser.h builds from a
// .brio file), and a sink that keeps the blobs it is given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/press_stats.h"
#include "cell/brio/schema.h"

namespace datablox::brio::testing {

Field ScalarField(int ordinal, std::string name, ScalarType type, int since = 1);
Field VectorField(int ordinal, std::string name, ScalarType type);
Field MapField(int ordinal, std::string name, ScalarType key, ScalarType value);
Field ReferenceField(int ordinal, std::string name, std::string structure);
Field ReferenceVectorField(int ordinal, std::string name, std::string structure);
// Fills every field's structure_index and the root's index.
void Resolve(Schema* schema);

// user(id key, country, sessions, tags, traits, os since 2) -> Session(id key,
// start ordinal, events) -> Event(ts ordinal, type, value); at `version`
// (1: without os).
Schema UnitySchema(int version = 2);
// Every scalar type, a vector of each, maps, a reference, vectors of a
// fixed-size and of a recursive structure.
Schema EverythingSchema();

class CollectSink : public BlobSink {
 public:
  void Add(std::string_view blob) override { blobs.emplace_back(blob); }
  std::vector<std::string> blobs;
};

}  // namespace datablox::brio::testing
