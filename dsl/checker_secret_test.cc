// The checker and parser on secret parameters (issue 14 item 5): a secret is
// a string or env("NAME"), env(...) is for secrets only, and no error quotes
// a secret's value.
#include "dsl/checker_test_fixture.h"

namespace datablox::dsl {
namespace {

using namespace checker_testing;

constexpr const char* kSecret = "hunter2-not-for-eyes";

CheckOptions VaultOptions() {
  static const ClassSpec* vault = new ClassSpec(ClassSpec("Vault", "keeps a password")
                                                    .param_secret("password", "the password")
                                                    .param_string("user", "alice", "who")
                                                    .param_int("tries", 3, "how often"));
  CheckOptions options;
  options.find_class = [](std::string_view name) -> const ClassSpec* { return name == "Vault" ? vault : nullptr; };
  options.class_names = {"Vault"};
  return options;
}

TEST(CheckerSecretTest, ASecretIsAStringOrAnEnvironmentVariable) {
  Topology topology;
  std::vector<Diagnostic> errors =
      CheckText(std::string("a :: Vault(password: \"") + kSecret + "\")\nb :: Vault(password: env(\"DB_KEY\"))\n",
                &topology, VaultOptions());
  EXPECT_TRUE(errors.empty()) << AllText(errors);
  ASSERT_EQ(topology.elements.size(), 2u);
  EXPECT_EQ(topology.elements[0].params.at("password").s, kSecret);  // the plan keeps the real value
  EXPECT_EQ(topology.elements[1].params.at("password").kind, ParamValue::Kind::kEnv);
  EXPECT_EQ(topology.elements[1].params.at("password").s, "DB_KEY");
}

TEST(CheckerSecretTest, AnIllTypedSecretIsReportedWithoutItsValue) {
  const std::vector<Diagnostic> errors =
      CheckText(std::string("a :: Vault(password: [\"") + kSecret + "\"])\n", nullptr, VaultOptions());
  ASSERT_EQ(errors.size(), 1u) << AllText(errors);
  EXPECT_TRUE(IsError(errors[0], 1, 22, "must be a secret (a string or env(\"NAME\")), found list ***"));
  EXPECT_EQ(errors[0].ToString().find(kSecret), std::string::npos);
}

TEST(CheckerSecretTest, EnvIsForSecretsOnly) {
  EXPECT_TRUE(HasOneError("a :: Vault(password: \"x\", user: env(\"USER\"))\n", 1, 33,
                          "parameter 'user' of Vault for 'a' is string: env(...) is for secret parameters only",
                          VaultOptions()));
  EXPECT_TRUE(HasOneError("a :: Vault(password: \"x\", tries: env(\"TRIES\"))\n", 1, 34,
                          "env(...) is for secret parameters only", VaultOptions()));
}

TEST(CheckerSecretTest, EnvTakesOneVariableName) {
  for (const char* text : {"a :: Vault(password: env(\"1X\"))\n", "a :: Vault(password: env(\"A-B\"))\n",
                           "a :: Vault(password: env(\"\"))\n", "a :: Vault(password: env(DB_KEY))\n",
                           "a :: Vault(password: env(\"A\"\n"}) {
    std::vector<Diagnostic> errors;
    Parse(text, kFile, &errors);
    EXPECT_EQ(errors.size(), 1u) << text << AllText(errors);
  }
  std::vector<Diagnostic> errors;
  Parse("a :: Vault(password: env(\"1X\"))\n", kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(IsError(errors[0], 1, 26, "'1X' is no environment variable name"));
}

}  // namespace
}  // namespace datablox::dsl
