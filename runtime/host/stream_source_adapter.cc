#include "runtime/host/stream_source_adapter.h"

#include <utility>

#include "runtime/host/hook_scope.h"

namespace datablox::host {

nexus::ParcelSource::Fill StreamSourceAdapter::Next(nexus::Parcel* parcel, Status* error) {
  StreamSource::Fill fill;
  StreamParcel next;
  Status why;
  {
    HookScope hook(*hook_depth_);
    fill = source_->next(&next, &why);
  }
  switch (fill) {
    case StreamSource::Fill::kParcel:
      // The bytes move on to ZeroMQ, which frees them once written: no copy.
      parcel->item_count = next.items;
      parcel->bytes = std::move(next.bytes);
      return Fill::kParcel;
    case StreamSource::Fill::kNotYet: return Fill::kNotYet;
    case StreamSource::Fill::kDone: return Fill::kDone;
    case StreamSource::Fill::kFailed:
      *error = why.ok() ? Status::Internal("the stream source failed without a reason") : std::move(why);
      return Fill::kFailed;
  }
  *error = Status::Internal("the stream source answered no Fill value");
  return Fill::kFailed;
}

int64_t StreamSourceAdapter::expected() const {
  HookScope hook(*hook_depth_);
  return source_->expected();
}

uint64_t StreamSourceAdapter::potential() const {
  HookScope hook(*hook_depth_);
  return source_->potential();
}

uint64_t StreamSourceAdapter::rejected() const {
  HookScope hook(*hook_depth_);
  return source_->rejected();
}

}  // namespace datablox::host
