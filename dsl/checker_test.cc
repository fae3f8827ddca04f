#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/loader.h"
#include "datablox/expr.h"

namespace datablox::dsl {
namespace {

constexpr const char* kFile = "check.topo";

// Fake classes, shaped like the built-in ones the checker will meet.
const std::map<std::string, ClassSpec, std::less<>>& Classes() {
  static const auto* classes = [] {
    auto* c = new std::map<std::string, ClassSpec, std::less<>>;
    auto add = [&](ClassSpec spec) { c->emplace(spec.name, std::move(spec)); };
    add(ClassSpec("Sequence", "emits {seq}")
            .push_out("out", {{"seq", ValueType::kInt}})
            .param_int("count", "how many")
            .param_int("start", 0, "first seq")
            .param_float("rate", 0.0, "logs per second"));
    add(ClassSpec("Words", "emits {seq: string}").push_out("out", {{"seq", ValueType::kString}}));
    add(ClassSpec("Filter", "keeps what matches")
            .push_in("in")
            .push_out("out")
            .param_expr("expr", "the test"));
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
    add(ClassSpec("NeedsFloatSeq", "wants a float seq")
            .push_in("in", {{"seq", ValueType::kFloat}}));
    add(ClassSpec("Store", "answers lookups").push_in("in", {}, false).query_in("query"));
    add(ClassSpec("Report", "asks the store").push_in("in").query_out("ask"));
    add(ClassSpec("TwoAsks", "asks two stores").query_out("a").query_out("b"));
    add(ClassSpec("Asker", "only asks").query_out("ask"));
    return c;
  }();
  return *classes;
}

CheckOptions Options(std::vector<std::string> known_nodes = {}) {
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
std::vector<Diagnostic> CheckText(std::string_view text, Topology* out = nullptr,
                                  const CheckOptions& options = Options()) {
  std::vector<Diagnostic> parse_errors;
  Topology topology = Parse(text, kFile, &parse_errors);
  for (const Diagnostic& error : parse_errors) ADD_FAILURE() << "syntax: " << error.ToString();
  std::vector<Diagnostic> errors;
  Check(topology, options, &errors);
  if (out) *out = std::move(topology);
  return errors;
}

std::string AllText(const std::vector<Diagnostic>& errors) {
  std::string all;
  for (const Diagnostic& error : errors) all += "\n  " + error.ToString();
  return all;
}

::testing::AssertionResult IsError(const Diagnostic& error, int line, int column,
                                   std::string_view expected) {
  if (error.pos.line == line && error.pos.column == column && error.pos.file == kFile &&
      error.message.find(expected) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "wanted " << kFile << ":" << line << ":" << column
                                       << " with \"" << expected << "\", got " << error.ToString();
}

// Exactly one checker error, at line:column, whose message holds `expected`.
::testing::AssertionResult HasOneError(std::string_view text, int line, int column,
                                       std::string_view expected,
                                       const CheckOptions& options = Options()) {
  const std::vector<Diagnostic> errors = CheckText(text, nullptr, options);
  if (errors.size() != 1) {
    return ::testing::AssertionFailure()
           << "wanted 1 error, got " << errors.size() << ":" << AllText(errors);
  }
  return IsError(errors.front(), line, column, expected);
}

// --- good topologies -------------------------------------------------------------

TEST(CheckerTest, GoodTopologyHasNoErrorsAndGetsItsDefaultPorts) {
  Topology topology;
  const std::vector<Diagnostic> errors = CheckText(
      "src  :: Sequence(count: 1000, rate: 5)   # an int where a float goes\n"
      "keep :: Filter(expr: \"seq % 2 == 0\")\n"
      "set  :: Map(set: \"double = seq * 2, name = \\\"x\\\"\")\n"
      "out  :: Sink(path: \"out.jsonl\", append: true, fields: [\"seq\"]) @ local\n"
      "report :: Report\n"
      "store :: Store\n"
      "src -> keep -> set -> out\n"
      "keep.out -> report\n"
      "report => store\n"
      "policy src { queue: 64, batch: 100 }\n",
      &topology, Options({"local", "node2"}));
  EXPECT_TRUE(errors.empty()) << AllText(errors);
  ASSERT_EQ(topology.connections.size(), 5u);
  EXPECT_EQ(topology.connections[0].from.port, "out");
  EXPECT_EQ(topology.connections[0].to.port, "in");
  EXPECT_FALSE(topology.connections[0].to.port_given);
  EXPECT_EQ(topology.connections[2].to.element, "out");
  EXPECT_EQ(topology.connections[2].to.port, "in");
  EXPECT_EQ(topology.connections[3].to.port, "in");
  EXPECT_EQ(topology.connections[4].kind, PortKind::kQuery);
  EXPECT_EQ(topology.connections[4].from.port, "ask");
  EXPECT_EQ(topology.connections[4].to.port, "query");
}

TEST(CheckerTest, NamedPortsOfSeveralAreAccepted) {
  EXPECT_TRUE(CheckText("src :: Sequence(count: 1)\n"
                        "t :: Tee\n"
                        "m :: Merge\n"
                        "out :: Sink(path: \"x\")\n"
                        "src -> t.in, t.out1 -> m.in1, t.out2 -> m.in2, m -> out\n")
                  .empty());
}

TEST(CheckerTest, OptionalPortsAndQueryInputsMayStayUnconnected) {
  // Store's push input is optional and its query input is never required.
  EXPECT_TRUE(CheckText("store :: Store\n").empty());
}

TEST(CheckerTest, SchemaAcceptsIntForFloatAndOutPortsWithoutSchema) {
  EXPECT_TRUE(CheckText("src :: Sequence(count: 1)\n"
                        "f :: NeedsFloatSeq\n"
                        "src -> f\n")
                  .empty());
  // Filter's out port declares no schema: unknown, so accepted.
  EXPECT_TRUE(CheckText("src :: Sequence(count: 1)\n"
                        "keep :: Filter(expr: \"seq > 1\")\n"
                        "n :: NeedsName\n"
                        "src -> keep -> n\n")
                  .empty());
}

TEST(CheckerTest, MarksForARunTimeCheckOnlyLinksWhoseUpstreamDoesNotGuaranteeTheSchema) {
  Topology topology;
  const std::vector<Diagnostic> errors = CheckText(
      "src :: Sequence(count: 1)\n"
      "keep :: Filter(expr: \"seq > 1\")\n"
      "f :: NeedsFloatSeq\n"
      "n :: NeedsName\n"
      "out :: Sink(path: \"x\")\n"
      "src -> f\n"          // Sequence declares seq: proven here, not checked again
      "src -> keep -> n\n"  // Filter declares nothing: n's host checks each log
      "keep -> out\n",      // Sink requires nothing: nothing to check
      &topology);
  ASSERT_TRUE(errors.empty()) << AllText(errors);
  ASSERT_EQ(topology.connections.size(), 4u);
  EXPECT_FALSE(topology.connections[0].check_schema);  // src -> f
  EXPECT_FALSE(topology.connections[1].check_schema);  // src -> keep
  EXPECT_TRUE(topology.connections[2].check_schema);   // keep -> n
  EXPECT_FALSE(topology.connections[3].check_schema);  // keep -> out
}

TEST(CheckerTest, AnyNodeIsAcceptedWhenNoNodesAreKnown) {
  EXPECT_TRUE(CheckText("store :: Store @ anywhere\n").empty());
}

// --- broken topologies -----------------------------------------------------------

TEST(CheckerTest, ReportsUnknownClassWithCloseMatch) {
  EXPECT_TRUE(HasOneError("store :: Store\nf :: Fliter(expr: \"x\")\n", 2, 6,
                          "unknown class 'Fliter'; did you mean 'Filter'?"));
}

TEST(CheckerTest, ReportsUnknownClassWithoutSuggestionWhenNothingIsClose) {
  const std::vector<Diagnostic> errors = CheckText("x :: Zebra\n");
  ASSERT_EQ(errors.size(), 1u) << AllText(errors);
  EXPECT_TRUE(IsError(errors[0], 1, 6, "unknown class 'Zebra'"));
  EXPECT_EQ(errors[0].message.find("did you mean"), std::string::npos);
}

TEST(CheckerTest, ReportsDuplicateElementNameWithLineOfTheFirst) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "out :: Sink(path: \"x\")\n"
                  "src :: Sequence(count: 2)\n"
                  "src -> out\n",
                  3, 1, "duplicate element name 'src' (first declared at line 1)"));
}

TEST(CheckerTest, ReportsConnectionToUndeclaredElement) {
  EXPECT_TRUE(HasOneError("src :: Sequence(count: 1)\nsrc -> nowhere\n", 2, 8,
                          "connection to undeclared element 'nowhere'"));
}

TEST(CheckerTest, ReportsConnectionFromUndeclaredElement) {
  EXPECT_TRUE(HasOneError("out :: Sink(path: \"x\")\nghost -> out\n", 2, 1,
                          "connection from undeclared element 'ghost'"));
}

TEST(CheckerTest, ReportsUnknownPortAndListsThePortsOfThatKind) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "out :: Sink(path: \"x\")\n"
                  "src.outt -> out\n",
                  3, 5,
                  "unknown port 'outt' of 'src' (Sequence); its push output ports: out; "
                  "did you mean 'out'?"));
}

