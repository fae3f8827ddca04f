// The checker tests' fixture: fake classes shaped like the built-in ones,
// and assertions on diagnostics. Shared by checker_test.cc,
// checker_policy_test.cc and loader_test.cc.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/expr.h"
#include "dsl/loader.h"

namespace datablox::dsl::checker_testing {

inline constexpr const char* kFile = "check.topo";

// Fake classes, shaped like the built-in ones the checker will meet.
inline const std::map<std::string, ClassSpec, std::less<>>& Classes() {
  static const auto* classes = [] {
    auto* c = new std::map<std::string, ClassSpec, std::less<>>;
    auto add = [&](ClassSpec spec) { c->emplace(spec.name, std::move(spec)); };
    add(ClassSpec("Sequence", "emits {seq}")
            .push_out("out", {{"seq", ValueType::kInt}})
            .param_int("count", "how many")
            .param_int("start", 0, "first seq")
            .param_float("rate", 0.0, "logs per second"));
    add(ClassSpec("Words", "emits {seq: string}").push_out("out", {{"seq", ValueType::kString}}));
    add(ClassSpec("Filter", "keeps what matches").push_in("in").push_out("out").param_expr("expr", "the test"));
    add(ClassSpec("Map", "sets fields")
            .push_in("in")
            .push_out("out")
            .param_assignments("set", "field = expression, ..."));
    add(ClassSpec("Sink", "writes")
            .push_in("in")
            .param_string("path", "file")
            .param_bool("append", false, "append to the file")
            .param_list("fields", {}, "fields to keep"));
    add(ClassSpec("Tee", "copies").push_in("in").push_out("out1").push_out("out2"));
    add(ClassSpec("Merge", "joins").push_in("in1").push_in("in2").push_out("out"));
    add(ClassSpec("NeedsName", "wants a name").push_in("in", {{"name", ValueType::kString}}));
    add(ClassSpec("NeedsFloatSeq", "wants a float seq").push_in("in", {{"seq", ValueType::kFloat}}));
    add(ClassSpec("Store", "answers lookups").push_in("in", {}, false).query_in("query"));
    add(ClassSpec("Report", "asks the store").push_in("in").query_out("ask"));
    add(ClassSpec("TwoAsks", "asks two stores").query_out("a").query_out("b"));
    add(ClassSpec("Asker", "only asks").query_out("ask"));
    return c;
  }();
  return *classes;
}

inline CheckOptions Options(std::vector<std::string> known_nodes = {}) {
  CheckOptions options;
  options.find_class = [](std::string_view name) -> const ClassSpec* {
    auto it = Classes().find(name);
    return it == Classes().end() ? nullptr : &it->second;
  };
  for (const auto& [name, spec] : Classes()) options.class_names.push_back(name);
  options.known_nodes = std::move(known_nodes);
  return options;
}

// Parses (which must succeed) and checks; the checker's diagnostics.
inline std::vector<Diagnostic> CheckText(std::string_view text, Topology* out = nullptr,
                                         const CheckOptions& options = Options()) {
  std::vector<Diagnostic> parse_errors;
  Topology topology = Parse(text, kFile, &parse_errors);
  for (const Diagnostic& error : parse_errors) ADD_FAILURE() << "syntax: " << error.ToString();
  std::vector<Diagnostic> errors;
  Check(topology, options, &errors);
  if (out) *out = std::move(topology);
  return errors;
}

inline std::string AllText(const std::vector<Diagnostic>& errors) {
  std::string all;
  for (const Diagnostic& error : errors) all += "\n  " + error.ToString();
  return all;
}

inline ::testing::AssertionResult IsError(const Diagnostic& error, int line, int column, std::string_view expected) {
  if (error.pos.line == line && error.pos.column == column && error.pos.file == kFile &&
      error.message.find(expected) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "wanted " << kFile << ":" << line << ":" << column << " with \"" << expected
                                       << "\", got " << error.ToString();
}

// Exactly one checker error, at line:column, whose message holds `expected`.
inline ::testing::AssertionResult HasOneError(std::string_view text, int line, int column, std::string_view expected,
                                              const CheckOptions& options = Options()) {
  const std::vector<Diagnostic> errors = CheckText(text, nullptr, options);
  if (errors.size() != 1) {
    return ::testing::AssertionFailure() << "wanted 1 error, got " << errors.size() << ":" << AllText(errors);
  }
  return IsError(errors.front(), line, column, expected);
}

}  // namespace datablox::dsl::checker_testing
