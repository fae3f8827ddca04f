// Runs one element class without a host, for fast unit tests of an element:
// no process, no socket, no master. The harness configures the class with
// the given parameters (checked against its spec, as the checker would),
// hands it batches on its push inputs, END, queries on its query inputs and
// the passing of time, and keeps what it emitted on each output and what it
// answered.
//
//   std::unique_ptr<ElementHarness> run;
//   ASSERT_TRUE(ElementHarness::Make("Filter", {{"expr", ParamValue::String("seq > 1")}}, &run).ok());
//   run->Push("in", {R"({"seq": 1})", R"({"seq": 2})"});
//   run->End();
//   EXPECT_EQ(run->Output("out"), std::vector<std::string>{R"({"seq":2})"});
//
// Time is the harness's own: timers fire only from Advance(), in order of
// their due time, so a test of a timed element is exact and never sleeps.
// Queries the element asks itself (ask) are answered Unavailable.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/element.h"
#include "datablox/log.h"
#include "datablox/spec.h"
#include "datablox/status.h"

namespace datablox::testing {

using GivenParams = std::map<std::string, ParamValue, std::less<>>;

// The answer to one query: a reply (status ok, `json` its text) or an error
// (its message in status).
struct Answer {
  Status status;
  std::string json;
  OwnedLog log;
};

// An element of a checkpointed topology (checkpointed() is true), and
// whether a rollback restores it: restore(*state) runs, as checkpoint
// `checkpoint`, after configure() and before start().
struct HarnessCheckpoints {
  std::optional<std::string> restore;
  uint64_t checkpoint = 0;
};

class ElementHarness {
 public:
  // The class by name from the class table (built-ins, plugins, Python
  // classes), configured with `params` over its defaults. An unknown class,
  // a bad parameter and a failing configure() are errors here.
  static Status Make(std::string_view class_name, GivenParams params, std::unique_ptr<ElementHarness>* out);
  // The same with a class's spec at hand (an element not in the class table).
  static Status Make(ClassSpec spec, GivenParams params, std::unique_ptr<ElementHarness>* out);
  // The class as an element of a checkpointed topology.
  static Status Make(std::string_view class_name, GivenParams params, const HarnessCheckpoints& checkpoints,
                     std::unique_ptr<ElementHarness>* out);
  virtual ~ElementHarness() = default;

  // One batch on push input `port` (by name), its logs as JSON objects. A
  // log that is no JSON object is an error and nothing is delivered.
  virtual Status Push(std::string_view port, const std::vector<std::string>& json_logs) = 0;
  virtual Status PushLogs(std::string_view port, const std::vector<OwnedLog>& logs) = 0;
  // Every input has ended: the element emits what it holds.
  virtual void End() = 0;
  // Calls produce() until the source is done (or waits on a later call:
  // then the harness's clock moves on by that delay), at most `calls` times.
  virtual Status Produce(int calls = 1000000) = 0;
  // A request (a JSON object) on query input `port`; what was answered now.
  virtual Answer Query(std::string_view port, std::string_view json_request) = 0;
  // Moves the clock on: every timer due by then fires, earliest first.
  virtual void Advance(Milliseconds by) = 0;
  // The harness's clock: zero at Make(), moved by Advance() alone.
  virtual Milliseconds now() const = 0;

  // What the element emitted on push output `port`, as compact JSON, in
  // order, since the last TakeOutput of that port. Unknown port: empty.
  virtual std::vector<std::string> Output(std::string_view port) const = 0;
  virtual std::vector<std::string> TakeOutput(std::string_view port) = 0;
  // A read handler's value ("" when there is none); a write handler.
  virtual std::string Read(std::string_view handler) const = 0;
  virtual Status Write(std::string_view handler, std::string_view value) = 0;
  // Logs the element rejected, and the failure it declared (fail()), if any.
  virtual int rejected() const = 0;
  virtual std::optional<Status> failure() const = 0;
  virtual Element& element() = 0;
  // The element's snapshot() as checkpoint `checkpoint` (its barrier came
  // on every input), and the master's word that the checkpoint completed.
  virtual Status Snapshot(uint64_t checkpoint, std::string* state) = 0;
  virtual void CompleteCheckpoint(uint64_t checkpoint) = 0;
};

}  // namespace datablox::testing
