// Secret parameters (issue 14 item 5): shown masked by every display path,
// read by the element as the string it is, and read from the element's own
// environment when written env("NAME").
#include <gtest/gtest.h>
#include <stdlib.h>

#include "datablox/params.h"
#include "runtime/core/class_spec_json.h"
#include "runtime/core/element_plan.h"

namespace datablox {
namespace {

using control::Json;

constexpr const char* kSecret = "hunter2-not-for-eyes";
constexpr const char* kVariable = "DATABLOX_SECRET_PARAMS_TEST";

ClassSpec Vault() {
  return ClassSpec("Vault", "keeps a password")
      .param_secret("password", "required")
      .param_secret("token", ParamValue::String(kSecret), "optional, with a default")
      .param_secret("from_env", ParamValue::Env(kVariable), "optional, from the environment")
      .param_string("user", "alice", "an ordinary string");
}

TEST(SecretParamsTest, DisplayValueMasksASecretAndNothingElse) {
  const ClassSpec spec = Vault();
  EXPECT_EQ(DisplayValue(spec.find_param("password"), ParamValue::String(kSecret)), kMaskedValue);
  EXPECT_EQ(DisplayValue(spec.find_param("user"), ParamValue::String("bob")), "\"bob\"");
  EXPECT_EQ(DisplayValue(nullptr, ParamValue::Int(3)), "3");
  // The variable's name is where the secret is, not the secret.
  EXPECT_EQ(DisplayValue(spec.find_param("password"), ParamValue::Env("DB_KEY")), "env(\"DB_KEY\")");
}

TEST(SecretParamsTest, DisplayParamJsonMasksWhatParamToJsonKeeps) {
  const ClassSpec spec = Vault();
  EXPECT_EQ(control::DisplayParamJson(spec.find_param("password"), ParamValue::String(kSecret)),
            Json({{"secret", "***"}}));
  EXPECT_EQ(control::DisplayParamJson(spec.find_param("user"), ParamValue::String("bob")), Json({{"string", "bob"}}));
  // The plan that travels to the element host keeps the real value.
  EXPECT_EQ(control::ParamToJson(ParamValue::String(kSecret)), Json({{"string", kSecret}}));
}

TEST(SecretParamsTest, AnEnvValueTravelsInThePlanAsTheVariablesName) {
  Json json = control::ParamToJson(ParamValue::Env("DB_KEY"));
  EXPECT_EQ(json, Json({{"env", "DB_KEY"}}));
  ParamValue back;
  ASSERT_TRUE(control::ParamFromJson(json, &back).ok());
  EXPECT_EQ(back.kind, ParamValue::Kind::kEnv);
  EXPECT_EQ(back.s, "DB_KEY");
  EXPECT_FALSE(control::ParamFromJson(Json({{"env", 3}}), &back).ok());
}

TEST(SecretParamsTest, DescribeShowsTheTypeAndMasksTheDefault) {
  Json json = ClassSpecToJson(Vault());
  ASSERT_EQ(json["params"][1]["name"], "token");
  EXPECT_EQ(json["params"][1]["type"], "secret");
  EXPECT_EQ(json["params"][1]["default"], "***");
  EXPECT_EQ(json["params"][2]["default"], "env(\"DATABLOX_SECRET_PARAMS_TEST\")");
  // The inspector's hand-over keeps the typed default (describe drops it) and reads back.
  ClassSpec back;
  Status st = ClassSpecFromJson(json, &back);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(back.find_param("token")->type, ParamType::kSecret);
  EXPECT_EQ(back.find_param("token")->default_value.s, kSecret);
}

TEST(SecretParamsTest, AnElementReadsASecretAsAString) {
  ::setenv(kVariable, "from-the-environment", 1);
  Params params;
  Status st = Params::Resolve(Vault(), {{"password", ParamValue::String(kSecret)}}, &params);
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::string password, token, from_env;
  ASSERT_TRUE(params.read("password", password).read("token", token).read("from_env", from_env).status().ok());
  EXPECT_EQ(password, kSecret);
  EXPECT_EQ(token, kSecret);
  EXPECT_EQ(from_env, "from-the-environment");
  ::unsetenv(kVariable);
}

TEST(SecretParamsTest, AMissingVariableIsAClearErrorThatNamesIt) {
  ::unsetenv(kVariable);
  Params params;
  Status st = Params::Resolve(Vault(), {{"password", ParamValue::Env(kVariable)}}, &params);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("parameter 'password' of Vault: environment variable DATABLOX_SECRET_PARAMS_TEST is "
                              "not set where the element runs"),
            std::string::npos)
      << st.message();
}

TEST(SecretParamsTest, ResolveErrorsNeverQuoteASecret) {
  Params params;
  std::vector<ParamValue> wrong = {ParamValue::String(kSecret)};
  Status st = Params::Resolve(Vault(), {{"password", ParamValue::List(wrong)}}, &params);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("parameter 'password' of Vault must be secret, not ***"), std::string::npos)
      << st.message();
  EXPECT_EQ(st.message().find(kSecret), std::string::npos) << st.message();
}

TEST(SecretParamsTest, EnvIsRefusedForAnOrdinaryParameter) {
  Params params;
  Status st =
      Params::Resolve(Vault(), {{"password", ParamValue::String("x")}, {"user", ParamValue::Env("HOME")}}, &params);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("parameter 'user' of Vault must be string"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace datablox
