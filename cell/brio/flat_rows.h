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
// fields take the first non-null value among its rows. The ordinal fields of a keyed level must agree across its rows
// (a session's start): rows that disagree make two items.
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

 private:
  struct Impl;
  explicit FlatPresser(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace datablox::brio
