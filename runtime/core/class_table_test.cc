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

TEST(ClassTableTest, EmptyFoldersAreNeverOnTheSearchPath) {
  ClassTable classes;
  classes.add_search_path("");
  classes.add_search_path("/a");
  classes.add_search_path("/a");
  EXPECT_EQ(classes.search_path(), std::vector<std::string>{"/a"});
  classes.set_search_path({"/b", "", "/c"});
  EXPECT_EQ(classes.search_path(), (std::vector<std::string>{"/b", "/c"}));
}

TEST(ClassTableTest, ForgetLoadedReadsALoadedClassAgainAndKeepsBuiltIns) {
  ClassTable classes;
  classes.add(ClassSpec("Builtin", "stays"));
  int loads = 0;
  classes.set_loader("py:", [&loads](std::string_view, ClassSpec* spec) {
    ++loads;
    spec->summary = "version " + std::to_string(loads);
    return loads == 2 ? Status::Invalid("broken for a while") : Status::OK();
  });
  ASSERT_NE(classes.find("py:m.C"), nullptr);
  EXPECT_EQ(classes.find("py:m.C")->summary, "version 1");  // cached until forgotten
  EXPECT_EQ(loads, 1);

  classes.forget_loaded();
  EXPECT_EQ(classes.find("py:m.C"), nullptr);  // the second read fails...
  EXPECT_EQ(classes.load_error("py:m.C"), "broken for a while");
  classes.forget_loaded();  // ...and its error is forgotten too
  EXPECT_EQ(classes.load_error("py:m.C"), "");
  ASSERT_NE(classes.find("py:m.C"), nullptr);
  EXPECT_EQ(classes.find("py:m.C")->summary, "version 3");
  ASSERT_NE(classes.find("Builtin"), nullptr);
}

TEST(ClassTableTest, ADuplicateClassNameIsRefusedAndTheNameUnusable) {
  ClassTable classes;
  EXPECT_TRUE(classes.add(ClassSpec("Hello", "the first")).ok());
  Status st = classes.add(ClassSpec("Hello", "the second"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "class 'Hello' is registered twice: built in, and built in");
  // Neither one is handed out: which one a topology got would be luck.
  EXPECT_EQ(classes.find("Hello"), nullptr);
  EXPECT_EQ(classes.load_error("Hello"), st.message());
  EXPECT_TRUE(classes.all().empty());
  // A third says so too, and other names are untouched.
  EXPECT_FALSE(classes.add(ClassSpec("Hello", "the third")).ok());
  EXPECT_TRUE(classes.add(ClassSpec("Other", "")).ok());
  ASSERT_NE(classes.find("Other"), nullptr);
  EXPECT_EQ(classes.find("Other")->name, "Other");
}

TEST(ClassTableTest, AnUnknownClassHasNoLoadErrorWhenEveryPluginLoaded) {
  ClassTable classes;
  EXPECT_EQ(classes.find("Nope"), nullptr);
  EXPECT_EQ(classes.load_error("Nope"), "");
  EXPECT_TRUE(classes.plugin_errors().empty());
}

}  // namespace
}  // namespace datablox
