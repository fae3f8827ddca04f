// StreamNumbers: the responder of tests/e2e/test_streams.py. Serves streams
// of consecutive 64-bit numbers; the paradata "COUNT PER_PARCEL [PACE_MS
// [FAIL_AT]]" says how many, how many to a parcel, how long to wait before
// each parcel (kNotYet meanwhile: the host asks again), and after how many
// items to fail. Paradata "refuse" is refused. Built as a plugin, against
// the public headers only.
#include <chrono>
#include <cstring>
#include <sstream>
#include <string>

#include "datablox/element.h"

namespace datablox_test {

using datablox::Status;
using datablox::StreamParcel;
using datablox::StreamSource;
using Clock = std::chrono::steady_clock;

class Numbers : public StreamSource {
 public:
  Numbers(uint64_t count, uint64_t per_parcel, int pace_ms, int64_t fail_at)
      : count_(count), per_parcel_(per_parcel), pace_(pace_ms), fail_at_(fail_at) {}

  Fill next(StreamParcel* parcel, Status* error) override {
    if (fail_at_ >= 0 && sent_ >= static_cast<uint64_t>(fail_at_)) {
      *error = Status::IOError("StreamNumbers: failing at item " + std::to_string(sent_) + " as asked");
      return Fill::kFailed;
    }
    if (sent_ >= count_) return Fill::kDone;
    const Clock::time_point now = Clock::now();
    if (now < next_at_) return Fill::kNotYet;
    next_at_ = now + pace_;
    const uint64_t n = std::min(per_parcel_, count_ - sent_);
    parcel->bytes.resize(n * sizeof(uint64_t));
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t value = sent_ + i;
      std::memcpy(parcel->bytes.data() + i * sizeof(uint64_t), &value, sizeof value);
    }
    parcel->items = n;
    sent_ += n;
    return Fill::kParcel;
  }
  int64_t expected() const override { return static_cast<int64_t>(count_); }
  uint64_t potential() const override { return count_; }

 private:
  uint64_t count_, per_parcel_;
  std::chrono::milliseconds pace_;
  int64_t fail_at_;
  uint64_t sent_ = 0;
  Clock::time_point next_at_{};
};

class StreamNumbers : public datablox::Element {
 public:
  static datablox::ClassSpec spec() {
    return datablox::ClassSpec("StreamNumbers", "serves streams of consecutive numbers (a test class)")
        .serves_streams()
        .query_in("numbers", /*required=*/false, "streams asked through a link arrive here")
        .handler("streams_asked", "streams asked of it, by port: numbers=N address=M");
  }

  Status configure(const datablox::Params&) override {
    add_read_handler("streams_asked", [this] {
      return "numbers=" + std::to_string(by_link_) + " address=" + std::to_string(by_address_);
    });
    return Status::OK();
  }

  Status on_stream(int port, const datablox::StreamRequest& request, std::unique_ptr<StreamSource>* source) override {
    ++(port == 0 ? by_link_ : by_address_);
    if (request.paradata == "refuse") return Status::Invalid("StreamNumbers: refused as asked");
    std::istringstream in{std::string(request.paradata)};
    uint64_t count = 0, per_parcel = 0;
    int pace_ms = 0;
    int64_t fail_at = -1;
    if (!(in >> count >> per_parcel) || per_parcel == 0) {
      return Status::Invalid("StreamNumbers: paradata is not \"COUNT PER_PARCEL [PACE_MS [FAIL_AT]]\"");
    }
    int64_t word = 0;  // optional: no pause, no failure
    if (in >> word) {
      pace_ms = static_cast<int>(word);
      if (in >> word) fail_at = word;
    }
    *source = std::make_unique<Numbers>(count, per_parcel, pace_ms, fail_at);
    return Status::OK();
  }

 private:
  uint64_t by_link_ = 0, by_address_ = 0;
};

}  // namespace datablox_test

DATABLOX_ELEMENT(datablox_test::StreamNumbers)
