#include "runtime/master/class_inspector.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "runtime/core/class_spec_json.h"

namespace datablox::master {
namespace {

namespace fs = std::filesystem;

// A stand-in for `datablox inspect-classes`: a shell script.
class FakeInspector : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("inspector-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  InspectorOptions Script(const std::string& body, double timeout_s = 5) {
    std::string path = (dir_ / "inspector.sh").string();
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
    InspectorOptions options;
    options.executable = path;
    options.timeout_s = timeout_s;
    return options;
  }
  fs::path dir_;
};

std::string AnswerFor(const std::string& name) {
  ClassSpec spec(name, "a user class");
  spec.push_in("in").push_out("out").param_int("n", 3, "how many");
  nlohmann::json answer = {{"classes", {{name, ClassSpecToJson(spec)}}},
                           {"errors", {{"py:broken.X", "SyntaxError: invalid syntax (broken.py, line 2)"}}},
                           {"unknown", nlohmann::json::array()},
                           {"names", {name}}};
  return answer.dump();
}

TEST_F(FakeInspector, HandsBackTheDeclarationsAndTheErrors) {
  ClassInspector inspector(Script("cat <<'EOF'\n" + AnswerFor("py:shop.Tally") + "\nEOF"));
  InspectedClasses classes;
  ASSERT_TRUE(inspector.Inspect({"py:shop.Tally", "py:broken.X"}, {"/nowhere"}, &classes).ok());
  const ClassSpec* spec = classes.find("py:shop.Tally");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->params.at(0).default_value.i, 3);
  EXPECT_EQ(classes.find("py:broken.X"), nullptr);
  EXPECT_NE(classes.load_error("py:broken.X").find("SyntaxError"), std::string::npos);
  // Neither inspected nor built in: unknown, with no load error.
  EXPECT_EQ(classes.find("py:never.Asked"), nullptr);
  EXPECT_EQ(classes.load_error("py:never.Asked"), "");
}

TEST_F(FakeInspector, PassesTheFoldersAndTheNames) {
  ClassInspector inspector(Script("echo \"$@\" >&2; exit 3"));
  InspectedClasses classes;
  Status st = inspector.Inspect({"py:a.B"}, {"/srv/classes"}, &classes);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("exit 3"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("inspect-classes --class-path /srv/classes -- py:a.B"), std::string::npos)
      << st.message();
}

TEST_F(FakeInspector, AHangingImportIsKilledAtTheDeadline) {
  // The script's child keeps the pipe open: the whole group must go.
  ClassInspector inspector(Script("sleep 60 & sleep 60", 0.3));
  InspectedClasses classes;
  auto start = std::chrono::steady_clock::now();
  Status st = inspector.Inspect({"py:slow.X"}, {}, &classes);
  EXPECT_EQ(st.code(), Status::Code::kTimeout) << st.message();
  EXPECT_NE(st.message().find("longer than 0.3 s"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST_F(FakeInspector, ACrashOrGarbageIsAnErrorNotACrash) {
  InspectedClasses classes;
  Status crashed = ClassInspector(Script("echo dying >&2; kill -SEGV $$")).Inspect({"py:a.B"}, {}, &classes);
  EXPECT_NE(crashed.message().find("killed by signal 11"), std::string::npos) << crashed.message();
  EXPECT_NE(crashed.message().find("dying"), std::string::npos) << crashed.message();
  Status garbage = ClassInspector(Script("echo '{\"classes\": [1'")).Inspect({"py:a.B"}, {}, &classes);
  EXPECT_NE(garbage.message().find("printed no JSON"), std::string::npos) << garbage.message();
  Status shapeless = ClassInspector(Script("echo '[]'")).Inspect({"py:a.B"}, {}, &classes);
  EXPECT_NE(shapeless.message().find("no classes"), std::string::npos) << shapeless.message();
  Status missing = ClassInspector(InspectorOptions{(dir_ / "absent").string()}).Inspect({"py:a.B"}, {}, &classes);
  EXPECT_FALSE(missing.ok());
}

TEST(InspectorOutput, AMalformedDeclarationIsThatClassesError) {
  nlohmann::json answer = {{"classes", {{"py:a.B", {{"class", "py:a.B"}}}}}, {"errors", nlohmann::json::object()}};
  InspectedClasses classes;
  ASSERT_TRUE(ParseInspectorOutput(answer.dump(), &classes).ok());
  EXPECT_EQ(classes.find("py:a.B"), nullptr);
  EXPECT_NE(classes.load_error("py:a.B").find("'ports' is missing"), std::string::npos);
  std::string deep(10000, '[');
  EXPECT_FALSE(ParseInspectorOutput(deep, &classes).ok());
}

}  // namespace
}  // namespace datablox::master
