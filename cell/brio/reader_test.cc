#include "cell/brio/reader.h"

#include <gtest/gtest.h>

#include "cell/brio/blob_json.h"
#include "cell/brio/presser.h"
#include "cell/brio/region.h"
#include "cell/brio/test_schemas.h"

namespace datablox::brio {
namespace {

constexpr char kUsers[] =
    R"({"id":"u1","country":"DE","tags":["a","b"],"traits":{"age":41},"sessions":[{"id":1,"start":10,"events":[{"ts":11,"type":"click","value":1.5},{"ts":12,"type":"view","value":0}]},{"id":2,"start":20,"events":[]}],"os":"linux"})"
    "\n"
    R"({"id":"u2","sessions":[{"id":7,"start":70,"events":[{"ts":71,"type":"buy","value":9.75}]}]})"
    "\n";

class ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SchemaLayout::Make(schema_, &layout_).ok());
    NestedPresser presser(layout_, {});
    presser.PressLines(kUsers, "users", sink_);
    ASSERT_EQ(sink_.blobs.size(), 2u);
  }
  const Schema schema_ = testing::UnitySchema();
  SchemaLayout layout_;
  testing::CollectSink sink_;
};

TEST_F(ReaderTest, ViewsReadTheTreeDepthFirst) {
  BlobView blob;
  ASSERT_TRUE(BlobView::Open(sink_.blobs[0], layout_, &blob).ok());
  const StructView user = blob.root();
  EXPECT_EQ(user.GetString(0), "u1");
  EXPECT_EQ(user.GetString(5), "linux");
  std::vector<std::string> seen;
  for (StructView session : user.GetStructs(2)) {
    seen.push_back("session " + std::to_string(session.GetInt(0)));
    for (StructView event : session.GetStructs(2))
      seen.push_back(std::string(event.GetString(1)) + " " + std::to_string(event.GetDouble(2)));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"session 1", "click 1.500000", "view 0.000000", "session 2"}));
  const ScalarArray tags = user.GetScalars(3);
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags.GetString(1), "b");
  ASSERT_EQ(user.GetMapKeys(4).size(), 1u);
  EXPECT_EQ(user.GetMapKeys(4).GetString(0), "age");
  EXPECT_EQ(user.GetMapValues(4).GetInt(0), 41);
}

TEST_F(ReaderTest, EveryTruncationIsAnError) {
  const std::string& whole = sink_.blobs[0];
  for (size_t n = 0; n < whole.size(); ++n) {
    BlobView blob;
    EXPECT_FALSE(BlobView::Open(std::string_view(whole).substr(0, n), layout_, &blob).ok()) << "at " << n;
  }
}

// Every single-byte corruption either fails Open or yields a blob the views
// read without leaving its bytes (the sanitizer run checks the latter).
TEST_F(ReaderTest, FlippedBytesAreAnErrorOrStayInBounds) {
  const std::string& whole = sink_.blobs[0];
  size_t rejected = 0;
  for (size_t at = 0; at < whole.size(); ++at) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::string bad = whole;
      bad[at] = static_cast<char>(static_cast<uint8_t>(bad[at]) ^ flip);
      BlobView blob;
      if (!BlobView::Open(bad, layout_, &blob).ok()) {
        ++rejected;
        continue;
      }
      std::string json;
      AppendJson(blob.root(), &json);
      EXPECT_FALSE(json.empty());
    }
  }
  EXPECT_GT(rejected, whole.size());  // most flips land in offsets, counts, keys or the header
}

TEST(ReaderCorruptionTest, FlippedBytesOfEveryKindOfFieldAreAnErrorOrStayInBounds) {
  const Schema schema = testing::EverythingSchema();
  SchemaLayout layout;
  ASSERT_TRUE(SchemaLayout::Make(schema, &layout).ok());
  NestedPresser presser(layout, {});
  testing::CollectSink sink;
  presser.PressLines(
      R"({"b":true,"y":1,"s":2,"i":3,"l":4,"d":5.5,"str":"s","bools":[true],"bytes":[1],"shorts":[2],"ints":[3],)"
      R"("longs":[4],"doubles":[0.5],"strs":["a","b"],"scores":{"x":1},"names":{"7":"seven"},"leaf":{"x":1,"tag":"t"},)"
      R"("leaves":[{"x":2}],"trees":[{"name":"r","kids":[{"name":"c","kids":[]}]}]})",
      "all", sink);
  ASSERT_EQ(sink.blobs.size(), 1u);
  const std::string& whole = sink.blobs[0];
  size_t rejected = 0;
  for (size_t at = 0; at < whole.size(); ++at) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x10}, uint8_t{0xff}}) {
      std::string bad = whole;
      bad[at] = static_cast<char>(static_cast<uint8_t>(bad[at]) ^ flip);
      BlobView blob;
      if (!BlobView::Open(bad, layout, &blob).ok()) {
        ++rejected;
        continue;
      }
      std::string json;
      AppendJson(blob.root(), &json);
      EXPECT_FALSE(json.empty());
    }
  }
  EXPECT_GT(rejected, whole.size());
}

TEST_F(ReaderTest, OffsetPointingBackIsAnErrorWithItsPosition) {
  std::string bad = sink_.blobs[0];
  const StructureLayout& user = layout_.Get(0, 2);
  StoreAt<uint32_t>(reinterpret_cast<uint8_t*>(bad.data()),
                    kRootOffset + static_cast<size_t>(user.fields[2].relation_slot),
                    static_cast<uint32_t>(kRootOffset));
  BlobView blob;
  const Status st = BlobView::Open(bad, layout_, &blob);
  EXPECT_EQ(st.ToString(), "Invalid: blob byte " + std::to_string(kRootOffset + user.fields[2].relation_slot) +
                               ": relation 'sessions' points before its instance");
}

TEST_F(ReaderTest, RegionHoldsBlobsInOrder) {
  RegionWriter writer;
  for (const std::string& b : sink_.blobs) writer.Add(b);
  const std::string region = writer.Finish();
  RegionView view;
  ASSERT_TRUE(RegionView::Open(region, &view).ok());
  ASSERT_EQ(view.blob_count(), 2u);
  BlobView blob;
  ASSERT_TRUE(view.OpenBlob(1, layout_, &blob).ok());
  EXPECT_EQ(blob.root().GetString(0), "u2");
  ASSERT_TRUE(view.OpenBlob(0, layout_, &blob).ok());
  EXPECT_EQ(blob.root().GetString(0), "u1");
}

TEST_F(ReaderTest, TruncatedRegionIsAnError) {
  RegionWriter writer;
  for (const std::string& b : sink_.blobs) writer.Add(b);
  const std::string region = writer.Finish();
  for (size_t n = 0; n < region.size(); ++n) {
    RegionView view;
    EXPECT_FALSE(RegionView::Open(std::string_view(region).substr(0, n), &view).ok()) << "at " << n;
  }
}

}  // namespace
}  // namespace datablox::brio
