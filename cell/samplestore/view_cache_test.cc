#include "cell/samplestore/view_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "cell/samplestore/test_dir.h"

namespace datablox::samplestore {
namespace {

namespace fs = std::filesystem;

// A file written a minute ago: a file written just now is "racy" (it may
// change again within its timestamp's granularity) and never kept.
void Age(const std::string& path) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::minutes(1));
}

class ViewCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = dir_.Write("unity.brio", kUnitySchema);
    view_ = dir_.Write("v.view.toml", kFlatView);
    Age(schema_);
    Age(view_);
  }
  TestDir dir_;
  std::string schema_, view_;
  ViewCache cache_;
};

TEST_F(ViewCacheTest, AnUnchangedViewIsReadOnce) {
  const LoadedView* first = nullptr;
  const LoadedView* second = nullptr;
  ASSERT_TRUE(cache_.Get(view_, &first).ok());
  ASSERT_TRUE(cache_.Get(view_, &second).ok());
  EXPECT_EQ(first, second);
  EXPECT_EQ(cache_.loads(), 1u);
  EXPECT_EQ(second->definition().location, dir_.path() + "/data");
}

TEST_F(ViewCacheTest, ARewrittenViewFileIsReadAgain) {
  const LoadedView* view = nullptr;
  ASSERT_TRUE(cache_.Get(view_, &view).ok());
  dir_.Write("v.view.toml", std::string(kFlatView) + "\n# edited\n");
  Age(view_);  // the same mtime would hide nothing: the size differs
  ASSERT_TRUE(cache_.Get(view_, &view).ok());
  EXPECT_EQ(cache_.loads(), 2u);
  EXPECT_NE(view->definition().text.find("# edited"), std::string::npos);
}

TEST_F(ViewCacheTest, AChangedSchemaIsReadAgain) {
  const LoadedView* view = nullptr;
  ASSERT_TRUE(cache_.Get(view_, &view).ok());
  dir_.Write("unity.brio", std::string(kUnitySchema) + "\n");
  Age(schema_);
  ASSERT_TRUE(cache_.Get(view_, &view).ok());
  EXPECT_EQ(cache_.loads(), 2u);
}

TEST_F(ViewCacheTest, AFreshlyWrittenViewIsNotKept) {
  dir_.Write("v.view.toml", kFlatView);  // now: within the racy second
  const LoadedView* view = nullptr;
  ASSERT_TRUE(cache_.Get(view_, &view).ok());
  ASSERT_TRUE(cache_.Get(view_, &view).ok());
  EXPECT_EQ(cache_.loads(), 2u);
}

TEST_F(ViewCacheTest, ABrokenViewIsAnErrorEveryTimeAndThenMended) {
  const LoadedView* view = nullptr;
  ASSERT_TRUE(cache_.Get(view_, &view).ok());
  dir_.Write("v.view.toml", "schema = \n");
  Age(view_);
  EXPECT_FALSE(cache_.Get(view_, &view).ok());
  EXPECT_FALSE(cache_.Get(view_, &view).ok());
  EXPECT_EQ(cache_.loads(), 3u);  // an error is not kept
  dir_.Write("v.view.toml", kFlatView);
  Age(view_);
  EXPECT_TRUE(cache_.Get(view_, &view).ok());
}

TEST_F(ViewCacheTest, AMissingViewIsAnError) {
  const LoadedView* view = nullptr;
  EXPECT_FALSE(cache_.Get(dir_.path() + "/none.view.toml", &view).ok());
}

}  // namespace
}  // namespace datablox::samplestore
