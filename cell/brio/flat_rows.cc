#include "cell/brio/flat_rows.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "cell/brio/blob_format.h"
#include "cell/brio/blob_writer.h"
#include "cell/brio/json_input.h"
#include "cell/brio/string_interner.h"

namespace datablox::brio {

// Named, not anonymous: FlatPresser::Impl (declared in the header) holds them.
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

// A distinct row key and the columns it feeds.
struct RowKey {
  std::string name;
  std::vector<int> columns;
};

}  // namespace flat_internal

struct FlatPresser::Impl {
  Impl(const SchemaLayout& l, PressOptions o) : layout(l), schema(l.schema()), options(o), writer(l) {}

  int Compare(uint32_t a, uint32_t b, int column) const;
  bool SameItem(uint32_t a, uint32_t b, int level) const;
  // Writes the level's scalars of the item made of rows [begin, end) and its children.
  void WriteItem(int level, size_t begin, size_t end, uint32_t instance);
  std::string KeyText(uint32_t row) const;

  // A cell as a word whose unsigned order is the value's (a null first);
  // a string's word is its key in `strings`, equal for equal strings.
  static uint64_t OrderedWord(uint64_t bits, bool set, ScalarType type);
  bool SortsBefore(uint32_t a, uint32_t b) const;

  // Rows of the root being pressed (from `current`).
  const uint64_t* Record(uint32_t row) const { return current + row * stride; }
  bool IsNull(uint32_t row, int column) const { return ((Record(row)[nwords] >> column) & 1u) == 0; }
  uint64_t Bits(uint32_t row, int column) const { return Record(row)[nwords + 1 + static_cast<size_t>(column)]; }

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
  size_t stride = 0;    // a row's record: nwords + 1 + ncolumns

  // The kept rows as they came, each one record of `stride` words: its sort
  // words (OrderedWord of the sort columns), a bitmask of the columns that
  // are set, then its cells (an int64, a double's bits or a string's key in
  // `strings`); and each row's root. Appended in arrival order (one stream
  // of writes, whatever the order of the log), moved root by root once at
  // Finish, so each root's rows are together for its sort and its blob.
  // In chunks of kChunkRows records: growing never copies what is kept.
  static constexpr size_t kChunkRows = 16384;
  std::vector<std::unique_ptr<uint64_t[]>> chunks;
  std::vector<uint32_t> record_root;
  const uint64_t* KeptRecord(size_t r) const { return chunks[r / kChunkRows].get() + (r % kChunkRows) * stride; }
  std::vector<uint64_t> moved;        // Finish: the records root by root
  const uint64_t* current = nullptr;  // Finish: the first record of the root being pressed
  // The roots by their key cells (packed as bytes): roots are told apart by
  // a hash, so only one root's rows are ever sorted.
  StringInterner strings;
  std::vector<uint32_t> order;                      // Finish: the current root's rows in tree order
  std::unordered_map<std::string, uint32_t> roots;  // several keys, or one that is not a string
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
};

namespace {

std::string LevelName(size_t level) { return "grouping level " + std::to_string(level); }

}  // namespace

