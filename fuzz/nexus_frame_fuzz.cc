// The Nexus frame header decoder (runtime/nexus/frame.h): what a Nexus
// client or server reads from any peer. The first byte says whether a
// payload part followed the header (a parcel's); the rest is the header.
//
// Invariant: a header the decoder accepts encodes to bytes that decode to
// a frame encoding to the same bytes (decode(encode(f)) == f).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/nexus/frame.h"

namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool has_payload = (data[0] & 1) != 0;
  const std::string_view header(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace datablox::nexus;
  Frame frame;
  if (!DecodeHeader(header, has_payload, &frame).ok()) return 0;
  (void)FrameKindName(frame.kind());
  const std::string encoded = EncodeHeader(frame);
  Frame again;
  Require(DecodeHeader(encoded, has_payload, &again).ok());
  Require(again.kind() == frame.kind() && again.stream_id == frame.stream_id);
  Require(EncodeHeader(again) == encoded);
  return 0;
}
