#include "cell/query/scanner.h"

#include <fmt/format.h>
#include <bit>

namespace datablox::eql {
namespace {

using brio::ScalarType;

bool IsIntegerType(ScalarType t) { return t != ScalarType::kDouble && t != ScalarType::kString; }

template <typename T>
bool Ordered(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::kEq: return a == b;
    case CompareOp::kNotEq: return a != b;
    case CompareOp::kLess: return a < b;
    case CompareOp::kLessEq: return a <= b;
    case CompareOp::kGreater: return a > b;
    case CompareOp::kGreaterEq: return a >= b;
  }
  return false;
}

}  // namespace

Scanner::Scanner(const Plan& plan) : plan_(plan) {
  const size_t n = plan.nodes.size();
  needed_.assign(n, 0);
  // Children come after their parents: one backward pass marks every
  // level whose subtree aggregates, groups or feeds a funnel.
  for (size_t i = n; i-- > 0;) {
    const PlanNode& node = plan.nodes[i];
    bool needed =
        !node.aggregates.empty() || !node.funnel_events.empty() || !node.funnel_subject.empty() || node.groups_here;
    for (int child : node.children) needed = needed || needed_[static_cast<size_t>(child)];
    needed_[i] = needed ? 1 : 0;
  }
  // A level whose instances are only counted is counted by its vectors' sizes.
  counted_only_.assign(n, 0);
  for (size_t i = 1; i < n; ++i) {
    const PlanNode& node = plan.nodes[i];
    bool only = node.filters.empty() && node.funnel_events.empty() && node.funnel_subject.empty() &&
                node.funnel_reset.empty() && !node.groups_here;
    for (int child : node.children) only = only && !needed_[static_cast<size_t>(child)];
    for (int a : node.aggregates) {
      const PlanAggregate& agg = plan.aggregates[static_cast<size_t>(a)];
      only = only && agg.function == AggFunction::kCount && agg.field.field < 0;
    }
    counted_only_[i] = only ? 1 : 0;
  }
  funnel_aggregate_.assign(plan.funnels.size(), -1);
  for (size_t a = 0; a < plan.aggregates.size(); ++a) {
    if (plan.aggregates[a].funnel >= 0)
      funnel_aggregate_[static_cast<size_t>(plan.aggregates[a].funnel)] = static_cast<int>(a);
  }
  funnels_.resize(plan.funnels.size());
  literal_text_.assign(static_cast<size_t>(plan.string_literals), nullptr);
  literal_key_.assign(static_cast<size_t>(plan.string_literals), kNoKey);
  for (const PlanNode& node : plan.nodes)
    for (const PlanCondition& c : node.filters) CollectLiterals(c);
  for (const PlanFunnel& f : plan.funnels)
    for (const PlanCondition& c : f.steps) CollectLiterals(c);
}

void Scanner::CollectLiterals(const PlanCondition& c) {
  for (const PlanValue& v : c.values)
    if (v.string_slot >= 0 && static_cast<size_t>(v.string_slot) < literal_text_.size())
      literal_text_[static_cast<size_t>(v.string_slot)] = &v.string_value;
  for (const PlanCondition& child : c.children) CollectLiterals(child);
}

void Scanner::FindLiterals(const brio::BlobView& blob) {
  for (size_t slot = 0; slot < literal_text_.size(); ++slot) {
    literal_key_[slot] = kNoKey;
    if (literal_text_[slot] == nullptr) continue;
    for (uint32_t k = 0; k < blob.string_count(); ++k) {
      if (blob.String(k) == *literal_text_[slot]) {
        literal_key_[slot] = k;
        break;
      }
    }
  }
}

void Scanner::ScanBlob(const brio::BlobView& blob, PartialResult* out) {
  if (out_ != out) group_valid_ = false;
  out_ = out;
  if (!group_valid_) group_ = 0;
  ++out->blobs_scanned;
  FindLiterals(blob);
  Visit(0, blob.root());
}

Status Scanner::ScanRegion(const brio::RegionView& region, const brio::SchemaLayout& layout, PartialResult* out) {
  for (uint64_t i = 0; i < region.blob_count(); ++i) {
    brio::BlobView blob;
    Status st = region.OpenBlob(i, layout, &blob);
    if (!st.ok()) return Status::Invalid(fmt::format("blob {}: {}", i, st.message()));
    ScanBlob(blob, out);
  }
  return Status::OK();
}

