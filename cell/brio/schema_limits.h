// The limits of a Brio schema file, in one place. Each keeps a hostile or
// broken file from exhausting memory or the stack of whoever reads it (the
// CLI, the sample store, the presser and the reader, which walk the
// containment tree depth first); each error message names its limit.
#pragma once

#include <cstddef>

namespace datablox::brio {

// Bytes of a schema file. Read in chunks and stopped one past it, so a FIFO
// or /dev/zero ends with an error instead of filling memory.
inline constexpr size_t kMaxSchemaBytes = size_t{1} << 20;  // 1 MiB
inline constexpr const char* kMaxSchemaBytesText = "1 MiB";

// Bytes of one name (schema, structure, field, root).
inline constexpr size_t kMaxIdentifierBytes = 128;

// Levels of the containment tree below the root: the presser and the reader
// recurse once per level, so this bounds their stacks.
inline constexpr int kMaxContainmentDepth = 32;

// Structures in a schema and fields in one structure (a field's ordinal is
// below this): the null bitmap and the offset table of a structure stay small.
inline constexpr int kMaxStructures = 1024;
inline constexpr int kMaxFieldsPerStructure = 1024;

// `version: N` and `since N`: 1..kMaxSchemaVersion (a blob stores its version
// in a few bytes).
inline constexpr int kMaxSchemaVersion = 65535;

}  // namespace datablox::brio
