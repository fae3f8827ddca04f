#include "cell/samplestore/locus_source.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <set>
#include <thread>

#include "cell/brio/blob_json.h"
#include "cell/brio/region.h"
#include "cell/samplestore/test_dir.h"

namespace datablox::samplestore {
namespace {

// Rows of two users; u1's rows lie in one file, out of order.
constexpr const char* kFileA =
    R"({"user":"u1","session":11,"session_start":100,"ts":105,"type":"click","value":1.5,"country":"DE","os":"ios"}
{"user":"u1","session":10,"session_start":50,"ts":51,"type":"view","value":0.5,"country":"DE","os":"ios"}
not json
{"user":"u1","session":11,"session_start":100,"ts":101,"type":"view","value":2.0,"country":"DE","os":"ios"}
)";
constexpr const char* kFileB =
    R"({"user":"u2","session":20,"session_start":10,"ts":11,"type":"view","value":3.0,"country":"FR","os":"linux"}
[1, 2]
{"session":21,"session_start":1,"ts":2,"type":"view","value":3.0}
)";

struct Pulled {
  std::vector<StreamParcel> parcels;
  StreamSource::Fill end = StreamSource::Fill::kNotYet;
  Status error;
};

// Drives the source as the host does: next() until done, within no deadline
// but the test's own (a kNotYet is asked again a millisecond later).
Pulled Pull(StreamSource& source) {
  Pulled out;
  for (;;) {
    StreamParcel parcel;
    const StreamSource::Fill fill = source.next(&parcel, &out.error);
    if (fill == StreamSource::Fill::kParcel) {
      out.parcels.push_back(std::move(parcel));
    } else if (fill == StreamSource::Fill::kNotYet) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } else {
      out.end = fill;
      return out;
    }
  }
}

class LocusSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("unity.brio", kUnitySchema);
    dir_.Write("data/a.jsonl", kFileA);
    dir_.Write("data/b.jsonl", kFileB);
    ASSERT_TRUE(LoadedView::Load(dir_.Write("v.view.toml", kFlatView), &loaded_).ok());
    view_ = std::shared_ptr<const LoadedView>(std::move(loaded_));
  }
  std::vector<LocusFile> Files(std::initializer_list<const char*> names) {
    std::vector<LocusFile> files;
    for (const char* name : names) files.push_back({dir_.path() + "/data/" + name, name});
    return files;
  }

  TestDir dir_;
  std::unique_ptr<LoadedView> loaded_;
  std::shared_ptr<const LoadedView> view_;
  std::shared_ptr<PressSlots> slots_ = std::make_shared<PressSlots>(2);
  std::shared_ptr<PressTally> tally_ = std::make_shared<PressTally>();
};

TEST_F(LocusSourceTest, PressesEveryFileIntoRegionParcelsWithTheCounts) {
  LocusSource source(view_, Files({"a.jsonl", "b.jsonl"}), slots_, tally_);
  Pulled pulled = Pull(source);
  ASSERT_EQ(pulled.end, StreamSource::Fill::kDone) << pulled.error.ToString();
  std::vector<std::string> users;
  uint64_t items = 0;
  for (const StreamParcel& parcel : pulled.parcels) {
    brio::RegionView region;
    ASSERT_TRUE(brio::RegionView::Open(parcel.bytes, &region).ok());
    ASSERT_EQ(region.blob_count(), parcel.items);
    items += parcel.items;
    for (uint64_t i = 0; i < region.blob_count(); ++i) {
      brio::BlobView blob;
      ASSERT_TRUE(region.OpenBlob(i, view_->layout(), &blob).ok());
      std::string json;
      brio::AppendJson(blob.root(), &json);
      users.push_back(json);
    }
  }
  std::sort(users.begin(), users.end());
  ASSERT_EQ(items, 2u);
  // u1's sessions and events come out ordered by their ordinals.
  EXPECT_NE(users[0].find(R"("id":"u1")"), std::string::npos) << users[0];
  EXPECT_LT(users[0].find(R"("ts":101)"), users[0].find(R"("ts":105)")) << users[0];
  EXPECT_LT(users[0].find(R"("id":10)"), users[0].find(R"("id":11)")) << users[0];
  EXPECT_NE(users[1].find(R"("country":"FR")"), std::string::npos) << users[1];
  // not json, [1, 2], a row without its user: three rejects.
  EXPECT_EQ(source.rejected(), 3u);
  EXPECT_EQ(source.expected(), 5);
  EXPECT_EQ(tally_->files(), 2u);
  EXPECT_EQ(tally_->RejectsText(), "malformed=1 not_object=1 missing_key=1 too_deep=0 over_size_cap=0");
  EXPECT_NE(tally_->SamplesText().find("a.jsonl:3: malformed JSON"), std::string::npos) << tally_->SamplesText();
}

