#include "runtime/host/stream_source_adapter.h"

#include <gtest/gtest.h>

#include <deque>

namespace datablox::host {
namespace {

// Answers a script of fills, and records the hook depth of every call.
class ScriptedSource : public StreamSource {
 public:
  struct Step {
    Fill fill;
    std::string bytes;
    uint64_t items = 0;
    Status error;
  };
  ScriptedSource(std::deque<Step> steps, const int* depth, std::vector<int>* depths)
      : steps_(std::move(steps)), depth_(depth), depths_(depths) {}
  Fill next(StreamParcel* parcel, Status* error) override {
    depths_->push_back(*depth_);
    Step step = std::move(steps_.front());
    steps_.pop_front();
    parcel->bytes = std::move(step.bytes);
    parcel->items = step.items;
    *error = step.error;
    return step.fill;
  }
  int64_t expected() const override {
    depths_->push_back(*depth_);
    return 12;
  }
  uint64_t potential() const override { return 20; }
  uint64_t rejected() const override { return 2; }

 private:
  std::deque<Step> steps_;
  const int* depth_;
  std::vector<int>* depths_;
};

struct Harness {
  int depth = 0;
  std::vector<int> depths;
  std::unique_ptr<StreamSourceAdapter> adapter;
  explicit Harness(std::deque<ScriptedSource::Step> steps) {
    adapter = std::make_unique<StreamSourceAdapter>(std::make_unique<ScriptedSource>(std::move(steps), &depth, &depths),
                                                    &depth);
  }
};

using Fill = StreamSource::Fill;
using NexusFill = nexus::ParcelSource::Fill;

TEST(StreamSourceAdapter, AParcelKeepsItsBytesAndItemCount) {
  Harness h({{Fill::kParcel, std::string("ab\0c", 4), 3, {}}});
  nexus::Parcel parcel;
  Status error;
  EXPECT_EQ(h.adapter->Next(&parcel, &error), NexusFill::kParcel);
  EXPECT_EQ(parcel.bytes, std::string("ab\0c", 4));
  EXPECT_EQ(parcel.item_count, 3u);
  EXPECT_TRUE(error.ok());
}

TEST(StreamSourceAdapter, NotYetAndDoneAreHandedOnAsTheyAre) {
  Harness h({{Fill::kNotYet, "", 0, {}}, {Fill::kDone, "", 0, {}}});
  nexus::Parcel parcel;
  Status error;
  EXPECT_EQ(h.adapter->Next(&parcel, &error), NexusFill::kNotYet);
  EXPECT_EQ(h.adapter->Next(&parcel, &error), NexusFill::kDone);
  EXPECT_EQ(h.adapter->expected(), 12);
  EXPECT_EQ(h.adapter->potential(), 20u);
  EXPECT_EQ(h.adapter->rejected(), 2u);
}

TEST(StreamSourceAdapter, AFailureCarriesTheSourcesReason) {
  Harness h({{Fill::kFailed, "", 0, Status::IOError("disk gone")}});
  nexus::Parcel parcel;
  Status error;
  EXPECT_EQ(h.adapter->Next(&parcel, &error), NexusFill::kFailed);
  EXPECT_EQ(error.ToString(), Status::IOError("disk gone").ToString());
}

TEST(StreamSourceAdapter, AFailureWithoutAReasonIsStillAnError) {
  Harness h({{Fill::kFailed, "", 0, Status::OK()}});
  nexus::Parcel parcel;
  Status error;
  EXPECT_EQ(h.adapter->Next(&parcel, &error), NexusFill::kFailed);
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.message(), "the stream source failed without a reason");
}

TEST(StreamSourceAdapter, AnAnswerOutsideTheEnumFailsTheStream) {
  Harness h({{static_cast<Fill>(42), "", 0, {}}});
  nexus::Parcel parcel;
  Status error;
  EXPECT_EQ(h.adapter->Next(&parcel, &error), NexusFill::kFailed);
  EXPECT_EQ(error.message(), "the stream source answered no Fill value");
}

TEST(StreamSourceAdapter, EveryCallIntoTheSourceRunsAsAHook) {
  Harness h({{Fill::kParcel, "x", 1, {}}});
  nexus::Parcel parcel;
  Status error;
  h.adapter->Next(&parcel, &error);
  h.adapter->expected();
  EXPECT_EQ(h.depths, (std::vector<int>{1, 1}));
  EXPECT_EQ(h.depth, 0);
}

}  // namespace
}  // namespace datablox::host
