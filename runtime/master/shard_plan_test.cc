// The planner's expansion of a shard into members: names, parameters,
// links, and the table on every port that reaches the shard.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "runtime/master/planner.h"
#include "runtime/master/shard_members.h"

namespace datablox {
namespace {

dsl::ElementDecl Decl(std::string name, std::string class_name) {
  dsl::ElementDecl decl;
  decl.name = std::move(name);
  decl.class_name = std::move(class_name);
  return decl;
}

dsl::Connection Link(PortKind kind, std::string from, std::string from_port, std::string to, std::string to_port) {
  dsl::Connection c;
  c.kind = kind;
  c.from.element = std::move(from);
  c.from.port = std::move(from_port);
  c.to.element = std::move(to);
  c.to.port = std::move(to_port);
  return c;
}

// src -> users (a Counter shard of 3, hash(user)) -> sink; asker.ask => users.query
dsl::Topology Sharded() {
  dsl::Topology t;
  t.elements.push_back(Decl("src", "Sequence"));
  dsl::ElementDecl users = Decl("users", "Counter");
  users.params["key"] = ParamValue::String("user");
  users.params["path"] = ParamValue::String("users-{member}.db");
  dsl::ShardDecl& shard = users.shard.emplace();
  shard.min_members = 3;
  shard.max_members = 8;
  shard.route = RouteKind::kHash;
  shard.route_key = "user";
  shard.merge = MergeKind::kSum;
  shard.key_groups = 16;
  t.elements.push_back(users);
  t.elements.push_back(Decl("sink", "Null"));
  t.elements.push_back(Decl("asker", "Ask"));
  t.connections.push_back(Link(PortKind::kPush, "src", "out", "users", "in"));
  t.connections.push_back(Link(PortKind::kPush, "users", "out", "sink", "in"));
  t.connections.push_back(Link(PortKind::kQuery, "asker", "ask", "users", "query"));
  return t;
}

std::map<std::string, control::ElementPlan> PlanByName(const dsl::Topology& t) {
  Placement placement({{"a", 2, 0, 0}});
  std::vector<control::ElementPlan> plans;
  Status st = PlanTopology(t, "t", &placement, &plans);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::map<std::string, control::ElementPlan> by_name;
  for (auto& plan : plans) by_name[plan.name] = plan;
  return by_name;
}

TEST(ShardPlanTest, AShardStartsWithItsMinimumOfMembersNamedByTheirIds) {
  auto plans = PlanByName(Sharded());
  ASSERT_EQ(plans.size(), 6u);
  for (const char* name : {"users/0", "users/1", "users/2"}) {
    ASSERT_TRUE(plans.count(name)) << name;
    const control::ElementPlan& member = plans.at(name);
    EXPECT_EQ(member.class_name, "Counter");
    ASSERT_TRUE(member.member.has_value());
    EXPECT_EQ(member.member->shard, "users");
    EXPECT_EQ(member.member->key, "user");
    EXPECT_EQ(member.member->key_groups, 16);
  }
  EXPECT_EQ(plans.at("users/2").member->id, 2);
  EXPECT_FALSE(plans.count("users"));
  EXPECT_FALSE(plans.at("src").member.has_value());
}

TEST(ShardPlanTest, MemberInParametersBecomesTheMembersId) {
  auto plans = PlanByName(Sharded());
  EXPECT_EQ(plans.at("users/0").params.at("path").s, "users-0.db");
  EXPECT_EQ(plans.at("users/2").params.at("path").s, "users-2.db");
  EXPECT_EQ(plans.at("users/1").params.at("key").s, "user");
}

TEST(ShardPlanTest, ASenderLinksToEveryMemberAndCarriesTheTable) {
  auto plans = PlanByName(Sharded());
  const control::ElementPlan& src = plans.at("src");
  ASSERT_EQ(src.push_out.size(), 1u);
  const control::PortPlan& out = src.push_out[0];
  ASSERT_EQ(out.links.size(), 3u);
  for (int id = 0; id < 3; ++id) {
    EXPECT_EQ(out.links[id].id, "src.out>users/" + std::to_string(id) + ".in");
    EXPECT_EQ(out.links[id].shard, "users");
    EXPECT_EQ(out.links[id].member, id);
  }
  ASSERT_EQ(out.shards.size(), 1u);
  const control::ShardRoute& route = out.shards[0];
  EXPECT_EQ(route.shard, "users");
  EXPECT_EQ(route.route, RouteKind::kHash);
  EXPECT_EQ(route.key, "user");
  EXPECT_EQ(route.key_groups, 16);
  EXPECT_EQ(route.owners, (std::vector<int>{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0}));
  EXPECT_TRUE(route.held.empty());
  EXPECT_EQ(route.version, 1u);
  // Each member expects the sender's one link.
  ASSERT_EQ(plans.at("users/1").push_in.size(), 1u);
  EXPECT_EQ(plans.at("users/1").push_in[0].links.size(), 1u);
}

TEST(ShardPlanTest, TheMembersOutputsJoinIntoTheReceiversInput) {
  auto plans = PlanByName(Sharded());
  const control::ElementPlan& sink = plans.at("sink");
  ASSERT_EQ(sink.push_in.size(), 1u);
  ASSERT_EQ(sink.push_in[0].links.size(), 3u);
  EXPECT_EQ(sink.push_in[0].links[1].id, "users/1.out>sink.in");
  EXPECT_FALSE(sink.push_in[0].links[1].shard.has_value());  // a plain link: sink is no shard
  EXPECT_EQ(plans.at("users/1").push_out[0].links.size(), 1u);
  EXPECT_TRUE(plans.at("users/1").push_out[0].shards.empty());
}

TEST(ShardPlanTest, ARequesterAsksEveryMemberWithTheShardsMerge) {
  auto plans = PlanByName(Sharded());
  const control::ElementPlan& asker = plans.at("asker");
  ASSERT_EQ(asker.query_out.size(), 1u);
  EXPECT_EQ(asker.query_out[0].links.size(), 3u);
  ASSERT_EQ(asker.query_out[0].shards.size(), 1u);
  EXPECT_EQ(asker.query_out[0].shards[0].merge, MergeKind::kSum);
  EXPECT_EQ(plans.at("users/0").query_in[0].links[0].id, "asker.ask>users/0.query");
}

// The cell's supervisor asks each view's sample store by its link.
TEST(ShardPlanTest, ARequesterWiredToSeveralElementsHasALinkToEachInOrder) {
  dsl::Topology t;
  t.elements.push_back(Decl("asker", "Ask"));
  t.elements.push_back(Decl("a", "Counter"));
  t.elements.push_back(Decl("b", "Counter"));
  t.connections.push_back(Link(PortKind::kQuery, "asker", "ask", "a", "query"));
  t.connections.push_back(Link(PortKind::kQuery, "asker", "ask", "b", "query"));
  auto plans = PlanByName(t);
  const control::ElementPlan& asker = plans.at("asker");
  ASSERT_EQ(asker.query_out.size(), 1u);
  ASSERT_EQ(asker.query_out[0].links.size(), 2u);
  EXPECT_EQ(asker.query_out[0].links[0].id, "asker.ask>a.query");
  EXPECT_EQ(asker.query_out[0].links[1].id, "asker.ask>b.query");
  EXPECT_TRUE(asker.query_out[0].shards.empty());
}

TEST(ShardPlanTest, ARequesterWiredToAShardAndAnotherElementIsRefused) {
  dsl::Topology t = Sharded();
  t.elements.push_back(Decl("other", "Counter"));
  t.connections.push_back(Link(PortKind::kQuery, "asker", "ask", "other", "query"));
  Placement placement({{"a", 2, 0, 0}});
  std::vector<control::ElementPlan> plans;
  Status st = PlanTopology(t, "t", &placement, &plans);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("query output 'asker.ask' is wired to a shard and to other responders"),
            std::string::npos)
      << st.message();
}

TEST(ShardPlanTest, AShardToAShardLinksEveryMemberToEveryMember) {
  dsl::Topology t = Sharded();
  dsl::ElementDecl work = Decl("work", "Map");
  work.shard.emplace().min_members = 2;
  t.elements.push_back(work);
  t.connections[0] = Link(PortKind::kPush, "src", "out", "work", "in");
  t.connections.push_back(Link(PortKind::kPush, "work", "out", "users", "in"));
  auto plans = PlanByName(t);
  const control::PortPlan& out = plans.at("work/1").push_out[0];
  ASSERT_EQ(out.links.size(), 3u);
  EXPECT_EQ(out.links[2].id, "work/1.out>users/2.in");
  ASSERT_EQ(out.shards.size(), 1u);
  EXPECT_EQ(out.shards[0].shard, "users");
  EXPECT_EQ(plans.at("users/0").push_in[0].links.size(), 2u);  // work/0 and work/1
  EXPECT_EQ(plans.at("src").push_out[0].shards[0].route, RouteKind::kRoundRobin);
  EXPECT_TRUE(plans.at("src").push_out[0].shards[0].owners.empty());
}

// What a master started again tells from the registry: the elements are at
// the shard's kept layout, or a change was cut short.
TEST(ShardPlanTest, PlansAreAtTheLayoutUnlessAChangeWasCutShort) {
  dsl::Topology topology = Sharded();
  auto plans = PlanByName(topology);
  const ShardLayout layout = FirstLayouts(topology).at("users");
  auto at_layout = [&](const std::map<std::string, control::ElementPlan>& by_name) {
    std::vector<const control::ElementPlan*> list;
    for (const auto& [name, plan] : by_name) list.push_back(&plan);
    return master::PlansAtLayout("users", layout, list);
  };
  EXPECT_TRUE(at_layout(plans));

  auto spawned = plans;  // a new member started, the change not done
  spawned["users/3"] = plans.at("users/2");
  spawned["users/3"].member->id = 3;
  EXPECT_FALSE(at_layout(spawned));

  auto crashed = plans;  // a member down for good is still the layout's
  crashed.erase("users/2");
  EXPECT_TRUE(at_layout(crashed));

  auto rerouted = plans;  // a sender was sent the next table
  rerouted.at("src").push_out[0].shards[0].version = layout.route.version + 1;
  EXPECT_FALSE(at_layout(rerouted));
  auto asked = plans;  // so was a requester
  asked.at("asker").query_out[0].shards[0].version = layout.route.version + 1;
  EXPECT_FALSE(at_layout(asked));
}

TEST(ShardPlanTest, PlansRoundTripThroughTheWire) {
  auto plans = PlanByName(Sharded());
  for (const auto& [name, plan] : plans) {
    control::ElementPlan back;
    Status st = control::FromJson(control::ToJson(plan), &back);
    ASSERT_TRUE(st.ok()) << name << ": " << st.ToString();
    EXPECT_EQ(control::ToJson(back), control::ToJson(plan)) << name;
  }
}

}  // namespace
}  // namespace datablox