TEST_F(LocusSourceTest, SmallParcelsCutTheBlobsIntoSeveralRegions) {
  LocusSource source(view_, Files({"a.jsonl", "b.jsonl"}), slots_, tally_, /*parcel_bytes=*/1);
  Pulled pulled = Pull(source);
  ASSERT_EQ(pulled.end, StreamSource::Fill::kDone);
  EXPECT_EQ(pulled.parcels.size(), 2u);  // one blob each
  for (const StreamParcel& parcel : pulled.parcels) EXPECT_EQ(parcel.items, 1u);
}

TEST_F(LocusSourceTest, AFileThatCannotBeReadFailsTheStream) {
  LocusSource source(view_, Files({"a.jsonl", "gone.jsonl"}), slots_, tally_);
  Pulled pulled = Pull(source);
  ASSERT_EQ(pulled.end, StreamSource::Fill::kFailed);
  EXPECT_NE(pulled.error.message().find("gone.jsonl"), std::string::npos) << pulled.error.message();
  EXPECT_EQ(tally_->failed_files(), 1u);
}

TEST_F(LocusSourceTest, AnAbandonedSourceStopsItsThreads) {
  // Nothing pulled: the presses block on the full queue (one-byte parcels)
  // and the destructor must still end them.
  std::string many;
  for (int i = 0; i < 200; ++i)
    many += R"({"user":"u)" + std::to_string(i) +
            R"(","session":1,"session_start":1,"ts":1,"type":"v","value":1,"country":"DE","os":"ios"})"
            "\n";
  dir_.Write("data/many.jsonl", many);
  auto source = std::make_unique<LocusSource>(view_, Files({"many.jsonl", "a.jsonl"}), slots_, tally_, 1);
  StreamParcel parcel;
  Status error;
  while (source->next(&parcel, &error) != StreamSource::Fill::kParcel)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  source.reset();                                          // joins: the test would hang here if it did not
  EXPECT_TRUE(slots_->Acquire(std::atomic<bool>(false)));  // the slots came back
  EXPECT_TRUE(slots_->Acquire(std::atomic<bool>(false)));
}

TEST(NestedLocusSourceTest, PressesOneBlobPerLineOfRootObjects) {
  TestDir dir;
  dir.Write("unity.brio", kUnitySchema);
  dir.Write(
      "data/users.jsonl",
      R"({"id":"u1","country":"DE","sessions":[{"id":1,"start":5,"events":[{"ts":6,"type":"view","value":1.5}]}]})"
      "\n"
      R"({"id":"u2","os":"ios"})"
      "\n"
      "{broken\n");
  std::unique_ptr<LoadedView> loaded;
  ASSERT_TRUE(
      LoadedView::Load(dir.Write("n.view.toml", "schema = \"unity.brio\"\nshape = \"nested\"\nlocation = \"data\"\n"),
                       &loaded)
          .ok());
  std::shared_ptr<const LoadedView> view(std::move(loaded));
  auto tally = std::make_shared<PressTally>();
  LocusSource source(view, {{dir.path() + "/data/users.jsonl", "users.jsonl"}}, std::make_shared<PressSlots>(1), tally);
  Pulled pulled = Pull(source);
  ASSERT_EQ(pulled.end, StreamSource::Fill::kDone) << pulled.error.ToString();
  ASSERT_EQ(pulled.parcels.size(), 1u);
  brio::RegionView region;
  ASSERT_TRUE(brio::RegionView::Open(pulled.parcels[0].bytes, &region).ok());
  ASSERT_EQ(region.blob_count(), 2u);
  brio::BlobView blob;
  ASSERT_TRUE(region.OpenBlob(0, view->layout(), &blob).ok());
  std::string json;
  brio::AppendJson(blob.root(), &json);
  EXPECT_NE(json.find(R"("type":"view")"), std::string::npos) << json;
  EXPECT_EQ(source.rejected(), 1u);
  EXPECT_EQ(source.expected(), 3);
  EXPECT_EQ(tally->RejectsText(), "malformed=1 not_object=0 missing_key=0 too_deep=0 over_size_cap=0");
}

class ChunkedLocusSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("unity.brio", kUnitySchema);
    std::unique_ptr<LoadedView> loaded;
    ASSERT_TRUE(
        LoadedView::Load(
            dir_.Write("n.view.toml", "schema = \"unity.brio\"\nshape = \"nested\"\nlocation = \"data\"\n"), &loaded)
            .ok());
    view_ = std::shared_ptr<const LoadedView>(std::move(loaded));
  }
  // `count` users a line, about 100 bytes each; line `bad` (1-based) is not JSON.
  std::string Users(int count, int bad = 0) {
    std::string text;
    for (int i = 1; i <= count; ++i)
      text += i == bad ? "{broken\n"
                       : R"({"id":"u)" + std::to_string(i) +
                             R"(","country":"DE","sessions":[{"id":1,"start":5,"events":[{"ts":6,"type":"v"}]}]})"
                             "\n";
    return text;
  }

  TestDir dir_;
  std::shared_ptr<const LoadedView> view_;
  std::shared_ptr<PressTally> tally_ = std::make_shared<PressTally>();
};

