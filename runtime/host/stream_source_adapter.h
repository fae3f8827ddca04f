// A responder's StreamSource (the public API, stream.h) as the Nexus server
// pulls it (nexus::ParcelSource): each call into the element's source runs
// as a hook of its own (HookScope), its answers are translated one to one,
// and an answer the API does not allow (a failure without a reason, a value
// outside the enum) fails the stream rather than the host.
#pragma once

#include <memory>

#include "runtime/nexus/server.h"
#include "datablox/stream.h"

namespace datablox::host {

class StreamSourceAdapter final : public nexus::ParcelSource {
 public:
  // `hook_depth` is the host's HookScope depth (see hook_scope.h).
  StreamSourceAdapter(std::unique_ptr<StreamSource> source, int* hook_depth)
      : source_(std::move(source)), hook_depth_(hook_depth) {}

  Fill Next(nexus::Parcel* parcel, Status* error) override;
  int64_t expected() const override;
  uint64_t potential() const override;
  uint64_t rejected() const override;

 private:
  std::unique_ptr<StreamSource> source_;
  int* hook_depth_;
};

}  // namespace datablox::host
