// Push inputs: draining each input's ROUTER, handing fresh logs to the
// element, and sending back what its InLinkState decides (credit, resync,
// END acks). Every offset decision is the link state's (in_link.h).
#include <fmt/format.h>

#include <algorithm>

#include "runtime/core/log_shape.h"
#include "runtime/host/element_host.h"
#include "runtime/host/hook_scope.h"
#include "runtime/host/link_peer.h"

namespace datablox::host {

bool ElementHost::DrainInput(InPort& port, int index) {
  for (int n = 0; n < kDrainPerSocket; ++n) {
    zmq::message_t peer, frame;
    if (!port.socket->recv(peer, zmq::recv_flags::dontwait)) return true;
    if (!peer.more()) {
      Malformed(port.name, Status::Invalid("message without a body"));
      continue;
    }
    (void)port.socket->recv(frame, zmq::recv_flags::none);
    while (frame.more()) {  // nothing we send has a third part: drop it
      zmq::message_t extra;
      (void)port.socket->recv(extra, zmq::recv_flags::none);
      frame.swap(extra);
      Malformed(port.name, Status::Invalid("message with extra parts"));
    }
    HandleInputFrame(port, index, peer.to_string_view(), frame);
    if (!failure_.ok()) return false;
  }
  return true;
}

void ElementHost::HandleInputFrame(InPort& port, int index, std::string_view peer_id, zmq::message_t& frame,
                                   bool released) {
  auto link = port.links.find(LinkPeer::LinkOf(peer_id));
  if (link == port.links.end()) {
    // Maybe a link the master is about to announce (expect_links): the
    // connection is asked to resume (and replays) once it is expected.
    if (std::find(port.early_peers.begin(), port.early_peers.end(), peer_id) == port.early_peers.end()) {
      if (port.early_peers.size() >= LinkPeer::kMaxUnproven) port.early_peers.erase(port.early_peers.begin());
      port.early_peers.emplace_back(peer_id);
    }
    // Not malformed, and usual while a shard grows (the new member's first
    // batch can beat expect_links here): counted in the stats, not warned.
    ++unannounced_;
    return;
  }
  InLinkState& in = link->second;
  if (frame.size() == 0) {  // a sender's connect probe (ZMQ_PROBE_ROUTER)
    in.peer().Seen(peer_id);
    return;
  }
  // After this link's checkpoint barrier, until every input delivered it,
  // and after what is held for it still: kept unread, in order (checkpoints.cc).
  if (!released && (checkpoints_.Held(link->first) || (held_frames_ > 0 && port.held.count(link->first)))) {
    return HoldFrame(port, link->first, peer_id, frame);
  }
  wire::Kind kind;
  std::string_view bytes = frame.to_string_view();
  Status st = wire::ReadHeader(bytes, &kind);
  if (st.ok() && kind != wire::Kind::kResume && !in.peer().IsPeer(peer_id)) {
    // Not from the connection that resumed last: maybe a sender that does
    // not know we restarted, maybe a stranger. Dropped; it is asked to
    // resume, and becomes the link's peer if it does.
    ++stale_;
    in.peer().Seen(peer_id);
    in.FromStranger();
  } else if (st.ok() && kind == wire::Kind::kBatch) {
    ProcessBatch(port, index, link->first, in, bytes);
  } else if (st.ok() && kind == wire::Kind::kResume) {
    wire::Position from;
    st = wire::ReadPosition(bytes, &from);
    if (st.ok() && plan_.checkpoints && control::EpochOfStream(from.stream) != plan_.epoch) {
      // A sender of another epoch: one not rolled back yet (or one rolled
      // back while we were not yet): followed by neither. It is not made the
      // link's peer; its resume is asked again, and a sender of our epoch answers.
      ++stale_;
      in.peer().Seen(peer_id);
      in.FromStranger();
    } else if (st.ok()) {
      in.peer().Proved(peer_id);
      Resume(port, in, from);
    }
  } else if (st.ok() && kind == wire::Kind::kEnd) {
    EndOf(port, in, bytes);
  } else if (st.ok() && kind == wire::Kind::kBarrier) {
    OnBarrier(link->first, in, bytes);  // checkpoints.cc
  } else if (st.ok()) {
    st = Status::Invalid("unexpected frame kind on a push input");
  }
  if (!st.ok()) Malformed(port.name, st);
}

void ElementHost::ProcessBatch(InPort& port, int index, const std::string& link_id, InLinkState& in,
                               std::string_view bytes) {
  uint64_t first = 0;
  arena_.clear();
  Status st = wire::ReadBatch(bytes, &first, &arena_, &batch_logs_);
  if (!st.ok()) {
    Malformed(port.name, st);
    return;
  }
  const uint64_t count = batch_logs_.size();
  const InLinkState::BatchVerdict verdict = in.OnBatch(first, count);
  if (verdict.kind == InLinkState::Batch::kStale) {
    ++stale_;
    return;
  }
  if (verdict.kind == InLinkState::Batch::kDuplicate) {
    duplicates_ += count;
    return;
  }
  const size_t skip = static_cast<size_t>(verdict.skip);
  duplicates_ += skip;
  uint32_t fresh = static_cast<uint32_t>(count - skip);
  logs_in_ += fresh;
  ++batches_in_;
  if (first_in_unix_ms_ == 0) first_in_unix_ms_ = UnixMs();
  auto t0 = Clock::now();
  // Checked once here, so that no element meets a malformed or too-deep log,
  // nor one its port's schema rejects where the upstream does not guarantee
  // it; the offsets still count them (they were received, and are done with).
  const size_t kept = DropMalformedLogs(batch_logs_, skip, [&](const Status& why) { Malformed(port.name, why); });
  size_t handed = kept - skip;
  if (in.check_schema) {
    handed = port.schema.KeepValid(batch_logs_.data() + skip, handed, [&](const Status& why) {
      Reject(fmt::format("from {}: {}", link_id, why.message()));
    });
  }
  batch_link_ = &link_id;
  batch_stream_ = in.stream();
  batch_first_ = in.expect();
  batch_end_ = first + count;
  {
    HookScope hook(in_hook_);
    if (handed > 0) element_->on_batch(index, Batch(batch_logs_.data() + skip, handed));
  }
  batch_link_ = nullptr;
  busy_ += Clock::now() - t0;
  if (!failure_.ok()) return;  // not done with (a sink that could not write it): no credit
  in.Processed(first + count, fresh);
  if (out_states_.empty()) {
    in.ReleaseProcessed();
  } else {
    in.Hold(out_states_);
    in.ReleaseHolds(out_states_, /*keep_marks=*/input_links_ == 1);
  }
  Grant(port, link_id, in, /*remainder=*/false);
}

void ElementHost::Resume(InPort& port, InLinkState& in, const wire::Position& from) {
  ++resumes_;
  const bool may_reopen = phase_ == Phase::kRunning && !inputs_ended_called_;
  const InLinkState::ResumeVerdict verdict = in.OnResume(from, may_reopen);
  if (verdict.reopened) --port.ended;
  // An element with one input that restarted continues its output streams
  // where they stood when this position was acked: what it emits again for
  // the replay lands on offsets its receivers have seen, and they drop it.
  // With several inputs the interleaving differs from life to life, so it
  // starts new streams instead (at least once, never lost).
  // Not when round robin or a work queue routes our outputs: the replay
  // would not go where the first life sent it.
  if (verdict.kind == InLinkState::Resume::kNewStream && !adoption_decided_ && input_links_ == 1 &&
      outputs_deterministic_ && from.marks.size() == out_states_.size() && !from.marks.empty()) {
    bool untouched = true;
    for (const OutLinkState* out : out_states_) untouched = untouched && out->untouched();
    if (untouched) {
      for (size_t i = 0; i < out_states_.size(); ++i) out_states_[i]->Adopt(from.marks[i]);
      in.AdoptMarks(from.marks);
    }
  }
  adoption_decided_ = true;
}

void ElementHost::EndOf(InPort& port, InLinkState& in, std::string_view bytes) {
  uint64_t stream = 0, offset = 0;
  Status st = wire::ReadEnd(bytes, &stream, &offset);
  if (!st.ok()) {
    Malformed(port.name, st);
    return;
  }
  const InLinkState::End verdict = in.OnEnd(stream, offset);
  if (verdict == InLinkState::End::kStale) {
    ++stale_;  // an END from before a resume: the resume's replay ends with it again
    return;
  }
  if (verdict == InLinkState::End::kEnded) ++port.ended;
  if (!control::SendFrameTo(*port.socket, in.peer().peer(), wire::EndAck())) ++undeliverable_;
}

void ElementHost::ExpectMoreLinks(const control::ExpectLinks& expect) {
  auto port = std::find_if(inputs_.begin(), inputs_.end(), [&](const InPort& p) { return p.name == expect.port; });
  if (port == inputs_.end()) {
    return Malformed("control", Status::NotFound(fmt::format("expect_links: no push input '{}'", expect.port)));
  }
  if (inputs_ended_called_) {
    return Malformed("control",
                     Status::Invalid(fmt::format("expect_links: input '{}' has ended already", expect.port)));
  }
  for (const control::LinkPlan& plan : expect.add) {
    if (port->links.count(plan.id)) continue;  // expected already (a repeat)
    InLinkState& in = port->links[plan.id];
    in.check_schema = plan.check_schema && !port->schema.empty();
    ++input_links_;
    // Its sender spoke before we knew the link: it is asked to resume now.
    std::erase_if(port->early_peers, [&](const std::string& peer) {
      if (LinkPeer::LinkOf(peer) != plan.id) return false;
      in.peer().Seen(peer);
      return true;
    });
  }
}

void ElementHost::EndUnheardLinks(const control::LinksEnded& ended) {
  auto port = std::find_if(inputs_.begin(), inputs_.end(), [&](const InPort& p) { return p.name == ended.port; });
  if (port == inputs_.end()) {
    return Malformed("control", Status::NotFound(fmt::format("links_ended: no push input '{}'", ended.port)));
  }
  for (const std::string& id : ended.links) {
    auto link = port->links.find(id);
    // A link whose sender spoke gets its END from the sender (it had to,
    // before it could end): only the ones never heard from end here.
    if (link == port->links.end() || link->second.known() || link->second.ended()) continue;
    link->second.EndedBefore();
    ++port->ended;
    SendLinkDone(id);
  }
  // The event loop's next pass ends the element if these were the last.
}

void ElementHost::ReleaseAllHolds() {
  for (InPort& port : inputs_) {
    for (auto& [id, in] : port.links) {
      if (!in.holding()) continue;
      in.ReleaseHolds(out_states_, /*keep_marks=*/input_links_ == 1);
      Grant(port, id, in, /*remainder=*/false);
    }
  }
}

void ElementHost::Grant(InPort& port, const std::string& link_id, InLinkState& in, bool remainder) {
  if (!in.CreditDue(remainder, port.grant_every)) return;
  if (!control::SendFrameTo(*port.socket, in.peer().peer(), wire::Credit(in.Credit()))) {
    ++undeliverable_;  // the sender is gone or reconnecting; it resumes from what it last heard
    return;
  }
  // Done with for good: a restart of this element must not wait for it.
  if (in.Granted(Clock::now())) SendLinkDone(link_id);
}

void ElementHost::GrantRemainders(InPort& port, Clock::time_point now) {
  for (auto& [link_id, link] : port.links) {
    if (now - link.last_grant() < kPartialBatchAge) continue;
    Grant(port, link_id, link, /*remainder=*/true);
  }
}

void ElementHost::AskResyncs(Clock::time_point now) {
  for (InPort& port : inputs_) {
    for (auto& [link_id, in] : port.links) {
      if (!in.ResyncDue(now)) continue;
      in.ResyncAsked(now);
      // The peer that resumed last, and every connection claiming the link
      // that has not resumed yet: whichever is the sender resumes. Until the
      // sender is connected there is none; its connect probe brings it.
      const std::string& known_peer = in.peer().peer();
      if (in.known() && !known_peer.empty() && control::SendFrameTo(*port.socket, known_peer, wire::Resync())) {
        in.ResyncDelivered();
      }
      const std::vector<std::string> unproven = in.peer().unproven();
      for (const std::string& id : unproven) {
        if (!control::SendFrameTo(*port.socket, id, wire::Resync())) in.peer().Forget(id);
      }
    }
  }
}

bool ElementHost::InputsDone() const {
  for (const InPort& in : inputs_) {
    if (!in.done()) return false;
  }
  return true;
}

}  // namespace datablox::host