Status FlatPresser::Make(const SchemaLayout& layout, const FlatGrouping& grouping, PressOptions options,
                         std::unique_ptr<FlatPresser>* out) {
  auto impl = std::make_unique<Impl>(layout, options);
  const Schema& schema = layout.schema();
  std::string errors;
  auto error = [&](const std::string& e) { errors += (errors.empty() ? "" : "; ") + e; };
  if (grouping.levels.empty()) error("the grouping has no levels");
  int structure = schema.root_structure;
  for (size_t l = 0; l < grouping.levels.size() && structure >= 0; ++l) {
    const FlatLevel& fl = grouping.levels[l];
    const Structure& s = schema.structures[static_cast<size_t>(structure)];
    flat_internal::Level level;
    level.structure = structure;
    for (const FlatField& ff : fl.fields) {
      const Field* f = s.FindField(ff.field);
      if (f == nullptr) {
        error(LevelName(l) + ": " + s.name + " has no field '" + ff.field + "'");
        continue;
      }
      if (f->kind != FieldKind::kScalar) {
        error(LevelName(l) + ": " + s.name + "." + ff.field + " is not a scalar (a row feeds scalars only)");
        continue;
      }
      flat_internal::Column c;
      c.level = static_cast<int>(l);
      c.field = static_cast<int>(f - s.fields.data());
      c.type = f->scalar;
      c.key = std::find(fl.keys.begin(), fl.keys.end(), ff.field) != fl.keys.end();
      c.ordering = f->ordering && l > 0;
      const int column = static_cast<int>(impl->columns.size());
      impl->columns.push_back(c);
      level.columns.push_back(column);
      if (c.key) level.keys.push_back(column);
      auto rk = std::find_if(impl->row_keys.begin(), impl->row_keys.end(),
                             [&](const flat_internal::RowKey& k) { return k.name == ff.row_field; });
      if (rk == impl->row_keys.end()) impl->row_keys.push_back({ff.row_field, {column}});
      else rk->columns.push_back(column);
    }
    for (const std::string& key : fl.keys)
      if (std::none_of(fl.fields.begin(), fl.fields.end(), [&](const FlatField& ff) { return ff.field == key; }))
        error(LevelName(l) + ": key '" + key + "' is not one of the level's fields");
    for (int column : level.columns)
      if (impl->columns[static_cast<size_t>(column)].ordering) level.sort.push_back(column);
    level.sort.insert(level.sort.end(), level.keys.begin(), level.keys.end());
    const bool last = l + 1 == grouping.levels.size();
    structure = -1;
    if (!fl.child.empty()) {
      const Field* child = s.FindField(fl.child);
      if (last) error(LevelName(l) + ": child '" + fl.child + "' but no level below");
      else if (child == nullptr || child->kind != FieldKind::kReferenceVector)
        error(LevelName(l) + ": " + s.name + "." + fl.child + " is not a vector of structures");
      else {
        level.child_field = static_cast<int>(child - s.fields.data());
        structure = child->structure_index;
      }
    } else if (!last) {
      error(LevelName(l) + ": no child field to hold the next level");
    }
    impl->levels.push_back(std::move(level));
  }
  if (impl->columns.size() > flat_internal::kMaxColumns)
    error("the grouping feeds " + std::to_string(impl->columns.size()) + " fields, at most " +
          std::to_string(flat_internal::kMaxColumns));
  if (!errors.empty()) return Status::Invalid(errors);
  impl->ncolumns = impl->columns.size();
  for (size_t l = 1; l < impl->levels.size(); ++l) {
    flat_internal::Level& level = impl->levels[l];
    for (int column : level.sort) {
      const flat_internal::Column& c = impl->columns[static_cast<size_t>(column)];
      if (c.key) level.key_words.push_back(static_cast<int>(impl->sort_columns.size()));
      if (c.ordering && c.type == ScalarType::kString) impl->sort_by_words = false;
      impl->sort_columns.push_back(column);
    }
  }
  const std::vector<int>& root_keys = impl->levels[0].keys;
  impl->root_by_string_key =
      root_keys.size() == 1 && impl->columns[static_cast<size_t>(root_keys[0])].type == ScalarType::kString;
  impl->nwords = impl->sort_columns.size();
  impl->stride = impl->nwords + 1 + impl->ncolumns;
  impl->row_cells.resize(impl->ncolumns);
  impl->row_states.resize(impl->ncolumns);
  out->reset(new FlatPresser(std::move(impl)));
  return Status::OK();
}