TEST(CheckerTest, ReportsUnknownPortOfAClassWithNoneOfThatKind) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "out :: Sink(path: \"x\")\n"
                  "src -> out\n"
                  "store :: Store\n"
                  "a :: Asker\n"
                  "a.ask => out.lookup\n",
                  6, 14, "unknown port 'lookup' of 'out' (Sink), which has no query input ports"));
}

TEST(CheckerTest, ReportsAmbiguousDefaultPortAndNamesTheCandidates) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "t :: Tee\n"
                  "a :: Sink(path: \"a\")\n"
                  "b :: Sink(path: \"b\")\n"
                  "src -> t -> a\n"
                  "t.out2 -> b\n",
                  5, 8, "'t' (Tee) has several push output ports (out1, out2)"));
}

TEST(CheckerTest, ReportsMissingDefaultPort) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "out :: Sink(path: \"x\")\n"
                  "more :: Sink(path: \"y\")\n"
                  "src -> out -> more\n",
                  4, 8, "'out' (Sink) has no push output port for the left side of '->'"));
}

TEST(CheckerTest, ReportsPushArrowFromElementWithOnlyQueryPortsWithAHint) {
  EXPECT_TRUE(HasOneError("a :: Asker\nstore :: Store\na -> store\n", 3, 1,
                          "has no push output port for the left side of '->' (it has query output "
                          "ports: ask; use '=>')"));
}

