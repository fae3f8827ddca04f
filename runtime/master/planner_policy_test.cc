// The planner's reading of policies: an element's own `policy NAME { ... }`
// first, then the defaults of `policy * { ... }`, then the built-in ones.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/loader.h"
#include "runtime/master/planner.h"

namespace datablox {
namespace {

std::map<std::string, control::ElementPlan> PlanText(std::string_view text) {
  std::vector<dsl::Diagnostic> errors;
  const dsl::Topology t = dsl::Parse(text, "test.topo", &errors);
  for (const dsl::Diagnostic& error : errors) ADD_FAILURE() << error.ToString();
  Placement placement({{"a", 2, 0, 0}});
  std::vector<control::ElementPlan> plans;
  Status st = PlanTopology(t, "t", &placement, &plans);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::map<std::string, control::ElementPlan> by_name;
  for (auto& plan : plans) by_name[plan.name] = plan;
  return by_name;
}

constexpr const char* kPipeline =
    "src :: Sequence\n"
    "mid :: Tee\n"
    "sink :: Null\n"
    "src.out -> mid.in\n"
    "mid.out -> sink.in\n";

TEST(PlannerPolicyTest, PolicyOfEveryElementIsTheDefaultOfEach) {
  auto plans = PlanText(std::string(kPipeline) +
                        "policy * { queue: 7, batch: 3, restart: \"never\", restart_limit: 9, backoff_ms: 40 }\n");
  const control::LinkPlan& link = plans.at("src").push_out.at(0).links.at(0);
  EXPECT_EQ(link.window, 7);
  EXPECT_EQ(link.batch, 3);
  for (const char* name : {"src", "mid", "sink"}) {
    EXPECT_EQ(plans.at(name).restart, control::RestartPolicy::kNever) << name;
    EXPECT_EQ(plans.at(name).restart_limit, 9) << name;
    EXPECT_EQ(plans.at(name).backoff_ms, 40) << name;
  }
}

TEST(PlannerPolicyTest, AnElementsOwnPolicyWinsOverEveryElements) {
  auto plans = PlanText(std::string(kPipeline) +
                        "policy * { queue: 7, restart_limit: 9 }\n"
                        "policy sink { queue: 70 }\n"
                        "policy mid { restart_limit: 2 }\n");
  EXPECT_EQ(plans.at("src").push_out.at(0).links.at(0).window, 7);   // into mid: the default
  EXPECT_EQ(plans.at("mid").push_out.at(0).links.at(0).window, 70);  // into sink: its own
  EXPECT_EQ(plans.at("mid").restart_limit, 2);
  EXPECT_EQ(plans.at("sink").restart_limit, 9);
}

TEST(PlannerPolicyTest, WithoutPoliciesTheBuiltInDefaultsHold) {
  auto plans = PlanText(kPipeline);
  const control::LinkPlan& link = plans.at("src").push_out.at(0).links.at(0);
  EXPECT_EQ(link.window, kDefaultQueue);
  EXPECT_EQ(link.batch, kDefaultBatch);
  EXPECT_EQ(plans.at("src").restart_limit, control::kDefaultRestartLimit);
}

}  // namespace
}  // namespace datablox
