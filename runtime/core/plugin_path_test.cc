#include "runtime/core/plugin_path.h"

#include <gtest/gtest.h>

namespace datablox::plugin {
namespace {

using Names = std::vector<std::string>;

TEST(PluginPathTest, OnlyNameDotDataBloxDotSoIsAPlugin) {
  EXPECT_TRUE(IsPluginFileName("hello.datablox.so"));
  EXPECT_TRUE(IsPluginFileName("my.elements.datablox.so"));
  EXPECT_FALSE(IsPluginFileName(".datablox.so"));
  EXPECT_FALSE(IsPluginFileName("hello.so"));
  EXPECT_FALSE(IsPluginFileName("_datablox.cpython-311-x86_64-linux-gnu.so"));
  EXPECT_FALSE(IsPluginFileName("hello.datablox.so.1"));
  EXPECT_FALSE(IsPluginFileName("hello.datablox.so.partial"));
}

TEST(PluginPathTest, SplitDropsEmptyEntries) {
  EXPECT_EQ(SplitPathList(""), Names{});
  EXPECT_EQ(SplitPathList(":"), Names{});
  EXPECT_EQ(SplitPathList("/a"), Names{"/a"});
  EXPECT_EQ(SplitPathList("/a::b:"), (Names{"/a", "b"}));
  EXPECT_EQ(SplitPathList(":/x/y.datablox.so"), Names{"/x/y.datablox.so"});
}

TEST(PluginPathTest, TheVariableComesBeforeTheSearchPathEachEntryOnce) {
  EXPECT_EQ(PluginPath("/p:/t", {"/t", "/py", "/p"}), (Names{"/p", "/t", "/py"}));
  EXPECT_EQ(PluginPath("", {"/topology/folder"}), Names{"/topology/folder"});
  EXPECT_EQ(PluginPath("/only", {}), Names{"/only"});
  EXPECT_EQ(PluginPath("::", {"", "/t"}), Names{"/t"});
}

TEST(PluginPathTest, TheFlagsGoFirstInTheVariableAllAbsoluteEachOnce) {
  EXPECT_EQ(PluginPathVariable({"build/plugins", "/abs/x.datablox.so"}, "/p:rel:", "/work"),
            "/work/build/plugins:/abs/x.datablox.so:/p:/work/rel");
  EXPECT_EQ(PluginPathVariable({}, "", "/work"), "");
  EXPECT_EQ(PluginPathVariable({"/p/", "./q/../p"}, "/p", "/"), "/p");
  EXPECT_EQ(PluginPathVariable({"a:b"}, "", "/w"), "/w/a:/w/b");
}

TEST(PluginPathTest, AFolderLoadsItsPluginsSortedByNameAndNothingElse) {
  EXPECT_EQ(PluginsInFolder({"z.datablox.so", "enrich.py", "a.datablox.so", "_ext.cpython-311.so", "m.datablox.so"}),
            (Names{"a.datablox.so", "m.datablox.so", "z.datablox.so"}));
  EXPECT_EQ(PluginsInFolder({}), Names{});
  EXPECT_EQ(PluginsInFolder({"flow.topo", "out.jsonl"}), Names{});
}

}  // namespace
}  // namespace datablox::plugin