TEST(CheckerTest, ReportsPushArrowToQueryPort) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "store :: Store\n"
                  "src -> store.query\n",
                  3, 14,
                  "'->' connects push ports, but 'store.query' is a query input port (use "
                  "'=>')"));
}

TEST(CheckerTest, ReportsQueryArrowBetweenPushPorts) {
  const std::vector<Diagnostic> errors = CheckText(
      "src :: Sequence(count: 1)\n"
      "out :: Sink(path: \"x\")\n"
      "src.out => out.in\n");
  ASSERT_EQ(errors.size(), 2u) << AllText(errors);
  EXPECT_TRUE(IsError(errors[0], 3, 5,
                      "'=>' connects query ports, but 'src.out' is a push output port (use '->')"));
  EXPECT_TRUE(IsError(errors[1], 3, 16, "'out.in' is a push input port"));
}

TEST(CheckerTest, ReportsInputWiredToInput) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "f :: Filter(expr: \"seq > 0\")\n"
                  "out :: Sink(path: \"x\")\n"
                  "src -> f\n"
                  "f.in -> out.in\n",
                  5, 3, "'f.in' is an input port, but the left side of '->' needs an output port"));
}

TEST(CheckerTest, ReportsOutputWiredToOutput) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "f :: Filter(expr: \"seq > 0\")\n"
                  "out :: Sink(path: \"x\")\n"
                  "src -> f.out\n"
                  "f -> out\n",
                  4, 10,
                  "'f.out' is an output port, but the right side of '->' needs an input "
                  "port"));
}

TEST(CheckerTest, ReportsQueryRequesterThatIsAQueryInput) {
  EXPECT_TRUE(
      HasOneError("a :: Asker\n"
                  "store :: Store\n"
                  "other :: Store\n"
                  "a => store\n"
                  "store.query => other.query\n",
                  5, 7,
                  "'store.query' is an input port, but the left side of '=>' needs the "
                  "requester's query output port"));
}

