#include "cell/worker/slice_scan.h"

#include <gtest/gtest.h>

#include <thread>

#include "cell/brio/presser.h"
#include "cell/brio/region.h"
#include "cell/query/query_test_util.h"
#include "cell/query/result_table.h"

namespace datablox::worker {
namespace {

constexpr const char* kShopSchema = R"(schema shop {
  version: 1
  root) user : User
  structure User {
    0) id : string key
    1) country : string
    2) visits : vector[Visit]
  }
  structure Visit {
    0) ts : long ordinal
    1) spent : double
  }
})";

constexpr const char* kShopQuery =
    "select user.country, count(user), count(user.visits), sum(user.visits.spent) from schema shop "
    "group by user.country";

std::shared_ptr<const CompiledScan> CompileShop(const char* query = kShopQuery) {
  std::shared_ptr<const CompiledScan> compiled;
  Status st = CompileScan(kShopSchema, query, 0, &compiled);
  EXPECT_TRUE(st.ok()) << st.message();
  return compiled;
}

std::string PressShop(const CompiledScan& query, const std::string& users) {
  brio::NestedPresser presser(query.layout, {});
  brio::RegionWriter writer;
  presser.PressLines(users, "users.jsonl", writer);
  return writer.Finish();
}

const std::string kFrench = R"({"id": "a", "country": "FR", "visits": [{"ts": 1, "spent": 2.5}, {"ts": 2, "spent": 1}]}
{"id": "b", "country": "FR", "visits": []}
)";
const std::string kGerman = R"({"id": "c", "country": "DE", "visits": [{"ts": 3, "spent": 4}]}
{"id": "d", "country": "FR", "visits": [{"ts": 4, "spent": 0.5}]}
)";

// Runs the scan to its end (the element polls; a test waits).
SliceScan& WaitFor(SliceScan& scan) {
  while (!scan.done()) std::this_thread::yield();
  return scan;
}

std::string ShopRows(const CompiledScan& query, SliceScan& scan) {
  EXPECT_TRUE(scan.status().ok()) << scan.status().message();
  return eql::testing::RowsText(eql::FinishResult(query.plan, scan.partial()));
}

TEST(SliceScanTest, ItsRegionsScannedOnAThreadEachMergeIntoTheAnswerOfOneRegion) {
  const auto query = CompileShop();
  const std::string first = PressShop(*query, kFrench), second = PressShop(*query, kGerman);
  const std::string whole = PressShop(*query, kFrench + kGerman);
  SliceScan split(query, {first, second}, /*check=*/true);
  SliceScan one(query, {whole}, /*check=*/false);
  EXPECT_EQ(ShopRows(*query, WaitFor(split)), "DE,1,1,4|FR,3,3,4");
  EXPECT_EQ(ShopRows(*query, WaitFor(one)), ShopRows(*query, split));
  EXPECT_EQ(split.partial().blobs_scanned, 4u);
  EXPECT_EQ(split.partial().rows_scanned, one.partial().rows_scanned);
  EXPECT_GE(split.scan_ms(), 0);
}

TEST(SliceScanTest, ASliceOfNoRegionIsAnEmptyPartialAtOnce) {
  const auto query = CompileShop("select count(user) from schema shop");
  SliceScan scan(query, {}, true);
  EXPECT_TRUE(scan.done());
  EXPECT_EQ(ShopRows(*query, scan), "0");
}

TEST(SliceScanTest, ACorruptBlobIsFoundByTheCheckAndNamesItsRegion) {
  const auto query = CompileShop();
  const std::string good = PressShop(*query, kFrench);
  std::string bad = PressShop(*query, kGerman);
  brio::RegionView view;
  ASSERT_TRUE(brio::RegionView::Open(bad, &view).ok());
  const size_t first_blob = static_cast<size_t>(view.BlobBytes(0).data() - bad.data());
  bad[first_blob] ^= 0x5A;  // the blob's magic: the region's header and index still open
  SliceScan scan(query, {good, bad}, /*check=*/true);
  WaitFor(scan);
  EXPECT_EQ(scan.status().message(), "region 1: blob 0: blob byte 0: not a Brio blob (bad magic)");
  SliceScan torn(query, {good, "not a region"}, true);
  EXPECT_EQ(WaitFor(torn).status().message().rfind("region 1: ", 0), 0u) << torn.status().message();
}

TEST(SliceScanTest, AQueryThatDoesNotCompileGivesEveryErrorAtLineAndColumn) {
  std::shared_ptr<const CompiledScan> compiled;
  Status st = CompileScan(kShopSchema, "select sum(user.country),\n  count(user.visit) from schema shop", 0, &compiled);
  EXPECT_EQ(st.message(),
            "1:12: error: sum() takes a numeric field; 'user.country' is a string\n"
            "2:14: error: user has no field 'visit' (its fields: id, country, visits)");
  EXPECT_EQ(compiled, nullptr);
  st = CompileScan("schema shop {", kShopQuery, 0, &compiled);
  EXPECT_EQ(st.message().rfind("scan schema:1:", 0), 0u) << st.message();
}

}  // namespace
}  // namespace datablox::worker
