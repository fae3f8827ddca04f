#include "cell/samplestore/loci_answer.h"

#include <gtest/gtest.h>

#include "cell/samplestore/locus_request.h"

namespace datablox::samplestore {
namespace {

ViewDefinition View() {
  ViewDefinition view;
  view.name = "events";
  view.text = "the view file";
  view.schema_path = "/s/unity.brio";
  view.shape = ViewShape::kFlat;
  view.loci_replication = 2;
  return view;
}

TEST(LociAnswerTest, EachLocusHasItsWorkersAddressesAndItsParadata) {
  const std::vector<DatasetFile> files = {{"a.jsonl", 30, 1}, {"b.jsonl", 20, 2}, {"c.jsonl", 5, 3}};
  nlohmann::json answer;
  ASSERT_TRUE(BuildLociAnswer(View(), files, {"tcp://127.0.0.1:1", "tcp://127.0.0.1:2"}, &answer).ok());
  const std::string generation = GenerationOf(files, "the view file");
  EXPECT_EQ(answer["view"], "events");
  EXPECT_EQ(answer["generation"], generation);
  EXPECT_EQ(answer["shape"], "flat");
  EXPECT_EQ(answer["schema"], "/s/unity.brio");
  EXPECT_EQ(answer["files"], 3);
  EXPECT_EQ(answer["bytes"], 55);
  ASSERT_EQ(answer["loci"].size(), 2u);
  const nlohmann::json& second = answer["loci"][1];
  EXPECT_EQ(second["locus"], 1);
  EXPECT_EQ(second["files"], nlohmann::json({"b.jsonl", "c.jsonl"}));
  EXPECT_EQ(second["bytes"], 25);
  EXPECT_EQ(second["addresses"], nlohmann::json({"tcp://127.0.0.1:2", "tcp://127.0.0.1:1"}));
  LocusRequest request;
  ASSERT_TRUE(DecodeLocusRequest(second["paradata"].get<std::string>(), &request).ok());
  EXPECT_EQ(request, (LocusRequest{"events", generation, 1, {"b.jsonl", "c.jsonl"}, {}}));
}

TEST(LociAnswerTest, ANestedViewsBigPlainFileIsAnsweredAsRangesInTheParadataToo) {
  ViewDefinition view = View();
  view.shape = ViewShape::kNested;
  view.loci_range_bytes = 100;
  view.loci_replication = 1;
  const std::vector<DatasetFile> files = {{"big.jsonl", 200, 1}, {"small.jsonl.gz", 300, 2}};
  nlohmann::json answer;
  ASSERT_TRUE(BuildLociAnswer(view, files, {"tcp://127.0.0.1:1", "tcp://127.0.0.1:2"}, &answer).ok());
  ASSERT_EQ(answer["loci"].size(), 2u);
  EXPECT_EQ(answer["loci"][0]["files"], nlohmann::json({"small.jsonl.gz"}));  // gzip: whole
  EXPECT_FALSE(answer["loci"][0].contains("ranges"));
  EXPECT_EQ(answer["loci"][1]["files"], nlohmann::json::array());
  EXPECT_EQ(answer["loci"][1]["ranges"], nlohmann::json::parse(R"([{"file": "big.jsonl", "begin": 0, "end": 200}])"));
  LocusRequest request;
  ASSERT_TRUE(DecodeLocusRequest(answer["loci"][1]["paradata"].get<std::string>(), &request).ok());
  EXPECT_EQ(request.ranges, (std::vector<LocusRange>{{"big.jsonl", 0, 200}}));
  view.shape = ViewShape::kFlat;  // flat: whole files, whatever the threshold
  ASSERT_TRUE(BuildLociAnswer(view, files, {"tcp://127.0.0.1:1", "tcp://127.0.0.1:2"}, &answer).ok());
  EXPECT_EQ(answer["loci"][1]["files"], nlohmann::json({"big.jsonl"}));
}

TEST(LociAnswerTest, ALocusWhoseParadataWouldBeOverNexussLimitIsRefused) {
  std::vector<DatasetFile> files;
  for (int i = 0; i < 2000; ++i) files.push_back({"a-rather-long-file-name-" + std::to_string(i) + ".jsonl", 1, 0});
  nlohmann::json answer;
  Status st = BuildLociAnswer(View(), files, {"tcp://127.0.0.1:1"}, &answer);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_NE(st.message().find("too many files and ranges"), std::string::npos) << st.message();
}

TEST(LociAnswerTest, WorkersWithoutStreamServersAreAnError) {
  nlohmann::json answer;
  EXPECT_EQ(BuildLociAnswer(View(), {}, {}, &answer).code(), Status::Code::kUnavailable);
  EXPECT_EQ(BuildLociAnswer(View(), {}, {"tcp://127.0.0.1:1", ""}, &answer).message(),
            "worker 1 serves no streams (not running, or not wired yet)");
}

TEST(LociAnswerTest, AnEmptyDatasetHasAGenerationAndNoLoci) {
  nlohmann::json answer;
  ASSERT_TRUE(BuildLociAnswer(View(), {}, {"tcp://127.0.0.1:1"}, &answer).ok());
  EXPECT_EQ(answer["loci"].size(), 0u);
  EXPECT_EQ(answer["generation"], GenerationOf({}, "the view file"));
}

}  // namespace
}  // namespace datablox::samplestore