TEST(CheckerTest, ReportsQueryResponderWithoutQueryInput) {
  EXPECT_TRUE(
      HasOneError("a :: Asker\nstore :: Store\na => store\nsrc :: Sequence(count: 1)\n"
                  "b :: Asker\nb => src\nsrc -> store\n",
                  6, 6, "'src' (Sequence) has no query input port for the right side of '=>'"));
}

TEST(CheckerTest, ReportsAmbiguousDefaultQueryPort) {
  EXPECT_TRUE(HasOneError("two :: TwoAsks\nstore :: Store\ntwo => store\ntwo.b => store\n", 3, 1,
                          "'two' (TwoAsks) has several query output ports (a, b)"));
}

TEST(CheckerTest, ReportsMissingRequiredParameter) {
  EXPECT_TRUE(HasOneError("src :: Sequence\nout :: Sink(path: \"x\")\nsrc -> out\n", 1, 8,
                          "missing required parameter 'count' (int) of Sequence for 'src'"));
}

TEST(CheckerTest, ReportsUnknownParameterAndListsTheValidOnes) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1, strat: 2)\n"
                  "out :: Sink(path: \"x\")\n"
                  "src -> out\n",
                  1, 27,
                  "unknown parameter 'strat' of Sequence; valid parameters: count, start, "
                  "rate; did you mean 'start'?"));
}

TEST(CheckerTest, ReportsParameterOfAClassThatTakesNone) {
  EXPECT_TRUE(HasOneError("store :: Store(size: 3)\n", 1, 16,
                          "unknown parameter 'size': Store takes no parameters"));
}

TEST(CheckerTest, ReportsFloatWhereIntIsExpected) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 2.5)\nout :: Sink(path: \"x\")\nsrc -> out\n", 1, 24,
                  "parameter 'count' of Sequence for 'src' must be an int, found float 2.5"));
}

TEST(CheckerTest, ReportsStringWhereBoolIsExpected) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "out :: Sink(path: \"x\", append: \"yes\")\n"
                  "src -> out\n",
                  2, 32, "must be a bool, found string \"yes\""));
}

TEST(CheckerTest, ReportsScalarWhereListIsExpected) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "out :: Sink(path: \"x\", fields: 5)\n"
                  "src -> out\n",
                  2, 32, "must be a list, found int 5"));
}

TEST(CheckerTest, ReportsExpressionGivenAsNumber) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "f :: Filter(expr: 5)\n"
                  "out :: Sink(path: \"x\")\n"
                  "src -> f -> out\n",
                  2, 19, "must be an expression string, found int 5"));
}

TEST(CheckerTest, ReportsExpressionErrorInsideTheString) {
  const std::string expression = "seq % ";
  ExprError expected;
  Expr expr;
  ASSERT_FALSE(Expr::Compile(expression, &expr, &expected).ok());
  ASSERT_GT(expected.column, 0);
  // The string literal opens at column 19; its text starts one further.
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "f :: Filter(expr: \"" +
                      expression +
                      "\")\n"
                      "out :: Sink(path: \"x\")\n"
                      "src -> f -> out\n",
                  2, 19 + expected.column,
                  "invalid expression in parameter 'expr' of 'f': " + expected.message));
}

TEST(CheckerTest, ReportsAssignmentsErrorInsideTheString) {
  const std::string assignments = "a = 1, = 2";
  ExprError expected;
  std::vector<Assignment> compiled;
  ASSERT_FALSE(CompileAssignments(assignments, &compiled, &expected).ok());
  ASSERT_GT(expected.column, 0);
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "m :: Map(set: \"" +
                      assignments +
                      "\")\n"
                      "out :: Sink(path: \"x\")\n"
                      "src -> m -> out\n",
                  2, 15 + expected.column, "invalid assignments in parameter 'set' of 'm'"));
}

TEST(CheckerTest, ReportsUnconnectedRequiredInput) {
  EXPECT_TRUE(HasOneError("store :: Store\nout :: Sink(path: \"x\")\n", 2, 1,
                          "required push input port 'in' of 'out' (Sink) is not connected"));
}

TEST(CheckerTest, ReportsUnconnectedRequiredOutput) {
  EXPECT_TRUE(HasOneError("src :: Sequence(count: 1)\nf :: Filter(expr: \"seq > 1\")\nsrc -> f\n",
                          2, 1,
                          "required push output port 'out' of 'f' (Filter) is not connected"));
}

