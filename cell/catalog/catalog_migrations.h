// The catalog file's layout: its tables, one migration per schema version,
// the version kept in SQLite's user_version pragma. A file at version N is
// brought to kCatalogVersion by running migrations N+1.. in one transaction;
// a file from a newer datablox (a version past kCatalogVersion) is refused,
// never written.
#pragma once

#include <array>

namespace datablox::catalog {

// Keys are SQLite rowids (64-bit); AUTOINCREMENT: a removed entity's key is
// never handed out again, so a key names one entity for the file's life.
// Removal is refused while something refers to the entity (the store says
// which), and the foreign keys hold it even so.
inline constexpr std::array kMigrations = {
    // 1: domains, views, saved queries.
    "CREATE TABLE domains ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  moniker TEXT NOT NULL UNIQUE,"
    "  properties TEXT NOT NULL DEFAULT '{}');"
    "CREATE TABLE views ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  moniker TEXT NOT NULL UNIQUE,"
    "  domain INTEGER NOT NULL REFERENCES domains(id) ON DELETE RESTRICT,"
    "  view_file TEXT NOT NULL,"
    "  schema_file TEXT NOT NULL,"
    "  shape TEXT NOT NULL CHECK (shape IN ('nested', 'flat')),"
    "  levels INTEGER NOT NULL DEFAULT 0,"
    "  store TEXT NOT NULL DEFAULT '',"
    "  location TEXT NOT NULL,"
    "  properties TEXT NOT NULL DEFAULT '{}',"
    "  generation INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE queries ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  moniker TEXT NOT NULL UNIQUE,"
    "  view INTEGER NOT NULL REFERENCES views(id) ON DELETE RESTRICT,"
    "  text TEXT NOT NULL);",
};

// The version this datablox writes: one per migration.
inline constexpr int kCatalogVersion = static_cast<int>(kMigrations.size());
static_assert(kCatalogVersion == 1, "a new migration is appended, never edited in place");

}  // namespace datablox::catalog
