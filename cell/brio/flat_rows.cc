#include "cell/brio/flat_rows.h"

#include <algorithm>
#include <cstring>

#include "cell/brio/blob_format.h"
#include "cell/brio/blob_writer.h"
#include "cell/brio/json_input.h"
#include "cell/brio/string_interner.h"

namespace datablox::brio {

// Named, not anonymous: FlatPresser::Impl (declared in the header) holds them.
namespace flat_internal {

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
  std::vector<int> columns;  // this level's columns
  std::vector<int> sort;     // ordinal columns (below the root) then key columns
  std::vector<int> keys;     // key columns
  int child_field = -1;      // index of the vector[Structure] field in the structure
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

  bool IsNull(uint32_t row, int column) const { return states[row * ncolumns + static_cast<size_t>(column)] == 0; }
  uint64_t Bits(uint32_t row, int column) const { return cells[row * ncolumns + static_cast<size_t>(column)]; }

  const SchemaLayout& layout;
  const Schema& schema;
  PressOptions options;
  PressStats stats;
  BlobWriter writer;
  JsonLineParser parser;
  std::vector<flat_internal::Column> columns;
  std::vector<flat_internal::Level> levels;
  std::vector<flat_internal::RowKey> row_keys;
  size_t ncolumns = 0;

  // The kept rows: ncolumns cells each (an int64, a double's bits or a
  // string's key in `strings`), and whether each is set.
  std::vector<uint64_t> cells;
  std::vector<uint8_t> states;
  StringInterner strings;
  std::vector<uint32_t> order;
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
  if (!errors.empty()) return Status::Invalid(errors);
  impl->ncolumns = impl->columns.size();
  impl->row_cells.resize(impl->ncolumns);
  impl->row_states.resize(impl->ncolumns);
  out->reset(new FlatPresser(std::move(impl)));
  return Status::OK();
}

FlatPresser::FlatPresser(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FlatPresser::~FlatPresser() = default;
const PressStats& FlatPresser::stats() const { return impl_->stats; }

void FlatPresser::AddLines(std::string_view text, std::string_view source) {
  using simdjson::dom::element;
  using simdjson::dom::element_type;
  using simdjson::dom::object;
  Impl& m = *impl_;
  ForEachLine(text, [&](std::string_view line, uint64_t number) {
    ++m.stats.lines;
    m.stats.json_bytes += line.size() + 1;
    if (IsBlank(line)) {
      ++m.stats.blank_lines;
      return;
    }
    auto where = [&] { return std::string(source) + ":" + std::to_string(number); };
    element root;
    if (simdjson::error_code error = m.parser.Parse(text, line, &root)) {
      ++m.stats.rejected_malformed;
      m.stats.Sample(where(), std::string("malformed JSON: ") + simdjson::error_message(error));
      return;
    }
    if (root.type() != element_type::OBJECT) {
      ++m.stats.rejected_not_object;
      m.stats.Sample(where(), "not a JSON object");
      return;
    }
    std::fill(m.row_states.begin(), m.row_states.end(), 0);
    // Wrong types are counted only once the row is kept: a rejected row counts once, as a reject.
    uint64_t wrong = 0;
    for (auto [key, value] : object(root)) {
      const flat_internal::RowKey* rk = nullptr;
      for (const flat_internal::RowKey& k : m.row_keys)
        if (k.name.size() == key.size() && k.name == key) rk = &k;
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
    m.cells.insert(m.cells.end(), m.row_cells.begin(), m.row_cells.end());
    m.states.insert(m.states.end(), m.row_states.begin(), m.row_states.end());
  });
}

int FlatPresser::Impl::Compare(uint32_t a, uint32_t b, int column) const {
  const bool na = IsNull(a, column), nb = IsNull(b, column);
  if (na || nb) return na == nb ? 0 : (na ? -1 : 1);
  const uint64_t x = Bits(a, column), y = Bits(b, column);
  switch (columns[static_cast<size_t>(column)].type) {
    case ScalarType::kString: {
      if (x == y) return 0;
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

bool FlatPresser::Impl::SameItem(uint32_t a, uint32_t b, int level) const {
  const flat_internal::Level& l = levels[static_cast<size_t>(level)];
  if (l.keys.empty()) return false;  // no keys: each row is an item
  for (int column : l.keys)
    if (Compare(a, b, column) != 0) return false;
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
      ScalarValue sv;
      if (c.type == ScalarType::kString) sv.s = strings.Get(static_cast<uint32_t>(bits));
      else if (c.type == ScalarType::kDouble) std::memcpy(&sv.d, &bits, sizeof bits);
      else sv.i = static_cast<int64_t>(bits);
      writer.SetScalar(instance, sl.fields[static_cast<size_t>(c.field)], c.type, sv);
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
  const size_t rows = m.states.size() / std::max<size_t>(m.ncolumns, 1);
  m.order.resize(rows);
  for (size_t r = 0; r < rows; ++r) m.order[r] = static_cast<uint32_t>(r);
  std::stable_sort(m.order.begin(), m.order.end(), [&m](uint32_t a, uint32_t b) {
    for (const flat_internal::Level& level : m.levels)
      for (int column : level.sort)
        if (const int c = m.Compare(a, b, column); c != 0) return c < 0;
    return false;
  });
  for (size_t r = 0; r < rows;) {
    size_t end = r + 1;
    while (end < rows && m.SameItem(m.order[r], m.order[end], 0)) ++end;
    m.writer.Begin();
    m.WriteItem(0, r, end, m.writer.AddInstance(m.schema.root_structure));
    const std::string_view blob = m.writer.Finish();
    if (blob.size() > m.options.max_item_bytes) {
      ++m.stats.rejected_over_size_cap;
      m.stats.rows_in_rejected_items += end - r;
      m.stats.Sample(m.KeyText(m.order[r]), "pressed to " + std::to_string(blob.size()) + " bytes, over the cap of " +
                                                std::to_string(m.options.max_item_bytes));
    } else {
      ++m.stats.items;
      m.stats.pressed_bytes += blob.size();
      sink.Add(blob);
    }
    r = end;
  }
  m.cells.clear();
  m.states.clear();
  m.strings.Clear();
}

}  // namespace datablox::brio