TEST(CheckerTest, ReportsUnconnectedRequiredQueryOutput) {
  EXPECT_TRUE(HasOneError("src :: Sequence(count: 1)\nr :: Report\nsrc -> r\n", 2, 1,
                          "required query output port 'ask' of 'r' (Report) is not connected (it "
                          "needs a '=>' to a responder)"));
}

TEST(CheckerTest, ReportsSchemaFieldMissingFromTheOutPort) {
  EXPECT_TRUE(HasOneError("src :: Sequence(count: 1)\nn :: NeedsName\nsrc -> n\n", 3, 5,
                          "'src.out' does not provide field 'name' (string) that 'n.in' requires; "
                          "it provides: seq (int)"));
}

TEST(CheckerTest, ReportsSchemaFieldOfAnotherType) {
  EXPECT_TRUE(HasOneError("w :: Words\nn :: NeedsFloatSeq\nw -> n\n", 3, 3,
                          "field 'seq' is string at 'w.out' but 'n.in' requires float"));
}

TEST(CheckerTest, ReportsPlacementOnUnknownNode) {
  EXPECT_TRUE(HasOneError("store :: Store @ nod2\n", 1, 18,
                          "'store' is placed on unknown node 'nod2' (known nodes: local, node2); "
                          "did you mean 'node2'?",
                          Options({"local", "node2"})));
}

TEST(CheckerTest, ReportsPolicyOnUndeclaredElement) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy ghost { queue: 4 }\n", 2, 8,
                          "policy for undeclared element 'ghost'"));
}

TEST(CheckerTest, ReportsUnknownPolicyKey) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { qeue: 4 }\n", 2, 16,
                          "unknown policy key 'qeue'; valid keys: queue, batch, restart, "
                          "restart_limit, backoff_ms; did you mean 'queue'?"));
}

TEST(CheckerTest, AcceptsRestartPolicies) {
  for (const char* policy : {"on-failure", "always", "never"}) {
    std::string text = std::string("store :: Store\npolicy store { restart: \"") + policy + "\", restart_limit: 3, backoff_ms: 50 }\n";
    EXPECT_EQ(AllText(CheckText(text)), "") << policy;
  }
}

TEST(CheckerTest, ReportsUnknownRestartPolicyWithSuggestion) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { restart: \"on_failure\" }\n", 2, 25,
                          "policy 'restart' of 'store' must be one of on-failure, always, never, found "
                          "\"on_failure\"; did you mean 'on-failure'?"));
}

TEST(CheckerTest, ReportsRestartLimitOfWrongType) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { restart_limit: \"5\" }\n", 2, 31,
                          "policy 'restart_limit' of 'store' must be an int >= 1, found string \"5\""));
}

TEST(CheckerTest, ReportsPolicyValueBelowOne) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { queue: 0 }\n", 2, 23,
                          "policy 'queue' of 'store' must be an int >= 1, found int 0"));
}

TEST(CheckerTest, ReportsPolicyValueOfWrongType) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store {\n  batch: \"10\"\n}\n", 3, 10,
                          "policy 'batch' of 'store' must be an int >= 1, found string \"10\""));
}

TEST(CheckerTest, ReportsPolicyKeySetTwiceAcrossStatements) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { queue: 4 }\npolicy store { queue: 8 }\n",
                          3, 16, "policy 'queue' of 'store' is already set at line 2"));
}

TEST(CheckerTest, ReportsDuplicateConnection) {
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\n"
                  "out :: Sink(path: \"x\")\n"
                  "src -> out\n"
                  "src.out -> out.in\n",
                  4, 9, "duplicate connection src.out -> out.in (first at line 3)"));
}

TEST(CheckerTest, ReportsEveryErrorOfTheFileInOneRunInFileOrder) {
  const std::vector<Diagnostic> errors = CheckText(
      "src :: Sequence(count: \"many\")\n"  // 1: ill-typed parameter
      "keep :: Fliter(expr: \"seq\")\n"     // 2: unknown class
      "out :: Sink(path: \"x\") @ mars\n"   // 3: unknown node
      "src -> out\n"
      "src.out -> ghost\n"           // 5: undeclared element
      "policy out { queue: -1 }\n",  // 6: bad policy value
      nullptr, Options({"local"}));
  ASSERT_EQ(errors.size(), 5u) << AllText(errors);
  EXPECT_TRUE(IsError(errors[0], 1, 24, "must be an int"));
  EXPECT_TRUE(IsError(errors[1], 2, 9, "unknown class 'Fliter'"));
  EXPECT_TRUE(IsError(errors[2], 3, 26, "unknown node 'mars'"));
  EXPECT_TRUE(IsError(errors[3], 5, 12, "undeclared element 'ghost'"));
  EXPECT_TRUE(IsError(errors[4], 6, 21, "must be an int >= 1, found int -1"));
}

