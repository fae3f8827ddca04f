#include "print.h"

#include <cstdio>

namespace datablox {

ClassSpec Print::spec() {
  return ClassSpec("Print", "writes every log to standard output as one JSON line")
      .describe(
          "Each line is PREFIX followed by the log's JSON. Logs pass on unchanged through the "
          "optional output.")
      .shardable()  // stateless: a member starts working at once, nothing moves
      .push_in("in")
      .push_out("out", {}, /*required=*/false, "the same logs, unchanged")
      .param_string("prefix", "", "text written before each log")
      .handler("count", "logs printed");
}

Status Print::configure(const Params& params) {
  add_read_handler("count", [this] { return std::to_string(count_); });
  return params.read("prefix", prefix_).status();
}

void Print::on_batch(int, Batch logs) {
  for (const Log& log : logs) {
    if (!log.valid()) {
      reject("not a msgpack map");
      continue;
    }
    line_ = prefix_;
    line_ += log.to_json();
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), stdout);
    ++count_;
    forward(log);
  }
}

void Print::on_inputs_ended() { std::fflush(stdout); }

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Print)
