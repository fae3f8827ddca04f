#include "cell/query/partial_codec.h"

#include <gtest/gtest.h>

#include "cell/query/query_test_util.h"

namespace datablox::eql {
namespace {

constexpr std::string_view kEverything =
    "select user.country, day(user.sessions.start), count(user.sessions), sum(user.sessions.events.value), "
    "min(user.sessions.id), avg(user.sessions.events.value), count(distinct user.sessions.events.type), "
    "funnel(user.sessions: user.sessions.events.type = 'search' then user.sessions.events.type = 'buy') "
    "from schema unity group by user.country, day(user.sessions.start)";

std::string EncodedSample() {
  const Plan plan = testing::MustCompile(kEverything);
  return EncodePartial(testing::Scan(plan, *testing::Press(testing::SampleUsers())));
}

TEST(PartialCodecTest, RoundTripKeepsEveryGroupAndState) {
  const Plan plan = testing::MustCompile(kEverything);
  const PartialResult partial = testing::Scan(plan, *testing::Press(testing::SampleUsers()));
  PartialResult decoded(PartialShape{});
  ASSERT_TRUE(DecodePartial(EncodePartial(partial), &decoded).ok());
  EXPECT_TRUE(decoded.shape() == partial.shape());
  EXPECT_EQ(decoded.group_count(), partial.group_count());
  EXPECT_EQ(decoded.rows_scanned, partial.rows_scanned);
  EXPECT_EQ(testing::RowsText(FinishResult(plan, decoded)), testing::RowsText(FinishResult(plan, partial)));
  EXPECT_EQ(testing::RowsText(FinishResult(plan, decoded)),
            "DE,2023-11-14,1,3.5,20,1.75,2,0|FR,2023-11-13,1,4,11,4,1,0|FR,2023-11-14,1,13.5,10,4.5,3,1");
  EXPECT_EQ(EncodePartial(decoded), EncodePartial(partial));
}

TEST(PartialCodecTest, EveryTruncationIsRejected) {
  const std::string bytes = EncodedSample();
  for (size_t n = 0; n < bytes.size(); ++n) {
    PartialResult out(PartialShape{});
    EXPECT_FALSE(DecodePartial(std::string_view(bytes).substr(0, n), &out).ok()) << n;
  }
}

TEST(PartialCodecTest, TrailingBytesAreRejected) {
  PartialResult out(PartialShape{});
  const Status st = DecodePartial(EncodedSample() + "x", &out);
  EXPECT_EQ(st.message(), "malformed partial result: 1 bytes after it");
}

TEST(PartialCodecTest, NestingDeeperThanTheLimitIsRejected) {
  std::string deep(100000, static_cast<char>(0x91));  // arrays of one array of ...
  deep.push_back(static_cast<char>(0xc0));
  PartialResult out(PartialShape{});
  const Status st = DecodePartial(deep, &out);
  EXPECT_EQ(st.message(), "malformed partial result at byte 9: nested deeper than 8 levels");
}

TEST(PartialCodecTest, ACountLargerThanTheMessageIsRejectedBeforeAllocating) {
  const std::string lie = "\xdd\xff\xff\xff\xff";  // an array of 4 billion items, in 5 bytes
  PartialResult out(PartialShape{});
  EXPECT_EQ(DecodePartial(lie, &out).message(), "malformed partial result at byte 5: a count larger than the message");
}

TEST(PartialCodecTest, WrongMagicVersionAndShapeAreRejected) {
  PartialResult out(PartialShape{});
  std::string bytes = EncodedSample();
  std::string other = bytes;
  other[2] = 'X';  // "eql-partial" -> "eXl-partial"
  EXPECT_EQ(DecodePartial(other, &out).message(), "malformed partial result: not an EQL partial");
  other = bytes;
  other[13] = 2;  // the version, after the fixarray head and the 12-byte magic
  EXPECT_EQ(DecodePartial(other, &out).message(), "partial result of format 2, this reads 1");
  other = bytes;
  other[14] = 9;  // key parts
  EXPECT_EQ(DecodePartial(other, &out).message(), "malformed partial result: key parts");
  EXPECT_EQ(DecodePartial("\x93\x01\x02\x03", &out).message(),
            "malformed partial result at byte 1: the partial: 3 items, expected 7");
}

TEST(PartialCodecTest, ARepeatedGroupKeyIsRejected) {
  const Plan plan = testing::MustCompile("select user.country, count(user) from schema unity group by user.country");
  const std::string bytes = EncodePartial(testing::Scan(plan, *testing::Press(testing::SampleUsers())));
  // Two groups, DE then FR: rename FR to DE.
  std::string twice = bytes;
  const size_t fr = twice.rfind("FR");
  ASSERT_NE(fr, std::string::npos);
  twice.replace(fr, 2, "DE");
  PartialResult out(PartialShape{});
  EXPECT_EQ(DecodePartial(twice, &out).message(), "malformed partial result: group 1 repeats a key");
}

TEST(PartialCodecTest, DecodedPartialsMerge) {
  const Plan plan = testing::MustCompile(kEverything);
  PartialResult a(PartialShape{}), b(PartialShape{});
  ASSERT_TRUE(DecodePartial(EncodedSample(), &a).ok());
  ASSERT_TRUE(DecodePartial(EncodedSample(), &b).ok());
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_EQ(testing::RowsText(FinishResult(plan, a)),
            "DE,2023-11-14,2,7,20,1.75,2,0|FR,2023-11-13,2,8,11,4,1,0|FR,2023-11-14,2,27,10,4.5,3,2");
}

}  // namespace
}  // namespace datablox::eql
