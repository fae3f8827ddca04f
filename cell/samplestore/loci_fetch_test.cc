// FetchLoci against plain nexus::Servers on loopback, each on a thread of
// its own, standing in for the workers: the real locus plans and presses
// (locus_plan.h, locus_source.h) behind them, or sources that misbehave.
#include "cell/samplestore/loci_fetch.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "cell/brio/blob_json.h"
#include "cell/brio/region.h"
#include "cell/samplestore/dataset.h"
#include "cell/samplestore/loci_answer.h"
#include "cell/samplestore/locus_plan.h"
#include "cell/samplestore/test_dir.h"
#include "runtime/nexus/server.h"

namespace datablox::samplestore {
namespace {

// A worker's StreamSource as the Nexus server's ParcelSource.
class Adapted : public nexus::ParcelSource {
 public:
  explicit Adapted(std::unique_ptr<StreamSource> source) : source_(std::move(source)) {}
  Fill Next(nexus::Parcel* parcel, Status* error) override {
    StreamParcel p;
    switch (source_->next(&p, error)) {
      case StreamSource::Fill::kParcel:
        parcel->bytes = std::move(p.bytes);
        parcel->item_count = p.items;
        return Fill::kParcel;
      case StreamSource::Fill::kNotYet: return Fill::kNotYet;
      case StreamSource::Fill::kDone: return Fill::kDone;
      case StreamSource::Fill::kFailed: return Fill::kFailed;
    }
    return Fill::kFailed;
  }
  int64_t expected() const override { return source_->expected(); }
  uint64_t potential() const override { return source_->potential(); }
  uint64_t rejected() const override { return source_->rejected(); }

 private:
  std::unique_ptr<StreamSource> source_;
};

// The blobs of each locus, in memory; Finish makes one region of them all.
class MemorySink : public LocusSink {
 public:
  void Add(int locus, std::string_view blob) override { blobs_[locus].emplace_back(blob); }
  void Discard(int locus) override { blobs_.erase(locus); }
  std::string Finish() {
    brio::RegionWriter writer;
    for (const auto& [locus, blobs] : blobs_)
      for (const std::string& blob : blobs) writer.Add(blob);
    return writer.Finish();
  }

 private:
  std::map<int, std::vector<std::string>> blobs_;
};

// A Nexus server polled on its own thread until stopped (or destroyed).
class ServerThread {
 public:
  explicit ServerThread(nexus::StreamHandler handler) {
    std::promise<std::string> bound;
    std::future<std::string> endpoint = bound.get_future();
    thread_ = std::thread([this, handler = std::move(handler), &bound] {
      std::unique_ptr<nexus::Server> server;
      Status st = nexus::Server::Bind("tcp://127.0.0.1:*", handler, {}, &server);
      bound.set_value(st.ok() ? server->endpoint() : "");
      if (!st.ok()) return;
      while (!stop_) server->Poll(10);
    });  // the server goes with the thread: its streams then hear nothing more
    endpoint_ = endpoint.get();
  }
  ~ServerThread() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::atomic<bool> stop_{false};
  std::string endpoint_;
  std::thread thread_;
};

std::string Rows(int first_user, int users) {
  std::string rows;
  for (int u = first_user; u < first_user + users; ++u) {
    for (int e = 0; e < 3; ++e)
      rows += fmt::format(
          R"({{"user":"u{}","session":{},"session_start":{},"ts":{},"type":"view","value":{}.5,"country":"DE","os":"ios"}})"
          "\n",
          u, u * 10, 1000 + u, 2000 + e, e);
  }
  return rows;
}

class LociFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("unity.brio", kUnitySchema);
    dir_.Write("v.view.toml", kFlatView);
    dir_.Write("data/a.jsonl", Rows(0, 40));
    dir_.Write("data/b.jsonl", Rows(40, 30) + "not json\n");
    dir_.Write("data/c.jsonl", Rows(70, 30));
    ASSERT_TRUE(LoadedView::Load(dir_.path() + "/v.view.toml", &view_).ok());
  }
  // A worker: plans and presses what it is asked, as SampleStoreWorker does.
  nexus::StreamHandler Worker() {
    return [this](const nexus::StreamRequest& request, std::unique_ptr<nexus::ParcelSource>* out) {
      LocusPlan plan;
      if (Status st = PlanLocus(dir_.path(), request.paradata, &plan); !st.ok()) return st;
      *out = std::make_unique<Adapted>(std::make_unique<LocusSource>(
          std::shared_ptr<const LoadedView>(std::move(plan.view)), std::move(plan.files), slots_, tally_, 4096));
      return Status::OK();
    };
  }
  nlohmann::json Answer(const std::vector<std::string>& workers) {
    std::vector<DatasetFile> files;
    EXPECT_TRUE(ScanDataset(view_->definition().location, view_->definition().files, &files).ok());
    nlohmann::json answer;
    EXPECT_TRUE(BuildLociAnswer(view_->definition(), files, workers, &answer).ok());
    return answer;
  }

