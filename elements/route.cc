#include "route.h"

#include <fmt/format.h>

namespace datablox {

ClassSpec Route::spec() {
  ClassSpec spec("Route", "sends each log to the output of the first of CASES that is true for it, else to default");
  spec.describe(
          "CASES is a list of expressions (at most 8, compiled once); a log goes, unchanged, to "
          "output caseI of the first expression I true for it, and to \"default\" when none is. "
          "A log on which an expression fails (a type error) is rejected, counted as an error "
          "and goes to \"default\" too: never dropped silently.")
      .shardable()
      .push_in("in");
  for (int i = 0; i < kMaxCases; ++i) {
    spec.push_out(fmt::format("case{}", i), {}, /*required=*/false, fmt::format("logs CASES[{}] chose", i));
  }
  spec.push_out("default", {}, /*required=*/false, "logs no case chose")
      .param_list("cases", {}, "the conditions, e.g. [\"level == 'error'\", \"ms > 100\"]")
      .handler("routed", "logs sent to a case's output, per case: \"N0,N1,...\"")
      .handler("defaulted", "logs sent to default")
      .handler("errors", "logs on which an expression failed");
  return spec;
}

Status Route::configure(const Params& params) {
  std::vector<ParamValue> cases;
  Status st = params.read("cases", cases).status();
  if (!st.ok()) return st;
  std::string errors;
  auto error = [&](std::string e) { errors += (errors.empty() ? "" : "; ") + e; };
  if (cases.empty()) error("cases: give at least one expression");
  if (cases.size() > static_cast<size_t>(kMaxCases))
    error(fmt::format("cases: at most {} ({} given)", kMaxCases, cases.size()));
  for (size_t i = 0; i < cases.size(); ++i) {
    Expr expr;
    if (cases[i].kind != ParamValue::Kind::kString) {
      error(fmt::format("cases[{}]: an expression (a string), not {}", i, cases[i].ToString()));
    } else if (Status compiled = Expr::Compile(cases[i].s, &expr); !compiled.ok()) {
      error(fmt::format("cases[{}]: {}", i, compiled.message()));
    } else {
      cases_.push_back(std::move(expr));
    }
  }
  if (!errors.empty()) return Status::Invalid(errors);
  routed_.assign(cases_.size(), 0);
  add_read_handler("routed", [this] {
    std::string text;
    for (uint64_t n : routed_) text += (text.empty() ? "" : ",") + std::to_string(n);
    return text;
  });
  add_read_handler("defaulted", [this] { return std::to_string(defaulted_); });
  add_read_handler("errors", [this] { return std::to_string(errors_); });
  return Status::OK();
}

void Route::on_batch(int, Batch logs) {
  if (default_port_ < 0) {
    for (size_t i = 0; i < cases_.size(); ++i) ports_.push_back(push_out_port(fmt::format("case{}", i)));
    default_port_ = push_out_port("default");
  }
  for (const Log& log : logs) {
    int chosen = -1;
    error_.clear();
    for (size_t i = 0; i < cases_.size() && chosen < 0 && error_.empty(); ++i) {
      if (cases_[i].Test(log, &error_)) chosen = static_cast<int>(i);
    }
    if (chosen >= 0) {
      ++routed_[static_cast<size_t>(chosen)];
      forward(log, ports_[static_cast<size_t>(chosen)]);
      continue;
    }
    if (!error_.empty()) {
      ++errors_;
      reject(error_);
    } else {
      ++defaulted_;
    }
    forward(log, default_port_);
  }
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Route)
