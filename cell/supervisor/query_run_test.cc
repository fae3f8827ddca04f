// A query's life in the supervisor, driven by fake answers of the catalog,
// the sample store and the workers' shard: the steps in order, what each
// asks, a refusal with every LINE:COL, and failures that name who failed.
#include "cell/supervisor/query_run.h"

#include <gtest/gtest.h>

#include "cell/catalog/catalog_protocol.h"
#include "cell/query/partial_codec.h"
#include "cell/query/query_test_util.h"
#include "cell/samplestore/test_dir.h"

namespace datablox::supervisor {
namespace {

using nlohmann::json;

constexpr const char* kCount = "select user.country, count(user.sessions) from schema unity group by user.country";

struct Fakes {
  samplestore::TestDir dir;
  std::string schema = dir.Write("unity.brio", samplestore::kUnitySchema);

  json ViewAnswer() const {
    catalog::View view;
    view.key = 1;
    view.moniker = "events";
    view.domain = "unity";
    view.view_file = "/views/events.view.toml";
    view.schema = schema;
    view.shape = "flat";
    view.store = "cell/store";
    return {{"view", catalog::ToJson(view)}};
  }
  json StoreAnswer() const {
    return {{"view", "events"}, {"generation", "00000000000000ab"}, {"schema", schema},
            {"loci", json::array({{{"locus", 0}}, {{"locus", 1}}, {{"locus", 2}}})}};
  }
  // What the workers would answer: the sample users scanned with the query's plan.
  worker::ScanReply Scanned(const char* query) const {
    const eql::Plan plan = eql::testing::MustCompile(query);
    auto region = eql::testing::Press(eql::testing::SampleUsers());
    worker::ScanReply answer;
    answer.partial = eql::EncodePartial(eql::testing::Scan(plan, *region));
    answer.generation_text = "00000000000000ab";
    answer.workers = {{0, "unity/events@171#0", "nexus", 0, 0, 40, 1},
                      {1, "unity/events@171#1", "memory", 0, 0, 0, 1},
                      {2, "unity/events@171#2", "nexus", 0, 0, 55.5, 1}};
    return answer;
  }
};

CellQuery Adhoc(const char* text) {
  CellQuery q;
  q.text = text;
  q.view = "events";
  q.now_ms = eql::testing::kTestNow;
  q.timeout_ms = 1000;
  return q;
}

TEST(QueryRunTest, AQueryAsksTheCatalogThenItsStoreThenScansAndAnswersTheTable) {
  Fakes fakes;
  QueryRun run(Adhoc(kCount), /*start_ms=*/100, /*wall_ms=*/0);
  ASSERT_EQ(run.step(), QueryRun::Step::kView);
  EXPECT_EQ(run.CatalogRequest(), (json{{"op", "find_view"}, {"moniker", "events"}}));
  run.OnCatalog(Status::OK(), fakes.ViewAnswer());
  ASSERT_EQ(run.step(), QueryRun::Step::kStore) << run.error().ToString();
  EXPECT_EQ(run.store_element(), "store");  // of "cell/store"
  EXPECT_EQ(run.StoreRequest(), (json{{"view", "events"}}));  // the view file's name
  run.OnStore(Status::OK(), fakes.StoreAnswer());
  ASSERT_EQ(run.step(), QueryRun::Step::kScan) << run.error().ToString();
  EXPECT_EQ(run.loci(), 3);

  const worker::ScanRequest scan = run.ScanRequest(Deal{{0, {0, 2}}, {1, {1}}}, /*now_ms=*/300);
  EXPECT_EQ(scan.deal, (Deal{{0, {0, 2}}, {1, {1}}}));
  EXPECT_EQ(scan.loci.size(), 3u);
  EXPECT_EQ(scan.generation_text, "00000000000000ab");
  EXPECT_EQ(scan.generation.generation, 0xab);
  EXPECT_EQ(scan.generation.domain, "unity");
  EXPECT_EQ(scan.generation.view, "events");
  EXPECT_EQ(scan.query, kCount);
  EXPECT_EQ(scan.schema, samplestore::kUnitySchema);
  EXPECT_EQ(scan.now_ms, eql::testing::kTestNow);
  EXPECT_EQ(scan.timeout_ms, 720);  // 800 left: the workers' budget ends first
  // What goes on the wire is the scan protocol's request, read back as sent.
  worker::ScanRequest read;
  ASSERT_TRUE(worker::ParseScanRequest(worker::EncodeScanRequest(scan), &read).ok());
  EXPECT_EQ(read.deal, scan.deal);

  run.OnScan(Status::OK(), fakes.Scanned(kCount), /*now_ms=*/350);
  ASSERT_EQ(run.step(), QueryRun::Step::kDone);
  ASSERT_TRUE(run.error().ok()) << run.error().ToString();
  const json& answer = run.answer();
  EXPECT_EQ(answer["columns"], (json{"user.country", "count(user.sessions)"}));
  EXPECT_EQ(answer["rows"], json::array({json::array({"DE", 1}), json::array({"FR", 2})}));
  const json& stats = answer["stats"];
  EXPECT_EQ(stats["generation"], "00000000000000ab");
  EXPECT_EQ(stats["blobs"], 3);
  EXPECT_EQ(stats["ms"], 250);
  EXPECT_EQ(stats["load_ms"], 55.5);
  EXPECT_EQ(stats["workers"], 3);
  EXPECT_EQ(stats["sources"], (json{{"memory", 1}, {"nexus", 2}}));
}

TEST(QueryRunTest, ASavedQueryTakesItsTextAndViewFromTheCatalog) {
  Fakes fakes;
  CellQuery q;
  q.saved = "by-country";
  QueryRun run(q, 0, eql::testing::kTestNow);
  ASSERT_EQ(run.step(), QueryRun::Step::kSavedQuery);
  EXPECT_EQ(run.CatalogRequest(), (json{{"op", "show"}, {"kind", "query"}, {"moniker", "by-country"}}));
  catalog::SavedQuery saved;
  saved.key = 3;
  saved.moniker = "by-country";
  saved.view = "events";
  saved.text = kCount;
  run.OnCatalog(Status::OK(), {{"query", catalog::ToJson(saved)}});
  ASSERT_EQ(run.step(), QueryRun::Step::kView) << run.error().ToString();
  EXPECT_EQ(run.view(), "events");
  EXPECT_EQ(run.CatalogRequest(), (json{{"op", "find_view"}, {"moniker", "events"}}));
  run.OnCatalog(Status::OK(), fakes.ViewAnswer());
  run.OnStore(Status::OK(), fakes.StoreAnswer());
  ASSERT_EQ(run.step(), QueryRun::Step::kScan) << run.error().ToString();
  EXPECT_EQ(run.ScanRequest({}, 0).query, kCount);
}

TEST(QueryRunTest, AQueryThatDoesNotCheckIsRefusedWithEveryErrorAtLineAndColumn) {
  Fakes fakes;
  QueryRun run(Adhoc("select sum(user.country),\n  count(user.sesions) from schema unity"), 0, 0);
  run.OnCatalog(Status::OK(), fakes.ViewAnswer());
  run.OnStore(Status::OK(), fakes.StoreAnswer());
  ASSERT_EQ(run.step(), QueryRun::Step::kDone);
  ASSERT_TRUE(run.refused());
  ASSERT_EQ(run.refusal().errors.size(), 2u);
  EXPECT_EQ(run.refusal().errors[0], "1:12: error: sum() takes a numeric field; 'user.country' is a string");
  EXPECT_EQ(run.refusal().errors[1].rfind("2:14: error: user has no field 'sesions'", 0), 0u)
      << run.refusal().errors[1];
}

TEST(QueryRunTest, AViewTheCatalogDoesNotKnowFailsNamingIt) {
  QueryRun run(Adhoc(kCount), 0, 0);
  catalog::Refused refused;
  refused.code = catalog::Refusal::kNotFound;
  refused.message = "no view 'events'";
  run.OnCatalog(Status::OK(), catalog::EncodeRefused(refused));
  ASSERT_EQ(run.step(), QueryRun::Step::kDone);
  EXPECT_FALSE(run.refused());
  EXPECT_EQ(run.error().message(), "view 'events': no view 'events'");
}

TEST(QueryRunTest, AFailedOrSilentStepFailsTheQueryKeepingWhatFailedAndItsCode) {
  Fakes fakes;
  {
    QueryRun run(Adhoc(kCount), 0, 0);
    run.OnCatalog(Status::Timeout("no reply on 'catalog' in time"), {});
    EXPECT_EQ(run.error().code(), Status::Code::kTimeout);
    EXPECT_EQ(run.error().message(), "the catalog: no reply on 'catalog' in time");
  }
  {
    QueryRun run(Adhoc(kCount), 0, 0);
    run.OnCatalog(Status::OK(), fakes.ViewAnswer());
    run.OnStore(Status::Invalid("view events: no such file"), {});
    EXPECT_EQ(run.error().message(), "view 'events': sample store 'store': view events: no such file");
  }
  {
    QueryRun run(Adhoc(kCount), 0, 0);
    run.OnCatalog(Status::OK(), fakes.ViewAnswer());
    run.OnStore(Status::OK(), fakes.StoreAnswer());
    run.OnScan(Status::Timeout("no reply on 'workers' in time from workers/1"), {}, 10);
    ASSERT_EQ(run.step(), QueryRun::Step::kDone);
    EXPECT_EQ(run.error().code(), Status::Code::kTimeout);
    EXPECT_NE(run.error().message().find("workers/1"), std::string::npos) << run.error().message();
  }
  {
    QueryRun run(Adhoc(kCount), 0, 0);
    run.OnCatalog(Status::OK(), fakes.ViewAnswer());
    run.OnStore(Status::OK(), {{"generation", "00000000000000ab"}});
    EXPECT_EQ(run.error().message(),
              "view 'events': sample store 'store': an answer without generation, loci and schema");
  }
}

TEST(QueryRunTest, APartialOfAnotherQueryOrNoPartialAtAllFails) {
  Fakes fakes;
  QueryRun run(Adhoc(kCount), 0, 0);
  run.OnCatalog(Status::OK(), fakes.ViewAnswer());
  run.OnStore(Status::OK(), fakes.StoreAnswer());
  run.OnScan(Status::OK(), fakes.Scanned("select count(user) from schema unity"), 10);
  EXPECT_FALSE(run.error().ok());
  QueryRun garbled(Adhoc(kCount), 0, 0);
  garbled.OnCatalog(Status::OK(), fakes.ViewAnswer());
  garbled.OnStore(Status::OK(), fakes.StoreAnswer());
  worker::ScanReply bad;
  bad.partial = "not msgpack";
  garbled.OnScan(Status::OK(), bad, 10);
  EXPECT_NE(garbled.error().message().find("its partial result"), std::string::npos) << garbled.error().message();
}

TEST(QueryRunTest, TheBudgetIsTheQuerysTimeoutFromItsStart) {
  QueryRun run(Adhoc(kCount), 1000, 0);
  EXPECT_EQ(run.RemainingMs(1000), 1000);
  EXPECT_EQ(run.RemainingMs(1900), 100);
  EXPECT_EQ(run.RemainingMs(5000), 1);  // spent: a step asked now times out at once
}

TEST(QueryRunTest, NamesOfAViewFileAndOfATarget) {
  EXPECT_EQ(StoreViewName("/a/b/events.view.toml"), "events");
  EXPECT_EQ(StoreViewName("events.view.toml"), "events");
  EXPECT_EQ(StoreViewName("odd"), "odd");
  EXPECT_EQ(ElementOfTarget("cell/store"), "store");
  EXPECT_EQ(ElementOfTarget("store"), "store");
}

}  // namespace
}  // namespace datablox::supervisor
