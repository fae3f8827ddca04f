#include "cell/worker/slice_state.h"

#include <fmt/format.h>

#include <array>

namespace datablox::worker {
namespace {

constexpr std::array<std::string_view, 5> kStateNames = {"cold", "warm", "hot", "no_data", "failed"};
constexpr std::array<std::string_view, 7> kEventNames = {"loaded",  "loaded_empty", "load_failed", "mapped",
                                                         "flushed", "broken",       "dropped"};
static_assert(kStateNames.size() == static_cast<size_t>(SliceState::kFailed) + 1);
static_assert(kEventNames.size() == static_cast<size_t>(SliceEvent::kDropped) + 1);

}  // namespace

std::string_view StateName(SliceState state) { return kStateNames[static_cast<size_t>(state)]; }
std::string_view EventName(SliceEvent event) { return kEventNames[static_cast<size_t>(event)]; }

bool NextState(SliceState from, SliceEvent event, SliceState* to) {
  using S = SliceState;
  switch (event) {
    case SliceEvent::kLoaded: *to = S::kWarm; return from == S::kCold;
    case SliceEvent::kLoadedEmpty: *to = S::kNoData; return from == S::kCold;
    case SliceEvent::kLoadFailed: *to = S::kFailed; return from == S::kCold;
    case SliceEvent::kMapped: *to = S::kHot; return from == S::kWarm;
    case SliceEvent::kFlushed: *to = S::kWarm; return from == S::kHot;
    case SliceEvent::kBroken: *to = S::kFailed; return from == S::kWarm || from == S::kHot;
    case SliceEvent::kDropped: *to = S::kCold; return from != S::kCold;
  }
  return false;
}

Status SliceLifecycle::Apply(SliceEvent event) {
  SliceState to;
  if (!NextState(state_, event, &to))
    return Status::Invalid(fmt::format("a {} slice cannot take '{}'", StateName(state_), EventName(event)));
  state_ = to;
  return Status::OK();
}

}  // namespace datablox::worker
