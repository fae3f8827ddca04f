#include "cell/worker/slice_state.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>

namespace datablox::worker {
namespace {

using S = SliceState;
using E = SliceEvent;

// Every legal transition; every other (state, event) pair is refused.
const std::map<std::pair<S, E>, S> kLegal = {
    {{S::kCold, E::kLoaded}, S::kWarm},       {{S::kCold, E::kLoadedEmpty}, S::kNoData},
    {{S::kCold, E::kLoadFailed}, S::kFailed}, {{S::kWarm, E::kMapped}, S::kHot},
    {{S::kHot, E::kFlushed}, S::kWarm},       {{S::kWarm, E::kBroken}, S::kFailed},
    {{S::kHot, E::kBroken}, S::kFailed},      {{S::kWarm, E::kDropped}, S::kCold},
    {{S::kHot, E::kDropped}, S::kCold},       {{S::kNoData, E::kDropped}, S::kCold},
    {{S::kFailed, E::kDropped}, S::kCold},
};

TEST(SliceState, EveryLegalTransitionLandsWhereTheTableSays) {
  for (const auto& [from_event, to] : kLegal) {
    S got;
    EXPECT_TRUE(NextState(from_event.first, from_event.second, &got))
        << StateName(from_event.first) << " " << EventName(from_event.second);
    EXPECT_EQ(got, to) << StateName(from_event.first) << " " << EventName(from_event.second);
  }
}

TEST(SliceState, EveryOtherTransitionIsRefused) {
  int refused = 0;
  for (int s = 0; s <= static_cast<int>(S::kFailed); ++s) {
    for (int e = 0; e <= static_cast<int>(E::kDropped); ++e) {
      if (kLegal.count({static_cast<S>(s), static_cast<E>(e)})) continue;
      S got;
      EXPECT_FALSE(NextState(static_cast<S>(s), static_cast<E>(e), &got))
          << StateName(static_cast<S>(s)) << " " << EventName(static_cast<E>(e));
      ++refused;
    }
  }
  EXPECT_EQ(refused, 5 * 7 - static_cast<int>(kLegal.size()));
}

TEST(SliceLifecycle, LoadMapFlushDropRoundTrip) {
  SliceLifecycle slice;
  EXPECT_EQ(slice.state(), S::kCold);
  EXPECT_FALSE(slice.on_disk());
  ASSERT_TRUE(slice.Apply(E::kLoaded).ok());
  EXPECT_TRUE(slice.on_disk());
  EXPECT_FALSE(slice.in_memory());
  ASSERT_TRUE(slice.Apply(E::kMapped).ok());
  EXPECT_TRUE(slice.in_memory());
  ASSERT_TRUE(slice.Apply(E::kFlushed).ok());
  EXPECT_EQ(slice.state(), S::kWarm);
  ASSERT_TRUE(slice.Apply(E::kDropped).ok());
  EXPECT_EQ(slice.state(), S::kCold);
}

TEST(SliceLifecycle, RefusedEventNamesItAndKeepsTheState) {
  SliceLifecycle slice;
  Status st = slice.Apply(E::kMapped);
  EXPECT_EQ(st.message(), "a cold slice cannot take 'mapped'");
  EXPECT_EQ(slice.state(), S::kCold);
  ASSERT_TRUE(slice.Apply(E::kLoadFailed).ok());
  EXPECT_EQ(slice.Apply(E::kLoaded).message(), "a failed slice cannot take 'loaded'");
  EXPECT_EQ(slice.state(), S::kFailed);
}

TEST(SliceLifecycle, FailedSliceMayLoadAgainAfterItIsDropped) {
  SliceLifecycle slice;
  ASSERT_TRUE(slice.Apply(E::kLoaded).ok());
  ASSERT_TRUE(slice.Apply(E::kBroken).ok());
  ASSERT_TRUE(slice.Apply(E::kDropped).ok());
  EXPECT_TRUE(slice.Apply(E::kLoaded).ok());
  EXPECT_EQ(slice.state(), S::kWarm);
}

}  // namespace
}  // namespace datablox::worker
