#include "runtime/core/wire.h"

#include <gtest/gtest.h>

#include "runtime/core/arena.h"

namespace datablox::wire {
namespace {

std::string Encode(std::initializer_list<int> seqs, size_t pad = 0) {
  BatchWriter writer;
  LogBuilder b;
  for (int seq : seqs) {
    b.clear().add("seq", seq);
    if (pad) b.add("pad", std::string(pad, 'x'));
    writer.append(b.bytes());
  }
  return writer.take();
}

TEST(WireTest, BatchRoundTripKeepsOrderAndBytes) {
  std::string frame = Encode({1, 2, 3});
  Kind kind;
  ASSERT_TRUE(ReadHeader(frame, &kind).ok());
  EXPECT_EQ(kind, Kind::kBatch);
  detail::Arena arena;
  std::vector<Log> logs;
  ASSERT_TRUE(ReadBatch(frame, &arena, &logs).ok());
  ASSERT_EQ(logs.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(logs[i].get("seq").as_int(), i + 1);
}

TEST(WireTest, BatchHandlesEveryBinWidth) {
  // bin8 (< 256 bytes), bin16 (< 64 KiB) and bin32 logs in one batch.
  BatchWriter writer;
  LogBuilder b;
  for (size_t pad : {10u, 1000u, 70000u}) writer.append(b.clear().add("pad", std::string(pad, 'p')).bytes());
  std::string frame = writer.take();
  detail::Arena arena;
  std::vector<Log> logs;
  ASSERT_TRUE(ReadBatch(frame, &arena, &logs).ok());
  ASSERT_EQ(logs.size(), 3u);
  EXPECT_EQ(logs[2].get("pad").as_string().size(), 70000u);
}

TEST(WireTest, WriterIsEmptyAfterTake) {
  BatchWriter writer;
  LogBuilder b;
  writer.append(b.add("a", 1).bytes());
  EXPECT_EQ(writer.count(), 1u);
  (void)writer.take();
  EXPECT_EQ(writer.count(), 0u);
  std::string empty = writer.take();
  detail::Arena arena;
  std::vector<Log> logs;
  ASSERT_TRUE(ReadBatch(empty, &arena, &logs).ok());
  EXPECT_TRUE(logs.empty());
}

TEST(WireTest, TruncatedBatchIsRejected) {
  std::string frame = Encode({1, 2, 3});
  detail::Arena arena;
  std::vector<Log> logs;
  for (size_t cut = 1; cut < frame.size(); ++cut) {
    EXPECT_FALSE(ReadBatch(std::string_view(frame).substr(0, frame.size() - cut), &arena, &logs).ok()) << "cut " << cut;
  }
}

TEST(WireTest, StrayBytesAfterBatchAreRejected) {
  std::string frame = Encode({1}) + "junk";
  detail::Arena arena;
  std::vector<Log> logs;
  Status st = ReadBatch(frame, &arena, &logs);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("stray"), std::string::npos);
}

TEST(WireTest, AbsurdLogCountIsRejectedBeforeReserving) {
  std::string frame = "\x01\x01\xdd\xff\xff\xff\xff";
  detail::Arena arena;
  std::vector<Log> logs;
  EXPECT_FALSE(ReadBatch(frame, &arena, &logs).ok());
  EXPECT_LT(logs.capacity(), 1000u);
}

TEST(WireTest, NonBinLogIsRejected) {
  std::string frame = std::string("\x01\x01\xdd\x00\x00\x00\x01", 7) + "\x80";  // a map, not a bin
  detail::Arena arena;
  std::vector<Log> logs;
  EXPECT_FALSE(ReadBatch(frame, &arena, &logs).ok());
}

TEST(WireTest, HeaderRejectsOtherVersionsUnknownKindsAndShortFrames) {
  Kind kind;
  EXPECT_FALSE(ReadHeader(std::string("\x02\x01", 2), &kind).ok());
  EXPECT_FALSE(ReadHeader(std::string("\x01\x09", 2), &kind).ok());
  EXPECT_FALSE(ReadHeader(std::string("\x01\x00", 2), &kind).ok());
  EXPECT_FALSE(ReadHeader(std::string("\x01", 1), &kind).ok());
  EXPECT_FALSE(ReadHeader("", &kind).ok());
}

TEST(WireTest, CreditRoundTrip) {
  uint32_t logs = 0;
  ASSERT_TRUE(ReadCredit(Credit(123456), &logs).ok());
  EXPECT_EQ(logs, 123456u);
  EXPECT_FALSE(ReadCredit(Credit(1).substr(0, 4), &logs).ok());
}

TEST(WireTest, EndAndEndAckHaveTheirKinds) {
  Kind kind;
  ASSERT_TRUE(ReadHeader(End(), &kind).ok());
  EXPECT_EQ(kind, Kind::kEnd);
  ASSERT_TRUE(ReadHeader(EndAck(), &kind).ok());
  EXPECT_EQ(kind, Kind::kEndAck);
}

TEST(WireTest, AddressedFramesRoundTrip) {
  LogBuilder b;
  std::string log(b.add("q", 1).bytes());
  uint64_t id = 0;
  std::string_view body;
  std::string request = Request(0xfedcba9876543210ull, log);
  ASSERT_TRUE(ReadAddressed(request, &id, &body).ok());
  EXPECT_EQ(id, 0xfedcba9876543210ull);
  EXPECT_EQ(body, log);
  std::string error = Error(7, "no such table");
  ASSERT_TRUE(ReadAddressed(error, &id, &body).ok());
  EXPECT_EQ(id, 7u);
  EXPECT_EQ(body, "no such table");
  EXPECT_FALSE(ReadAddressed(std::string("\x01\x05\x01", 3), &id, &body).ok());
}

}  // namespace
}  // namespace datablox::wire
