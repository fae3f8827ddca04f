#include "cell/brio/presser.h"

#include <string>

#include "cell/brio/blob_format.h"
#include "cell/brio/blob_writer.h"
#include "cell/brio/json_input.h"

namespace datablox::brio {

namespace {
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// The fields of one structure, found by the JSON key.
int FindField(const Structure& s, std::string_view key) {
  for (size_t i = 0; i < s.fields.size(); ++i)
    if (s.fields[i].name.size() == key.size() && s.fields[i].name == key) return static_cast<int>(i);
  return -1;
}
}  // namespace

struct NestedPresser::Impl {
  Impl(const SchemaLayout& l, PressOptions o)
      : layout(l), schema(l.schema()), options(o), writer(l), hints(l.schema().structures.size()) {}

  // Writes one instance of `structure` from `obj` and its relations after
  // it. False: the tree is deeper than kMaxTreeDepth.
  bool Structure(object obj, int structure, int depth);
  bool Relation(uint32_t instance, const Field& f, const FieldLayout& fl, element e, int depth);
  bool ScalarsConvert(array items, ScalarType type);
  bool MapConverts(object map, const Field& f);

  const SchemaLayout& layout;
  const Schema& schema;
  PressOptions options;
  PressStats stats;
  BlobWriter writer;
  JsonLineParser parser;
  // The JSON value of each field of the structure being pressed at each depth.
  std::vector<std::vector<element>> values;
  std::vector<std::vector<uint8_t>> seen;
  std::vector<std::vector<int>> hints;  // by structure: the field found at each key position last time
  std::string where;
};

bool NestedPresser::Impl::Structure(object obj, int structure, int depth) {
  if (depth >= kMaxTreeDepth) return false;
  const brio::Structure& s = schema.structures[static_cast<size_t>(structure)];
  if (values.size() <= static_cast<size_t>(depth)) {
    values.resize(static_cast<size_t>(depth) + 1);
    seen.resize(static_cast<size_t>(depth) + 1);
  }
  std::vector<element>& value = values[static_cast<size_t>(depth)];
  std::vector<uint8_t>& has = seen[static_cast<size_t>(depth)];
  value.resize(s.fields.size());
  has.assign(s.fields.size(), 0);
  // JSON lines of one source mostly list their keys in one order: the
  // field found at this position last time is tried first.
  std::vector<int>& hint = hints[static_cast<size_t>(structure)];
  size_t position = 0;
  for (auto [key, v] : obj) {
    int i = -1;
    if (position < hint.size()) {
      const std::string& name = s.fields[static_cast<size_t>(hint[position])].name;
      if (name.size() == key.size() && name == key) i = hint[position];
    }
    if (i < 0) {
      i = FindField(s, key);
      if (i >= 0) {
        if (position >= hint.size()) hint.resize(position + 1, 0);
        hint[position] = i;
      }
    }
    ++position;
    if (i < 0) {
      ++stats.unknown_fields;
      continue;
    }
    value[static_cast<size_t>(i)] = v;
    has[static_cast<size_t>(i)] = 1;
  }
  const uint32_t instance = writer.AddInstance(structure);
  const StructureLayout& sl = writer.LayoutOf(structure);
  // Scalars first (in place), then the relations in ordinal order, each
  // after the last: the layout's depth-first order. `value` is re-read by
  // index: a child at depth + 1 uses its own vector.
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const Field& f = s.fields[i];
    if (!has[i] || f.kind != FieldKind::kScalar) continue;
    ScalarValue sv;
    switch (ConvertScalar(values[static_cast<size_t>(depth)][i], f.scalar, &sv)) {
      case Conversion::kValue: writer.SetScalar(instance, sl.fields[i], f.scalar, sv); break;
      case Conversion::kNull: break;
      case Conversion::kWrongType: ++stats.wrong_type_fields; break;
    }
  }
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const Field& f = s.fields[i];
    if (!seen[static_cast<size_t>(depth)][i] || f.kind == FieldKind::kScalar) continue;
    if (!Relation(instance, f, sl.fields[i], values[static_cast<size_t>(depth)][i], depth)) return false;
  }
  return true;
}

bool NestedPresser::Impl::ScalarsConvert(array items, ScalarType type) {
  ScalarValue sv;
  for (element item : items)
    if (ConvertScalar(item, type, &sv) != Conversion::kValue) return false;
  return true;
}

