// An element's policy values: its own first, then those of `policy *`; and
// the topology's checkpoint interval.
#include "dsl/policy_values.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string_view>
#include <vector>

#include "dsl/loader.h"

namespace datablox::dsl {
namespace {

Topology ParsePolicies(std::string_view text) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(text, "test.topo", &errors);
  for (const Diagnostic& error : errors) ADD_FAILURE() << error.ToString();
  return topology;
}

TEST(PolicyValuesTest, AnElementsOwnValueWinsOverEveryElements) {
  const Topology t = ParsePolicies("policy * { queue: 4 }\npolicy a { queue: 8 }\n");
  const ParamValue* a = FindPolicyValue(t, "a", "queue", ParamValue::Kind::kInt);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->i, 8);
  const ParamValue* b = FindPolicyValue(t, "b", "queue", ParamValue::Kind::kInt);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->i, 4);
}

TEST(PolicyValuesTest, EveryElementsValueFillsAKeyTheElementLeavesOut) {
  const Topology t = ParsePolicies("policy a { queue: 8 }\npolicy * { restart: \"never\" }\n");
  const ParamValue* restart = FindPolicyValue(t, "a", "restart", ParamValue::Kind::kString);
  ASSERT_NE(restart, nullptr);
  EXPECT_EQ(restart->s, "never");
}

TEST(PolicyValuesTest, NoValueWithoutAPolicyOrOfAnotherKind) {
  const Topology t = ParsePolicies("policy a { queue: 8 }\n");
  EXPECT_EQ(FindPolicyValue(t, "a", "batch", ParamValue::Kind::kInt), nullptr);
  EXPECT_EQ(FindPolicyValue(t, "b", "queue", ParamValue::Kind::kInt), nullptr);
  EXPECT_EQ(FindPolicyValue(t, "a", "queue", ParamValue::Kind::kString), nullptr);
}

TEST(PolicyValuesTest, CheckpointEveryIsThatOfPolicyStar) {
  const Topology t = ParsePolicies("policy * { checkpoint: 1500, queue: 8 }\n");
  const std::optional<std::chrono::milliseconds> every = CheckpointEvery(t);
  ASSERT_TRUE(every.has_value());
  EXPECT_EQ(*every, std::chrono::milliseconds(1500));
}

TEST(PolicyValuesTest, NoCheckpointWithoutPolicyStarCheckpoint) {
  EXPECT_FALSE(CheckpointEvery(ParsePolicies("policy * { queue: 8 }\n")).has_value());
  EXPECT_FALSE(CheckpointEvery(ParsePolicies("")).has_value());
}

TEST(PolicyValuesTest, AnElementsCheckpointIsNotTheTopologys) {
  // The checker refuses it; unchecked, it still does not count.
  EXPECT_FALSE(CheckpointEvery(ParsePolicies("policy a { checkpoint: 1000 }\n")).has_value());
}

}  // namespace
}  // namespace datablox::dsl
