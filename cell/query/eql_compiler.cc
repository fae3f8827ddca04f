#include "cell/query/eql_compiler.h"

#include <fmt/format.h>

#include "cell/query/eql_parser.h"

namespace datablox::eql {
namespace {

using brio::FieldKind;
using brio::ScalarType;

bool IsInteger(ScalarType t) {
  return t == ScalarType::kByte || t == ScalarType::kShort || t == ScalarType::kInteger || t == ScalarType::kLong;
}
bool IsNumeric(ScalarType t) { return IsInteger(t) || t == ScalarType::kDouble; }

// A path resolved: a level (field -1) or a scalar field of a level.
struct Resolved {
  bool ok = false;
  int node = -1;
  int field = -1;
  ScalarType type = ScalarType::kLong;
};

class Compiler {
 public:
  Compiler(const brio::Schema& schema, int64_t now_ms, Plan* plan, std::vector<QueryError>* errors)
      : schema_(schema), plan_(plan), errors_(errors) {
    *plan_ = Plan{};
    plan_->schema = schema.name;
    plan_->now_ms = now_ms;
    PlanNode root;
    root.structure = schema.root_structure;
    plan_->nodes.push_back(std::move(root));
  }

  bool Run(const Query& q) {
    const size_t before = errors_->size();
    if (q.schema != schema_.name) {
      Error(q.schema_pos,
            fmt::format("the query is for schema '{}', the data's schema is '{}'", q.schema, schema_.name));
    }
    if (q.items.size() > static_cast<size_t>(kMaxAggregates)) {
      Error(q.items[kMaxAggregates].pos, fmt::format("more than {} items in select", kMaxAggregates));
      return false;
    }
    CompileDimensions(q);
    for (const SelectItem& item : q.items) CompileItem(item);
    CheckLevels();
    if (q.has_where) CompileWhere(q.where);
    plan_->limit = q.limit;
    if (plan_->nodes.size() > static_cast<size_t>(kMaxPlanNodes)) {
      Error(q.items.empty() ? QueryPos{} : q.items[0].pos,
            fmt::format("the query reaches more than {} levels", kMaxPlanNodes));
    }
    SortErrors(errors_);
    return errors_->size() == before;
  }

 private:
  void Error(QueryPos pos, std::string message) { errors_->push_back({pos, std::move(message)}); }
  const brio::Structure& StructureOf(int node) const {
    return schema_.structures[static_cast<size_t>(plan_->nodes[static_cast<size_t>(node)].structure)];
  }
  bool IsAncestorOrSelf(int above, int below) const {
    for (int n = below; n >= 0; n = plan_->nodes[static_cast<size_t>(n)].parent)
      if (n == above) return true;
    return false;
  }
  std::string LevelName(int node) const {
    std::vector<std::string> names;
    for (int n = node; n >= 0; n = plan_->nodes[static_cast<size_t>(n)].parent) {
      const PlanNode& pn = plan_->nodes[static_cast<size_t>(n)];
      if (pn.parent < 0) {
        names.push_back(schema_.root_name);
      } else {
        names.push_back(StructureOf(pn.parent).fields[static_cast<size_t>(pn.relation_field)].name);
      }
    }
    std::string text;
    for (auto it = names.rbegin(); it != names.rend(); ++it) text += (text.empty() ? "" : ".") + *it;
    return text;
  }

  int ChildNode(int parent, int field, const brio::Field& f) {
    for (int child : plan_->nodes[static_cast<size_t>(parent)].children) {
      if (plan_->nodes[static_cast<size_t>(child)].relation_field == field) return child;
    }
    PlanNode node;
    node.structure = f.structure_index;
    node.parent = parent;
    node.relation_field = field;
    node.is_vector = f.kind == FieldKind::kReferenceVector;
    plan_->nodes.push_back(std::move(node));
    const int id = static_cast<int>(plan_->nodes.size()) - 1;
    plan_->nodes[static_cast<size_t>(parent)].children.push_back(id);
    return id;
  }

