#include "runtime/nexus/frame.h"

#include <gtest/gtest.h>

#include "runtime/core/msgpack_write.h"

namespace datablox::nexus {
namespace {

Frame RoundTrip(const Frame& frame) {
  Frame out;
  const Status st = DecodeHeader(EncodeHeader(frame), frame.kind() == FrameKind::kParcel, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out.stream_id, frame.stream_id);
  EXPECT_EQ(out.kind(), frame.kind());
  return out;
}

TEST(NexusFrame, EveryKindRoundTrips) {
  const Initiate i =
      std::get<Initiate>(RoundTrip(Frame{7, Initiate{42, 16, std::string("para\0data", 9), "loci"}}).body);
  EXPECT_EQ(i.operation_id, 42u);
  EXPECT_EQ(i.window, 16u);
  EXPECT_EQ(i.paradata, std::string("para\0data", 9));
  EXPECT_EQ(i.port, "loci");
  EXPECT_EQ(std::get<Initiated>(RoundTrip(Frame{1, Initiated{kUnknownCount}}).body).expected, kUnknownCount);
  const Error e = std::get<Error>(RoundTrip(Frame{1, Error{ErrorCode::kRefused, "no such view"}}).body);
  EXPECT_EQ(e.code, ErrorCode::kRefused);
  EXPECT_EQ(e.message, "no such view");
  EXPECT_EQ(std::get<Parcel>(RoundTrip(Frame{3, Parcel{1000, "ignored"}}).body).item_count, 1000u);
  const Heartbeat h = std::get<Heartbeat>(RoundTrip(Frame{3, Heartbeat{5, 6, 70}}).body);
  EXPECT_EQ(h.items, 5u);
  EXPECT_EQ(h.bytes, 6u);
  EXPECT_EQ(h.expected, 70);
  EXPECT_EQ(std::get<Credit>(RoundTrip(Frame{3, Credit{4}}).body).parcels, 4u);
  EXPECT_EQ(std::get<Abort>(RoundTrip(Frame{3, Abort{"enough"}}).body).reason, "enough");
  const ServerError se = std::get<ServerError>(RoundTrip(Frame{3, ServerError{ErrorCode::kFailed, "disk"}}).body);
  EXPECT_EQ(se.code, ErrorCode::kFailed);
  EXPECT_EQ(se.message, "disk");
  const Completion c = std::get<Completion>(RoundTrip(Frame{UINT64_MAX, Completion{10, 12, 20, 2}}).body);
  EXPECT_EQ(c.items, 10u);
  EXPECT_EQ(c.expected, 12);
  EXPECT_EQ(c.potential, 20u);
  EXPECT_EQ(c.rejected, 2u);
}

TEST(NexusFrame, AParcelHeaderDoesNotCarryItsBytes) {
  const std::string header = EncodeHeader(Frame{1, Parcel{1, std::string(100000, 'x')}});
  EXPECT_LT(header.size(), 32u);
}

Status Decode(std::string_view bytes, bool has_payload = false) {
  Frame out;
  return DecodeHeader(bytes, has_payload, &out);
}

std::string Packed(const std::function<void(msgpack_write::Packer&)>& write) {
  std::string out;
  msgpack_write::StringSink sink{&out};
  msgpack_write::Packer p(sink);
  write(p);
  return out;
}

TEST(NexusFrame, GarbageIsAnErrorNotACrash) {
  EXPECT_FALSE(Decode("").ok());
  EXPECT_FALSE(Decode("\xc1").ok());                  // never used in msgpack
  EXPECT_FALSE(Decode("\xdd\xff\xff\xff\xff").ok());  // an array claiming 4G elements
  EXPECT_FALSE(Decode("\x92\x01").ok());              // truncated
  EXPECT_FALSE(Decode(std::string(kMaxHeaderBytes + 1, '\x90')).ok());
}

TEST(NexusFrame, NestingIsRefusedByTheDepthLimit) {
  // [4, 1, [[[...]]]]: a header is flat; anything nested is malformed.
  const std::string nested = Packed([](auto& p) {
    p.pack_array(3);
    p.pack_uint8(4);
    p.pack_uint8(1);
    for (int i = 0; i < 100; ++i) p.pack_array(1);
    p.pack_uint8(0);
  });
  const Status st = Decode(nested, true);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("not a flat msgpack array"), std::string::npos) << st.ToString();
}

TEST(NexusFrame, UnknownKindIsRefused) {
  const Status st = Decode(Packed([](auto& p) {
    p.pack_array(2);
    p.pack_uint8(99);
    p.pack_uint8(1);
  }));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "nexus frame: field 0 (kind) is not a known frame kind");
}

TEST(NexusFrame, AFieldOfTheWrongTypeIsNamedWithItsPosition) {
  const Status st = Decode(Packed([](auto& p) {
    p.pack_array(3);
    p.pack_uint8(static_cast<uint8_t>(FrameKind::kCredit));
    p.pack_uint8(1);
    p.pack(std::string("four"));
  }));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "nexus credit frame: field 2 (parcels) must be an unsigned integer");
}

TEST(NexusFrame, AMissingFieldIsNamed) {
  const Status st = Decode(Packed([](auto& p) {
    p.pack_array(4);
    p.pack_uint8(static_cast<uint8_t>(FrameKind::kCompletion));
    p.pack_uint8(1);
    p.pack_uint8(10);
    p.pack_int8(-1);
  }));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "nexus completion frame: field 4 (potential) must be present");
}

TEST(NexusFrame, PayloadPartsMustMatchTheKind) {
  EXPECT_EQ(Decode(EncodeHeader(Frame{1, Parcel{1, {}}}), false).message(),
            "nexus parcel frame: its payload part is missing");
  EXPECT_EQ(Decode(EncodeHeader(Frame{1, Credit{1}}), true).message(),
            "nexus credit frame: a payload part on a frame that has none");
}

TEST(NexusFrame, AnInitiateWithoutItsPortIsMalformed) {
  const Status st = Decode(Packed([](auto& p) {
    p.pack_array(5);
    p.pack_uint8(static_cast<uint8_t>(FrameKind::kInitiate));
    p.pack_uint8(1);
    p.pack_uint8(0);
    p.pack_uint8(8);
    p.pack_bin(0);
  }));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "nexus initiate frame: field 5 (port) must be present");
}

TEST(NexusFrame, AnOversizedPortNameIsRefused) {
  EXPECT_FALSE(Decode(EncodeHeader(Frame{1, Initiate{0, 1, "", std::string(kMaxPortBytes + 1, 'q')}})).ok());
}

TEST(NexusFrame, OversizedParadataIsRefused) {
  Frame big{1, Initiate{0, 1, std::string(kMaxParadataBytes + 1, 'p'), ""}};
  EXPECT_FALSE(Decode(EncodeHeader(big)).ok());
}

}  // namespace
}  // namespace datablox::nexus
