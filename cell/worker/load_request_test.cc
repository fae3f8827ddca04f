#include "cell/worker/load_request.h"

#include <gtest/gtest.h>

#include <string>

namespace datablox::worker {
namespace {

constexpr const char* kLocus =
    R"({"locus": 0, "files": ["a.jsonl"], "bytes": 10, "addresses": ["tcp://127.0.0.1:5001"], "paradata": "{}"})";

std::string Request(const std::string& fields) {
  return R"({"domain": "unity", "view": "events", "generation": "00000000000000ff", "loci": [)" + std::string(kLocus) +
         "]" + fields + "}";
}

TEST(LoadRequestTest, TheSupervisorsAnswerWithADomainIsARequest) {
  LoadRequest request;
  Status st = ParseLoadRequest(Request(R"(, "shape": "flat", "files": 1)"), &request);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(request.generation, (GenerationKey{"unity", "events", 255}));
  EXPECT_EQ(request.generation_text, "00000000000000ff");
  EXPECT_TRUE(request.wait);
  EXPECT_EQ(request.loci["generation"], "00000000000000ff");
  ASSERT_EQ(request.loci["loci"].size(), 1u);
  EXPECT_EQ(request.loci["loci"][0]["addresses"][0], "tcp://127.0.0.1:5001");
}

TEST(LoadRequestTest, WaitFalseAsksWithoutWaiting) {
  LoadRequest request;
  ASSERT_TRUE(ParseLoadRequest(Request(R"(, "wait": false)"), &request).ok());
  EXPECT_FALSE(request.wait);
}

TEST(LoadRequestTest, AMissingOrWrongFieldIsNamed) {
  LoadRequest request;
  EXPECT_EQ(ParseLoadRequest(R"({"view": "events", "generation": "00000000000000ff", "loci": []})", &request).message(),
            "load request: \"domain\" must be a non-empty string");
  EXPECT_EQ(ParseLoadRequest(R"({"domain": "u", "view": "v", "generation": "00000000000000ff"})", &request).message(),
            "load request: \"loci\" must be an array");
  EXPECT_EQ(ParseLoadRequest(Request(R"(, "wait": 1)"), &request).message(),
            "load request: \"wait\" must be true or false");
  EXPECT_EQ(ParseLoadRequest(R"({"domain": "u", "view": "v", "generation": "ff", "loci": []})", &request).message(),
            "load request: generation 'ff' is not 16 hex digits");
  EXPECT_FALSE(ParseLoadRequest("[1]", &request).ok());
  EXPECT_FALSE(ParseLoadRequest("{", &request).ok());
}

TEST(LoadRequestTest, ARequestNestedTooDeeplyIsRefusedBeforeItIsBuilt) {
  LoadRequest request;
  const std::string deep = R"({"domain": "u", "view": "v", "generation": "00000000000000ff", "loci": [)" +
                           std::string(20, '[') + std::string(20, ']') + "]}";
  EXPECT_FALSE(ParseLoadRequest(deep, &request).ok());
}

TEST(LoadRequestTest, GenerationDigitsRoundTripThroughTheCachesNumber) {
  int64_t number = 0;
  ASSERT_TRUE(GenerationNumber("ffffffffffffffff", &number).ok());
  EXPECT_EQ(number, -1);
  EXPECT_EQ(GenerationText(number), "ffffffffffffffff");
  ASSERT_TRUE(GenerationNumber("0123456789abcdef", &number).ok());
  EXPECT_EQ(GenerationText(number), "0123456789abcdef");
  EXPECT_FALSE(GenerationNumber("0123456789abcdeg", &number).ok());
  EXPECT_FALSE(GenerationNumber("-123456789abcdef", &number).ok());
}

}  // namespace
}  // namespace datablox::worker
