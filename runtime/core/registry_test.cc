#include <gtest/gtest.h>
#include <unistd.h>

#include "datablox/element.h"

namespace datablox {
namespace {

TEST(ClassSearchPathTest, ABareFileNameGivesTheWorkingDirectoryNotAnEmptyEntry) {
  const std::vector<std::string> path = ClassSearchPath("flow.topo");
  ASSERT_FALSE(path.empty());
  for (const std::string& folder : path) {
    EXPECT_FALSE(folder.empty());
    EXPECT_EQ(folder.front(), '/');
  }
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(path[0], cwd);
}

TEST(ClassSearchPathTest, ARelativeFileGivesItsAbsoluteFolder) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(ClassSearchPath("sub/dir/../flow.topo")[0], std::string(cwd) + "/sub");
  EXPECT_EQ(ClassSearchPath("/srv/t/flow.topo")[0], "/srv/t");
}

TEST(RegistryTest, EmptyFoldersAreNeverOnTheSearchPath) {
  Registry registry;
  registry.add_search_path("");
  registry.add_search_path("/a");
  registry.add_search_path("/a");
  EXPECT_EQ(registry.search_path(), std::vector<std::string>{"/a"});
  registry.set_search_path({"/b", "", "/c"});
  EXPECT_EQ(registry.search_path(), (std::vector<std::string>{"/b", "/c"}));
}

TEST(RegistryTest, ForgetLoadedReadsALoadedClassAgainAndKeepsBuiltIns) {
  Registry registry;
  registry.add(ClassSpec("Builtin", "stays"));
  int loads = 0;
  registry.set_loader("py:", [&loads](std::string_view, ClassSpec* spec) {
    ++loads;
    spec->summary = "version " + std::to_string(loads);
    return loads == 2 ? Status::Invalid("broken for a while") : Status::OK();
  });
  ASSERT_NE(registry.find("py:m.C"), nullptr);
  EXPECT_EQ(registry.find("py:m.C")->summary, "version 1");  // cached until forgotten
  EXPECT_EQ(loads, 1);

  registry.forget_loaded();
  EXPECT_EQ(registry.find("py:m.C"), nullptr);  // the second read fails...
  EXPECT_EQ(registry.load_error("py:m.C"), "broken for a while");
  registry.forget_loaded();  // ...and its error is forgotten too
  EXPECT_EQ(registry.load_error("py:m.C"), "");
  ASSERT_NE(registry.find("py:m.C"), nullptr);
  EXPECT_EQ(registry.find("py:m.C")->summary, "version 3");
  ASSERT_NE(registry.find("Builtin"), nullptr);
}

TEST(RegistryTest, ADuplicateClassNameIsRefusedAndTheNameUnusable) {
  Registry registry;
  EXPECT_TRUE(registry.add(ClassSpec("Hello", "the first")).ok());
  Status st = registry.add(ClassSpec("Hello", "the second"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "class 'Hello' is registered twice: built in, and built in");
  // Neither one is handed out: which one a topology got would be luck.
  EXPECT_EQ(registry.find("Hello"), nullptr);
  EXPECT_EQ(registry.load_error("Hello"), st.message());
  EXPECT_TRUE(registry.all().empty());
  // A third says so too, and other names are untouched.
  EXPECT_FALSE(registry.add(ClassSpec("Hello", "the third")).ok());
  EXPECT_TRUE(registry.add(ClassSpec("Other", "")).ok());
  ASSERT_NE(registry.find("Other"), nullptr);
  EXPECT_EQ(registry.find("Other")->name, "Other");
}

TEST(RegistryTest, AnUnknownClassHasNoLoadErrorWhenEveryPluginLoaded) {
  Registry registry;
  EXPECT_EQ(registry.find("Nope"), nullptr);
  EXPECT_EQ(registry.load_error("Nope"), "");
  EXPECT_TRUE(registry.plugin_errors().empty());
}

}  // namespace
}  // namespace datablox
