// The public API's members (include/datablox/element.h): each forwards to
// the HostContext the element host attached, so this file knows no socket.
#include "datablox/element.h"

#include <fmt/format.h>

#include "runtime/core/host_context.h"
#include "runtime/core/wire.h"

namespace datablox {

namespace {

int PortIndex(const ClassSpec* spec, PortKind kind, PortDirection direction, std::string_view name) {
  auto ports = spec->ports_of(kind, direction);
  for (size_t i = 0; i < ports.size(); ++i) {
    if (ports[i]->name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

void Element::on_batch(int port, Batch logs) {
  for (const Log& log : logs) on_log(port, log);
}

void Element::on_query(int port, const Log& request, Responder responder) {
  (void)port;
  (void)request;
  responder.error(fmt::format("{} answers no queries", name()));
}

Status Element::on_stream(int port, const StreamRequest& request, std::unique_ptr<StreamSource>* source) {
  (void)port, (void)request, (void)source;
  return Status::Invalid(fmt::format("{} serves no streams", name()));
}

AddAnswer Element::can_add(const ShardLoad& load) {
  return AddAnswer::Yes(static_cast<double>(state_size()) * load.moving_share);
}

Status Element::export_state(const KeyGroupSet& moving, std::vector<OwnedLog>* out) {
  (void)out;
  if (moving.empty() || state_size() == 0) return Status::OK();
  return Status::Invalid(fmt::format("{} holds state but cannot export it", name()));
}

Status Element::import_state(Batch state) {
  if (state.empty()) return Status::OK();
  return Status::Invalid(fmt::format("{} cannot import state", name()));
}

Status Element::restore(std::string_view state) {
  if (state.empty()) return Status::OK();
  return Status::Invalid(fmt::format("{} keeps no state, and cannot restore a snapshot of {} bytes", name(),
                                     state.size()));
}

void Element::emit(LogBuilder& log, int port) { context_->Emit(port, log.bytes()); }
void Element::forward(const Log& log, int port) { context_->Emit(port, log.bytes()); }
int Element::push_out_port(std::string_view n) const {
  return PortIndex(context_->spec(), PortKind::kPush, PortDirection::kOut, n);
}
int Element::push_in_port(std::string_view n) const {
  return PortIndex(context_->spec(), PortKind::kPush, PortDirection::kIn, n);
}
int Element::query_out_port(std::string_view n) const {
  return PortIndex(context_->spec(), PortKind::kQuery, PortDirection::kOut, n);
}
bool Element::connected(int push_out) const { return context_->Connected(push_out); }
void Element::ask(int port, LogBuilder& request, Milliseconds timeout, ReplyCallback done) {
  context_->Ask(port, request.bytes(), timeout, std::move(done));
}
void Element::ask_link(int port, int link, LogBuilder& request, Milliseconds timeout, ReplyCallback done) {
  context_->AskLink(port, link, request.bytes(), timeout, std::move(done));
}
std::vector<std::string> Element::linked_elements(int port) const { return context_->LinkedElements(port); }
std::vector<int> Element::linked_members(int port) const { return context_->LinkedMembers(port); }
Status Element::open_stream(int port, std::string paradata, StreamConsumer consume, StreamDone done,
                            const StreamOptions& options, uint64_t* stream_id) {
  return context_->OpenStream(port, nullptr, std::move(paradata), std::move(consume), std::move(done), options,
                              stream_id);
}
Status Element::open_stream_to(const std::string& address, std::string paradata, StreamConsumer consume,
                               StreamDone done, const StreamOptions& options, uint64_t* stream_id) {
  return context_->OpenStream(-1, &address, std::move(paradata), std::move(consume), std::move(done), options,
                              stream_id);
}
uint64_t Element::new_stream_operation() { return context_->NewStreamOperation(); }
void Element::abort_stream(uint64_t stream_id) { context_->AbortStream(stream_id); }
void Element::cancel_stream_operation(uint64_t operation_id) { context_->CancelStreamOperation(operation_id); }
std::string Element::stream_address() const { return context_->StreamAddress(); }
std::vector<std::string> Element::stream_peers(int port) const { return context_->StreamPeers(port); }
int Element::set_timer(Milliseconds delay, Milliseconds period) { return context_->SetTimer(delay, period); }
void Element::cancel_timer(int timer_id) { context_->CancelTimer(timer_id); }
void Element::wait_until(std::chrono::steady_clock::time_point deadline) { context_->WaitUntil(deadline); }
void Element::add_read_handler(std::string handler, std::function<std::string()> read) {
  context_->AddHandler(std::move(handler), std::move(read), nullptr);
}
void Element::add_write_handler(std::string handler, std::function<Status(std::string_view)> write) {
  context_->AddHandler(std::move(handler), nullptr, std::move(write));
}
void Element::fail(const Status& why) { context_->Fail(why); }
void Element::reject(std::string_view why) { context_->Reject(why); }
const ClassSpec* Element::class_spec() const { return context_ ? context_->spec() : nullptr; }
InputPosition Element::batch_position() const { return context_ ? context_->BatchPosition() : InputPosition{}; }
bool Element::restarted() const { return context_ && context_->restarted(); }
uint64_t Element::checkpoint() const { return context_ ? context_->CheckpointId() : 0; }
bool Element::checkpointed() const { return context_ && context_->Checkpointed(); }
const ShardMembership* Element::membership() const { return context_ ? context_->membership() : nullptr; }

void Responder::reply(LogBuilder& log) const {
  if (!context_ || *answered_) return;
  *answered_ = true;
  context_->Answer(port_, peer_, wire::Reply(request_id_, log.bytes()));
}

void Responder::error(std::string_view message) const {
  if (!context_ || *answered_) return;
  *answered_ = true;
  context_->Answer(port_, peer_, wire::Error(request_id_, message));
}

}  // namespace datablox
