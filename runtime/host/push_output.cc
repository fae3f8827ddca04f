// Push outputs: what emit() does, batching by count and by age, waiting for
// credit (the backpressure), replaying after a resume, and reading each
// link's credit, END acks and resyncs. The books are the link's
// OutLinkState (out_link.h); this file moves the bytes.
#include <fmt/format.h>

#include <algorithm>

#include "runtime/host/element_host.h"

namespace datablox::host {

namespace {

// Lets go of a batch buffer once ZeroMQ has sent it: a batch is never
// copied, not even when it is sent again after a resume.
void ReleaseBatch(void*, void* hint) { delete static_cast<std::shared_ptr<std::string>*>(hint); }

}  // namespace

void ElementHost::Emit(int port, std::string_view log) {
  if (port < 0 || port >= static_cast<int>(outputs_.size())) {
    Fail(Status::Invalid(fmt::format("emit on push output {}, which {} does not have", port, plan_.class_name)));
    return;
  }
  OutPort& out = outputs_[port];
  if (out.links.empty()) {
    ++dropped_unconnected_;  // an optional output nobody listens to
    return;
  }
  ++logs_out_;
  if (!out.shards.empty()) return EmitRouted(out, log);  // shard_routing.cc
  for (auto& link : out.links) {
    if (link->state.pending() == 0) link->first_pending = Clock::now();
    if (link->state.Append(log)) SendBatch(*link);
  }
}

void ElementHost::AppendTo(OutLink& link, std::string_view log) {
  if (link.state.pending() == 0) link.first_pending = Clock::now();
  if (link.state.Append(log)) SendBatch(link);
}

void ElementHost::SendBatch(OutLink& link) {
  const int64_t count = link.state.pending();
  if (count == 0) return;
  if (link.state.credit() < count) WaitForCredit(link, count);
  if (!link.state.resumed()) SendResume(link);  // the receiver learns our stream before our first batch
  SendFrame(link, link.state.Seal());
  ++batches_out_;
}

void ElementHost::SendFrame(OutLink& link, const std::shared_ptr<std::string>& bytes) {
  zmq::message_t message(bytes->data(), bytes->size(), ReleaseBatch, new std::shared_ptr<std::string>(bytes));
  link.socket->send(message, zmq::send_flags::none);  // no HWM: never blocks (credit bounds it)
}

void ElementHost::SendResume(OutLink& link) {
  const OutLinkState::ResumePlan plan = link.state.StartResume();
  link.socket->send(zmq::buffer(wire::Resume(plan.from)), zmq::send_flags::none);
  if (plan.replay) {
    for (const SentBatch& batch : link.state.unacked()) SendFrame(link, batch.bytes);
  }
  if (plan.end)
    link.socket->send(zmq::buffer(wire::End(link.state.stream(), link.state.sent())), zmq::send_flags::none);
}

void ElementHost::SendEnd(OutLink& link) {
  if (!link.state.resumed()) SendResume(link);
  link.socket->send(zmq::buffer(wire::End(link.state.stream(), link.state.sent())), zmq::send_flags::none);
  link.state.EndSent();
}

void ElementHost::WaitForCredit(OutLink& link, int64_t needed) {
  // The downstream queue is full: wait here, reading only this link's
  // credits and the control channel. This wait is the backpressure.
  auto t0 = Clock::now();
  zmq::pollitem_t items[2] = {{link.socket->handle(), 0, ZMQ_POLLIN, 0}, {control_->handle(), 0, ZMQ_POLLIN, 0}};
  while (link.state.credit() < needed) {
    CheckStop();
    control::Poll(items, 2, Milliseconds(100));
    if (items[0].revents & ZMQ_POLLIN) DrainOutLink(link);
    if (items[1].revents & ZMQ_POLLIN) HandleControl();
    if (Clock::now() >= next_stats_) ReportStats();
  }
  blocked_ += Clock::now() - t0;
}

void ElementHost::DrainOutLink(OutLink& link) {
  bool acked_more = false;
  for (int n = 0; n < kDrainPerSocket; ++n) {
    zmq::message_t frame;
    if (!link.socket->recv(frame, zmq::recv_flags::dontwait)) break;
    link.last_heard = Clock::now();
    std::string_view bytes = frame.to_string_view();
    wire::Kind kind;
    Status st = wire::ReadHeader(bytes, &kind);
    if (st.ok() && kind == wire::Kind::kCredit) {
      wire::Position acked;
      st = wire::ReadPosition(bytes, &acked);
      if (st.ok()) {
        const OutLinkState::Credit verdict = link.state.OnCredit(std::move(acked));
        if (verdict == OutLinkState::Credit::kStale) ++stale_;  // for a stream of an earlier life
        if (verdict == OutLinkState::Credit::kAckedMore) acked_more = true;
      }
    } else if (st.ok() && kind == wire::Kind::kEndAck) {
      link.state.OnEndAck();
    } else if (st.ok() && kind == wire::Kind::kResync) {
      SendResume(link);
    } else if (st.ok()) {
      st = Status::Invalid("unexpected frame kind on a push output");
    }
    if (!st.ok()) Malformed(link.id, st);
  }
  if (acked_more) {
    ReleaseAllHolds();
    if (routes_to_shards_) CheckFences();  // the old owners of held groups may have acked all
  }
}

void ElementHost::ProbeSilentReceivers(Clock::time_point now) {
  for (OutLink* link : all_out_links_) {
    if (!link->state.waiting() || now - std::max(link->last_heard, link->last_probe) < kProbeSilentReceiverAfter)
      continue;
    link->last_probe = now;
    (void)link->socket->send(zmq::message_t(), zmq::send_flags::dontwait);
  }
}

void ElementHost::FlushPartials(bool all_of_them) {
  Clock::time_point now = Clock::now();
  // By index: a credit wait may apply a reroute, which adds links.
  for (size_t i = 0; i < all_out_links_.size(); ++i) {
    OutLink* link = all_out_links_[i];
    if (link->state.pending() == 0) continue;
    bool old = now - link->first_pending >= kPartialBatchAge;
    // An idle flush never waits for credit; an old batch does.
    if ((all_of_them && link->state.credit() >= link->state.pending()) || old) SendBatch(*link);
  }
}

}  // namespace datablox::host
