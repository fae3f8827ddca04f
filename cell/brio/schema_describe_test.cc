#include "cell/brio/schema_describe.h"

#include <gtest/gtest.h>

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
            "    3) os : string  since 2\n");
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
