#include "cell/brio/schema_describe.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cell/brio/schema_test_util.h"

namespace datablox::brio {
namespace {

constexpr const char* kSchema = R"(schema unity {
  version: 2
  root) user : User
  structure User {
    0) id : string key
    1) sessions : vector[Session]
    2) traits : map[string, long]
    3) os : string since 2
  }
  structure Session { 0) start : long ordinal  1) events : vector[Event]  2) place : Place }
  structure Event { 0) ts : long ordinal  1) tags : vector[string] }
  structure Place { 0) city : string }
  structure Spare { 0) x : byte }
}
)";

Schema Parsed() {
  std::vector<std::string> errors;
  Schema schema = testing::ParseClean(kSchema, &errors);
  EXPECT_EQ(errors, std::vector<std::string>{});
  return schema;
}

TEST(SchemaDescribe, TheTreeIndentsEachLevelWithTypesAndMarks) {
  EXPECT_EQ(SchemaTreeText(Parsed()),
            "schema unity, version 2\n"
            "user : User\n"
            "    0) id : string  key\n"
            "    1) sessions : vector[Session]\n"
            "        0) start : long  ordinal\n"
            "        1) events : vector[Event]\n"
            "            0) ts : long  ordinal\n"
            "            1) tags : vector[string]\n"
            "        2) place : Place\n"
            "            0) city : string\n"
            "    2) traits : map[string, long]\n"
            "    3) os : string  since 2\n"
            "not reached from the root: Spare\n");
}

TEST(SchemaDescribe, TheJsonTreeNestsStructuresAndListsTheUnusedOnes) {
  const nlohmann::json tree = nlohmann::json::parse(SchemaTreeJson(Parsed()));
  EXPECT_EQ(tree["schema"], "unity");
  EXPECT_EQ(tree["version"], 2);
  EXPECT_EQ(tree["root"]["name"], "user");
  EXPECT_EQ(tree["root"]["structure"], "User");
  const nlohmann::json& id = tree["root"]["fields"][0];
  EXPECT_EQ(id, (nlohmann::json{{"ordinal", 0},
                                {"name", "id"},
                                {"kind", "scalar"},
                                {"type", "string"},
                                {"key", true},
                                {"ordering", false},
                                {"since", 1}}));
  const nlohmann::json& sessions = tree["root"]["fields"][1];
  EXPECT_EQ(sessions["kind"], "reference_vector");
  EXPECT_EQ(sessions["structure"]["name"], "Session");
  EXPECT_EQ(sessions["structure"]["fields"][1]["structure"]["fields"][0]["ordering"], true);
  EXPECT_EQ(sessions["structure"]["fields"][2]["kind"], "reference");
  EXPECT_EQ(tree["root"]["fields"][2]["kind"], "scalar_map");
  EXPECT_EQ(tree["root"]["fields"][3]["since"], 2);
  EXPECT_EQ(tree["unused"], nlohmann::json::array({"Spare"}));
}

TEST(SchemaDescribe, ACyclicSchemaBuiltInCodeStopsAtTheDepthLimit) {
  Schema schema;
  schema.name = "loop";
  schema.root_name = "l";
  schema.root_structure = 0;
  Field self;
  self.name = "self";
  self.kind = FieldKind::kReference;
  self.structure = "Loop";
  self.structure_index = 0;
  schema.structures = {Structure{"Loop", {self}, {}}};
  const std::string text = SchemaTreeText(schema);
  EXPECT_NE(text.find("... (deeper than 32 levels)"), std::string::npos);
  EXPECT_NO_THROW(nlohmann::json::parse(SchemaTreeJson(schema)));
}

// Checked and fine (a tree of structures, 32 levels), but two relations to
// each next level would print 2^32 lines.
TEST(SchemaDescribe, AWideTreeStopsAfterTenThousandRelations) {
  std::string text = "schema wide { version: 1 root) r : L0\n";
  for (int level = 0; level < 32; ++level) {
    const std::string next = "L" + std::to_string(level + 1);
    text += "structure L" + std::to_string(level) + " { 0) a : " + next + "  1) b : " + next + " }\n";
  }
  text += "structure L32 { 0) x : long } }\n";
  std::vector<std::string> errors;
  const Schema schema = testing::ParseClean(text, &errors);
  ASSERT_EQ(errors, std::vector<std::string>{});
  const std::string tree = SchemaTreeText(schema);
  EXPECT_EQ(std::count(tree.begin(), tree.end(), '\n'), 2 + 9999 + 1);
  EXPECT_NE(tree.find("... (more than 10000 relations: the rest is not shown)\n"), std::string::npos);
  // (Not parsed back here: 25 MB of indented JSON is slow at -O0.)
  const std::string json = SchemaTreeJson(schema);
  EXPECT_NE(json.find("\n  \"truncated\": true"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(SchemaTreeJson(Parsed()))["truncated"], false);
}

TEST(SchemaDescribe, TheSourceTextIsTheLanguage) {
  EXPECT_EQ(SchemaSourceText(Parsed()),
            "schema unity {\n"
            "  version: 2\n"
            "  root) user : User\n"
            "  structure User {\n"
            "    0) id : string key\n"
            "    1) sessions : vector[Session]\n"
            "    2) traits : map[string, long]\n"
            "    3) os : string since 2\n"
            "  }\n"
            "  structure Session {\n"
            "    0) start : long ordinal\n"
            "    1) events : vector[Event]\n"
            "    2) place : Place\n"
            "  }\n"
            "  structure Event {\n"
            "    0) ts : long ordinal\n"
            "    1) tags : vector[string]\n"
            "  }\n"
            "  structure Place {\n"
            "    0) city : string\n"
            "  }\n"
            "  structure Spare {\n"
            "    0) x : byte\n"
            "  }\n"
            "}\n");
}

}  // namespace
}  // namespace datablox::brio
