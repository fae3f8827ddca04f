#include "map.h"

#include <fmt/format.h>

namespace datablox {

ClassSpec Map::spec() {
  return ClassSpec("Map", "sets fields of every log from expressions")
      .describe(
          "EXPR is a list of assignments, \"word = upper(word), n = seq * 2\". Every other "
          "field is kept as it is. The assignments all see the incoming log, not each other's "
          "results. A log on which an expression fails is rejected and counted, not passed on.")
      .shardable()  // stateless: a member starts working at once, nothing moves
      .push_in("in")
      .push_out("out")
      .param_assignments("expr", "field = expression, ...")
      .handler("count", "logs mapped")
      .handler("errors", "logs rejected because an expression failed");
}

Status Map::configure(const Params& params) {
  std::string source;
  Status st = params.read("expr", source).status();
  if (st.ok()) st = CompileAssignments(source, &assignments_);
  if (!st.ok()) return st;
  for (const Assignment& a : assignments_) assigned_fields_.push_back(a.field);
  add_read_handler("count", [this] { return std::to_string(count_); });
  add_read_handler("errors", [this] { return std::to_string(errors_); });
  return Status::OK();
}

void Map::on_batch(int, Batch logs) {
  for (const Log& log : logs) {
    if (!log.valid()) {
      ++errors_;
      reject("not a msgpack map");
      continue;
    }
    out_.clear().add_fields(log, assigned_fields_);
    bool ok = true;
    for (const Assignment& a : assignments_) {
      ExprValue v = a.expr.Eval(log);
      switch (v.kind) {
        case ExprValue::Kind::kNil: out_.add_nil(a.field); break;
        case ExprValue::Kind::kBool: out_.add(a.field, v.b); break;
        case ExprValue::Kind::kInt: out_.add_int(a.field, v.i); break;
        case ExprValue::Kind::kFloat: out_.add(a.field, v.f); break;
        case ExprValue::Kind::kString: out_.add(a.field, std::string_view(v.s)); break;
        case ExprValue::Kind::kError:
          ok = false;
          reject(fmt::format("{}: {}", a.field, v.s));
          break;
      }
      if (!ok) break;
    }
    if (!ok) {
      ++errors_;
      continue;
    }
    ++count_;
    emit(out_);
  }
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Map)
