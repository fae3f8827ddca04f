// A topology file as the CLI and the master read it (`submit` sends one):
// the lexer, the parser (recovering after errors) and the checker, against
// fake classes shaped like the built-in ones; then what `check` and `graph`
// print of it.
//
// Invariants: the token stream ends with kEnd; every diagnostic names the
// file and a position inside the text; parsing is deterministic.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/spec.h"
#include "dsl/dot_graph.h"
#include "dsl/lexer.h"
#include "dsl/loader.h"
#include "dsl/shard_text.h"

namespace {

using namespace datablox;
using namespace datablox::dsl;

constexpr const char* kFile = "fuzz.topo";

void Require(bool condition) {
  if (!condition) std::abort();
}

const std::map<std::string, ClassSpec, std::less<>>& Classes() {
  static const auto* classes = [] {
    auto* c = new std::map<std::string, ClassSpec, std::less<>>;
    auto add = [&](ClassSpec spec) { c->emplace(spec.name, std::move(spec)); };
    add(ClassSpec("Sequence", "emits {seq}")
            .push_out("out", {{"seq", ValueType::kInt}})
            .param_int("count", "how many")
            .param_int("start", 0, "first seq")
            .param_float("rate", 0.0, "logs per second"));
    add(ClassSpec("Filter", "keeps what matches").push_in("in").push_out("out").param_expr("expr", "the test"));
    add(ClassSpec("Map", "sets fields").push_in("in").push_out("out").param_assignments("set", "assignments"));
    add(ClassSpec("Sink", "writes")
            .push_in("in")
            .param_string("path", "file")
            .param_bool("append", false, "append to the file")
            .param_list("fields", {}, "fields to keep"));
    add(ClassSpec("Tee", "copies").push_in("in").push_out("out1").push_out("out2"));
    add(ClassSpec("Merge", "joins").push_in("in1").push_in("in2").push_out("out"));
    add(ClassSpec("Counter", "counts by key").push_in("in").query_in("query").param_string("key", "", "key"));
    add(ClassSpec("Store", "answers lookups").push_in("in", {}, false).query_in("query"));
    add(ClassSpec("Report", "asks the store").push_in("in").query_out("ask"));
    return c;
  }();
  return *classes;
}

CheckOptions Options() {
  CheckOptions options;
  options.find_class = [](std::string_view name) -> const ClassSpec* {
    auto it = Classes().find(name);
    return it == Classes().end() ? nullptr : &it->second;
  };
  for (const auto& [name, spec] : Classes()) options.class_names.push_back(name);
  options.known_nodes = {"a", "b"};
  return options;
}

void RequireInside(const std::vector<Diagnostic>& errors, std::string_view text) {
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const Diagnostic& error : errors) {
    Require(error.pos.file == kFile);
    Require(error.pos.line >= 0 && error.pos.line <= lines + 1);
    Require(error.pos.column >= 0);
    Require(!error.message.empty());
    (void)error.ToString();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<Token> tokens = Tokenize(text);
  Require(!tokens.empty() && tokens.back().kind == TokenKind::kEnd);
  for (const Token& token : tokens) (void)DescribeToken(token);

  std::vector<Diagnostic> errors;
  Topology topology = Parse(text, kFile, &errors);
  RequireInside(errors, text);
  std::vector<Diagnostic> errors_again;
  Topology again = Parse(text, kFile, &errors_again);
  Require(errors_again.size() == errors.size() && again.elements.size() == topology.elements.size());

  std::vector<Diagnostic> check_errors;
  Check(topology, Options(), &check_errors);
  RequireInside(check_errors, text);
  (void)TopologyDot(topology);
  for (const ElementDecl& decl : topology.elements) {
    if (decl.shard) (void)ShardDeclText(decl);
  }
  return 0;
}