  Resolved Resolve(const PathExpr& path) {
    Resolved r;
    if (path.parts.empty()) return r;
    if (path.parts[0] != schema_.root_name) {
      Error(path.part_pos[0],
            fmt::format("unknown name '{}': paths start at the schema's root, '{}'", path.parts[0], schema_.root_name));
      return r;
    }
    int node = 0;
    for (size_t i = 1; i < path.parts.size(); ++i) {
      const brio::Structure& s = StructureOf(node);
      const brio::Field* f = s.FindField(path.parts[i]);
      if (!f) {
        std::string names;
        for (const brio::Field& each : s.fields) names += (names.empty() ? "" : ", ") + each.name;
        Error(path.part_pos[i],
              fmt::format("{} has no field '{}' (its fields: {})", LevelName(node), path.parts[i], names));
        return r;
      }
      const int index = static_cast<int>(f - s.fields.data());
      if (f->kind == FieldKind::kReference || f->kind == FieldKind::kReferenceVector) {
        node = ChildNode(node, index, *f);
        continue;
      }
      if (f->kind != FieldKind::kScalar) {
        Error(path.part_pos[i],
              fmt::format("'{}' is a vector or map of scalars, which queries do not reach yet", path.parts[i]));
        return r;
      }
      if (i + 1 < path.parts.size()) {
        Error(path.part_pos[i + 1], fmt::format("'{}' is a {} field: it has no field '{}'", path.parts[i],
                                                brio::ScalarTypeName(f->scalar), path.parts[i + 1]));
        return r;
      }
      r = {true, node, index, f->scalar};
      return r;
    }
    r = {true, node, -1, ScalarType::kLong};
    return r;
  }

  // Resolves a dimension's path; false after an error (reported).
  bool CompileDimension(const Dimension& d, PlanDimension* out) {
    Resolved r = Resolve(d.path);
    if (!r.ok) return false;
    if (r.field < 0) {
      Error(d.path.pos, fmt::format("'{}' is a level, not a field: a dimension is a field's value", d.path.Text()));
      return false;
    }
    if (d.function != DimFunction::kValue && !IsInteger(r.type)) {
      Error(d.path.pos, fmt::format("'{}' is a {} field: time functions take epoch milliseconds (a long)",
                                    d.path.Text(), brio::ScalarTypeName(r.type)));
      return false;
    }
    out->function = d.function;
    out->field = {r.node, r.field, r.type};
    return true;
  }

  static bool SameDimension(const Dimension& a, const Dimension& b) {
    return a.function == b.function && a.path.parts == b.path.parts;
  }

  void CompileDimensions(const Query& q) {
    const std::vector<Dimension>* key = &q.group_by;
    std::vector<Dimension> from_select;
    if (!q.has_group_by) {
      for (const SelectItem& item : q.items) {
        if (!item.is_dimension) continue;
        bool seen = false;
        for (const Dimension& d : from_select) seen = seen || SameDimension(d, item.dimension);
        if (!seen) from_select.push_back(item.dimension);
      }
      key = &from_select;
    }
    if (key->size() > static_cast<size_t>(kMaxGroupKeyParts)) {
      Error((*key)[kMaxGroupKeyParts].pos, fmt::format("more than {} dimensions", kMaxGroupKeyParts));
      return;
    }
    key_dims_ = *key;
    dim_ok_.assign(key->size(), false);
    for (size_t i = 0; i < key->size(); ++i) {
      PlanDimension pd;
      dim_ok_[i] = CompileDimension((*key)[i], &pd);
      plan_->dimensions.push_back(pd);
    }
  }

  void CompileItem(const SelectItem& item) {
    PlanColumn column;
    column.name = item.name;
    column.is_dimension = item.is_dimension;
    if (item.is_dimension) {
      int found = -1;
      for (size_t i = 0; i < key_dims_.size() && found < 0; ++i)
        if (SameDimension(key_dims_[i], item.dimension)) found = static_cast<int>(i);
      if (found < 0) {
        Error(item.dimension.pos, fmt::format("'{}' is selected but not in 'group by'", item.dimension.text));
        return;
      }
      column.index = found;
      plan_->columns.push_back(std::move(column));
      return;
    }
    PlanAggregate agg;
    agg.function = item.aggregate;
    if (item.aggregate == AggFunction::kFunnel) {
      if (!CompileFunnel(item.funnel, &agg)) return;
    } else if (!CompileAggregate(item, &agg)) {
      return;
    }
    column.index = static_cast<int>(plan_->aggregates.size());
    agg_pos_.push_back(item.pos);
    agg_text_.push_back(item.name);
    plan_->nodes[static_cast<size_t>(agg.node)].aggregates.push_back(column.index);
    plan_->aggregates.push_back(agg);
    plan_->columns.push_back(std::move(column));
  }

