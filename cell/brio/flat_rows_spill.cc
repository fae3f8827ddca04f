// The flat presser past its memory budget: the kept rows go to spill
// files, each to the partition of a hash of its root's key (so all the rows
// of a root, whatever input and spill they came in, meet in one
// partition), and Finish presses partition by partition. A spilled row is
// self-contained: its bitmask, then each set cell (a string as its length
// and bytes: the interner is forgotten at every spill).
#include <cstring>

#include "cell/brio/flat_rows_impl.h"

namespace datablox::brio {

namespace {

constexpr size_t kSpillPartitions = 16;

// Another mix of the interner's hash: its low bits pick the interner's
// slots, so a partition's strings must not all share them.
size_t PartitionOf(uint64_t hash) { return static_cast<size_t>((hash * 0x9e3779b97f4a7c15ull) >> 60); }
static_assert(kSpillPartitions == 16, "PartitionOf keeps the hash's top 4 bits");

}  // namespace

void FlatPresser::Impl::SpillKept() {
  if (!spill) {
    if (Status st = RowSpill::Make(options.spill_directory, kSpillPartitions, &spill); !st.ok()) {
      spill.reset();
      status = st;
      return;
    }
  }
  // Each root's partition, from the text of its key: the same in every spill.
  std::vector<uint8_t> partition_of_root(root_count, 0xff);
  const size_t rows = record_root.size();
  for (size_t r = 0; r < rows; ++r) {
    const uint64_t* record = KeptRecord(r);
    uint8_t& partition = partition_of_root[record_root[r]];
    if (partition == 0xff) {
      std::string key;
      for (int column : levels[0].keys) {
        const uint64_t bits = record[1 + static_cast<size_t>(column)];
        if (columns[static_cast<size_t>(column)].type == ScalarType::kString) {
          const std::string_view s = strings.Get(static_cast<uint32_t>(bits));
          const uint32_t length = static_cast<uint32_t>(s.size());
          key.append(reinterpret_cast<const char*>(&length), sizeof length).append(s);
        } else {
          key.append(reinterpret_cast<const char*>(&bits), sizeof bits);
        }
      }
      // No root keys: each row its own root, dealt round robin.
      partition = static_cast<uint8_t>(levels[0].keys.empty() ? r % kSpillPartitions : PartitionOf(HashBytes(key)));
    }
    spill_row.assign(reinterpret_cast<const char*>(record), sizeof(uint64_t));
    for (size_t column = 0; column < ncolumns; ++column) {
      if (((record[0] >> column) & 1u) == 0) continue;
      const uint64_t bits = record[1 + column];
      if (columns[column].type == ScalarType::kString) {
        const std::string_view s = strings.Get(static_cast<uint32_t>(bits));
        const uint32_t length = static_cast<uint32_t>(s.size());
        spill_row.append(reinterpret_cast<const char*>(&length), sizeof length).append(s);
      } else {
        spill_row.append(reinterpret_cast<const char*>(&bits), sizeof bits);
      }
    }
    spill->Append(partition, spill_row);
  }
  if (Status st = spill->Commit(); !st.ok()) {
    status = st;  // the rows stay in memory, over the budget, and are pressed from there
    return;
  }
  ++stats.spills;
  stats.spilled_rows += rows;
  record_root.clear();
  records.Reset();
  strings.Clear();
  roots.clear();
  root_count = 0;
  root_of_string.clear();
}

void FlatPresser::Impl::PressSpilled(BlobSink& sink) {
  if (status.ok() && !record_root.empty()) SpillKept();
  // A failed spill left rows in memory whose roots may also have spilled
  // rows: every partition is then read back first and all pressed at once.
  const bool together = !status.ok();
  reloading = true;
  for (size_t p = 0; p < spill->partitions(); ++p) {
    if (Status st = spill->Rewind(p); !st.ok()) {
      if (status.ok()) status = st;
      continue;
    }
    uint64_t mask;
    while (spill->Read(p, &mask, sizeof mask)) {
      bool whole = true;
      for (size_t column = 0; column < ncolumns && whole; ++column) {
        row_states[column] = (mask >> column) & 1u;
        if (!row_states[column]) continue;
        if (columns[column].type != ScalarType::kString) {
          whole = spill->Read(p, &row_cells[column], sizeof(uint64_t));
          continue;
        }
        uint32_t length = 0;
        whole = spill->Read(p, &length, sizeof length);
        spill_row.resize(length);
        whole = whole && spill->Read(p, spill_row.data(), length);
        if (whole) row_cells[column] = strings.Intern(spill_row);
      }
      if (!whole) break;
      KeepRow();
    }
    if (!spill->error().ok() && status.ok()) status = spill->error();
    spill->Drop(p);
    if (!together) PressKept(sink);
  }
  reloading = false;
  if (together) PressKept(sink);
  spill.reset();  // the folder removed
}

}  // namespace datablox::brio
