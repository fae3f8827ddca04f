#include "sequence.h"

#include <fmt/format.h>

#include <algorithm>

namespace datablox {

ClassSpec Sequence::spec() {
  return ClassSpec("Sequence", "emits {\"seq\": i} for i in [start, start + count)")
      .describe(
          "A source. With rate > 0 it paces itself to that many logs per second; "
          "with pad > 0 every log also carries a \"pad\" string of that many bytes (for "
          "benchmarks and tests of log size).")
      .push_out("out", {{"seq", ValueType::kInt}})
      .param_int("count", "how many logs to emit")
      .param_int("start", 0, "the first value of seq")
      .param_float("rate", 0.0, "logs per second at most; 0: as fast as the downstream takes them")
      .param_int("pad", 0, "bytes of padding per log, in a \"pad\" field")
      .handler("count", "logs emitted so far");
}

Status Sequence::configure(const Params& params) {
  Status st = params.read("count", count_).read("start", start_).read("rate", rate_).read("pad", pad_).status();
  if (!st.ok()) return st;
  if (count_ < 0) return Status::Invalid("count must be >= 0");
  if (rate_ < 0) return Status::Invalid("rate must be >= 0");
  if (pad_ < 0 || pad_ > (1 << 20)) return Status::Invalid("pad must be within [0, 1048576]");
  padding_.assign(static_cast<size_t>(pad_), 'x');
  add_read_handler("count", [this] { return std::to_string(emitted_); });
  return Status::OK();
}

Status Sequence::start() {
  began_ = std::chrono::steady_clock::now();
  paced_from_ = emitted_;  // restored: the rate counts from here
  return Status::OK();
}

Production Sequence::produce() {
  int64_t allowed = count_ - emitted_;
  if (rate_ > 0) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count();
    int64_t due = paced_from_ + static_cast<int64_t>(elapsed * rate_) + 1;
    allowed = std::min(allowed, due - emitted_);
    if (allowed <= 0) {
      double wait_s = static_cast<double>(emitted_ - paced_from_ + 1) / rate_ - elapsed;
      return Production::Later(std::chrono::milliseconds(std::max<int64_t>(1, static_cast<int64_t>(wait_s * 1000))));
    }
  }
  // A bounded slice per call keeps the host responsive to its other sockets.
  const int64_t slice = std::min<int64_t>(allowed, 4096);
  for (int64_t n = 0; n < slice; ++n) {
    log_.clear().add("seq", start_ + emitted_);
    if (pad_ > 0) log_.add("pad", padding_);
    emit(log_);
    ++emitted_;
  }
  return emitted_ >= count_ ? Production::Done() : Production::More();
}

// Its position: how many it emitted, {"emitted": N} (the next seq is start + N).
Status Sequence::snapshot(std::string* state) {
  LogBuilder position;
  position.add("emitted", emitted_);
  state->assign(position.bytes());
  return Status::OK();
}

Status Sequence::restore(std::string_view state) {
  emitted_ = 0;
  if (state.empty()) return Status::OK();
  OwnedLog position{std::string(state)};
  const Value emitted = position.log().get("emitted");
  if (!position.log().valid() || emitted.type() != ValueType::kInt || emitted.as_int() < 0 ||
      emitted.as_int() > count_) {
    return Status::Invalid(fmt::format("a Sequence snapshot holds {{\"emitted\": N}}, 0 <= N <= count ({})", count_));
  }
  emitted_ = emitted.as_int();
  return Status::OK();
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Sequence)
