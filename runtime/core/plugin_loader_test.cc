// The plugin loader against real files in a fresh folder: a folder's
// plugins, a file named directly, and files that are no plugin at all.
// (A plugin that loads is tested end to end: tests/e2e/test_installed_package.py
// builds one against the installed package.)
#include "runtime/core/plugin_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "datablox/element.h"

namespace datablox::plugin {
namespace {

namespace fs = std::filesystem;

class PluginLoaderTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/plugin_loader_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    folder_ = pattern;
  }
  void TearDown() override { fs::remove_all(folder_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (folder_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  fs::path folder_;
};

TEST_F(PluginLoaderTest, AFolderGivesItsPluginFilesSortedAndAbsolute) {
  std::string b = Write("b.datablox.so", "");
  std::string a = Write("a.datablox.so", "");
  Write("enrich.py", "");
  Write("a.so", "");
  EXPECT_EQ(FilesOf(folder_.string()), (std::vector<std::string>{a, b}));
}

TEST_F(PluginLoaderTest, AFileNamedDirectlyIsLoadedWhateverItsName) {
  std::string odd = Write("odd_name.so", "");
  EXPECT_EQ(FilesOf(odd), std::vector<std::string>{odd});
}

TEST_F(PluginLoaderTest, AMissingEntryGivesNothing) {
  EXPECT_TRUE(FilesOf((folder_ / "no_such_folder").string()).empty());
}

TEST_F(PluginLoaderTest, AFileThatIsNoSharedObjectIsAnErrorNamingIt) {
  std::string file = Write("broken.datablox.so", std::string(200, 'x'));  // longer than an ELF header
  Status st = Load(file);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind("plugin " + file + ": ", 0), 0u) << st.message();
  EXPECT_NE(st.message().find("invalid ELF header"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find(file, file.size() + 8), std::string::npos) << "the file named once: " << st.message();
}

// The global class table loads what is on its search path before a lookup, and
// an unknown class then says which plugin did not load.
TEST_F(PluginLoaderTest, AnUnknownClassNamesAPluginThatDidNotLoad) {
  std::string file = Write("broken.datablox.so", "not a plugin");
  ClassTable& classes = ClassTable::Global();
  classes.set_search_path({folder_.string()});
  EXPECT_EQ(classes.find("Hello"), nullptr);
  std::string why = classes.load_error("Hello");
  EXPECT_EQ(why.rfind("no class of that name, and a plugin did not load: plugin " + file + ": ", 0), 0u) << why;
  EXPECT_EQ(classes.plugin_errors().size(), 1u);

  // Another topology's folder: that broken plugin is no longer blamed.
  classes.set_search_path({(folder_ / "elsewhere").string()});
  EXPECT_EQ(classes.find("Hello"), nullptr);
  EXPECT_EQ(classes.load_error("Hello"), "");
  EXPECT_TRUE(classes.plugin_errors().empty());
}

}  // namespace
}  // namespace datablox::plugin
