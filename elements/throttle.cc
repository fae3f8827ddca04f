#include "throttle.h"

namespace datablox {

ClassSpec Throttle::spec() {
  return ClassSpec("Throttle", "passes logs on unchanged, at most RATE per second")
      .describe(
          "Waits rather than drops: while it waits, its input queue fills and the upstream "
          "is held back by backpressure. A slow consumer for tests. In a shard, RATE is each "
          "member's: n members pass up to n * RATE.")
      .shardable()  // stateless: a member starts working at once, nothing moves
      .push_in("in")
      .push_out("out", {}, /*required=*/false, "the same logs, paced")
      .param_float("rate", "logs per second")
      .handler("count", "logs passed");
}

Status Throttle::configure(const Params& params) {
  Status st = params.read("rate", rate_).status();
  if (st.ok() && rate_ <= 0) st = Status::Invalid("rate must be > 0");
  add_read_handler("count", [this] { return std::to_string(count_); });
  return st;
}

Status Throttle::start() {
  began_ = std::chrono::steady_clock::now();
  return Status::OK();
}

void Throttle::on_batch(int, Batch logs) {
  for (const Log& log : logs) {
    // Log n may leave at began + n / rate: pacing from the start, not from
    // the previous log, so rounding never accumulates.
    auto due = began_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(static_cast<double>(count_) / rate_));
    if (std::chrono::steady_clock::now() < due) wait_until(due);
    ++count_;
    forward(log);
  }
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Throttle)