TEST_F(ChunkedLocusSourceTest, AnAbortAfterTheFirstParcelStopsALargeFileWithoutReadingTheRest) {
  const std::string text = Users(80000);  // about 8 MB
  dir_.Write("data/big.jsonl", text);
  auto source =
      std::make_unique<LocusSource>(view_, std::vector<LocusFile>{{dir_.path() + "/data/big.jsonl", "big.jsonl"}},
                                    std::make_shared<PressSlots>(1), tally_, /*parcel_bytes=*/1,
                                    /*chunk_bytes=*/64 << 10);
  StreamParcel parcel;
  Status error;
  while (source->next(&parcel, &error) != StreamSource::Fill::kParcel)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  source.reset();  // the abort: the host drops the source
  const uint64_t read = tally_->read_bytes();
  EXPECT_GT(read, 0u);
  EXPECT_LE(read, uint64_t{2 * 64 << 10}) << "of " << text.size();  // a chunk, and the next being read at most
  EXPECT_LT(tally_->Totals().items, 80000u);
}

TEST_F(ChunkedLocusSourceTest, ChunksPressEveryLineAndRejectsNameTheirTrueLine) {
  dir_.Write("data/big.jsonl", Users(5000, /*bad=*/4321));
  LocusSource source(view_, {{dir_.path() + "/data/big.jsonl", "big.jsonl"}}, std::make_shared<PressSlots>(1), tally_,
                     kParcelBytes, /*chunk_bytes=*/4096);
  Pulled pulled = Pull(source);
  ASSERT_EQ(pulled.end, StreamSource::Fill::kDone) << pulled.error.ToString();
  uint64_t items = 0;
  for (const StreamParcel& p : pulled.parcels) items += p.items;
  EXPECT_EQ(items, 4999u);
  EXPECT_EQ(source.expected(), 5000);
  EXPECT_EQ(tally_->SamplesText().rfind("big.jsonl:4321: malformed JSON", 0), 0u) << tally_->SamplesText();
}

TEST_F(ChunkedLocusSourceTest, RangesOfAFilePressEachLineOnceAndNameRejectsByTheirStartByte) {
  const std::string text = Users(3000, /*bad=*/2001);
  dir_.Write("data/big.jsonl", text);
  const std::string path = dir_.path() + "/data/big.jsonl";
  const uint64_t half = text.size() / 2;
  LocusSource source(view_, {{path, "big.jsonl", 0, half}, {path, "big.jsonl", half, text.size()}},
                     std::make_shared<PressSlots>(2), tally_, kParcelBytes, /*chunk_bytes=*/4096);
  Pulled pulled = Pull(source);
  ASSERT_EQ(pulled.end, StreamSource::Fill::kDone) << pulled.error.ToString();
  std::set<std::string> ids;
  for (const StreamParcel& p : pulled.parcels) {
    brio::RegionView region;
    ASSERT_TRUE(brio::RegionView::Open(p.bytes, &region).ok());
    for (uint64_t i = 0; i < region.blob_count(); ++i) {
      brio::BlobView blob;
      ASSERT_TRUE(region.OpenBlob(i, view_->layout(), &blob).ok());
      std::string json;
      brio::AppendJson(blob.root(), &json);
      EXPECT_TRUE(ids.insert(json.substr(0, json.find(','))).second) << json;
    }
  }
  EXPECT_EQ(ids.size(), 2999u);
  EXPECT_EQ(source.expected(), 3000);
  // The second range starts at the first line that starts at or after `half`.
  const uint64_t second = text.find('\n', half - 1) + 1;
  const uint64_t line_in_range = 2001 - static_cast<uint64_t>(std::count(text.begin(), text.begin() + second, '\n'));
  EXPECT_EQ(tally_->SamplesText().rfind(fmt::format("big.jsonl@{}:{}: malformed JSON", second, line_in_range), 0), 0u)
      << tally_->SamplesText();
}

TEST(PressSlotsTest, AcquireGivesUpWhenStopped) {
  PressSlots slots(1);
  std::atomic<bool> stop{false};
  ASSERT_TRUE(slots.Acquire(stop));
  stop = true;
  EXPECT_FALSE(slots.Acquire(stop));
  slots.Release();
  stop = false;
  EXPECT_TRUE(slots.Acquire(stop));
}

}  // namespace
}  // namespace datablox::samplestore
