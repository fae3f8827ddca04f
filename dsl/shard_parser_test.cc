// The shard declaration in the language: `NAME :: shard CLASS(PARAMS)
// { OPTIONS } @ node`, its options, their positions, and every syntax error
// with its exact position and message.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dsl/lexer.h"
#include "dsl/loader.h"
#include "dsl/shard_text.h"

namespace datablox::dsl {
namespace {

constexpr const char* kFile = "shard.topo";

Topology ParseOk(std::string_view text) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(text, kFile, &errors);
  for (const Diagnostic& error : errors) ADD_FAILURE() << "unexpected: " << error.ToString();
  return topology;
}

// The one syntax error of `text`, as "LINE:COL: MESSAGE" ("" when none, all
// of them when several).
std::string OnlyError(std::string_view text) {
  std::vector<Diagnostic> errors;
  Parse(text, kFile, &errors);
  std::string all;
  for (const Diagnostic& error : errors) {
    all += (all.empty() ? "" : " | ") + std::to_string(error.pos.line) + ":" + std::to_string(error.pos.column) + ": " +
           error.message;
  }
  return all;
}

// --- the lexer ----------------------------------------------------------------

TEST(ShardLexerTest, RangeIsIntDotDotIntNotAFloat) {
  const std::vector<Token> tokens = Tokenize("1..8 -2..3 1.5");
  ASSERT_EQ(tokens.size(), 8u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kInt);
  EXPECT_EQ(tokens[0].int_value, 1);
  EXPECT_EQ(tokens[1].kind, TokenKind::kDotDot);
  EXPECT_EQ(tokens[1].column, 2);
  EXPECT_EQ(tokens[2].kind, TokenKind::kInt);
  EXPECT_EQ(tokens[2].int_value, 8);
  EXPECT_EQ(tokens[3].int_value, -2);
  EXPECT_EQ(tokens[4].kind, TokenKind::kDotDot);
  EXPECT_EQ(tokens[5].int_value, 3);
  EXPECT_EQ(tokens[6].kind, TokenKind::kFloat);  // a decimal point still makes a float
  EXPECT_DOUBLE_EQ(tokens[6].float_value, 1.5);
  EXPECT_EQ(tokens[7].kind, TokenKind::kEnd);
}

TEST(ShardLexerTest, WordAfterShardIsAClassName) {
  const std::vector<Token> tokens = Tokenize("w :: shard py:pkg.mod.Work");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[2].kind, TokenKind::kClassName);
  EXPECT_EQ(tokens[2].text, "shard");
  EXPECT_EQ(tokens[3].kind, TokenKind::kClassName);
  EXPECT_EQ(tokens[3].text, "py:pkg.mod.Work");
}

// --- good forms -------------------------------------------------------------

TEST(ShardParserTest, ParsesEveryOptionWithItsPositions) {
  Topology topology = ParseOk(
      "users :: shard Counter(key: \"user\") { members: 1..8, route: hash(user), merge: sum, key_groups: 256 }\n");
  ASSERT_EQ(topology.elements.size(), 1u);
  const ElementDecl& decl = topology.elements[0];
  EXPECT_EQ(decl.name, "users");
  EXPECT_EQ(decl.class_name, "Counter");
  EXPECT_EQ(decl.class_pos.column, 16);
  EXPECT_EQ(decl.params.at("key").s, "user");
  ASSERT_TRUE(decl.shard.has_value());
  const ShardDecl& shard = *decl.shard;
  EXPECT_EQ(shard.pos.column, 10);
  EXPECT_EQ(shard.pos.file, kFile);
  EXPECT_EQ(shard.min_members, 1);
  EXPECT_EQ(shard.max_members, 8);
  EXPECT_EQ(shard.route, RouteKind::kHash);
  EXPECT_EQ(shard.route_key, "user");
  EXPECT_EQ(shard.merge, MergeKind::kSum);
  EXPECT_EQ(shard.key_groups, 256);
  EXPECT_EQ(shard.key_pos.at("members").column, 39);
  EXPECT_EQ(shard.value_pos.at("members").column, 48);
  EXPECT_EQ(shard.value_pos.at("members.max").column, 51);
  EXPECT_EQ(shard.key_pos.at("route").column, 54);
  EXPECT_EQ(shard.value_pos.at("route").column, 61);
  EXPECT_EQ(shard.value_pos.at("route.key").column, 66);
  EXPECT_EQ(shard.key_pos.at("merge").column, 73);
  EXPECT_EQ(shard.value_pos.at("merge").column, 80);
  EXPECT_EQ(shard.key_pos.at("key_groups").column, 85);
  EXPECT_EQ(shard.value_pos.at("key_groups").column, 97);
}

