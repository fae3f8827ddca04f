#include "cell/samplestore/locus_request.h"

#include <gtest/gtest.h>

namespace datablox::samplestore {
namespace {

TEST(LocusRequestTest, RoundTrips) {
  const LocusRequest request{"events", "00112233aabbccdd", 3, {"a.jsonl", "sub/b.jsonl.gz"}, {}};
  LocusRequest back;
  ASSERT_TRUE(DecodeLocusRequest(EncodeLocusRequest(request), &back).ok());
  EXPECT_EQ(back, request);
}

TEST(LocusRequestTest, RangesRoundTripAsFileBeginEndLists) {
  const LocusRequest request{"events", "g", 1, {}, {{"big.jsonl", 0, 4096}, {"big.jsonl", 8192, 9000}}};
  const std::string paradata = EncodeLocusRequest(request);
  EXPECT_NE(paradata.find(R"("ranges":[["big.jsonl",0,4096],["big.jsonl",8192,9000]])"), std::string::npos) << paradata;
  LocusRequest back;
  ASSERT_TRUE(DecodeLocusRequest(paradata, &back).ok());
  EXPECT_EQ(back, request);
  EXPECT_EQ(EncodeLocusRequest({"v", "g", 0, {"a.jsonl"}, {}}).find("ranges"), std::string::npos);
}

TEST(LocusRequestTest, ARangeNotOfItsShapeIsRefused) {
  LocusRequest r;
  for (const char* ranges : {R"(5)", R"([["a.jsonl", 5, 5]])", R"([["a.jsonl", 9, 5]])", R"([["a.jsonl", -1, 5]])",
                             R"([["../a.jsonl", 0, 5]])", R"([["a.jsonl", 0]])", R"([{"file": "a.jsonl"}])"}) {
    const std::string json =
        std::string(R"({"view":"v","generation":"g","locus":0,"files":[],"ranges":)") + ranges + "}";
    EXPECT_FALSE(DecodeLocusRequest(json, &r).ok()) << ranges;
  }
}

TEST(LocusRequestTest, EveryWrongPartIsNamed) {
  LocusRequest r;
  auto why = [&](const char* json) { return DecodeLocusRequest(json, &r).message(); };
  EXPECT_EQ(why("nope"), "locus request: not JSON");
  EXPECT_EQ(why("[1]"), "locus request: not a JSON object");
  EXPECT_EQ(why(R"({"generation":"g","locus":0,"files":[]})"), "locus request: \"view\" must be a string");
  EXPECT_EQ(why(R"({"view":"v","locus":0,"files":[]})"), "locus request: \"generation\" must be a string");
  EXPECT_EQ(why(R"({"view":"v","generation":"g","locus":-1,"files":[]})"),
            "locus request: \"locus\" must be a locus number");
  EXPECT_EQ(why(R"({"view":"v","generation":"g","locus":0})"), "locus request: \"files\" must be a list");
}

TEST(LocusRequestTest, FilesOutsideTheDatasetAreRefused) {
  LocusRequest r;
  for (const char* file : {"/etc/passwd", "../x.jsonl", "a/../../x.jsonl", ""}) {
    const std::string json = std::string(R"({"view":"v","generation":"g","locus":0,"files":[")") + file + "\"]}";
    EXPECT_EQ(DecodeLocusRequest(json, &r).message(),
              "locus request: every file must be a relative path inside the dataset")
        << file;
  }
  EXPECT_TRUE(DecodeLocusRequest(R"({"view":"v","generation":"g","locus":0,"files":["a..b.jsonl"]})", &r).ok());
}

}  // namespace
}  // namespace datablox::samplestore
