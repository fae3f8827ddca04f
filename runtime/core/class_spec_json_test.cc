#include "runtime/core/class_spec_json.h"

#include <gtest/gtest.h>

namespace datablox {
namespace {

ClassSpec Example() {
  ClassSpec spec("py:shop.Tally", "counts per key");
  spec.describe("a longer text")
      .push_in("in", {{"zeta", ValueType::kString}, {"alpha", ValueType::kInt}}, true, "what it counts")
      .push_out("out", {{"count", ValueType::kInt}}, false)
      .query_in("query")
      .param_string("key", "the field to count by")
      .param_list("weights", {ParamValue::List({ParamValue::Int(1), ParamValue::Float(2.5)}), ParamValue::Bool(true)},
                  "nested")
      .param_expr("when", "true", "a condition")
      .handler("counts", "every count")
      .shardable(StateKind::kKeyed, "key")
      .merge([](const std::vector<const Log*>&, LogBuilder*) { return Status::OK(); })
      .serves_streams();
  return spec;
}

TEST(ClassSpecJson, RoundTripKeepsWhatTheCheckerReads) {
  ClassSpec original = Example();
  ClassSpec back;
  ASSERT_TRUE(ClassSpecFromJson(ClassSpecToJson(original), &back).ok());
  EXPECT_EQ(back.name, original.name);
  EXPECT_EQ(back.description, "a longer text");
  ASSERT_EQ(back.ports.size(), 3u);
  // Declared order, not the JSON object's sorted one.
  ASSERT_EQ(back.ports[0].schema.size(), 2u);
  EXPECT_EQ(back.ports[0].schema[0].name, "zeta");
  EXPECT_EQ(back.ports[0].schema[1].type, ValueType::kInt);
  EXPECT_FALSE(back.ports[1].required);
  EXPECT_EQ(back.ports[2].kind, PortKind::kQuery);
  ASSERT_EQ(back.params.size(), 3u);
  EXPECT_TRUE(back.params[0].required);
  EXPECT_EQ(back.params[1].default_value.ToString(), original.params[1].default_value.ToString());
  EXPECT_EQ(back.params[2].type, ParamType::kExpr);
  ASSERT_EQ(back.handlers.size(), 1u);
  EXPECT_TRUE(back.shard.shardable);
  EXPECT_EQ(back.shard.state, StateKind::kKeyed);
  EXPECT_EQ(back.shard.key_param, "key");
  EXPECT_TRUE(back.streams);
  // The merge is code: a decoded spec has one, and it refuses to run.
  ASSERT_TRUE(static_cast<bool>(back.shard.merge));
  EXPECT_FALSE(back.shard.merge({}, nullptr).ok());
  EXPECT_FALSE(static_cast<bool>(back.factory));
}

TEST(ClassSpecJson, RefusesMalformedSpecsNamingTheField) {
  nlohmann::json good = ClassSpecToJson(Example());
  auto why = [](nlohmann::json json) {
    ClassSpec spec;
    Status st = ClassSpecFromJson(json, &spec);
    return st.ok() ? std::string("accepted") : st.message();
  };
  EXPECT_NE(why(nlohmann::json::array()).find("must be an object"), std::string::npos);
  nlohmann::json no_ports = good;
  no_ports.erase("ports");
  EXPECT_NE(why(no_ports).find("'ports' is missing"), std::string::npos);
  nlohmann::json bad_kind = good;
  bad_kind["ports"][1]["kind"] = "pull";
  EXPECT_NE(why(bad_kind).find("port 2: 'kind' must be push or query"), std::string::npos);
  nlohmann::json bad_type = good;
  bad_type["ports"][0]["schema"]["alpha"] = "integer";
  EXPECT_NE(why(bad_type).find("field 'alpha' has no value type"), std::string::npos);
  nlohmann::json bad_param = good;
  bad_param["params"][2]["type"] = 7;
  EXPECT_NE(why(bad_param).find("parameter 3: 'type' must be string"), std::string::npos);
  nlohmann::json bad_default = good;
  bad_default["params"][1]["default_value"] = {{"int", "x"}};
  EXPECT_NE(why(bad_default).find("parameter 2: 'default_value'"), std::string::npos);
  nlohmann::json bad_state = good;
  bad_state["shard"]["state"] = "global";
  EXPECT_NE(why(bad_state).find("'state' must be stateless or keyed"), std::string::npos);
  nlohmann::json stray_order = good;
  stray_order["ports"][0]["field_order"] = {"nope"};
  EXPECT_NE(why(stray_order).find("field_order"), std::string::npos);
}

TEST(ClassSpecJson, RefusesDefaultsNestedTooDeep) {
  nlohmann::json value = {{"int", 1}};
  for (int i = 0; i <= kMaxParamListNesting + 1; ++i) value = {{"list", nlohmann::json::array({value})}};
  nlohmann::json json = ClassSpecToJson(Example());
  json["params"][1]["default_value"] = value;
  ClassSpec spec;
  Status st = ClassSpecFromJson(json, &spec);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nest"), std::string::npos);
}

}  // namespace
}  // namespace datablox