TEST(ShardParserTest, WithoutBracesOneMemberRoundRobin) {
  Topology topology = ParseOk("work :: shard Map(expr: \"a = 1\")\nw2 :: shard Map\n");
  ASSERT_EQ(topology.elements.size(), 2u);
  for (const ElementDecl& decl : topology.elements) {
    ASSERT_TRUE(decl.shard.has_value()) << decl.name;
    EXPECT_EQ(decl.class_name, "Map");
    EXPECT_EQ(decl.shard->min_members, 1);
    EXPECT_EQ(decl.shard->max_members, 1);
    EXPECT_EQ(decl.shard->route, RouteKind::kRoundRobin);
    EXPECT_EQ(decl.shard->merge, MergeKind::kFirst);
    EXPECT_EQ(decl.shard->key_groups, kDefaultKeyGroups);
    EXPECT_TRUE(decl.shard->key_pos.empty());
  }
}

TEST(ShardParserTest, OptionsSeparatedByNewlinesFixedCountAndEmptyBraces) {
  Topology topology = ParseOk(
      "work :: shard Map {\n"
      "  members: 3      # fixed\n"
      "  route: work_queue\n"
      "}\n"
      "b :: shard Map {}\n"
      "c :: shard Map { route: broadcast, merge: custom, }\n");
  ASSERT_EQ(topology.elements.size(), 3u);
  const ShardDecl& work = *topology.elements[0].shard;
  EXPECT_EQ(work.min_members, 3);
  EXPECT_EQ(work.max_members, 3);
  EXPECT_EQ(work.value_pos.at("members.max").line, 2);
  EXPECT_EQ(work.value_pos.at("members.max").column, 12);  // the count itself
  EXPECT_EQ(work.route, RouteKind::kWorkQueue);
  EXPECT_EQ(work.value_pos.at("route").line, 3);
  EXPECT_TRUE(topology.elements[1].shard->key_pos.empty());
  EXPECT_EQ(topology.elements[2].shard->route, RouteKind::kBroadcast);
  EXPECT_EQ(topology.elements[2].shard->merge, MergeKind::kCustom);
}

TEST(ShardParserTest, EveryRouteAndMergeName) {
  const std::vector<std::pair<std::string, RouteKind>> routes = {{"round_robin", RouteKind::kRoundRobin},
                                                                 {"hash(k)", RouteKind::kHash},
                                                                 {"hash(\"a-b\")", RouteKind::kHash},
                                                                 {"broadcast", RouteKind::kBroadcast},
                                                                 {"work_queue", RouteKind::kWorkQueue}};
  for (const auto& [text, kind] : routes) {
    Topology topology = ParseOk("s :: shard Map { route: " + text + " }\n");
    ASSERT_EQ(topology.elements.size(), 1u) << text;
    EXPECT_EQ(topology.elements[0].shard->route, kind) << text;
  }
  EXPECT_EQ(ParseOk("s :: shard Map { route: hash(\"a-b\") }\n").elements[0].shard->route_key, "a-b");
  const std::vector<std::pair<std::string, MergeKind>> merges = {
      {"first", MergeKind::kFirst}, {"sum", MergeKind::kSum}, {"union", MergeKind::kUnion},
      {"min", MergeKind::kMin},     {"max", MergeKind::kMax}, {"custom", MergeKind::kCustom}};
  for (const auto& [text, kind] : merges) {
    Topology topology = ParseOk("s :: shard Map { merge: " + text + " }\n");
    ASSERT_EQ(topology.elements.size(), 1u) << text;
    EXPECT_EQ(topology.elements[0].shard->merge, kind) << text;
  }
}

