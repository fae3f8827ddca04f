#include <algorithm>
#include <cstring>

#include "cell/brio/blob_format.h"
#include "cell/brio/flat_rows_impl.h"

namespace datablox::brio {

namespace {
constexpr size_t kPrefetchRows = 16;
}  // namespace

int FlatPresser::Impl::Compare(uint32_t a, uint32_t b, int column) const {
  const bool na = IsNull(a, column), nb = IsNull(b, column);
  if (na || nb) return na == nb ? 0 : (na ? -1 : 1);
  const uint64_t x = Bits(a, column), y = Bits(b, column);
  switch (columns[static_cast<size_t>(column)].type) {
    case ScalarType::kString: {
      // Keys only group: equal strings have equal keys in `strings`. Ordinals sort by the text.
      if (x == y || columns[static_cast<size_t>(column)].key) return x == y ? 0 : (x < y ? -1 : 1);
      const int c = strings.Get(static_cast<uint32_t>(x)).compare(strings.Get(static_cast<uint32_t>(y)));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case ScalarType::kDouble: {
      double dx, dy;
      std::memcpy(&dx, &x, sizeof dx);
      std::memcpy(&dy, &y, sizeof dy);
      return dx < dy ? -1 : (dy < dx ? 1 : 0);
    }
    default: {
      const int64_t ix = static_cast<int64_t>(x), iy = static_cast<int64_t>(y);
      return ix < iy ? -1 : (iy < ix ? 1 : 0);
    }
  }
}

uint64_t FlatPresser::Impl::OrderedWord(uint64_t bits, bool set, ScalarType type) {
  constexpr uint64_t kSign = uint64_t{1} << 63;
  if (!set) return 0;
  switch (type) {
    case ScalarType::kDouble: return (bits & kSign) ? ~bits : bits | kSign;
    case ScalarType::kString:
    case ScalarType::kBoolean: return bits;
    default: return bits ^ kSign;
  }
}

bool FlatPresser::Impl::SortsBefore(uint32_t a, uint32_t b) const {
  if (!sort_by_words) {
    for (int column : sort_columns)
      if (const int c = Compare(a, b, column); c != 0) return c < 0;
    return false;
  }
  const uint64_t* x = Words(a);
  const uint64_t* y = Words(b);
  for (size_t i = 0; i < nwords; ++i)
    if (x[i] != y[i]) return x[i] < y[i];
  return false;
}

bool FlatPresser::Impl::SameItem(uint32_t a, uint32_t b, int level) const {
  const flat_internal::Level& l = levels[static_cast<size_t>(level)];
  if (l.keys.empty()) return false;  // no keys: each row is an item
  if (level == 0) {
    for (int column : l.keys)
      if (Compare(a, b, column) != 0) return false;
    return true;
  }
  for (int word : l.key_words)
    if (Words(a)[word] != Words(b)[word]) return false;
  return true;
}

void FlatPresser::Impl::WriteItem(int level, size_t begin, size_t end, uint32_t instance) {
  const flat_internal::Level& l = levels[static_cast<size_t>(level)];
  const StructureLayout& sl = writer.LayoutOf(l.structure);
  for (int column : l.columns) {
    const flat_internal::Column& c = columns[static_cast<size_t>(column)];
    for (size_t r = begin; r < end; ++r) {
      if (IsNull(order[r], column)) continue;
      const uint64_t bits = Bits(order[r], column);
      const FieldLayout& field = sl.fields[static_cast<size_t>(c.field)];
      if (c.type == ScalarType::kString) {
        const uint32_t id = static_cast<uint32_t>(bits);
        writer.SetInternedString(instance, field, id, strings.Get(id));
        break;
      }
      ScalarValue sv;
      if (c.type == ScalarType::kDouble) std::memcpy(&sv.d, &bits, sizeof bits);
      else sv.i = static_cast<int64_t>(bits);
      writer.SetScalar(instance, field, c.type, sv);
      break;
    }
  }
  if (l.child_field < 0) return;
  const int below = level + 1;
  const int child_structure = levels[static_cast<size_t>(below)].structure;
  uint32_t count = 0;
  for (size_t r = begin; r < end; ++r)
    if (r == begin || !SameItem(order[r - 1], order[r], below)) ++count;
  writer.StartRelation(instance, sl.fields[static_cast<size_t>(l.child_field)]);
  writer.AppendU32(count);
  const bool fixed = layout.IsFixedSize(child_structure, layout.version());
  const uint32_t table = fixed ? 0 : writer.AppendZeros(count * kRelationOffsetSize);
  uint32_t k = 0;
  for (size_t r = begin; r < end;) {
    size_t item_end = r + 1;
    while (item_end < end && SameItem(order[r], order[item_end], below)) ++item_end;
    if (!fixed) writer.PatchU32(table + k++ * kRelationOffsetSize, static_cast<uint32_t>(writer.size()));
    WriteItem(below, r, item_end, writer.AddInstance(child_structure));
    r = item_end;
  }
}

std::string FlatPresser::Impl::KeyText(uint32_t row) const {
  std::string text;
  for (int column : levels[0].keys) {
    const flat_internal::Column& c = columns[static_cast<size_t>(column)];
    if (!text.empty()) text += ",";
    if (c.type == ScalarType::kString) text += strings.Get(static_cast<uint32_t>(Bits(row, column)));
    else text += std::to_string(static_cast<int64_t>(Bits(row, column)));
  }
  return schema.root_name + " " + text;
}

// The current root's rows in tree order, equal rows in the order they came.
// With at most kSortEntryWords sort words (users, sessions, events: 3), the
// words are sorted by value with the row as the last word, which is as
// stable as stable_sort: no indirection to the words in every comparison
// (that sort was a tenth of pressing).
template <typename Before>
void FlatPresser::Impl::SortOrder(const Before& before) {
  if (!sort_by_words || nwords > flat_internal::kSortEntryWords) {
    std::stable_sort(order.begin(), order.end(), before);
    return;
  }
  const size_t n = order.size();
  sort_entries.resize(n);
  for (size_t r = 0; r < n; ++r) {
    flat_internal::SortEntry& e = sort_entries[r];
    const uint64_t* words = Words(static_cast<uint32_t>(r));
    for (size_t w = 0; w < flat_internal::kSortEntryWords; ++w) e.words[w] = w < nwords ? words[w] : 0;
    e.row = static_cast<uint32_t>(r);
  }
  std::sort(sort_entries.begin(), sort_entries.end(),
            [](const flat_internal::SortEntry& a, const flat_internal::SortEntry& b) {
              for (size_t w = 0; w < flat_internal::kSortEntryWords; ++w)
                if (a.words[w] != b.words[w]) return a.words[w] < b.words[w];
              return a.row < b.row;
            });
  for (size_t r = 0; r < n; ++r) order[r] = sort_entries[r].row;
}

void FlatPresser::Impl::PressKept(BlobSink& sink) {
  auto before = [this](uint32_t a, uint32_t b) { return SortsBefore(a, b); };
  // The rows' indices root by root (a counting sort: roots in the order
  // they first appeared), then each root's rows in tree order (usually
  // already: a log is written in time order) and pressed.
  const size_t rows = record_root.size();
  std::vector<size_t> first(static_cast<size_t>(root_count) + 1, 0);
  for (uint32_t root : record_root) ++first[root + 1];
  for (size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
  {
    std::vector<size_t> next(first.begin(), first.end() - 1);
    rows_by_root.resize(rows);
    for (size_t r = 0; r < rows; ++r) rows_by_root[next[record_root[r]]++] = static_cast<uint32_t>(r);
  }
  record_root.clear();
  for (size_t root = 0; root + 1 < first.size(); ++root) {
    current_rows = rows_by_root.data() + first[root];
    const size_t n = first[root + 1] - first[root];
    // Only this root's sort words, made here: they stay in cache while it is sorted and written.
    sort_words.resize(n * nwords);
    const size_t at = first[root];
    for (size_t r = 0; r < n; ++r) {
      // The rows of a root lie scattered over the kept records: each is a
      // cache miss unless asked for ahead (across roots: rows_by_root runs on).
      if (at + r + kPrefetchRows < rows) {
        const char* ahead = reinterpret_cast<const char*>(KeptRecord(rows_by_root[at + r + kPrefetchRows]));
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + stride * sizeof(uint64_t) - 1);
      }
      const uint64_t* record = Record(static_cast<uint32_t>(r));
      for (size_t w = 0; w < nwords; ++w) {
        const size_t column = static_cast<size_t>(sort_columns[w]);
        sort_words[r * nwords + w] = OrderedWord(record[1 + column], (record[0] >> column) & 1u, columns[column].type);
      }
    }
    order.resize(n);
    for (size_t r = 0; r < n; ++r) order[r] = static_cast<uint32_t>(r);
    if (!std::is_sorted(order.begin(), order.end(), before)) SortOrder(before);
    writer.Begin();
    WriteItem(0, 0, n, writer.AddInstance(schema.root_structure));
    const std::string_view blob = writer.Finish();
    if (blob.size() > options.max_item_bytes) {
      ++stats.rejected_over_size_cap;
      stats.rows_in_rejected_items += n;
      stats.Sample(KeyText(order[0]), "pressed to " + std::to_string(blob.size()) + " bytes, over the cap of " +
                                          std::to_string(options.max_item_bytes));
    } else {
      ++stats.items;
      stats.pressed_bytes += blob.size();
      sink.Add(blob);
    }
  }
  current_rows = nullptr;
  rows_by_root.clear();
  records.Reset();
  strings.Clear();
  roots.clear();
  root_count = 0;
  root_of_string.clear();
}

void FlatPresser::Finish(BlobSink& sink) {
  if (impl_->spill) impl_->PressSpilled(sink);
  else impl_->PressKept(sink);
}

}  // namespace datablox::brio
