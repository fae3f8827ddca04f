#include "filter.h"

namespace datablox {

ClassSpec Filter::spec() {
  return ClassSpec("Filter", "passes on the logs for which EXPR is true, unchanged")
      .describe(
          "EXPR is an expression of the expression language (see README), compiled once. "
          "Logs for which it is false go to the optional \"rejected\" output. A log on which "
          "EXPR cannot be evaluated (a type error) is rejected, counted as an error and goes "
          "there too: never passed on silently.")
      .shardable()  // stateless: a member starts working at once, nothing moves
      .push_in("in")
      .push_out("out")
      .push_out("rejected", {}, /*required=*/false, "the logs EXPR did not pass")
      .param_expr("expr", "the condition, e.g. \"seq % 2 == 0\"")
      .handler("passed", "logs passed on")
      .handler("dropped", "logs for which EXPR was false")
      .handler("errors", "logs on which EXPR failed");
}

Status Filter::configure(const Params& params) {
  std::string source;
  Status st = params.read("expr", source).status();
  if (st.ok()) st = Expr::Compile(source, &expr_);
  if (!st.ok()) return st;
  add_read_handler("passed", [this] { return std::to_string(passed_); });
  add_read_handler("dropped", [this] { return std::to_string(dropped_); });
  add_read_handler("errors", [this] { return std::to_string(errors_); });
  return Status::OK();
}

void Filter::on_batch(int, Batch logs) {
  if (rejected_port_ < 0) rejected_port_ = push_out_port("rejected");
  for (const Log& log : logs) {
    error_.clear();
    if (expr_.Test(log, &error_)) {
      ++passed_;
      forward(log, 0);
      continue;
    }
    if (!error_.empty()) {
      ++errors_;
      reject(error_);
    } else {
      ++dropped_;
    }
    forward(log, rejected_port_);
  }
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Filter)