TEST(ShardParserTest, PlacementFollowsTheOptions) {
  Topology topology = ParseOk("s :: shard Map(expr: \"a = 1\") { members: 2 } @ node-2\nt :: shard Map @ n1\n");
  ASSERT_EQ(topology.elements.size(), 2u);
  EXPECT_EQ(topology.elements[0].node, "node-2");
  EXPECT_EQ(topology.elements[0].node_pos.column, 48);
  EXPECT_EQ(topology.elements[1].node, "n1");
}

TEST(ShardParserTest, ShardStaysANameElsewhere) {
  Topology topology = ParseOk(
      "shard :: Map\n"
      "s :: shard\n"        // a class named shard
      "t :: shard(x: 1)\n"  // the same, with parameters
      "u :: shard Map { route: hash(shard) }\n"
      "shard.out -> u.shard\n");
  ASSERT_EQ(topology.elements.size(), 4u);
  EXPECT_EQ(topology.elements[0].name, "shard");
  EXPECT_FALSE(topology.elements[0].shard.has_value());
  EXPECT_EQ(topology.elements[1].class_name, "shard");
  EXPECT_FALSE(topology.elements[1].shard.has_value());
  EXPECT_EQ(topology.elements[2].class_name, "shard");
  EXPECT_EQ(topology.elements[2].params.at("x").i, 1);
  EXPECT_EQ(topology.elements[3].shard->route_key, "shard");
  ASSERT_EQ(topology.connections.size(), 1u);
  EXPECT_EQ(topology.connections[0].to.port, "shard");
}

TEST(ShardParserTest, TextShowsTheOptionsOnOneLine) {
  Topology topology = ParseOk(
      "users :: shard Counter(key: \"user\") { members: 1..8, route: hash(user), merge: sum }\n"
      "work :: shard Map { members: 2, key_groups: 16 } @ n1\n"
      "one :: shard Map\n");
  ASSERT_EQ(topology.elements.size(), 3u);
  EXPECT_EQ(ShardDeclText(topology.elements[0]),
            "users :: shard Counter {members: 1..8, route: hash(user), merge: sum}");
  EXPECT_EQ(ShardDeclText(topology.elements[1]),
            "work :: shard Map {members: 2, route: round_robin, merge: first, key_groups: 16} @ n1");
  EXPECT_EQ(ShardDeclText(topology.elements[2]), "one :: shard Map {members: 1, route: round_robin, merge: first}");
}

// --- errors -------------------------------------------------------------------

TEST(ShardParserTest, UnknownOptionIsNamedWithTheValidOnes) {
  EXPECT_EQ(OnlyError("s :: shard Map { member: 2 }\n"),
            "1:18: unknown shard option 'member'; valid options: members, route, merge, key_groups; "
            "did you mean 'members'?");
}

TEST(ShardParserTest, UnknownRouteAndMergeNameTheChoices) {
  EXPECT_EQ(OnlyError("s :: shard Map { route: brodcast }\n"),
            "1:25: unknown route 'brodcast' (choose round_robin, hash, broadcast, work_queue); "
            "did you mean 'broadcast'?");
  EXPECT_EQ(OnlyError("s :: shard Map { merge: avg }\n"),
            "1:25: unknown merge 'avg' (choose first, sum, union, min, max, custom)");
}

