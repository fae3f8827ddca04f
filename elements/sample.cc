#include "sample.h"

#include <fmt/format.h>

namespace datablox {

ClassSpec Sample::spec() {
  return ClassSpec("Sample", "passes on a share of the logs: each with probability RATE, or one in EVERY")
      .describe(
          "Give exactly one of RATE (0 < RATE <= 1: each log passes with that probability, "
          "drawn from a generator seeded with SEED, so that a run can be repeated) and EVERY "
          "(N >= 1: the 1st, N+1th, 2N+1th, ... log passes). The logs not passed go to the "
          "optional \"dropped\" output and are counted.")
      .shardable()  // stateless but for the generator: each member samples its own share
      .push_in("in")
      .push_out("out", {}, /*required=*/true, "the sampled logs, unchanged")
      .push_out("dropped", {}, /*required=*/false, "the other logs")
      .param_float("rate", 0.0, "the probability each log passes; 0: not given")
      .param_int("every", 0, "pass one log in EVERY; 0: not given")
      .param_int("seed", 1, "the seed of RATE's generator")
      .handler("passed", "logs passed on")
      .handler("dropped", "logs not passed on");
}

Status Sample::configure(const Params& params) {
  int64_t seed = 1;
  Status st = params.read("rate", rate_).read("every", every_).read("seed", seed).status();
  if (!st.ok()) return st;
  if ((rate_ != 0) == (every_ != 0)) return Status::Invalid("give exactly one of rate and every");
  if (rate_ != 0 && !(rate_ > 0 && rate_ <= 1)) return Status::Invalid(fmt::format("rate: {} is not in (0, 1]", rate_));
  if (every_ < 0) return Status::Invalid(fmt::format("every: {} is not >= 1", every_));
  random_.seed(static_cast<uint64_t>(seed));
  add_read_handler("passed", [this] { return std::to_string(passed_); });
  add_read_handler("dropped", [this] { return std::to_string(dropped_); });
  return Status::OK();
}

void Sample::on_batch(int, Batch logs) {
  if (dropped_port_ < 0) dropped_port_ = push_out_port("dropped");
  for (const Log& log : logs) {
    const bool pass = every_ > 0 ? seen_ % static_cast<uint64_t>(every_) == 0 : uniform_(random_) < rate_;
    ++seen_;
    if (pass) {
      ++passed_;
      forward(log, 0);
    } else {
      ++dropped_;
      forward(log, dropped_port_);
    }
  }
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Sample)