bool NestedPresser::Impl::MapConverts(object map, const Field& f) {
  ScalarValue sv;
  for (auto [key, v] : map)
    if (ConvertKey(key, f.map_key, &sv) != Conversion::kValue || ConvertScalar(v, f.scalar, &sv) != Conversion::kValue)
      return false;
  return true;
}

bool NestedPresser::Impl::Relation(uint32_t instance, const Field& f, const FieldLayout& fl, element e, int depth) {
  const element_type t = e.type();
  if (t == element_type::NULL_VALUE) return true;
  const bool wants_array = f.kind == FieldKind::kScalarVector || f.kind == FieldKind::kReferenceVector;
  if (wants_array != (t == element_type::ARRAY) || (!wants_array && t != element_type::OBJECT)) {
    ++stats.wrong_type_fields;
    return true;
  }
  ScalarValue sv;
  switch (f.kind) {
    case FieldKind::kScalarVector: {
      // Vectors have no per-item nulls: one bad item makes the field null.
      const array items = array(e);
      if (!ScalarsConvert(items, f.scalar)) {
        ++stats.wrong_type_fields;
        return true;
      }
      writer.StartRelation(instance, fl);
      writer.AppendU32(static_cast<uint32_t>(items.size()));
      for (element item : items) {
        ConvertScalar(item, f.scalar, &sv);
        writer.AppendScalar(f.scalar, sv);
      }
      return true;
    }
    case FieldKind::kScalarMap: {
      const object map = object(e);
      if (!MapConverts(map, f)) {
        ++stats.wrong_type_fields;
        return true;
      }
      writer.StartRelation(instance, fl);
      writer.AppendU32(static_cast<uint32_t>(map.size()));
      for (auto [key, v] : map) {
        ConvertKey(key, f.map_key, &sv);
        writer.AppendScalar(f.map_key, sv);
      }
      for (auto [key, v] : map) {
        ConvertScalar(v, f.scalar, &sv);
        writer.AppendScalar(f.scalar, sv);
      }
      return true;
    }
    case FieldKind::kReference:
      writer.StartRelation(instance, fl);
      return Structure(object(e), f.structure_index, depth + 1);
    case FieldKind::kReferenceVector: {
      const array items = array(e);
      for (element item : items)
        if (item.type() != element_type::OBJECT) {
          ++stats.wrong_type_fields;
          return true;
        }
      const uint32_t count = static_cast<uint32_t>(items.size());
      writer.StartRelation(instance, fl);
      writer.AppendU32(count);
      const bool fixed = layout.IsFixedSize(f.structure_index, layout.version());
      const uint32_t table = fixed ? 0 : writer.AppendZeros(count * kRelationOffsetSize);
      uint32_t k = 0;
      for (element item : items) {
        if (!fixed) writer.PatchU32(table + k++ * kRelationOffsetSize, static_cast<uint32_t>(writer.size()));
        if (!Structure(object(item), f.structure_index, depth + 1)) return false;
      }
      return true;
    }
    case FieldKind::kScalar: break;
  }
  return true;
}

NestedPresser::NestedPresser(const SchemaLayout& layout, PressOptions options)
    : impl_(std::make_unique<Impl>(layout, options)) {}
NestedPresser::~NestedPresser() = default;
const PressStats& NestedPresser::stats() const { return impl_->stats; }

void NestedPresser::PressLines(std::string_view text, std::string_view source, BlobSink& sink) {
  Impl& m = *impl_;
  ForEachObjectLine(text, source, m.parser, m.stats, [&](object root, auto& where) {
    m.writer.Begin();
    if (!m.Structure(root, m.schema.root_structure, 0)) {
      ++m.stats.rejected_too_deep;
      m.stats.Sample(where(), "structures nested deeper than " + std::to_string(kMaxTreeDepth));
      return;
    }
    const std::string_view blob = m.writer.Finish();
    if (blob.size() > m.options.max_item_bytes) {
      ++m.stats.rejected_over_size_cap;
      m.stats.Sample(where(), "pressed to " + std::to_string(blob.size()) + " bytes, over the cap of " +
                                  std::to_string(m.options.max_item_bytes));
      return;
    }
    ++m.stats.items;
    m.stats.pressed_bytes += blob.size();
    sink.Add(blob);
  });
}

}  // namespace datablox::brio