  bool CompileAggregate(const SelectItem& item, PlanAggregate* agg) {
    Resolved r = Resolve(item.path);
    if (!r.ok) return false;
    agg->node = r.node;
    agg->field = {r.node, r.field, r.type};
    static constexpr std::string_view kNames[] = {"count", "count(distinct)", "sum", "min", "max", "avg", "funnel"};
    const std::string_view name = kNames[static_cast<size_t>(item.aggregate)];
    switch (item.aggregate) {
      case AggFunction::kCount: return true;  // a level's instances, or a field's non-null values
      case AggFunction::kCountDistinct:
        if (r.field >= 0) return true;
        Error(item.path.pos,
              fmt::format("count(distinct ...) takes a field; '{}' is a level (count it)", item.path.Text()));
        return false;
      default:
        if (r.field < 0) {
          Error(item.path.pos, fmt::format("{}() takes a numeric field; '{}' is a level", name, item.path.Text()));
          return false;
        }
        if (!IsNumeric(r.type)) {
          Error(item.path.pos, fmt::format("{}() takes a numeric field; '{}' is a {}", name, item.path.Text(),
                                           brio::ScalarTypeName(r.type)));
          return false;
        }
        agg->integer = IsInteger(r.type) && item.aggregate != AggFunction::kAvg;
        return true;
    }
  }

  // The deepest node a condition names; -1 after an error (reported).
  int CompileCondition(const Condition& c, PlanCondition* out, QueryPos* deepest_pos) {
    switch (c.kind) {
      case Condition::Kind::kAnd:
      case Condition::Kind::kOr:
      case Condition::Kind::kNot: {
        out->kind = c.kind == Condition::Kind::kAnd  ? PlanCondition::Kind::kAnd
                    : c.kind == Condition::Kind::kOr ? PlanCondition::Kind::kOr
                                                     : PlanCondition::Kind::kNot;
        int deepest = 0;
        bool ok = true;
        for (const Condition& child : c.children) {
          PlanCondition pc;
          QueryPos pos;
          const int node = CompileCondition(child, &pc, &pos);
          out->children.push_back(std::move(pc));
          if (node < 0) {
            ok = false;
            continue;
          }
          if (IsAncestorOrSelf(deepest, node)) {
            deepest = node;
            *deepest_pos = pos;
          } else if (!IsAncestorOrSelf(node, deepest)) {
            Error(pos, fmt::format("this condition on {} is joined with one on {}, another branch of the tree",
                                   LevelName(node), LevelName(deepest)));
            ok = false;
          }
        }
        return ok ? deepest : -1;
      }
      case Condition::Kind::kCompare:
      case Condition::Kind::kIn: {
        out->kind = c.kind == Condition::Kind::kIn ? PlanCondition::Kind::kIn : PlanCondition::Kind::kCompare;
        out->op = c.op;
        out->negated = c.negated;
        *deepest_pos = c.path.pos;
        Resolved r = Resolve(c.path);
        if (!r.ok) return -1;
        if (c.count_of) return CompileCountTest(c, r, out);
        if (r.field < 0) {
          Error(c.path.pos, fmt::format("'{}' is a level: a condition compares a field", c.path.Text()));
          return -1;
        }
        out->field = {r.node, r.field, r.type};
        bool ok = true;
        for (const Literal& v : c.values) {
          PlanValue pv;
          ok = CompileValue(v, r.type, c.path, &pv) && ok;
          out->values.push_back(std::move(pv));
        }
        if (ok && r.type == ScalarType::kBoolean && c.kind == Condition::Kind::kCompare && c.op != CompareOp::kEq &&
            c.op != CompareOp::kNotEq) {
          Error(c.pos, fmt::format("'{}' is a boolean: compare it with = or !=", c.path.Text()));
          ok = false;
        }
        return ok ? r.node : -1;
      }
    }
    return -1;
  }