  TestDir dir_;
  std::unique_ptr<LoadedView> view_;
  std::shared_ptr<PressSlots> slots_ = std::make_shared<PressSlots>(2);
  std::shared_ptr<PressTally> tally_ = std::make_shared<PressTally>();
  LociFetchOptions options_;
};

TEST_F(LociFetchTest, PullsEveryLocusFromEveryWorkerWithExactCounts) {
  ServerThread w1(Worker()), w2(Worker());
  MemorySink sink;
  FetchReport report;
  int progress_calls = 0;
  Status st = FetchLoci(
      Answer({w1.endpoint(), w2.endpoint()}), options_, sink, [&](const FetchProgress&) { ++progress_calls; }, &report);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(report.loci, 2u);
  EXPECT_EQ(report.items, 100u);
  EXPECT_EQ(report.rejected, 1u);  // b.jsonl's "not json"
  EXPECT_TRUE(report.failed.empty());
  EXPECT_GE(progress_calls, 1);
  const std::string bytes = sink.Finish();
  brio::RegionView region;
  ASSERT_TRUE(brio::RegionView::Open(bytes, &region).ok());
  ASSERT_EQ(region.blob_count(), 100u);
  std::set<std::string> users;
  for (uint64_t i = 0; i < region.blob_count(); ++i) {
    brio::BlobView blob;
    ASSERT_TRUE(region.OpenBlob(i, view_->layout(), &blob).ok());
    std::string json;
    brio::AppendJson(blob.root(), &json);
    users.insert(nlohmann::json::parse(json)["id"].get<std::string>());
    if (json.find(R"("id":"u7")") != std::string::npos) {
      auto user = nlohmann::json::parse(json);
      ASSERT_EQ(user["sessions"].size(), 1u);
      EXPECT_EQ(user["sessions"][0]["start"], 1007);
      EXPECT_EQ(user["sessions"][0]["events"].size(), 3u);
    }
  }
  EXPECT_EQ(users.size(), 100u);  // each once: the files are partitioned by user
}

TEST_F(LociFetchTest, AStaleGenerationFailsTheFetchNamingTheLocus) {
  ServerThread w1(Worker());
  const nlohmann::json answer = Answer({w1.endpoint()});
  dir_.Write("data/d.jsonl", Rows(100, 1));  // added after the supervisor answered
  MemorySink sink;
  FetchReport report;
  Status st = FetchLoci(answer, options_, sink, nullptr, &report);
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  EXPECT_NE(st.message().find("stale generation"), std::string::npos) << st.message();
  EXPECT_EQ(report.failed, "locus 0 at " + w1.endpoint());
}

