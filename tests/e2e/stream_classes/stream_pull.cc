// StreamPull: the requester of tests/e2e/test_streams.py. At its start it
// opens `streams` streams of StreamNumbers on its `numbers` query output
// (by the link, or by the address stream_peers() gives), all under one
// operation, checks that every parcel holds the next numbers in order, and
// emits one log per stream when its done callback runs: {"stream", "ok",
// "items", "checked", "error", "expected"}. `abort_after` aborts stream 0
// once it has received that many items. Built as a plugin, against the
// public headers only.
#include <cstring>
#include <string>
#include <vector>

#include "datablox/element.h"

namespace datablox_test {

using datablox::Status;

class StreamPull : public datablox::Element {
 public:
  static datablox::ClassSpec spec() {
    return datablox::ClassSpec("StreamPull", "pulls streams of numbers and reports each (a test class)")
        .query_out("numbers", /*required=*/true, "a StreamNumbers")
        .push_out("out", {}, /*required=*/true, "one log per stream as it ended")
        .param_int("streams", 4, "streams opened at once")
        .param_int("items", 1000, "numbers per stream")
        .param_int("per_parcel", 100, "numbers per parcel")
        .param_int("pace_ms", 0, "the responder's pause before each parcel")
        .param_int("fail_at", -1, "the responder fails each stream after this many items (-1: never)")
        .param_int("abort_after", -1, "abort stream 0 once it received this many items (-1: never)")
        .param_int("timeout_ms", 10000, "a stream silent this long fails")
        .param_int("window", 8, "parcels in flight per stream")
        .param_bool("by_address", false, "open_stream_to the address stream_peers() gives, not the port")
        .param_bool("refuse", false, "ask for what the responder refuses");
  }

  Status configure(const datablox::Params& params) override {
    return params.read("streams", streams_)
        .read("items", items_)
        .read("per_parcel", per_parcel_)
        .read("pace_ms", pace_ms_)
        .read("fail_at", fail_at_)
        .read("abort_after", abort_after_)
        .read("timeout_ms", timeout_ms_)
        .read("window", window_)
        .read("by_address", by_address_)
        .read("refuse", refuse_)
        .status();
  }

  Status start() override {
    const std::vector<std::string> peers = stream_peers(0);
    if (peers.size() != 1 || peers[0].empty()) return Status::Invalid("StreamPull: no stream server on 'numbers'");
    datablox::StreamOptions options;
    options.operation_id = new_stream_operation();
    options.window = static_cast<uint32_t>(window_);
    options.timeout_ms = timeout_ms_;
    const std::string paradata = refuse_ ? "refuse"
                                         : std::to_string(items_) + " " + std::to_string(per_parcel_) + " " +
                                               std::to_string(pace_ms_) + " " + std::to_string(fail_at_);
    state_.resize(static_cast<size_t>(streams_));
    for (int i = 0; i < static_cast<int>(streams_); ++i) {
      auto consume = [this, i](std::string_view bytes, uint64_t items) { Consume(i, bytes, items); };
      auto done = [this, i](const datablox::StreamResult& result) { Done(i, result); };
      Status st = by_address_ ? open_stream_to(peers[0], paradata, consume, done, options, &state_[i].id)
                              : open_stream(0, paradata, consume, done, options, &state_[i].id);
      if (!st.ok()) return st;
    }
    return Status::OK();
  }

 private:
  struct PerStream {
    uint64_t id = 0;
    uint64_t next = 0;  // the number the next parcel must start with
    bool in_order = true;
  };

  void Consume(int i, std::string_view bytes, uint64_t items) {
    PerStream& s = state_[static_cast<size_t>(i)];
    if (bytes.size() != items * sizeof(uint64_t)) s.in_order = false;
    for (size_t at = 0; at + sizeof(uint64_t) <= bytes.size(); at += sizeof(uint64_t)) {
      uint64_t value = 0;
      std::memcpy(&value, bytes.data() + at, sizeof value);
      if (value != s.next) s.in_order = false;
      ++s.next;
    }
    if (i == 0 && abort_after_ >= 0 && s.next >= static_cast<uint64_t>(abort_after_)) abort_stream(s.id);
  }

  void Done(int i, const datablox::StreamResult& result) {
    const PerStream& s = state_[static_cast<size_t>(i)];
    datablox::LogBuilder log;
    log.add("stream", i)
        .add("ok", result.status.ok())
        .add("items", result.items)
        .add("checked", s.in_order ? s.next : 0)
        .add("error", result.status.ok() ? "" : result.status.ToString())
        .add("expected", result.expected);
    emit(log);
  }

  int64_t streams_ = 4, items_ = 1000, per_parcel_ = 100, pace_ms_ = 0, fail_at_ = -1, abort_after_ = -1;
  int64_t timeout_ms_ = 10000, window_ = 8;
  bool by_address_ = false, refuse_ = false;
  std::vector<PerStream> state_;
};

}  // namespace datablox_test

DATABLOX_ELEMENT(datablox_test::StreamPull)
