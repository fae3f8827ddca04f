#include "runtime/core/class_folders.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace datablox {
namespace {

namespace fs = std::filesystem;

class ClassFoldersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("class-folders-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "allowed" / "sub");
    fs::create_directories(root_ / "other");
    fs::create_directories(root_ / "allowed-not");
    fs::create_symlink(root_ / "other", root_ / "allowed" / "escape");
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string At(const std::string& relative) const { return (root_ / relative).string(); }
  fs::path root_;
};

TEST_F(ClassFoldersTest, AllowsAFolderAndWhatLiesInsideIt) {
  ClassFolders folders({At("allowed") + "/"});
  EXPECT_TRUE(folders.Allows(At("allowed")));
  EXPECT_TRUE(folders.Allows(At("allowed/sub")));
  EXPECT_FALSE(folders.Allows(At("other")));
  // A shared prefix is not a subfolder.
  EXPECT_FALSE(folders.Allows(At("allowed-not")));
  EXPECT_FALSE(folders.Allows(""));
}

TEST_F(ClassFoldersTest, DotDotAndSymlinksCannotLeaveAnAllowedFolder) {
  ClassFolders folders({At("allowed")});
  EXPECT_FALSE(folders.Allows(At("allowed/../other")));
  EXPECT_FALSE(folders.Allows(At("allowed/escape")));
  EXPECT_TRUE(folders.Allows(At("allowed/sub/../sub")));
}

TEST_F(ClassFoldersTest, NothingIsAllowedByDefault) {
  ClassFolders folders;
  std::vector<std::string> refused;
  EXPECT_TRUE(folders.SearchPath({At("allowed"), "/"}, &refused).empty());
  EXPECT_EQ(refused.size(), 2u);
  EXPECT_EQ(folders.Describe(), "none");
}

TEST_F(ClassFoldersTest, SearchPathKeepsTheAllowedInOrderAndNamesTheRest) {
  ClassFolders folders({At("other"), At("allowed")});
  std::vector<std::string> refused;
  std::vector<std::string> kept = folders.SearchPath({At("allowed/sub"), At("allowed-not"), At("other")}, &refused);
  EXPECT_EQ(kept, (std::vector<std::string>{At("allowed/sub"), At("other")}));
  EXPECT_EQ(refused, std::vector<std::string>{At("allowed-not")});
  std::string note = RefusedFoldersNote(refused, folders);
  EXPECT_NE(note.find(At("allowed-not")), std::string::npos);
  EXPECT_NE(note.find("--class-path"), std::string::npos);
}

TEST_F(ClassFoldersTest, ReadsFlagsThenTheEnvironment) {
  ::setenv(kClassPathVariable, (At("other") + "::" + At("allowed")).c_str(), 1);
  ::unsetenv("DATABLOX_PYTHONPATH");
  ClassFolders folders = ClassFolders::FromFlagsAndEnvironment({At("allowed/sub")});
  ::unsetenv(kClassPathVariable);
  ASSERT_EQ(folders.allowed().size(), 3u);
  EXPECT_EQ(folders.allowed()[0], At("allowed/sub"));
  EXPECT_TRUE(folders.Allows(At("other")));
}

}  // namespace
}  // namespace datablox
