// FlatPresser's insides, shared by its three files: flat_rows.cc (the
// grouping checked, rows read and kept), flat_rows_press.cc (the kept rows
// grouped by root, sorted and pressed) and flat_rows_spill.cc (the kept rows
// moved to spill files past the memory budget, and read back). Private to
// cell/brio.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cell/brio/blob_writer.h"
#include "cell/brio/clean_row.h"
#include "cell/brio/flat_rows.h"
#include "cell/brio/json_input.h"
#include "cell/brio/record_arena.h"
#include "cell/brio/row_spill.h"
#include "cell/brio/string_interner.h"

namespace datablox::brio {

// Named, not anonymous: FlatPresser::Impl holds them.
namespace flat_internal {

constexpr size_t kMaxColumns = 64;

// One tree field fed by a row field: a column of the kept rows.
struct Column {
  int level = 0;
  int field = 0;  // index in the level's structure
  ScalarType type = ScalarType::kLong;
  bool key = false;
  bool ordering = false;
};

struct Level {
  int structure = -1;
  std::vector<int> columns;    // this level's columns
  std::vector<int> sort;       // ordinal columns (below the root) then key columns
  std::vector<int> keys;       // key columns
  std::vector<int> key_words;  // below the root: where the keys are among a row's sort words
  int child_field = -1;        // index of the vector[Structure] field in the structure
};

// A row's sort words by value, for sorting one root's rows (SortOrder).
constexpr size_t kSortEntryWords = 3;
struct SortEntry {
  uint64_t words[kSortEntryWords];
  uint32_t row;
};

// A distinct row key and the columns it feeds.
struct RowKey {
  std::string name;
  std::vector<int> columns;
};

}  // namespace flat_internal

struct FlatPresser::Impl {
  Impl(const SchemaLayout& l, PressOptions o) : layout(l), schema(l.schema()), options(o), writer(l) {}

  // flat_rows.cc. The row in row_cells/row_states: false (and nothing
  // counted) when the line is not a clean row of known scalar fields, for
  // the DOM path to read, reject or warn about exactly.
  bool ReadCleanRow(std::string_view text, std::string_view line);
  // Every level's key columns set in row_states (a clean row may leave one null or absent).
  bool KeysPresent() const;
  void PrepareCleanRows();
  void ReadDomRow(simdjson::dom::object root, uint64_t* wrong);
  // Keeps the row in row_cells/row_states (its keys present), finding its root.
  void KeepRow();
  uint32_t RootOf();
  size_t MemoryBytes() const;

  // flat_rows_press.cc. Presses the kept rows root by root and forgets them.
  void PressKept(BlobSink& sink);
  int Compare(uint32_t a, uint32_t b, int column) const;
  bool SameItem(uint32_t a, uint32_t b, int level) const;
  bool SortsBefore(uint32_t a, uint32_t b) const;
  template <typename Before>
  void SortOrder(const Before& before);
  // Writes the level's scalars of the item made of rows [begin, end) of `order` and its children.
  void WriteItem(int level, size_t begin, size_t end, uint32_t instance);
  std::string KeyText(uint32_t row) const;
  // A cell as a word whose unsigned order is the value's (a null first);
  // a string's word is its key in `strings`, equal for equal strings.
  static uint64_t OrderedWord(uint64_t bits, bool set, ScalarType type);

  // flat_rows_spill.cc. Every kept row to its partition's spill file, then forgotten.
  void SpillKept();
  // Finish with spills: the rest spilled too, then each partition read back and pressed.
  void PressSpilled(BlobSink& sink);

  // The rows of the root being pressed: `current_rows` are their indices among the kept rows.
  const uint64_t* KeptRecord(size_t r) const { return records.data() + r * stride; }
  const uint64_t* Record(uint32_t row) const { return KeptRecord(current_rows[row]); }
  bool IsNull(uint32_t row, int column) const { return ((Record(row)[0] >> column) & 1u) == 0; }
  uint64_t Bits(uint32_t row, int column) const { return Record(row)[1 + static_cast<size_t>(column)]; }
  const uint64_t* Words(uint32_t row) const { return sort_words.data() + row * nwords; }

  const SchemaLayout& layout;
  const Schema& schema;
  PressOptions options;
  PressStats stats;
  BlobWriter writer;
  JsonLineParser parser;
  std::vector<flat_internal::Column> columns;
  std::vector<flat_internal::Level> levels;
  std::vector<flat_internal::RowKey> row_keys;
  size_t ncolumns = 0;  // at most kMaxColumns: a row's set columns are one bitmask
  size_t nwords = 0;    // sort words of a row
  size_t stride = 0;    // a kept row's record: 1 + ncolumns words

  // The kept rows as they came, each one record of `stride` words: a
  // bitmask of the columns that are set, then its cells (an int64, a
  // double's bits or a string's key in `strings`); and each row's root. At
  // Finish the row indices (not the records) are grouped root by root, so
  // only one root's rows are ever sorted, from sort words made for it alone.
  // The budget is checked every check_rows rows.
  static constexpr size_t kCheckRows = 16384;
  size_t check_rows = kCheckRows;
  RecordArena records;
  std::vector<uint32_t> record_root;
  std::vector<uint32_t> rows_by_root;                  // Finish: the kept rows' indices, root by root
  const uint32_t* current_rows = nullptr;              // Finish: the current root's rows in rows_by_root
  std::vector<uint64_t> sort_words;                    // Finish: the current root's rows' sort words
  std::vector<uint32_t> order;                         // Finish: the current root's rows in tree order
  std::vector<flat_internal::SortEntry> sort_entries;  // Finish: SortOrder's
  StringInterner strings;
  // The roots by their key cells (packed as bytes), when there are several keys or one that is not a string.
  std::unordered_map<std::string, uint32_t> roots;
  uint32_t root_count = 0;
  std::string root_key;  // the row being read's packed key, reused
  // The root of each string, when the root has one string key (no hashing).
  bool root_by_string_key = false;
  std::vector<uint32_t> root_of_string;
  // The sort columns of the levels below the root, a row's words. (A
  // string ordinal sorts by its text: through Compare, not the words.)
  std::vector<int> sort_columns;
  bool sort_by_words = true;
  std::vector<uint16_t> key_hint;   // the row key found at each position of the last row
  std::vector<uint64_t> row_cells;  // the row being read
  std::vector<uint8_t> row_states;
  // The On-Demand fast path (clean_row.h), where the CPU runs it.
  std::unique_ptr<CleanRowReader> clean_reader;
  CleanRowSpec clean_spec{};
  std::vector<const char*> clean_keys;
  std::vector<size_t> clean_key_sizes;
  std::vector<uint64_t> clean_key_images;
  std::vector<int> clean_column_of_key;
  std::vector<uint8_t> clean_types;
  std::string window_copy;  // AddLines: the text's last window, padded for simdjson

  // Past options.memory_budget_bytes the kept rows go to spill files, by a hash of their root's key.
  std::unique_ptr<RowSpill> spill;
  bool reloading = false;  // reading a partition back: never spilled again
  std::string spill_row;   // one row as spilled, reused
  Status status;           // the first spill failure
};

}  // namespace datablox::brio
