// The reader allocates nothing per blob, nor a warm nested presser per line:
// global operator new is counted in this test program (counting_new.h).
#include <gtest/gtest.h>

#include "cell/brio/counting_new.h"
#include "cell/brio/presser.h"
#include "cell/brio/reader.h"
#include "cell/brio/region.h"
#include "cell/brio/test_schemas.h"

namespace datablox::brio {
namespace {

// Reads every field of every instance, as a query would.
double ReadAll(const StructView& user) {
  double sum = static_cast<double>(user.GetString(0).size() + user.GetString(1).size() + user.GetString(5).size());
  const ScalarArray tags = user.GetScalars(3);
  for (uint32_t i = 0; i < tags.size(); ++i) sum += static_cast<double>(tags.GetString(i).size());
  const ScalarArray values = user.GetMapValues(4);
  for (uint32_t i = 0; i < values.size(); ++i)
    sum += static_cast<double>(values.GetInt(i) + user.GetMapKeys(4).GetString(i).size());
  for (StructView session : user.GetStructs(2)) {
    sum += static_cast<double>(session.GetInt(0) + session.GetInt(1));
    for (StructView event : session.GetStructs(2))
      sum += static_cast<double>(event.GetInt(0)) + event.GetDouble(2) +
             static_cast<double>(event.GetString(1).size()) + (event.IsNull(1) ? 1 : 0);
  }
  return sum;
}

TEST(ReaderAllocationTest, OpeningAndReadingARegionAllocatesNothing) {
  const Schema schema = testing::UnitySchema();
  SchemaLayout layout;
  ASSERT_TRUE(SchemaLayout::Make(schema, &layout).ok());
  NestedPresser presser(layout, {});
  RegionWriter writer;
  std::string text;
  for (int u = 0; u < 50; ++u) {
    text += R"({"id":"u)" + std::to_string(u) + R"(","country":"FR","tags":["x","y"],"traits":{"k":)" +
            std::to_string(u) + R"(},"os":"mac","sessions":[)";
    for (int s = 0; s < 3; ++s)
      text += std::string(s ? "," : "") + R"({"id":)" + std::to_string(s) +
              R"(,"start":5,"events":[{"ts":1,"type":"a","value":0.5},{"ts":2,"type":"b"}]})";
    text += "]}\n";
  }
  presser.PressLines(text, "gen", writer);
  ASSERT_EQ(writer.blob_count(), 50u);
  const std::string region_bytes = writer.Finish();

  const uint64_t before = AllocationCount();
  RegionView region;
  double sum = 0;
  uint64_t opened = 0;
  ASSERT_TRUE(RegionView::Open(region_bytes, &region).ok());
  for (uint64_t i = 0; i < region.blob_count(); ++i) {
    BlobView blob;
    if (!region.OpenBlob(i, layout, &blob).ok()) break;
    ++opened;
    sum += ReadAll(blob.root());
  }
  const uint64_t allocations = AllocationCount() - before;
  EXPECT_EQ(opened, 50u);
  EXPECT_GT(sum, 0);
  EXPECT_EQ(allocations, 0u);
}

// A sink that keeps nothing: what the presser allocates is all that is counted.
class SizeSink : public BlobSink {
 public:
  void Add(std::string_view blob) override { bytes += blob.size(); }
  size_t bytes = 0;
};

TEST(ReaderAllocationTest, WarmNestedPresserAllocatesNothingPerLine) {
  const Schema schema = testing::UnitySchema();
  SchemaLayout layout;
  ASSERT_TRUE(SchemaLayout::Make(schema, &layout).ok());
  NestedPresser presser(layout, {});
  const std::string text =
      R"({"id":"u1","country":"FR","tags":["x","y"],"traits":{"k":1},"sessions":[{"id":1,"start":5,"events":[{"ts":1,"type":"a","value":0.5}]}]})"
      "\n"
      R"({"id":"u2","os":"mac","sessions":[{"id":2,"events":[{"ts":2,"type":"b"},{"ts":3,"type":"c"}]}]})";
  SizeSink warm, measured;
  presser.PressLines(text, "warm", warm);  // buffers grow to fit
  const uint64_t before = AllocationCount();
  for (int i = 0; i < 10; ++i) presser.PressLines(text, "again", measured);
  EXPECT_EQ(AllocationCount() - before, 0u);
  EXPECT_EQ(measured.bytes, warm.bytes * 10);
  EXPECT_EQ(presser.stats().items, 22u);
}

TEST(ReaderAllocationTest, CounterSeesAnAllocation) {
  // The replacement is in effect: a test that would pass with no counting is no test.
  const uint64_t before = AllocationCount();
  auto* p = new std::string(100, 'x');
  EXPECT_GT(AllocationCount(), before);
  delete p;
}

}  // namespace
}  // namespace datablox::brio