TEST(ShardParserTest, HashNeedsItsFieldInParentheses) {
  EXPECT_EQ(OnlyError("s :: shard Map { route: hash }\n"),
            "1:30: expected '(' after 'hash' (hash(FIELD) names the field logs are routed by), found '}'");
  EXPECT_EQ(OnlyError("s :: shard Map { route: hash(3) }\n"),
            "1:30: expected the field logs are routed by, in hash(FIELD), found '3'");
  EXPECT_EQ(OnlyError("s :: shard Map { route: hash(\"\") }\n"), "1:30: the field of hash(FIELD) is empty");
  EXPECT_EQ(OnlyError("s :: shard Map { route: hash(a b) }\n"),
            "1:32: expected ')' after the field of hash(FIELD), found 'b'");
  EXPECT_EQ(OnlyError("s :: shard Map { route: broadcast(a) }\n"),
            "1:34: route 'broadcast' takes no field; only hash(FIELD) does");
}

TEST(ShardParserTest, MembersMustBeCounts) {
  EXPECT_EQ(OnlyError("s :: shard Map { members: 1.5 }\n"),
            "1:27: expected a member count (N or MIN..MAX) for 'members', found '1.5'");
  EXPECT_EQ(OnlyError("s :: shard Map { members: 1.. }\n"), "1:31: expected the most members after '..', found '}'");
  EXPECT_EQ(OnlyError("s :: shard Map { members: 1..99999999999 }\n"), "1:30: number 99999999999 is out of range here");
  EXPECT_EQ(OnlyError("s :: shard Map { key_groups: \"8\" }\n"),
            "1:30: expected a number of key groups for 'key_groups', found string \"8\"");
}

TEST(ShardParserTest, DuplicateOptionIsReportedAndTheFirstStands) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse("s :: shard Map { members: 2\n  members: 3 }\n", kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "shard.topo:2:3: error: duplicate shard option 'members' (first given at line 1, "
            "column 18)");
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].shard->min_members, 2);
}

TEST(ShardParserTest, SeparatorsAndClosingBrace) {
  EXPECT_EQ(OnlyError("s :: shard Map { members: 2 route: hash(a) }\n"),
            "1:29: expected ',', end of line or '}' after the value of 'members', found 'route'");
  EXPECT_EQ(OnlyError("s :: shard Map { members 2 }\n"), "1:26: expected ':' after shard option 'members', found '2'");
  EXPECT_EQ(OnlyError("s :: shard Map { 2 }\n"),
            "1:18: expected a shard option (members, route, merge or key_groups) or '}', found '2'");
  // A brace left open: the next statement is not swallowed.
  std::vector<Diagnostic> errors;
  Topology topology = Parse("s :: shard Map { members: 2\nt :: Map\n", kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(), "shard.topo:2:1: error: expected '}' to close the shard's options, found 't'");
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].name, "t");
}

TEST(ShardParserTest, PlacementBeforeTheOptionsIsExplained) {
  EXPECT_EQ(OnlyError("s :: shard Map @ n1 { members: 2 }\n"),
            "1:21: expected ';' or end of line after the placement of 's', found '{' (a shard's options come before "
            "its placement: 's :: shard Map(...) { ... } @ node')");
}

TEST(ShardParserTest, BracesOnAnElementPointToShard) {
  EXPECT_EQ(OnlyError("s :: Map(expr: \"a = 1\") { members: 2 }\n"),
            "1:25: expected '@', ';' or end of line after the parameters of 's', found '{' (options in braces "
            "declare a shard: 's :: shard Map(...) { ... }')");
}

TEST(ShardParserTest, AfterAnErrorTheNextStatementsStillParse) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(
      "s :: shard Map { route: nope,\n"
      "  members: 2 }\n"
      "src :: Sequence\n"
      "src -> s\n",
      kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pos.line, 1);
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].name, "src");
  EXPECT_EQ(topology.connections.size(), 1u);
  EXPECT_EQ(topology.names_in_broken_statements.count("s"), 1u);
}

}  // namespace
}  // namespace datablox::dsl