void Scanner::ScanCheckedRegion(const brio::RegionView& region, const brio::SchemaLayout& layout, PartialResult* out) {
  for (uint64_t i = 0; i < region.blob_count(); ++i) ScanBlob(region.TrustedBlob(i, layout), out);
}

bool Scanner::Compare(const PlanCondition& c, const PlanValue& v) const {
  const brio::StructView& view = views_[c.field.node];
  const int field = c.field.field;
  if (view.IsNull(field)) return false;
  switch (c.field.type) {
    case ScalarType::kString:
      if (v.string_slot >= 0 && (c.op == CompareOp::kEq || c.op == CompareOp::kNotEq) &&
          literal_text_[static_cast<size_t>(v.string_slot)] != nullptr) {
        const bool equal = view.GetStringKey(field) == literal_key_[static_cast<size_t>(v.string_slot)];
        return c.op == CompareOp::kEq ? equal : !equal;
      }
      return Ordered(c.op, view.GetString(field), std::string_view(v.string_value));
    case ScalarType::kDouble: return Ordered(c.op, view.GetDouble(field), v.double_value);
    case ScalarType::kBoolean: return Ordered(c.op, view.GetBool(field) ? int64_t{1} : int64_t{0}, v.int_value);
    default:
      if (v.integral) return Ordered(c.op, view.GetInt(field), v.int_value);
      return Ordered(c.op, static_cast<double>(view.GetInt(field)), v.double_value);
  }
}

bool Scanner::Eval(const PlanCondition& c) const {
  switch (c.kind) {
    case PlanCondition::Kind::kTrue: return true;
    case PlanCondition::Kind::kAnd:
      for (const PlanCondition& child : c.children)
        if (!Eval(child)) return false;
      return true;
    case PlanCondition::Kind::kOr:
      for (const PlanCondition& child : c.children)
        if (Eval(child)) return true;
      return false;
    case PlanCondition::Kind::kNot: return !Eval(c.children[0]);
    case PlanCondition::Kind::kCompare: return Compare(c, c.values[0]);
    case PlanCondition::Kind::kIn: {
      if (views_[c.field.node].IsNull(c.field.field)) return false;
      bool found = false;
      for (const PlanValue& v : c.values) {
        if (Compare(c, v)) {
          found = true;
          break;
        }
      }
      return found != c.negated;
    }
  }
  return false;
}

void Scanner::FindGroup() {
  for (size_t i = 0; i < plan_.dimensions.size(); ++i) {
    const PlanDimension& d = plan_.dimensions[i];
    const brio::StructView& view = views_[d.field.node];
    KeyPart& part = key_[i];
    part = KeyPart{};
    if (view.IsNull(d.field.field)) continue;
    switch (d.field.type) {
      case ScalarType::kString:
        part.kind = KeyPart::Kind::kString;
        part.string_value = view.GetString(d.field.field);
        break;
      case ScalarType::kDouble:
        part.kind = KeyPart::Kind::kDouble;
        part.double_value = view.GetDouble(d.field.field);
        break;
      case ScalarType::kBoolean:
        part.kind = KeyPart::Kind::kInt;
        part.int_value = view.GetBool(d.field.field) ? 1 : 0;
        break;
      default:
        part.kind = KeyPart::Kind::kInt;
        part.int_value = time_parts_[i].Get(d.function, view.GetInt(d.field.field));
    }
  }
  // Neighbours mostly share a group (the events of one hour, one user's
  // country): the group found last is checked before the table is.
  if (group_valid_ && group_ < out_->group_count()) {
    const KeyPart* last = out_->key(group_);
    bool same = true;
    for (size_t i = 0; i < plan_.dimensions.size() && same; ++i) same = KeyPartEqual(last[i], key_[i]);
    if (same) return;
  }
  group_ = out_->FindOrAdd(key_);
  group_valid_ = true;
}

