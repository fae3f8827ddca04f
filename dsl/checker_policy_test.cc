// Placement and policy statements, duplicates, and every error at once.
#include "dsl/checker_test_fixture.h"

namespace datablox::dsl {
namespace {

using namespace checker_testing;

TEST(CheckerTest, ReportsPlacementOnUnknownNode) {
  EXPECT_TRUE(HasOneError("store :: Store @ nod2\n", 1, 18,
                          "'store' is placed on unknown node 'nod2' (known nodes: local, node2); "
                          "did you mean 'node2'?",
                          Options({"local", "node2"})));
}

TEST(CheckerTest, ReportsPolicyOnUndeclaredElement) {
  EXPECT_TRUE(
      HasOneError("store :: Store\npolicy ghost { queue: 4 }\n", 2, 8, "policy for undeclared element 'ghost'"));
}

TEST(CheckerTest, ReportsUnknownPolicyKey) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { qeue: 4 }\n", 2, 16,
                          "unknown policy key 'qeue'; valid keys: queue, batch, restart, "
                          "restart_limit, backoff_ms, checkpoint; did you mean 'queue'?"));
}

TEST(CheckerTest, AcceptsRestartPolicies) {
  for (const char* policy : {"on-failure", "always", "never"}) {
    std::string text =
        std::string("store :: Store\npolicy store { restart: \"") + policy + "\", restart_limit: 3, backoff_ms: 50 }\n";
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
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { queue: 4 }\npolicy store { queue: 8 }\n", 3, 16,
                          "policy 'queue' of 'store' is already set at line 2"));
}

// --- policy * { ... } ----------------------------------------------------------

TEST(CheckerTest, AcceptsPolicyOfEveryElementBesideAnElementsOwn) {
  const std::vector<Diagnostic> errors = CheckText(
      "store :: Store\n"
      "policy * { queue: 4, batch: 2, restart: \"never\", restart_limit: 3, backoff_ms: 50, checkpoint: 1000 }\n"
      "policy store { queue: 8 }\n");
  EXPECT_EQ(AllText(errors), "");
}

TEST(CheckerTest, ReportsPolicyValueOfEveryElementBelowOne) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy * { queue: 0 }\n", 2, 19,
                          "policy 'queue' of every element must be an int >= 1, found int 0"));
}

TEST(CheckerTest, ReportsUnknownRestartPolicyOfEveryElement) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy * { restart: \"nver\" }\n", 2, 21,
                          "policy 'restart' of every element must be one of on-failure, always, never, found "
                          "\"nver\"; did you mean 'never'?"));
}

TEST(CheckerTest, ReportsUnknownPolicyKeyOfEveryElement) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy * { checkpont: 100 }\n", 2, 12,
                          "unknown policy key 'checkpont'; valid keys: queue, batch, restart, restart_limit, "
                          "backoff_ms, checkpoint; did you mean 'checkpoint'?"));
}

TEST(CheckerTest, ReportsPolicyOfEveryElementKeySetTwiceAcrossStatements) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy * { queue: 4 }\npolicy * { queue: 8 }\n", 3, 12,
                          "policy 'queue' of every element is already set at line 2"));
}

TEST(CheckerTest, ReportsCheckpointOfAnElementAtItsKey) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { checkpoint: 250 }\n", 2, 16,
                          "policy 'checkpoint' applies to the whole topology: write it as "
                          "'policy * { checkpoint: 250 }'"));
  // A value that would not do under `*` either is not suggested.
  EXPECT_TRUE(HasOneError("store :: Store\npolicy store { checkpoint: 10 }\n", 2, 16,
                          "write it as 'policy * { checkpoint: 1000 }'"));
}

TEST(CheckerTest, ReportsCheckpointBelowFiftyMilliseconds) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy * { checkpoint: 10 }\n", 2, 24,
                          "policy 'checkpoint' must be an int >= 50 (milliseconds), found int 10"));
}

TEST(CheckerTest, AcceptsCheckpointOfFiftyMilliseconds) {
  EXPECT_EQ(AllText(CheckText("store :: Store\npolicy * { checkpoint: 50 }\n")), "");
}

TEST(CheckerTest, ReportsCheckpointOfWrongType) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy * { checkpoint: \"1s\" }\n", 2, 24,
                          "policy 'checkpoint' must be an int >= 50 (milliseconds), found string \"1s\""));
}

TEST(CheckerTest, ReportsCheckpointSetTwice) {
  EXPECT_TRUE(HasOneError("store :: Store\npolicy * { checkpoint: 100 }\npolicy * { checkpoint: 200 }\n", 3, 12,
                          "policy 'checkpoint' is already set at line 2"));
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
}  // namespace
}  // namespace datablox::dsl
