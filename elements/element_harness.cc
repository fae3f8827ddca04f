// ElementHarness (include/datablox/testing.h) over TestHost, the stand-in
// host the shard tests of the built-in classes use.
#include "datablox/testing.h"

#include <fmt/format.h>

#include <utility>

#include "test_host.h"

namespace datablox::testing {
namespace {

int PortIndex(const ClassSpec& spec, PortKind kind, PortDirection direction, std::string_view name) {
  std::vector<const PortSpec*> ports = spec.ports_of(kind, direction);
  for (size_t i = 0; i < ports.size(); ++i) {
    if (ports[i]->name == name) return static_cast<int>(i);
  }
  return -1;
}

class ElementHarnessImpl final : public ElementHarness {
 public:
  ElementHarnessImpl(std::shared_ptr<Element> element, const ClassSpec& spec)
      : element_(std::move(element)), spec_(spec), host_(element_.get(), spec, "harness") {
    host_.set_connected(true);
  }
  Status Configure(GivenParams params, const HarnessCheckpoints* checkpoints) {
    if (checkpoints) host_.set_checkpointed(true);  // from configure() on, as in a host
    Status st = host_.Configure(element_.get(), std::move(params));
    if (st.ok() && checkpoints) {
      if (checkpoints->restore) {
        host_.set_checkpoint_id(checkpoints->checkpoint);
        st = element_->restore(*checkpoints->restore);
        host_.set_checkpoint_id(0);
      }
    }
    return st.ok() ? element_->start() : st;
  }
  Status Snapshot(uint64_t checkpoint, std::string* state) override {
    host_.set_checkpoint_id(checkpoint);
    Status st = element_->snapshot(state);
    host_.set_checkpoint_id(0);
    return st;
  }
  void CompleteCheckpoint(uint64_t checkpoint) override { element_->on_checkpoint_complete(checkpoint); }

  Status Push(std::string_view port, const std::vector<std::string>& json_logs) override {
    std::vector<OwnedLog> logs(json_logs.size());
    for (size_t i = 0; i < json_logs.size(); ++i) {
      Status st = OwnedLog::FromJson(json_logs[i], &logs[i]);
      if (!st.ok()) return Status::Invalid(fmt::format("log {}: {}", i, st.message()));
    }
    return PushLogs(port, logs);
  }
  Status PushLogs(std::string_view port, const std::vector<OwnedLog>& logs) override {
    const int index = PortIndex(spec_, PortKind::kPush, PortDirection::kIn, port);
    if (index < 0) return Status::NotFound(fmt::format("{} has no push input \"{}\"", spec_.name, port));
    std::vector<Log> views;
    for (const OwnedLog& log : logs) views.push_back(log.log());
    InputPosition at;
    at.link = "harness";
    at.first = offset_;
    offset_ += logs.size();
    at.end = offset_;
    host_.set_position(at);
    element_->on_batch(index, Batch(views));
    return Status::OK();
  }
  void End() override { element_->on_inputs_ended(); }
  Status Produce(int calls) override {
    for (int i = 0; i < calls; ++i) {
      Production next = element_->produce();
      if (next.next == Production::Next::kDone) return Status::OK();
      if (next.next == Production::Next::kLater) host_.Advance(element_.get(), next.delay);
    }
    return Status::Timeout(fmt::format("{} still producing after {} calls", spec_.name, calls));
  }
  Answer Query(std::string_view port, std::string_view json_request) override {
    const int index = PortIndex(spec_, PortKind::kQuery, PortDirection::kIn, port);
    if (index < 0) return {Status::NotFound(fmt::format("{} has no query input \"{}\"", spec_.name, port)), "", {}};
    LogBuilder request;
    if (Status st = request.assign_json(json_request); !st.ok()) return {st, "", {}};
    const TestHost::Answered& answered = host_.Query(element_.get(), request, index);
    if (!answered.ok) return {Status::Invalid(answered.text), "", {}};
    return {Status::OK(), answered.text, OwnedLog(std::string(answered.log.bytes()))};
  }
  void Advance(Milliseconds by) override { host_.Advance(element_.get(), by); }
  Milliseconds now() const override { return host_.now(); }

  std::vector<std::string> Output(std::string_view port) const override {
    std::vector<std::string> out;
    const int index = PortIndex(spec_, PortKind::kPush, PortDirection::kOut, port);
    if (index < 0) return out;
    for (const std::string& bytes : host_.emitted_on(index)) out.push_back(OwnedLog(bytes).to_json());
    return out;
  }
  std::vector<std::string> TakeOutput(std::string_view port) override {
    std::vector<std::string> out = Output(port);
    host_.clear_emitted_on(PortIndex(spec_, PortKind::kPush, PortDirection::kOut, port));
    return out;
  }
  std::string Read(std::string_view handler) const override { return host_.read_handler(std::string(handler)); }
  Status Write(std::string_view handler, std::string_view value) override {
    return host_.write_handler(std::string(handler), value);
  }
  int rejected() const override { return host_.rejected(); }
  std::optional<Status> failure() const override { return host_.failure(); }
  Element& element() override { return *element_; }

 private:
  std::shared_ptr<Element> element_;
  const ClassSpec spec_;
  TestHost host_;
  uint64_t offset_ = 0;
};

Status MakeHarness(const ClassSpec& spec, GivenParams params, const HarnessCheckpoints* checkpoints,
                   std::unique_ptr<ElementHarness>* out) {
  if (!spec.factory) return Status::Invalid(fmt::format("class {} has no factory", spec.name));
  auto harness = std::make_unique<ElementHarnessImpl>(spec.factory(), spec);
  if (Status st = harness->Configure(std::move(params), checkpoints); !st.ok()) return st;
  *out = std::move(harness);
  return Status::OK();
}

Status FindClass(std::string_view class_name, const ClassSpec** spec) {
  *spec = ClassTable::Global().find(class_name);
  if (*spec != nullptr) return Status::OK();
  std::string why = ClassTable::Global().load_error(class_name);
  return Status::NotFound(fmt::format("no element class \"{}\"{}{}", class_name, why.empty() ? "" : ": ", why));
}

}  // namespace

Status ElementHarness::Make(std::string_view class_name, GivenParams params, std::unique_ptr<ElementHarness>* out) {
  const ClassSpec* spec = nullptr;
  Status st = FindClass(class_name, &spec);
  return st.ok() ? MakeHarness(*spec, std::move(params), nullptr, out) : st;
}

Status ElementHarness::Make(std::string_view class_name, GivenParams params, const HarnessCheckpoints& checkpoints,
                            std::unique_ptr<ElementHarness>* out) {
  const ClassSpec* spec = nullptr;
  Status st = FindClass(class_name, &spec);
  return st.ok() ? MakeHarness(*spec, std::move(params), &checkpoints, out) : st;
}

Status ElementHarness::Make(ClassSpec spec, GivenParams params, std::unique_ptr<ElementHarness>* out) {
  return MakeHarness(spec, std::move(params), nullptr, out);
}

}  // namespace datablox::testing
