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
  uint64_t first = 0;
  ASSERT_TRUE(ReadBatch(frame, &first, &arena, &logs).ok());
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
  uint64_t first = 0;
  ASSERT_TRUE(ReadBatch(frame, &first, &arena, &logs).ok());
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
  uint64_t first = 0;
  ASSERT_TRUE(ReadBatch(empty, &first, &arena, &logs).ok());
  EXPECT_TRUE(logs.empty());
}

TEST(WireTest, TruncatedBatchIsRejected) {
  std::string frame = Encode({1, 2, 3});
  detail::Arena arena;
  std::vector<Log> logs;
  uint64_t first = 0;
  for (size_t cut = 1; cut < frame.size(); ++cut) {
    EXPECT_FALSE(ReadBatch(std::string_view(frame).substr(0, frame.size() - cut), &first, &arena, &logs).ok())
        << "cut " << cut;
  }
}

TEST(WireTest, StrayBytesAfterBatchAreRejected) {
  std::string frame = Encode({1}) + "junk";
  detail::Arena arena;
  std::vector<Log> logs;
  uint64_t first = 0;
  Status st = ReadBatch(frame, &first, &arena, &logs);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("stray"), std::string::npos);
}

TEST(WireTest, AbsurdLogCountIsRejectedBeforeReserving) {
  std::string frame = std::string("\x02\x01\0\0\0\0\0\0\0\0\xdd\xff\xff\xff\xff", 15);
  detail::Arena arena;
  std::vector<Log> logs;
  uint64_t first = 0;
  EXPECT_FALSE(ReadBatch(frame, &first, &arena, &logs).ok());
  EXPECT_LT(logs.capacity(), 1000u);
}

TEST(WireTest, NonBinLogIsRejected) {
  std::string frame = std::string("\x02\x01\0\0\0\0\0\0\0\0\xdd\x00\x00\x00\x01", 15) + "\x80";  // a map, not a bin
  detail::Arena arena;
  std::vector<Log> logs;
  uint64_t first = 0;
  EXPECT_FALSE(ReadBatch(frame, &first, &arena, &logs).ok());
}

TEST(WireTest, HeaderRejectsOtherVersionsUnknownKindsAndShortFrames) {
  Kind kind;
  EXPECT_FALSE(ReadHeader(std::string("\x01\x01", 2), &kind).ok());  // version 1: before offsets
  EXPECT_FALSE(ReadHeader(std::string("\x03\x01", 2), &kind).ok());
  EXPECT_FALSE(ReadHeader(std::string("\x02\x0b", 2), &kind).ok());
  EXPECT_FALSE(ReadHeader(std::string("\x02\x00", 2), &kind).ok());
  EXPECT_FALSE(ReadHeader(std::string("\x02", 1), &kind).ok());
  EXPECT_FALSE(ReadHeader("", &kind).ok());
}

TEST(WireTest, BatchCarriesItsFirstOffset) {
  BatchWriter writer;
  LogBuilder b;
  writer.append(b.add("a", 1).bytes());
  std::string frame = writer.take(0x0123456789abcdefull);
  detail::Arena arena;
  std::vector<Log> logs;
  uint64_t first = 0;
  ASSERT_TRUE(ReadBatch(frame, &first, &arena, &logs).ok());
  EXPECT_EQ(first, 0x0123456789abcdefull);
  ASSERT_EQ(logs.size(), 1u);
}

TEST(WireTest, CreditAndResumeRoundTripWithMarks) {
  Position at{0xabcdef, 123456789012ull, {{1, 2}, {0xffffffffffffffffull, 0}}};
  for (const std::string& frame : {Credit(at), Resume(at)}) {
    Position back;
    ASSERT_TRUE(ReadPosition(frame, &back).ok());
    EXPECT_EQ(back.stream, at.stream);
    EXPECT_EQ(back.offset, at.offset);
    EXPECT_EQ(back.marks, at.marks);
    for (size_t cut = 1; cut < frame.size(); ++cut) {
      EXPECT_FALSE(ReadPosition(std::string_view(frame).substr(0, frame.size() - cut), &back).ok()) << cut;
    }
    EXPECT_FALSE(ReadPosition(frame + "x", &back).ok());
  }
  Kind kind;
  ASSERT_TRUE(ReadHeader(Resume(at), &kind).ok());
  EXPECT_EQ(kind, Kind::kResume);
}

TEST(WireTest, EndCarriesStreamAndOffset) {
  Kind kind;
  ASSERT_TRUE(ReadHeader(End(7, 99), &kind).ok());
  EXPECT_EQ(kind, Kind::kEnd);
  uint64_t stream = 0, offset = 0;
  ASSERT_TRUE(ReadEnd(End(7, 99), &stream, &offset).ok());
  EXPECT_EQ(stream, 7u);
  EXPECT_EQ(offset, 99u);
  EXPECT_FALSE(ReadEnd(End(7, 99).substr(0, 10), &stream, &offset).ok());
  ASSERT_TRUE(ReadHeader(Resync(), &kind).ok());
  EXPECT_EQ(kind, Kind::kResync);
  ASSERT_TRUE(ReadHeader(EndAck(), &kind).ok());
  EXPECT_EQ(kind, Kind::kEndAck);
}

TEST(WireTest, BarrierRoundTripsAndRejectsBadSizesAndCheckpointZero) {
  const Barrier barrier{0xfeedull, 4096, 17};
  const std::string frame = BarrierFrame(barrier);
  Kind kind;
  ASSERT_TRUE(ReadHeader(frame, &kind).ok());
  EXPECT_EQ(kind, Kind::kBarrier);
  Barrier back;
  ASSERT_TRUE(ReadBarrier(frame, &back).ok());
  EXPECT_EQ(back, barrier);
  EXPECT_FALSE(ReadBarrier(frame.substr(0, frame.size() - 1), &back).ok());
  EXPECT_FALSE(ReadBarrier(frame + "x", &back).ok());
  EXPECT_FALSE(ReadBarrier(BarrierFrame({1, 2, 0}), &back).ok());
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
  EXPECT_FALSE(ReadAddressed(std::string("\x02\x05\x01", 3), &id, &body).ok());
}

}  // namespace
}  // namespace datablox::wire