// --- the loader ---------------------------------------------------------------------

std::string WriteTempFile(const std::string& text) {
  char path[] = "/tmp/dsl_checker_test_XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  return path;
}

TEST(LoaderTest, UnreadableFileIsOneDiagnosticAtLineZero) {
  std::vector<Diagnostic> errors;
  LoadFile("/nonexistent/dir/x.topo", Options(), &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pos.line, 0);
  EXPECT_EQ(errors[0].pos.column, 0);
  EXPECT_EQ(errors[0].ToString(),
            "/nonexistent/dir/x.topo:0:0: error: cannot read /nonexistent/dir/x.topo: No such "
            "file or directory");
}

TEST(LoaderTest, DiagnosticPrintsFileLineColumnAndMessage) {
  Diagnostic diagnostic{SourcePos{"a.topo", 3, 7}, "unknown class 'X'"};
  EXPECT_EQ(diagnostic.ToString(), "a.topo:3:7: error: unknown class 'X'");
}

TEST(LoaderTest, LoadsAndChecksAGoodFile) {
  const std::string path =
      WriteTempFile("src :: Sequence(count: 3)\nout :: Sink(path: \"x\")\nsrc -> out\n");
  std::vector<Diagnostic> errors;
  Topology topology = LoadFile(path, Options(), &errors);
  std::remove(path.c_str());
  EXPECT_TRUE(errors.empty()) << AllText(errors);
  EXPECT_EQ(topology.file, path);
  ASSERT_NE(topology.find("out"), nullptr);
  EXPECT_EQ(topology.find("out")->class_name, "Sink");
  EXPECT_EQ(topology.find("missing"), nullptr);
  ASSERT_EQ(topology.connections.size(), 1u);
  EXPECT_EQ(topology.connections[0].to.port, "in");
}

TEST(LoaderTest, ReportsSyntaxAndCheckErrorsTogetherWithoutEchoes) {
  const std::string path = WriteTempFile(
      "src :: Sequence(count: 3\n"         // 1: syntax error (reported at line 2)
      "keep :: Filter(expr: \"seq >\")\n"  // 2: bad expression
      "out :: Snk(path: \"x\")\n"          // 3: unknown class
      "src -> keep -> out\n");
  std::vector<Diagnostic> errors;
  LoadFile(path, Options(), &errors);
  std::remove(path.c_str());
  // `src` did not parse: the connection from it must not add
  // "undeclared element 'src'" to the syntax error.
  ASSERT_EQ(errors.size(), 3u) << AllText(errors);
  EXPECT_EQ(errors[0].pos.file, path);
  EXPECT_EQ(errors[0].pos.line, 2);
  EXPECT_EQ(errors[0].pos.column, 1);
  EXPECT_NE(errors[0].message.find("expected ')' after parameters, found 'keep'"),
            std::string::npos);
  EXPECT_EQ(errors[1].pos.line, 2);
  EXPECT_NE(errors[1].message.find("invalid expression"), std::string::npos);
  EXPECT_EQ(errors[2].pos.line, 3);
  EXPECT_NE(errors[2].message.find("unknown class 'Snk'; did you mean 'Sink'?"), std::string::npos);
}

TEST(LoaderTest, PolicyKeysAreTransportAndRestartKeys) {
  std::vector<std::string> names;
  for (const PolicyKey& key : PolicyKeys()) names.push_back(key.name);
  EXPECT_EQ(names, (std::vector<std::string>{"queue", "batch", "restart", "restart_limit", "backoff_ms"}));
  EXPECT_EQ(PolicyKeys()[0].kind, ParamValue::Kind::kInt);
  EXPECT_EQ(PolicyKeys()[2].kind, ParamValue::Kind::kString);
}

}  // namespace
}  // namespace datablox::dsl