// Sends one parcel, then says what it likes.
class Scripted : public nexus::ParcelSource {
 public:
  Scripted(std::string parcel, uint64_t items, int64_t expected, bool stall)
      : parcel_(std::move(parcel)), items_(items), expected_(expected), stall_(stall) {}
  Fill Next(nexus::Parcel* parcel, Status*) override {
    if (sent_) return stall_ ? Fill::kNotYet : Fill::kDone;
    sent_ = true;
    parcel->bytes = parcel_;
    parcel->item_count = items_;
    return Fill::kParcel;
  }
  int64_t expected() const override { return expected_; }

 private:
  std::string parcel_;
  uint64_t items_;
  int64_t expected_;
  bool stall_;
  bool sent_ = false;
};

std::string RegionOf(int blobs) {
  brio::RegionWriter writer;
  for (int i = 0; i < blobs; ++i) writer.Add("12345678");
  return writer.Finish();
}

nexus::StreamHandler Scripting(std::string parcel, uint64_t items, int64_t expected, bool stall = false) {
  return [=](const nexus::StreamRequest&, std::unique_ptr<nexus::ParcelSource>* out) {
    *out = std::make_unique<Scripted>(parcel, items, expected, stall);
    return Status::OK();
  };
}

TEST_F(LociFetchTest, ACompletionShortOfItsExpectedCountIsAnError) {
  ServerThread liar(Scripting(RegionOf(2), 2, /*expected=*/5));
  MemorySink sink;
  FetchReport report;
  Status st = FetchLoci(Answer({liar.endpoint()}), options_, sink, nullptr, &report);
  EXPECT_EQ(st.code(), Status::Code::kInvalid) << st.ToString();
  EXPECT_NE(st.message().find("short load"), std::string::npos) << st.message();
}

TEST_F(LociFetchTest, AParcelThatIsNoRegionIsAnError) {
  ServerThread garbage(Scripting("not a region at all, not at all", 1, 1));
  MemorySink sink;
  FetchReport report;
  Status st = FetchLoci(Answer({garbage.endpoint()}), options_, sink, nullptr, &report);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_NE(st.message().find("not a Brio region"), std::string::npos) << st.message();
  EXPECT_EQ(report.failed, "locus 0 at " + garbage.endpoint());
}

TEST_F(LociFetchTest, AWorkerThatDiesMidStreamIsATimeoutNotAHang) {
  ServerThread good(Worker());
  auto dying = std::make_unique<ServerThread>(Scripting(RegionOf(1), 1, -1, /*stall=*/true));
  const nlohmann::json answer = Answer({good.endpoint(), dying->endpoint()});
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    dying.reset();  // its server is gone: no heartbeat, no completion
  });
  options_.stream_timeout_ms = 1000;
  MemorySink sink;
  FetchReport report;
  Status st = FetchLoci(answer, options_, sink, nullptr, &report);
  killer.join();
  EXPECT_TRUE(st.IsTimeout()) << st.ToString();
  EXPECT_EQ(report.failed.rfind("locus 1 at ", 0), 0u) << report.failed;
}

// Sends its locus's first parcel as a worker would, then fails the stream.
class FailsAfterOne : public nexus::ParcelSource {
 public:
  explicit FailsAfterOne(std::unique_ptr<nexus::ParcelSource> real) : real_(std::move(real)) {}
  Fill Next(nexus::Parcel* parcel, Status* error) override {
    if (sent_) {
      *error = Status::IOError("disk gone");
      return Fill::kFailed;
    }
    const Fill fill = real_->Next(parcel, error);
    sent_ = fill == Fill::kParcel;
    return fill;
  }

 private:
  std::unique_ptr<nexus::ParcelSource> real_;
  bool sent_ = false;
};

std::set<std::string> UserIds(const std::string& region_bytes, const brio::SchemaLayout& layout, uint64_t* blobs) {
  brio::RegionView region;
  EXPECT_TRUE(brio::RegionView::Open(region_bytes, &region).ok());
  std::set<std::string> ids;
  for (uint64_t i = 0; i < region.blob_count(); ++i) {
    brio::BlobView blob;
    EXPECT_TRUE(region.OpenBlob(i, layout, &blob).ok());
    std::string json;
    brio::AppendJson(blob.root(), &json);
    ids.insert(nlohmann::json::parse(json)["id"].get<std::string>());
  }
  *blobs = region.blob_count();
  return ids;
}

