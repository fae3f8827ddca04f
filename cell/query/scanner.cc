#include "cell/query/scanner.h"

#include <fmt/format.h>
#include <bit>

namespace datablox::eql {
namespace {

using brio::ScalarType;

// How far ahead a walk asks for memory: items of a vector with offsets
// (sessions, each followed by its events) and bytes of fixed-size items.
constexpr uint32_t kPrefetchItems = 4;
constexpr size_t kPrefetchBytes = 512;

bool IsIntegerType(ScalarType t) { return t != ScalarType::kDouble && t != ScalarType::kString; }

}  // namespace

Scanner::Scanner(const Plan& plan) : plan_(plan) {
  const size_t n = plan.nodes.size();
  levels_.resize(n);
  // Children come after their parents: one backward pass finds, for each
  // level, whether its subtree does anything (aggregates, groups, feeds a
  // funnel) and whether its instances are only counted (count(level),
  // nothing else there or below): those are counted by their vectors' sizes.
  std::vector<char> needed(n, 0);
  std::vector<char> counted_only(n, 0);
  for (size_t i = n; i-- > 0;) {
    const PlanNode& node = plan.nodes[i];
    Level& level = levels_[i];
    bool only = node.filters.empty() && node.funnel_events.empty() && node.funnel_subject.empty() &&
                node.funnel_reset.empty() && !node.groups_here;
    for (int a : node.aggregates) {
      const PlanAggregate& agg = plan.aggregates[static_cast<size_t>(a)];
      const bool count_level = agg.function == AggFunction::kCount && agg.field.field < 0;
      if (agg.function != AggFunction::kFunnel) {
        level.aggregates.push_back(a);
        (count_level ? level.run_counts : level.per_instance).push_back(a);
      }
      only = only && count_level;
    }
    for (const PlanCondition& filter : node.filters) AppendChecks(filter, &level.checks);
    bool below = false;
    for (int child : node.children) {
      if (!needed[static_cast<size_t>(child)]) continue;
      below = true;
      (counted_only[static_cast<size_t>(child)] ? level.counted : level.walked).push_back(child);
    }
    level.works = !node.filters.empty() || node.groups_here || !node.funnel_subject.empty() ||
                  !node.funnel_reset.empty() || !node.funnel_events.empty() || !level.aggregates.empty();
    level.leaf = level.walked.empty();
    level.leaf_other = !level.per_instance.empty() || !level.counted.empty() || !node.funnel_subject.empty() ||
                       !node.funnel_reset.empty() || !node.funnel_events.empty();
    counted_only[i] = only && !below ? 1 : 0;
    needed[i] = below || !node.aggregates.empty() || !node.funnel_events.empty() || !node.funnel_subject.empty() ||
                        node.groups_here
                    ? 1
                    : 0;
  }
  funnel_aggregate_.assign(plan.funnels.size(), -1);
  for (size_t a = 0; a < plan.aggregates.size(); ++a) {
    if (plan.aggregates[a].funnel >= 0)
      funnel_aggregate_[static_cast<size_t>(plan.aggregates[a].funnel)] = static_cast<int>(a);
  }
  funnels_.resize(plan.funnels.size());
  for (size_t i = 0; i < plan.dimensions.size() && i < static_cast<size_t>(kMaxGroupKeyParts); ++i) {
    const PlanDimension& d = plan.dimensions[i];
    dim_code_[i] = d.field.type == ScalarType::kString   ? DimCode::kStringKey
                   : d.field.type == ScalarType::kDouble  ? DimCode::kDouble
                   : d.field.type == ScalarType::kBoolean ? DimCode::kBool
                   : d.function != DimFunction::kValue    ? DimCode::kTimePart
                                                          : DimCode::kInt;
  }
  one_time_dimension_ = plan.dimensions.size() == 1 && dim_code_[0] == DimCode::kTimePart;
  memo_per_blob_ = !plan.dimensions.empty() && dim_code_[0] == DimCode::kStringKey;
  literal_text_.assign(static_cast<size_t>(plan.string_literals), nullptr);
  literal_key_.assign(static_cast<size_t>(plan.string_literals), kNoKey);
  for (const PlanNode& node : plan.nodes)
    for (const PlanCondition& c : node.filters) CollectLiterals(c);
  for (const PlanFunnel& f : plan.funnels)
    for (const PlanCondition& c : f.steps) CollectLiterals(c);
  // A string literal's slot is below plan.string_literals, and every one
  // of a filter or a step has its text above: each compared in place has
  // its key in every blob (FindLiterals).
  funnel_steps_.resize(plan.funnels.size());
  for (size_t f = 0; f < plan.funnels.size(); ++f) {
    FunnelSteps& steps = funnel_steps_[f];
    steps.keyed = true;
    for (const PlanCondition& step : plan.funnels[f].steps) {
      InPlaceCheck check;
      if (!InPlaceCompare::From(step, &check.compare)) check.general = &step;
      const InPlaceCompare& c = check.compare;
      const bool keyed = check.general == nullptr && c.kind == InPlaceCompare::Kind::kStringKey &&
                         c.op == CompareOp::kEq && (steps.checks.empty() || (c.node == steps.node && c.field == steps.field));
      steps.keyed = steps.keyed && keyed;
      steps.node = c.node;
      steps.field = c.field;
      steps.checks.push_back(check);
    }
  }
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
  if (out_ != out) {
    group_valid_ = false;
    ++memo_epoch_;
  } else if (memo_per_blob_) {
    ++memo_epoch_;
  }
  out_ = out;
  if (!group_valid_) group_ = 0;
  codes_valid_ = false;  // string codes are keys of one blob's dictionary
  ++out->blobs_scanned;
  ++out->rows_scanned;
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
  // The next blob's header, dictionary and root are asked for while this
  // one is scanned (the one after's header a blob earlier, so that opening
  // the next one does not wait for memory either).
  const uint64_t count = region.blob_count();
  if (count == 0) return;
  brio::BlobView next = region.TrustedBlob(0, layout);
  for (uint64_t i = 0; i < count; ++i) {
    const brio::BlobView blob = next;
    if (i + 2 < count) __builtin_prefetch(region.BlobBytes(i + 2).data());
    if (i + 1 < count) {
      next = region.TrustedBlob(i + 1, layout);
      next.Prefetch();
    }
    ScanBlob(blob, out);
  }
}

DATABLOX_BRIO_HOT bool Scanner::Check(const InPlaceCheck& check) const {
  if (check.general != nullptr) return Eval(*check.general);
  return check.compare.Holds(views_[check.compare.node], literal_key_.data());
}

DATABLOX_BRIO_HOT bool Scanner::Passes(const Level& level) const {
  for (const InPlaceCheck& check : level.checks)
    if (!Check(check)) return false;
  return true;
}

bool Scanner::Compare(const PlanCondition& c, const PlanValue& v) const {
  const brio::StructView& view = views_[c.field.node];
  const int field = c.field.field;
  if (c.count_of) {  // never null: a null relation holds nothing
    const int64_t n = c.count_vector ? view.VectorSize(field) : view.IsNull(field) ? 0 : 1;
    return v.integral ? Ordered(c.op, n, v.int_value) : Ordered(c.op, static_cast<double>(n), v.double_value);
  }
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
      if (v.integral) return Ordered(c.op, view.GetInt(field, c.field.type), v.int_value);
      return Ordered(c.op, static_cast<double>(view.GetInt(field, c.field.type)), v.double_value);
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
      if (!c.count_of && views_[c.field.node].IsNull(c.field.field)) return false;
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

// Called at every instance of the deepest dimension's level: the events
// of one hour, one day, mostly follow each other.
DATABLOX_BRIO_HOT void Scanner::FindGroup() {
  if (one_time_dimension_ && codes_valid_ && group_valid_ && !last_null_[0]) {
    const PlanDimension& d = plan_.dimensions[0];
    const brio::StructView& view = views_[d.field.node];
    if (!view.IsNull(d.field.field) && time_parts_[0].Holds(view.GetInt(d.field.field, d.field.type))) return;
  }
  FindGroupByKey();
}

void Scanner::FindGroupByKey() {
  // Neighbours mostly share a group (the events of one hour, one user's
  // country): their codes are compared with the last group's first, and
  // only a group that differs builds its key.
  const size_t dims = plan_.dimensions.size();
  bool same = codes_valid_;
  for (size_t i = 0; i < dims; ++i) {
    const PlanDimension& d = plan_.dimensions[i];
    const brio::StructView& view = views_[d.field.node];
    const bool null = view.IsNull(d.field.field);
    uint64_t code = 0;
    if (!null) {
      switch (dim_code_[i]) {
        case DimCode::kStringKey: code = view.GetStringKey(d.field.field); break;
        case DimCode::kTimePart:
          code = static_cast<uint64_t>(time_parts_[i].Get(d.function, view.GetInt(d.field.field, d.field.type)));
          break;
        case DimCode::kInt: code = static_cast<uint64_t>(view.GetInt(d.field.field, d.field.type)); break;
        case DimCode::kBool: code = view.GetBool(d.field.field) ? 1 : 0; break;
        case DimCode::kDouble: code = std::bit_cast<uint64_t>(view.GetDouble(d.field.field)); break;
      }
    }
    same = same && last_code_[i] == code && last_null_[i] == null;
    last_code_[i] = code;
    last_null_[i] = null;
  }
  codes_valid_ = true;
  if (same && group_valid_ && group_ < out_->group_count()) return;
  GroupMemo* memo = nullptr;
  if (dims == 1) {
    memo = &memo_[(last_code_[0] * 0x9E3779B97F4A7C15ull) >> (64 - kGroupMemoBits)];
    if (memo->epoch == memo_epoch_ && memo->code == last_code_[0] && memo->null == last_null_[0]) {
      group_ = memo->group;
      group_valid_ = true;
      return;
    }
  }
  FindGroupOfKey();
  if (memo != nullptr) *memo = GroupMemo{last_code_[0], memo_epoch_, group_, last_null_[0]};
}

// The key of last_code_, built, and its group: the last one's, or found (added) by hash.
void Scanner::FindGroupOfKey() {
  const size_t dims = plan_.dimensions.size();
  for (size_t i = 0; i < dims; ++i) {
    KeyPart& part = key_[i];
    part = KeyPart{};
    if (last_null_[i]) continue;
    switch (dim_code_[i]) {
      case DimCode::kStringKey:
        part.kind = KeyPart::Kind::kString;
        part.string_value = views_[plan_.dimensions[i].field.node].GetString(plan_.dimensions[i].field.field);
        break;
      case DimCode::kDouble:
        part.kind = KeyPart::Kind::kDouble;
        part.double_value = std::bit_cast<double>(last_code_[i]);
        break;
      default:
        part.kind = KeyPart::Kind::kInt;
        part.int_value = static_cast<int64_t>(last_code_[i]);
    }
  }
  // Another blob's user of the same country: the same key, no look-up.
  if (group_valid_ && group_ < out_->group_count()) {
    const KeyPart* last = out_->key(group_);
    bool equal = true;
    for (size_t i = 0; i < dims && equal; ++i) equal = KeyPartEqual(last[i], key_[i]);
    if (equal) return;
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
        default: distinct->numbers.insert(view.GetInt(field, agg.field.type)); return;
      }
    default: break;
  }
  double d;
  if (IsIntegerType(agg.field.type)) {
    const int64_t v = agg.field.type == ScalarType::kBoolean ? (view.GetBool(field) ? 1 : 0) : view.GetInt(field, agg.field.type);
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

inline void Scanner::Feed(int funnel) {
  FunnelState& s = funnels_[static_cast<size_t>(funnel)];
  if (s.matched) return;
  const PlanFunnel& f = plan_.funnels[static_cast<size_t>(funnel)];
  const FunnelSteps& steps = funnel_steps_[static_cast<size_t>(funnel)];
  const size_t count = steps.checks.size();
  uint32_t key = kNoKey;
  if (steps.keyed) {
    const brio::StructView& view = views_[steps.node];
    if (view.IsNull(steps.field)) return;  // no step holds on a null
    key = view.GetStringKey(steps.field);
  }
  // The time is read only for an instance that takes a step (most take none).
  bool timed = false;
  int64_t t = 0;
  // Last step first, so that one instance never takes two steps at once.
  for (size_t i = count; i-- > 0;) {
    if (i > 0 && !s.reached[i - 1]) continue;
    const InPlaceCheck& step = steps.checks[i];
    if (steps.keyed ? key != literal_key_[static_cast<size_t>(step.compare.string_slot)] : !Check(step)) continue;
    if (!timed) {
      t = f.time_field >= 0 ? views_[f.event_node].GetInt(f.time_field, ScalarType::kLong) : 0;
      timed = true;
    }
    const int64_t start = i == 0 ? t : s.start[i - 1];
    if (i > 0 && f.window_ms >= 0 && t - start > f.window_ms) continue;
    s.start[i] = s.reached[i] ? std::max(s.start[i], start) : start;
    s.reached[i] = true;
  }
  if (s.reached[count - 1]) s.matched = true;
}

void Scanner::Visit(int index, const brio::StructView& view) {
  views_[index] = view;
  if (Enter(index)) Descend(index, view);
}

// What an instance does at its own level; false when a filter skips it
// (with everything under it).
inline bool Scanner::Enter(int index) {
  const PlanNode& node = plan_.nodes[static_cast<size_t>(index)];
  const Level& level = levels_[static_cast<size_t>(index)];
  if (!Passes(level)) return false;
  if (node.groups_here) FindGroup();
  for (int f : node.funnel_subject) {
    funnels_[static_cast<size_t>(f)].matched = false;
    for (bool& r : funnels_[static_cast<size_t>(f)].reached) r = false;
  }
  for (int f : node.funnel_reset)
    for (bool& r : funnels_[static_cast<size_t>(f)].reached) r = false;
  if (!level.aggregates.empty()) {
    AggState* states = out_->states(group_);
    for (int a : level.aggregates)
      Update(plan_.aggregates[static_cast<size_t>(a)], &states[a], out_->distinct(group_, static_cast<size_t>(a)));
  }
  for (int f : node.funnel_events) Feed(f);
  return true;
}

inline void Scanner::CountBelow(const Level& level, const brio::StructView& view) {
  AggState* states = out_->states(group_);
  for (int child : level.counted) {
    const PlanNode& c = plan_.nodes[static_cast<size_t>(child)];
    const uint32_t n = c.is_vector ? view.VectorSize(c.relation_field) : view.IsNull(c.relation_field) ? 0 : 1;
    out_->rows_scanned += n;
    for (int a : c.aggregates) states[a].count += n;
  }
}

// A leaf instance's work besides its filters, its group and count(level):
// funnels, the other aggregates, the children it only counts.
inline void Scanner::LeafWork(int index, const Level& level) {
  const PlanNode& node = plan_.nodes[static_cast<size_t>(index)];
  for (int f : node.funnel_subject) {
    funnels_[static_cast<size_t>(f)].matched = false;
    for (bool& r : funnels_[static_cast<size_t>(f)].reached) r = false;
  }
  for (int f : node.funnel_reset)
    for (bool& r : funnels_[static_cast<size_t>(f)].reached) r = false;
  if (!level.per_instance.empty()) {
    AggState* states = out_->states(group_);
    for (int a : level.per_instance)
      Update(plan_.aggregates[static_cast<size_t>(a)], &states[a], out_->distinct(group_, static_cast<size_t>(a)));
  }
  for (int f : node.funnel_events) Feed(f);
  if (!level.counted.empty()) CountBelow(level, views_[index]);
}

// The deepest level walked (events, mostly): one loop per vector, no call
// per instance, its shape (filters? a group? other work?) a template
// chosen once per vector rather than branches taken at each instance.
// count(level) counts a run of instances in a register, added to their
// group when the group changes and when the vector ends.
template <bool kFilters, bool kGroups, bool kOther>
void Scanner::LeafLoop(int index, const Level& level, const brio::StructVector& items) {
  const uint32_t count = items.size();
  brio::StructView& at = views_[index];
  auto item = items.begin();
  at = *item;
  const bool fixed = items.fixed_size();
  for (uint32_t ahead = 1; ahead < kPrefetchItems; ++ahead) items.Prefetch(ahead);
  int64_t run = 0;
  uint32_t run_group = group_;
  auto add_run = [&] {
    if (run == 0) return;
    AggState* states = out_->states(run_group);
    for (int a : level.run_counts) states[a].count += run;
  };
  for (uint32_t i = 0;;) {
    if (!kFilters || Passes(level)) {
      if constexpr (kGroups) {
        FindGroup();
        if (group_ != run_group) {
          add_run();
          run = 0;
          run_group = group_;
        }
      }
      ++run;
      if constexpr (kOther) LeafWork(index, level);
    }
    if (++i == count) break;
    if (fixed) {
      at.PrefetchAhead(kPrefetchBytes);
      at = at.NextFixed();
    } else {
      items.Prefetch(i + kPrefetchItems - 1);
      ++item;
      at = *item;
    }
  }
  add_run();
}

void Scanner::Descend(int index, const brio::StructView& view) {
  const Level& level = levels_[static_cast<size_t>(index)];
  if (!level.counted.empty()) CountBelow(level, view);
  for (int child : level.walked) {
    const PlanNode& c = plan_.nodes[static_cast<size_t>(child)];
    if (!c.is_vector) {
      if (view.IsNull(c.relation_field)) continue;
      ++out_->rows_scanned;
      Visit(child, view.GetReference(c.relation_field));
      continue;
    }
    const brio::StructVector items = view.GetStructs(c.relation_field);
    const uint32_t count = items.size();
    out_->rows_scanned += count;
    if (count == 0) continue;
    const Level& below = levels_[static_cast<size_t>(child)];
    if (!below.leaf) {
      auto item = items.begin();
      for (uint32_t ahead = 1; ahead < kPrefetchItems; ++ahead) items.Prefetch(ahead);
      for (uint32_t i = 0; i < count; ++i, ++item) {
        items.Prefetch(i + kPrefetchItems);
        Visit(child, *item);
      }
      continue;
    }
    const bool filters = !below.checks.empty();
    const bool groups = c.groups_here;
    if (!filters && !groups && !below.leaf_other) {
      // Nothing but count(level), if that: the vector's size.
      if (!below.run_counts.empty()) {
        AggState* states = out_->states(group_);
        for (int a : below.run_counts) states[a].count += count;
      }
      continue;
    }
    switch ((filters ? 4 : 0) | (groups ? 2 : 0) | (below.leaf_other ? 1 : 0)) {
      case 1: LeafLoop<false, false, true>(child, below, items); break;
      case 2: LeafLoop<false, true, false>(child, below, items); break;
      case 3: LeafLoop<false, true, true>(child, below, items); break;
      case 4: LeafLoop<true, false, false>(child, below, items); break;
      case 5: LeafLoop<true, false, true>(child, below, items); break;
      case 6: LeafLoop<true, true, false>(child, below, items); break;
      default: LeafLoop<true, true, true>(child, below, items); break;
    }
  }
  const PlanNode& node = plan_.nodes[static_cast<size_t>(index)];
  for (int f : node.funnel_subject) {
    if (!funnels_[static_cast<size_t>(f)].matched) continue;
    ++out_->states(group_)[funnel_aggregate_[static_cast<size_t>(f)]].count;
  }
}

}  // namespace datablox::eql
