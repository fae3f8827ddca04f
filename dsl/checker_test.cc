#include "dsl/checker_test_fixture.h"

namespace datablox::dsl {
namespace {

using namespace checker_testing;

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
  EXPECT_TRUE(
      HasOneError("src :: Sequence(count: 1)\nsrc -> nowhere\n", 2, 8, "connection to undeclared element 'nowhere'"));
}

TEST(CheckerTest, ReportsConnectionFromUndeclaredElement) {
  EXPECT_TRUE(
      HasOneError("out :: Sink(path: \"x\")\nghost -> out\n", 2, 1, "connection from undeclared element 'ghost'"));
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
  EXPECT_TRUE(IsError(errors[0], 3, 5, "'=>' connects query ports, but 'src.out' is a push output port (use '->')"));
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
  EXPECT_TRUE(HasOneError("store :: Store(size: 3)\n", 1, 16, "unknown parameter 'size': Store takes no parameters"));
}

TEST(CheckerTest, ReportsFloatWhereIntIsExpected) {
  EXPECT_TRUE(HasOneError("src :: Sequence(count: 2.5)\nout :: Sink(path: \"x\")\nsrc -> out\n", 1, 24,
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
                  2, 19 + expected.column, "invalid expression in parameter 'expr' of 'f': " + expected.message));
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
  EXPECT_TRUE(HasOneError("src :: Sequence(count: 1)\nf :: Filter(expr: \"seq > 1\")\nsrc -> f\n", 2, 1,
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

}  // namespace
}  // namespace datablox::dsl