  // count(LEVEL) OP n: a test on the level above LEVEL, which it filters.
  int CompileCountTest(const Condition& c, const Resolved& r, PlanCondition* out) {
    const std::string text = fmt::format("count({})", c.path.Text());
    if (r.field >= 0) {
      Error(c.path.pos, fmt::format("'{}' is a field: {} in a condition counts a level's instances (count a level "
                                    "such as {})",
                                    c.path.Text(), text, LevelName(r.node)));
      return -1;
    }
    const PlanNode& level = plan_->nodes[static_cast<size_t>(r.node)];
    if (level.parent < 0) {
      Error(c.path.pos, fmt::format("{} is not a test on one instance: '{}' is the root, no level holds it", text,
                                    c.path.Text()));
      return -1;
    }
    out->field = {level.parent, level.relation_field, ScalarType::kLong};
    out->count_of = true;
    out->count_vector = level.is_vector;
    bool ok = true;
    for (const Literal& v : c.values) {
      PlanValue pv;
      if (v.kind != Literal::Kind::kInt && v.kind != Literal::Kind::kDouble) {
        Error(v.pos, fmt::format("{} is a number of instances, compared with {}", text,
                                 v.kind == Literal::Kind::kString ? "a string"
                                 : v.kind == Literal::Kind::kBool ? "a boolean"
                                                                  : "a time"));
        ok = false;
      } else {
        ok = CompileValue(v, ScalarType::kLong, c.path, &pv) && ok;
      }
      out->values.push_back(std::move(pv));
    }
    return ok ? level.parent : -1;
  }

  bool CompileValue(const Literal& v, ScalarType type, const PathExpr& path, PlanValue* out) {
    const std::string_view type_name = brio::ScalarTypeName(type);
    auto mismatch = [&](std::string_view what) {
      Error(v.pos, fmt::format("'{}' is a {} field, compared with {}", path.Text(), type_name, what));
      return false;
    };
    switch (v.kind) {
      case Literal::Kind::kString:
        if (type != ScalarType::kString) return mismatch("a string");
        out->is_string = true;
        out->string_value = v.string_value;
        out->string_slot = plan_->string_literals++;
        return true;
      case Literal::Kind::kBool:
        if (type != ScalarType::kBoolean) return mismatch("a boolean");
        out->int_value = v.int_value;
        return true;
      case Literal::Kind::kInt:
      case Literal::Kind::kNow:
        if (!IsNumeric(type)) return mismatch(v.kind == Literal::Kind::kNow ? "a time" : "a number");
        out->int_value = v.kind == Literal::Kind::kNow ? plan_->now_ms + v.int_value : v.int_value;
        out->double_value = static_cast<double>(out->int_value);
        return true;
      case Literal::Kind::kDouble:
        if (!IsNumeric(type)) return mismatch("a number");
        out->double_value = v.double_value;
        out->integral = false;
        return true;
    }
    return false;
  }

  // Splits at the top-level `and`s; each part filters its deepest level.
  void CompileWhere(const Condition& where) {
    std::vector<const Condition*> parts;
    if (where.kind == Condition::Kind::kAnd) {
      for (const Condition& c : where.children) parts.push_back(&c);
    } else {
      parts.push_back(&where);
    }
    for (const Condition* part : parts) {
      PlanCondition pc;
      QueryPos pos;
      const int node = CompileCondition(*part, &pc, &pos);
      if (node >= 0) plan_->nodes[static_cast<size_t>(node)].filters.push_back(std::move(pc));
    }
  }