TEST_F(LociFetchTest, ALocusWhoseWorkerIsDeadOrFailsMidStreamIsPulledFromItsReplica) {
  ServerThread good(Worker());
  ServerThread failing([this](const nexus::StreamRequest& request, std::unique_ptr<nexus::ParcelSource>* out) {
    std::unique_ptr<nexus::ParcelSource> real;
    if (Status st = Worker()(request, &real); !st.ok()) return st;
    *out = std::make_unique<FailsAfterOne>(std::move(real));
    return Status::OK();
  });
  const std::string dead = "tcp://127.0.0.1:9";  // nothing listens: the stream hears nothing
  nlohmann::json answer = Answer({good.endpoint(), failing.endpoint()});
  ASSERT_EQ(answer["loci"].size(), 2u);
  answer["loci"][0]["addresses"] = {dead, good.endpoint()};
  answer["loci"][1]["addresses"] = {failing.endpoint(), good.endpoint()};
  options_.stream_timeout_ms = 500;
  MemorySink sink;
  FetchReport report;
  Status st = FetchLoci(answer, options_, sink, nullptr, &report);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(report.retries, 2u);
  ASSERT_EQ(report.retried.size(), 2u);
  EXPECT_NE(report.retried[0].find("disk gone"), std::string::npos) << report.retried[0];  // it fails first
  EXPECT_NE(report.retried[1].find("locus 0 at " + dead + ": nexus stream"), std::string::npos) << report.retried[1];
  EXPECT_EQ(report.items, 100u);
  uint64_t blobs = 0;
  EXPECT_EQ(UserIds(sink.Finish(), view_->layout(), &blobs).size(), 100u);
  EXPECT_EQ(blobs, 100u);  // the failed attempt's parcel was discarded: no duplicates
  EXPECT_EQ(report.rejected, 1u);
}

TEST_F(LociFetchTest, ALocusFailsTheFetchOnlyWhenEveryReplicaFailedNamingEach) {
  ServerThread good(Worker());
  dir_.Write("data/d.jsonl", Rows(100, 1));  // after the answer below: its generation is stale
  nlohmann::json answer = Answer({good.endpoint()});
  dir_.Write("data/d.jsonl", Rows(100, 2));
  const std::string dead = "tcp://127.0.0.1:9";
  answer["loci"][0]["addresses"] = {good.endpoint(), dead};
  options_.stream_timeout_ms = 500;
  MemorySink sink;
  FetchReport report;
  Status st = FetchLoci(answer, options_, sink, nullptr, &report);
  EXPECT_EQ(st.code(), Status::Code::kUnavailable) << st.ToString();
  EXPECT_EQ(st.message().rfind("locus 0: every replica failed: " + good.endpoint() + ": ", 0), 0u) << st.message();
  EXPECT_NE(st.message().find("stale generation"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("; " + dead + ": nexus stream"), std::string::npos) << st.message();
  EXPECT_EQ(report.failed, "locus 0 at " + good.endpoint() + ", " + dead);
}

TEST_F(LociFetchTest, AnAnswerNotOfItsShapeIsInvalid) {
  MemorySink sink;
  FetchReport report;
  EXPECT_EQ(FetchLoci(nlohmann::json::array(), options_, sink, nullptr, &report).code(), Status::Code::kInvalid);
  EXPECT_EQ(FetchLoci({{"generation", "g"}, {"loci", {{{"locus", 0}}}}}, options_, sink, nullptr, &report).code(),
            Status::Code::kInvalid);
  EXPECT_TRUE(
      FetchLoci({{"generation", "g"}, {"loci", nlohmann::json::array()}}, options_, sink, nullptr, &report).ok());
}

}  // namespace
}  // namespace datablox::samplestore
