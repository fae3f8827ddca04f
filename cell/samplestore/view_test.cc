#include "cell/samplestore/view.h"

#include <gtest/gtest.h>

#include "cell/samplestore/loaded_view.h"
#include "cell/samplestore/test_dir.h"

namespace datablox::samplestore {
namespace {

std::vector<std::string> Errors(const std::string& text, ViewDefinition* view = nullptr) {
  ViewDefinition scratch;
  std::vector<ViewError> errors;
  ParseView(text, "dir/v.view.toml", view ? view : &scratch, &errors);
  std::vector<std::string> out;
  for (const ViewError& e : errors) out.push_back(e.ToString());
  return out;
}

TEST(ViewTest, FlatViewReadsEveryProperty) {
  ViewDefinition view;
  // Properties come before the tables (after one, a key is the table's).
  const std::string ordered =
      "loci.replication = 2\nloci.rangeBytes = 1048576\njson.rootVersion = 1\nstream.skipIndex = true\n"
      "max_item_bytes = 4096\nfiles = [\"*.jsonl.gz\"]\n" +
      std::string(kFlatView);
  EXPECT_TRUE(Errors(ordered, &view).empty());
  EXPECT_EQ(view.name, "v");
  EXPECT_EQ(view.schema_path, "dir/unity.brio");
  EXPECT_EQ(view.location, "dir/data");
  EXPECT_EQ(view.shape, ViewShape::kFlat);
  EXPECT_EQ(view.load_concurrency, 2);
  EXPECT_EQ(view.loci_replication, 2);
  EXPECT_EQ(view.loci_range_bytes, 1048576u);
  EXPECT_EQ(view.json_root_version, 1);
  EXPECT_TRUE(view.stream_skip_index);
  EXPECT_EQ(view.max_item_bytes, 4096u);
  EXPECT_EQ(view.files, std::vector<std::string>{"*.jsonl.gz"});
  ASSERT_EQ(view.grouping.levels.size(), 3u);
  // Fields sorted by name: the same file groups the same way.
  ASSERT_EQ(view.grouping.levels[0].fields.size(), 3u);
  EXPECT_EQ(view.grouping.levels[0].fields[0].field, "country");
  EXPECT_EQ(view.grouping.levels[0].fields[1].row_field, "user");
  EXPECT_EQ(view.grouping.levels[0].keys, std::vector<std::string>{"id"});
  EXPECT_EQ(view.grouping.levels[1].child, "events");
  EXPECT_TRUE(view.grouping.levels[2].keys.empty());
}

TEST(ViewTest, NestedViewNeedsNoLevels) {
  ViewDefinition view;
  EXPECT_TRUE(Errors("schema = \"/s.brio\"\nshape = \"nested\"\nlocation = \"/data\"\n", &view).empty());
  EXPECT_EQ(view.shape, ViewShape::kNested);
  EXPECT_EQ(view.schema_path, "/s.brio");
  EXPECT_EQ(view.files, (std::vector<std::string>{"*.jsonl", "*.jsonl.gz"}));
}

TEST(ViewTest, EveryErrorIsReportedAtItsPositionInOneRun) {
  EXPECT_EQ(
      Errors("schema = 3\n"
             "shape = \"tree\"\n"
             "location = \"d\"\n"
             "load.concurrency = 0\n"
             "loci.copies = 2\n"
             "stream.skipIndex = \"yes\"\n"
             "colour = \"red\"\n"),
      (std::vector<std::string>{
          "dir/v.view.toml:1:10: error: 'schema' must be a string",
          "dir/v.view.toml:2:9: error: shape must be \"nested\" or \"flat\", not \"tree\"",
          "dir/v.view.toml:4:20: error: 'load.concurrency' must be in 1..256, not 0",
          "dir/v.view.toml:5:15: error: unknown property 'loci.copies' (known: loci.replication, loci.rangeBytes)",
          "dir/v.view.toml:6:20: error: 'stream.skipIndex' must be true or false",
          "dir/v.view.toml:7:10: error: unknown key 'colour' (known: schema, shape, location, files, "
          "max_item_bytes, load.concurrency, loci.replication, loci.rangeBytes, json.rootVersion, stream.skipIndex, "
          "level)",
      }));
}

TEST(ViewTest, MissingKeysAreReportedAtTheTop) {
  EXPECT_EQ(Errors("files = []\n"), (std::vector<std::string>{
                                        "dir/v.view.toml:1:1: error: no 'schema': the .brio file the view presses with",
                                        "dir/v.view.toml:1:1: error: no 'location': the dataset's folder",
                                        "dir/v.view.toml:1:1: error: no 'shape': \"nested\" or \"flat\"",
                                        "dir/v.view.toml:1:9: error: 'files' needs at least one glob",
                                    }));
}

TEST(ViewTest, FlatViewWithoutLevelsAndNestedViewWithLevelsAreErrors) {
  EXPECT_EQ(Errors("schema = \"s\"\nshape = \"flat\"\nlocation = \"d\"\n"),
            std::vector<std::string>{
                "dir/v.view.toml:1:1: error: a flat view needs its [[level]] tables, from the root down"});
  std::vector<std::string> nested =
      Errors("schema = \"s\"\nshape = \"nested\"\nlocation = \"d\"\n[[level]]\nkeys = []\n");
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_NE(nested[0].find("[[level]] is for flat views"), std::string::npos) << nested[0];
}

TEST(ViewTest, ATomlSyntaxErrorHasItsPosition) {
  std::vector<std::string> errors = Errors("schema = \"s\"\nshape = = 2\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("dir/v.view.toml:2:", 0), 0u) << errors[0];
  EXPECT_NE(errors[0].find("TOML: "), std::string::npos) << errors[0];
}

TEST(ViewTest, NestingPastTheLimitIsRefusedBeforeTheTomlParserRecurses) {
  EXPECT_EQ(Errors("files = " + std::string(100000, '[')),
            std::vector<std::string>{"dir/v.view.toml:1:25: error: nested deeper than 16 levels"});
  // Brackets in strings and comments are not nesting.
  EXPECT_TRUE(Errors("schema = \"" + std::string(40, '[') + "\"  # " + std::string(40, '{') +
                     "\nshape = \"nested\"\nlocation = 'd[[[[[[[[[[[[[[[[[[[['\n")
                  .empty());
}

TEST(ViewTest, LoadedViewChecksTheGroupingAgainstTheSchema) {
  TestDir dir;
  dir.Write("unity.brio", kUnitySchema);
  std::string bad = kFlatView;
  bad.replace(bad.find("child = \"sessions\""), 18, "child = \"visits\"  ");
  bad.replace(0, 0, "json.rootVersion = 3\n");
  const std::string path = dir.Write("bad.view.toml", bad);
  std::unique_ptr<LoadedView> loaded;
  std::vector<ViewError> errors;
  LoadedView::Load(path, &loaded, &errors);
  EXPECT_FALSE(loaded);
  ASSERT_GE(errors.size(), 2u);
  EXPECT_EQ(errors[0].ToString(), path + ":1:20: error: json.rootVersion 3 is above the schema's version 1");
  EXPECT_EQ(errors[1].line, 7);  // the first [[level]]
  EXPECT_NE(errors[1].message.find("visits"), std::string::npos) << errors[1].message;
}

TEST(ViewTest, LoadedViewReportsTheSchemasErrorsInTheSchemaFile) {
  TestDir dir;
  dir.Write("unity.brio", "schema broken {\n  version: 1\n  root) user : Nobody\n}\n");
  const std::string path = dir.Write("v.view.toml", kFlatView);
  std::vector<ViewError> errors;
  std::unique_ptr<LoadedView> loaded;
  LoadedView::Load(path, &loaded, &errors);
  ASSERT_GE(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 1);
  EXPECT_EQ(errors[0].column, 10);
  EXPECT_EQ(errors[1].file, dir.path() + "/unity.brio");
  EXPECT_EQ(errors[1].line, 3);
}

TEST(ViewTest, AViewFileThatCannotBeReadOrIsTooLargeIsAnErrorNamingIt) {
  TestDir dir;
  std::vector<ViewError> errors;
  ViewDefinition view;
  ReadView(dir.path(), &view, &errors);  // a folder
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, dir.path());
  EXPECT_NE(errors[0].message.find("cannot read"), std::string::npos) << errors[0].message;

  const std::string big = dir.Write("big.view.toml", std::string(kMaxViewBytes + 10, '#'));
  errors.clear();
  ReadView(big, &view, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("not a view file"), std::string::npos) << errors[0].message;
  EXPECT_GT(errors[0].line, 0);
}

TEST(ViewTest, ViewNamesArePlainFileNames) {
  std::string path;
  EXPECT_TRUE(ViewPath("/views", "events", &path).ok());
  EXPECT_EQ(path, "/views/events.view.toml");
  for (const char* bad : {"", ".", "..", "../etc", "a/b"}) EXPECT_FALSE(ViewPath("/views", bad, &path).ok()) << bad;
}

}  // namespace
}  // namespace datablox::samplestore