void Scanner::Update(const PlanAggregate& agg, AggState* s, DistinctSet* distinct) const {
  const int field = agg.field.field;
  if (field < 0) {  // count(level)
    ++s->count;
    return;
  }
  const brio::StructView& view = views_[agg.field.node];
  if (view.IsNull(field)) return;
  switch (agg.function) {
    case AggFunction::kCount: ++s->count; return;
    case AggFunction::kCountDistinct:
      ++s->count;
      switch (agg.field.type) {
        case ScalarType::kString: {
          const std::string_view text = view.GetString(field);
          if (distinct->strings.find(text) == distinct->strings.end()) distinct->strings.emplace(text);
          return;
        }
        case ScalarType::kDouble: {
          const double d = view.GetDouble(field);
          distinct->numbers.insert(std::bit_cast<int64_t>(d == 0 ? 0.0 : d));
          return;
        }
        case ScalarType::kBoolean: distinct->numbers.insert(view.GetBool(field) ? 1 : 0); return;
        default: distinct->numbers.insert(view.GetInt(field)); return;
      }
    default: break;
  }
  double d;
  if (IsIntegerType(agg.field.type)) {
    const int64_t v = agg.field.type == ScalarType::kBoolean ? (view.GetBool(field) ? 1 : 0) : view.GetInt(field);
    s->int_sum += v;
    s->int_min = std::min(s->int_min, v);
    s->int_max = std::max(s->int_max, v);
    d = static_cast<double>(v);
  } else {
    d = view.GetDouble(field);
  }
  s->double_min = s->count == 0 ? d : std::min(s->double_min, d);
  s->double_max = s->count == 0 ? d : std::max(s->double_max, d);
  s->double_sum += d;
  ++s->count;
}

void Scanner::Feed(int funnel) {
  FunnelState& s = funnels_[static_cast<size_t>(funnel)];
  if (s.matched) return;
  const PlanFunnel& f = plan_.funnels[static_cast<size_t>(funnel)];
  const int64_t t = f.time_field >= 0 ? views_[f.event_node].GetInt(f.time_field) : 0;
  const size_t steps = f.steps.size();
  // Last step first, so that one instance never takes two steps at once.
  for (size_t i = steps; i-- > 0;) {
    if (i > 0 && !s.reached[i - 1]) continue;
    if (!Eval(f.steps[i])) continue;
    const int64_t start = i == 0 ? t : s.start[i - 1];
    if (i > 0 && f.window_ms >= 0 && t - start > f.window_ms) continue;
    s.start[i] = s.reached[i] ? std::max(s.start[i], start) : start;
    s.reached[i] = true;
  }
  if (s.reached[steps - 1]) s.matched = true;
}

void Scanner::Visit(int index, const brio::StructView& view) {
  const PlanNode& node = plan_.nodes[static_cast<size_t>(index)];
  views_[index] = view;
  ++out_->rows_scanned;
  for (const PlanCondition& filter : node.filters)
    if (!Eval(filter)) return;
  if (node.groups_here) FindGroup();
  for (int f : node.funnel_subject) {
    funnels_[static_cast<size_t>(f)].matched = false;
    for (bool& r : funnels_[static_cast<size_t>(f)].reached) r = false;
  }
  for (int f : node.funnel_reset)
    for (bool& r : funnels_[static_cast<size_t>(f)].reached) r = false;
  if (!node.aggregates.empty()) {
    AggState* states = out_->states(group_);
    for (int a : node.aggregates) {
      const PlanAggregate& agg = plan_.aggregates[static_cast<size_t>(a)];
      if (agg.function == AggFunction::kFunnel) continue;
      Update(agg, &states[a], out_->distinct(group_, static_cast<size_t>(a)));
    }
  }
  for (int f : node.funnel_events) Feed(f);
  for (int child : node.children) {
    if (!needed_[static_cast<size_t>(child)]) continue;
    const PlanNode& c = plan_.nodes[static_cast<size_t>(child)];
    if (counted_only_[static_cast<size_t>(child)] && c.is_vector) {
      const uint32_t n = view.GetStructs(c.relation_field).size();
      out_->rows_scanned += n;
      AggState* states = out_->states(group_);
      for (int a : c.aggregates) states[a].count += n;
      continue;
    }
    if (c.is_vector) {
      for (brio::StructView item : view.GetStructs(c.relation_field)) Visit(child, item);
    } else if (!view.IsNull(c.relation_field)) {
      Visit(child, view.GetReference(c.relation_field));
    }
  }
  for (int f : node.funnel_subject) {
    if (!funnels_[static_cast<size_t>(f)].matched) continue;
    ++out_->states(group_)[funnel_aggregate_[static_cast<size_t>(f)]].count;
  }
}

}  // namespace datablox::eql