  bool CompileFunnel(const Funnel& f, PlanAggregate* agg) {
    Resolved subject = Resolve(f.subject);
    if (!subject.ok) return false;
    if (subject.field >= 0) {
      Error(f.subject.pos, fmt::format("a funnel's subject is a level ({} or one under it), not the field '{}'",
                                       schema_.root_name, f.subject.Text()));
      return false;
    }
    PlanFunnel pf;
    pf.subject_node = subject.node;
    int events = -1;
    bool ok = true;
    std::vector<QueryPos> step_pos;
    for (const Condition& step : f.steps) {
      PlanCondition pc;
      QueryPos pos;
      const int node = CompileCondition(step, &pc, &pos);
      pf.steps.push_back(std::move(pc));
      step_pos.push_back(step.pos);
      if (node < 0) {
        ok = false;
        continue;
      }
      if (events < 0 || IsAncestorOrSelf(events, node)) {
        events = node;
      } else if (!IsAncestorOrSelf(node, events)) {
        Error(step.pos, fmt::format("this step is on {}, the steps before on {}: steps are on one level",
                                    LevelName(node), LevelName(events)));
        ok = false;
      }
    }
    if (f.steps.size() > static_cast<size_t>(kMaxFunnelSteps)) {
      Error(step_pos[kMaxFunnelSteps], fmt::format("a funnel has at most {} steps", kMaxFunnelSteps));
      ok = false;
    }
    if (!ok) return false;
    if (events == subject.node || !IsAncestorOrSelf(subject.node, events)) {
      Error(step_pos[0],
            fmt::format("a funnel's steps are conditions on a level under its subject {}", LevelName(subject.node)));
      return false;
    }
    pf.event_node = events;
    if (f.within == Funnel::Within::kSession) {
      pf.reset_node = plan_->nodes[static_cast<size_t>(events)].parent;
    } else if (f.within == Funnel::Within::kDuration) {
      pf.window_ms = f.window_ms;
    }
    const brio::Structure& es = StructureOf(events);
    for (size_t i = 0; i < es.fields.size(); ++i) {
      if (es.fields[i].ordering && es.fields[i].kind == FieldKind::kScalar && IsInteger(es.fields[i].scalar))
        pf.time_field = static_cast<int>(i);
    }
    if (pf.window_ms >= 0 && pf.time_field < 0) {
      Error(f.within_pos, fmt::format("a time window needs an `ordinal` long field (a time) on {}", LevelName(events)));
      return false;
    }
    agg->node = subject.node;
    agg->funnel = static_cast<int>(plan_->funnels.size());
    PlanNode& subject_node = plan_->nodes[static_cast<size_t>(pf.subject_node)];
    subject_node.funnel_subject.push_back(agg->funnel);
    plan_->nodes[static_cast<size_t>(pf.event_node)].funnel_events.push_back(agg->funnel);
    if (pf.reset_node >= 0) plan_->nodes[static_cast<size_t>(pf.reset_node)].funnel_reset.push_back(agg->funnel);
    plan_->funnels.push_back(std::move(pf));
    return true;
  }

  // Every dimension on one chain, at or above every aggregate's level.
  void CheckLevels() {
    int group = -1;
    size_t group_dim = 0;
    for (size_t i = 0; i < plan_->dimensions.size(); ++i) {
      if (!dim_ok_[i]) return;
      const int node = plan_->dimensions[i].field.node;
      if (group < 0 || IsAncestorOrSelf(group, node)) {
        group = node;
        group_dim = i;
      } else if (!IsAncestorOrSelf(node, group)) {
        Error(key_dims_[i].pos,
              fmt::format("'{}' is on {}, '{}' on {}, another branch: a group is one chain", key_dims_[i].text,
                          LevelName(node), key_dims_[group_dim].text, LevelName(group)));
        return;
      }
    }
    if (group < 0) return;
    plan_->nodes[static_cast<size_t>(group)].groups_here = true;
    for (size_t a = 0; a < plan_->aggregates.size(); ++a) {
      const int node = plan_->aggregates[a].node;
      if (IsAncestorOrSelf(group, node)) continue;
      Error(agg_pos_[a], fmt::format("'{}' aggregates {}, above the dimension '{}' (on {}): a dimension must be at "
                                     "or above the level it groups",
                                     agg_text_[a], LevelName(node), key_dims_[group_dim].text, LevelName(group)));
    }
  }

  const brio::Schema& schema_;
  Plan* plan_;
  std::vector<QueryError>* errors_;
  std::vector<Dimension> key_dims_;
  std::vector<bool> dim_ok_;
  std::vector<QueryPos> agg_pos_;
  std::vector<std::string> agg_text_;
};

}  // namespace

bool CompileQuery(const Query& query, const brio::Schema& schema, int64_t now_ms, Plan* plan,
                  std::vector<QueryError>* errors) {
  return Compiler(schema, now_ms, plan, errors).Run(query);
}

bool CompileQueryText(std::string_view text, const brio::Schema& schema, int64_t now_ms, Plan* plan,
                      std::vector<QueryError>* errors) {
  const size_t before = errors->size();
  Query query = ParseQuery(text, errors);
  if (errors->size() != before) return false;
  return CompileQuery(query, schema, now_ms, plan, errors);
}

}  // namespace datablox::eql
