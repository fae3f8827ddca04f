#include "cell/samplestore/locus_plan.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cell/samplestore/dataset.h"
#include "cell/samplestore/locus_request.h"
#include "cell/samplestore/test_dir.h"

namespace datablox::samplestore {
namespace {

void ReadBack(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  text->assign(std::istreambuf_iterator<char>(in), {});
}

class LocusPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("unity.brio", kUnitySchema);
    view_text_ = kFlatView;
    dir_.Write("v.view.toml", view_text_);
    dir_.Write("data/a.jsonl", "{}\n");
    dir_.Write("data/b.jsonl", "{}\n");
  }
  std::string Generation() {
    std::vector<DatasetFile> files;
    EXPECT_TRUE(ScanDataset(dir_.path() + "/data", {"*.jsonl", "*.jsonl.gz"}, &files).ok());
    return GenerationOf(files, view_text_);
  }
  std::string Paradata(const std::string& generation, std::vector<std::string> files) {
    return EncodeLocusRequest({"v", generation, 0, std::move(files), {}});
  }

  TestDir dir_;
  std::string view_text_;
};

TEST_F(LocusPlanTest, ACurrentGenerationPlansTheLocusFiles) {
  LocusPlan plan;
  ASSERT_TRUE(PlanLocus(dir_.path(), Paradata(Generation(), {"b.jsonl"}), &plan).ok());
  ASSERT_EQ(plan.files.size(), 1u);
  EXPECT_EQ(plan.files[0].name, "b.jsonl");
  EXPECT_EQ(plan.files[0].path, dir_.path() + "/data/b.jsonl");
  EXPECT_EQ(plan.view->definition().name, "v");
}

TEST_F(LocusPlanTest, AStaleGenerationIsRefused) {
  const std::string before = Generation();
  dir_.Write("data/c.jsonl", "{}\n");  // a file added since the supervisor answered
  LocusPlan plan;
  Status st = PlanLocus(dir_.path(), Paradata(before, {"a.jsonl"}), &plan);
  EXPECT_TRUE(plan.stale);
  EXPECT_EQ(st.message(), "view v: stale generation " + before + ": the dataset is at " + Generation() +
                              " now; ask the supervisor for the loci again");
}

TEST_F(LocusPlanTest, AFileTheGenerationLacksIsRefused) {
  LocusPlan plan;
  Status st = PlanLocus(dir_.path(), Paradata(Generation(), {"zzz.jsonl"}), &plan);
  EXPECT_FALSE(plan.stale);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
}

TEST_F(LocusPlanTest, ANestedViewPlansByteRangesOfPlainFilesOnly) {
  dir_.Write("n.view.toml", "schema = \"unity.brio\"\nshape = \"nested\"\nlocation = \"data\"\n");
  dir_.Write("data/c.jsonl.gz", "x");
  std::vector<DatasetFile> files;
  ASSERT_TRUE(ScanDataset(dir_.path() + "/data", {"*.jsonl", "*.jsonl.gz"}, &files).ok());
  std::string view_text;
  ReadBack(dir_.path() + "/n.view.toml", &view_text);
  const std::string generation = GenerationOf(files, view_text);
  auto plan_of = [&](const std::string& view, std::vector<LocusRange> ranges, LocusPlan* plan) {
    return PlanLocus(dir_.path(), EncodeLocusRequest({view, view == "n" ? generation : Generation(), 0, {}, ranges}),
                     plan);
  };
  LocusPlan plan;
  ASSERT_TRUE(plan_of("n", {{"a.jsonl", 1, 3}}, &plan).ok());
  ASSERT_EQ(plan.files.size(), 1u);
  EXPECT_EQ(plan.files[0].name, "a.jsonl");
  EXPECT_EQ(plan.files[0].begin, 1u);
  EXPECT_EQ(plan.files[0].end, 3u);
  LocusPlan past_the_end, gzip, flat;
  EXPECT_EQ(plan_of("n", {{"a.jsonl", 1, 4}}, &past_the_end).code(), Status::Code::kInvalid);  // a.jsonl has 3 bytes
  EXPECT_EQ(plan_of("n", {{"c.jsonl.gz", 0, 1}}, &gzip).code(), Status::Code::kInvalid);
  EXPECT_EQ(plan_of("v", {{"a.jsonl", 0, 3}}, &flat).code(), Status::Code::kInvalid);
}

TEST_F(LocusPlanTest, AnUnknownViewOrBadParadataIsRefused) {
  LocusPlan plan;
  EXPECT_FALSE(PlanLocus(dir_.path(), EncodeLocusRequest({"nope", "g", 0, {}, {}}), &plan).ok());
  EXPECT_EQ(PlanLocus(dir_.path(), "{", &plan).message(), "locus request: not JSON");
}

}  // namespace
}  // namespace datablox::samplestore
