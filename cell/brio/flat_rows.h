// The flat-row presser: behavioural logs arrive as one event per line, and
// a grouping (data, declared by the view) says how rows build the tree:
//
//   rows {"user","session","session_start","ts","type","value","country","os"}
//   level 0 (the root, User):   id <- user, country <- country, os <- os;  keys: id;    child: sessions
//   level 1 (Session):          id <- session, start <- session_start;     keys: id;    child: events
//   level 2 (Event):            ts <- ts, type <- type, value <- value;    no keys: a row is an event
//
// Rows of one root may be spread over many inputs and come in any order:
// AddLines keeps them (strings interned once for the whole press) and
// finds each row's root by a hash of the root's keys; Finish presses one
// blob per root, in the order the roots first appeared, its rows sorted by
// the keys of each level below (after the level's `ordinal` fields, so
// vectors come out ordered; a null ordinal sorts first). A level's other
// fields take the first non-null value among its rows. The ordinal fields
// of a keyed level must agree across its rows (a session's start): rows
// that disagree make two items.
//
// Memory is bounded by PressOptions::memory_budget_bytes: past it the kept
// rows go to spill files in a temporary folder, each to one of 16
// partitions by a hash of its root's key, and Finish presses partition by
// partition (roots then come out partition by partition, each partition's
// in the order they first appeared) and removes the files. Every root is
// still one blob. (A partition is pressed in memory whatever its size: a
// locus over about 16 budgets goes over the budget.)
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/blob_layout.h"
#include "cell/brio/press_stats.h"

namespace datablox::brio {

struct FlatField {
  std::string field;      // a scalar field of the level's structure
  std::string row_field;  // the row's JSON key that feeds it
};

struct FlatLevel {
  std::vector<FlatField> fields;
  std::vector<std::string> keys;  // fields (among `fields`) naming an item among its siblings; none: a row is an item
  std::string child;              // the vector[Structure] field holding the next level; empty on the last
};

struct FlatGrouping {
  std::vector<FlatLevel> levels;  // levels[0] is the schema's root structure
};

class FlatPresser {
 public:
  // Checks the grouping against the schema; every problem in one Status.
  static Status Make(const SchemaLayout& layout, const FlatGrouping& grouping, PressOptions options,
                     std::unique_ptr<FlatPresser>* out);
  ~FlatPresser();

  // Parses rows and keeps them; `source` names the input in rejects.
  void AddLines(std::string_view text, std::string_view source);
  // Presses every root of the rows added so far into the sink, then forgets the rows.
  void Finish(BlobSink& sink);
  const PressStats& stats() const;
  // The first spill failure (a folder that cannot be made, a full disk):
  // the rows are then kept in memory, over the budget, none lost, unless
  // spilled rows could not be read back (said here, with the file and byte).
  Status status() const;

 private:
  struct Impl;
  explicit FlatPresser(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace datablox::brio