FlatPresser::FlatPresser(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FlatPresser::~FlatPresser() = default;
const PressStats& FlatPresser::stats() const { return impl_->stats; }

void FlatPresser::AddLines(std::string_view text, std::string_view source) {
  using simdjson::dom::object;
  Impl& m = *impl_;
  ForEachObjectLine(text, source, m.parser, m.stats, [&](object root, auto& where) {
    std::fill(m.row_states.begin(), m.row_states.end(), 0);
    size_t position = 0;
    // Wrong types are counted only once the row is kept: a rejected row counts once, as a reject.
    uint64_t wrong = 0;
    for (auto [key, value] : root) {
      // Rows of one log mostly list their keys in one order: try the key
      // found at this position last time first.
      const flat_internal::RowKey* rk = nullptr;
      if (position < m.key_hint.size()) {
        const flat_internal::RowKey& hinted = m.row_keys[m.key_hint[position]];
        if (hinted.name.size() == key.size() && hinted.name == key) rk = &hinted;
      }
      for (size_t k = 0; rk == nullptr && k < m.row_keys.size(); ++k)
        if (m.row_keys[k].name.size() == key.size() && m.row_keys[k].name == key) {
          rk = &m.row_keys[k];
          if (position >= m.key_hint.size()) m.key_hint.resize(position + 1);
          m.key_hint[position] = static_cast<uint16_t>(k);
        }
      ++position;
      if (rk == nullptr) {
        ++m.stats.unknown_fields;
        continue;
      }
      for (int column : rk->columns) {
        const flat_internal::Column& c = m.columns[static_cast<size_t>(column)];
        ScalarValue sv;
        const Conversion conversion = ConvertScalar(value, c.type, &sv);
        m.row_states[static_cast<size_t>(column)] = 0;
        if (conversion == Conversion::kWrongType && !c.key) ++wrong;
        if (conversion != Conversion::kValue) continue;
        uint64_t bits = 0;
        if (c.type == ScalarType::kString) bits = m.strings.Intern(sv.s);
        else if (c.type == ScalarType::kDouble) std::memcpy(&bits, &sv.d, sizeof bits);
        else bits = static_cast<uint64_t>(sv.i);
        m.row_cells[static_cast<size_t>(column)] = bits;
        m.row_states[static_cast<size_t>(column)] = 1;
      }
    }
    for (const flat_internal::Level& level : m.levels)
      for (int column : level.keys)
        if (!m.row_states[static_cast<size_t>(column)]) {
          ++m.stats.rejected_missing_key;
          const flat_internal::Column& c = m.columns[static_cast<size_t>(column)];
          m.stats.Sample(
              where(),
              "key field '" +
                  m.schema.structures[static_cast<size_t>(level.structure)].fields[static_cast<size_t>(c.field)].name +
                  "' absent, null or of the wrong type");
          return;
        }
    m.stats.wrong_type_fields += wrong;
    ++m.stats.rows;
    uint32_t root_index = m.root_count;
    if (m.root_by_string_key) {
      const uint64_t id = m.row_cells[static_cast<size_t>(m.levels[0].keys[0])];
      if (id >= m.root_of_string.size()) m.root_of_string.resize(m.strings.size(), UINT32_MAX);
      uint32_t& root = m.root_of_string[id];
      if (root == UINT32_MAX) root = m.root_count++;
      root_index = root;
    } else if (m.levels[0].keys.empty()) {
      ++m.root_count;  // no keys: each row is a root
    } else {
      m.root_key.clear();
      for (int column : m.levels[0].keys)
        m.root_key.append(reinterpret_cast<const char*>(&m.row_cells[static_cast<size_t>(column)]), sizeof(uint64_t));
      root_index = m.roots.try_emplace(m.root_key, root_index).first->second;
      if (root_index == m.root_count) ++m.root_count;
    }
    const size_t r = m.record_root.size();
    m.record_root.push_back(root_index);
    if (r % Impl::kChunkRows == 0) m.chunks.push_back(std::make_unique<uint64_t[]>(Impl::kChunkRows * m.stride));
    uint64_t* record = m.chunks.back().get() + (r % Impl::kChunkRows) * m.stride;
    for (size_t w = 0; w < m.nwords; ++w) {
      const size_t column = static_cast<size_t>(m.sort_columns[w]);
      record[w] = Impl::OrderedWord(m.row_cells[column], m.row_states[column] != 0, m.columns[column].type);
    }
    uint64_t set = 0;
    for (size_t column = 0; column < m.ncolumns; ++column) set |= uint64_t{m.row_states[column]} << column;
    record[m.nwords] = set;
    std::memcpy(record + m.nwords + 1, m.row_cells.data(), m.ncolumns * sizeof(uint64_t));
  });
}

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
  const uint64_t* x = Record(a);
  const uint64_t* y = Record(b);
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
    if (Record(a)[word] != Record(b)[word]) return false;
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

void FlatPresser::Finish(BlobSink& sink) {
  Impl& m = *impl_;
  auto before = [&m](uint32_t a, uint32_t b) { return m.SortsBefore(a, b); };
  // Rows root by root (a counting sort: roots in the order they first
  // appeared), then each root's rows in tree order (usually already: a log
  // is written in time order) and pressed.
  const size_t rows = m.record_root.size();
  std::vector<size_t> first(static_cast<size_t>(m.root_count) + 1, 0);
  for (uint32_t root : m.record_root) ++first[root + 1];
  for (size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
  {
    std::vector<size_t> next(first.begin(), first.end() - 1);
    m.moved.resize(rows * m.stride);
    for (size_t r = 0; r < rows; ++r)
      std::memcpy(&m.moved[next[m.record_root[r]]++ * m.stride], m.KeptRecord(r), m.stride * sizeof(uint64_t));
  }
  m.chunks.clear();  // given back before the blobs are made
  for (size_t root = 0; root + 1 < first.size(); ++root) {
    m.current = m.moved.data() + first[root] * m.stride;
    const size_t n = first[root + 1] - first[root];
    m.order.resize(n);
    for (size_t r = 0; r < n; ++r) m.order[r] = static_cast<uint32_t>(r);
    if (!std::is_sorted(m.order.begin(), m.order.end(), before))
      std::stable_sort(m.order.begin(), m.order.end(), before);
    m.writer.Begin();
    m.WriteItem(0, 0, n, m.writer.AddInstance(m.schema.root_structure));
    const std::string_view blob = m.writer.Finish();
    if (blob.size() > m.options.max_item_bytes) {
      ++m.stats.rejected_over_size_cap;
      m.stats.rows_in_rejected_items += n;
      m.stats.Sample(m.KeyText(m.order[0]), "pressed to " + std::to_string(blob.size()) + " bytes, over the cap of " +
                                                std::to_string(m.options.max_item_bytes));
    } else {
      ++m.stats.items;
      m.stats.pressed_bytes += blob.size();
      sink.Add(blob);
    }
  }
  m.current = nullptr;
  std::vector<uint64_t>().swap(m.moved);
  m.record_root.clear();
  m.strings.Clear();
  m.roots.clear();
  m.root_count = 0;
  m.root_of_string.clear();
}

}  // namespace datablox::brio
