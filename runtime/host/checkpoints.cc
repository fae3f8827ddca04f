// Checkpoints, as an element host takes part in them (the messages are in
// runtime/core/checkpoint_protocol.h, the alignment in barrier_aligner.h).
//
// A source (no push input) takes its snapshot when the master asks, at the
// loop's next turn: between two produce() calls, so that its position is
// the one of the logs it emitted so far. Any other element takes it once
// the barrier came on every open input, holding what each link sends after
// its barrier meanwhile. Either way the snapshot is followed by a barrier
// on every push output, after what was emitted before it (partial batches
// go out first), and reported to the master through the caretaker.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/core/base64.h"
#include "runtime/host/element_host.h"
#include "runtime/host/hook_scope.h"

namespace datablox::host {

void ElementHost::HoldFrame(InPort& port, const std::string& link_id, std::string_view peer_id,
                            zmq::message_t& frame) {
  HeldFrame& held = port.held[link_id].emplace_back();
  held.peer.assign(peer_id);
  held.frame.move(frame);
  ++held_frames_;
  peak_held_frames_ = std::max<uint64_t>(peak_held_frames_, held_frames_);
}

void ElementHost::OnBarrier(const std::string& link_id, InLinkState& in, std::string_view bytes) {
  wire::Barrier barrier;
  if (Status st = wire::ReadBarrier(bytes, &barrier); !st.ok()) return Malformed(link_id, st);
  // From an earlier stream of the sender, or past logs we did not get (a
  // gap a resume will fill): this link cannot say where the checkpoint is.
  if (!in.known() || barrier.stream != in.stream() || barrier.offset != in.expect()) {
    ++barriers_stale_;
    return;
  }
  if (checkpoints_.OnBarrier(link_id, barrier.checkpoint) == BarrierAligner::Arrival::kAbandoned) {
    spdlog::info("[{}] checkpoint {} gave way to checkpoint {}", plan_.name, checkpoints_.last_done(),
                 barrier.checkpoint);
  }
}

void ElementHost::OnStartCheckpoint(const control::StartCheckpoint& start) {
  if (!inputs_.empty()) {
    return Malformed("control", Status::Invalid(fmt::format(
                                    "checkpoint {}: {} has push inputs, its barriers come on them", start.checkpoint,
                                    plan_.name)));
  }
  source_checkpoint_due_ = std::max(source_checkpoint_due_, start.checkpoint);
}

void ElementHost::OnCheckpointDone(const control::CheckpointDone& done) {
  if (done.complete) {
    completed_checkpoints_.push_back(done.checkpoint);
    return;
  }
  // Abandoned: nothing is held for it any more.
  if (checkpoints_.aligning() != 0 && checkpoints_.aligning() <= done.checkpoint) {
    spdlog::info("[{}] checkpoint {} abandoned by the master", plan_.name, checkpoints_.aligning());
  }
  checkpoints_.Done(done.checkpoint);
  if (source_checkpoint_due_ <= done.checkpoint) source_checkpoint_due_ = 0;
}

std::vector<std::string> ElementHost::OpenInputLinks() const {
  std::vector<std::string> open;
  for (const InPort& port : inputs_) {
    for (const auto& [id, in] : port.links) {
      if (!in.ended()) open.push_back(id);
    }
  }
  return open;
}

bool ElementHost::CheckpointWorkDue() const {
  if (source_checkpoint_due_ != 0 || !completed_checkpoints_.empty()) return true;
  if (checkpoints_.aligning() != 0 && checkpoints_.Aligned(OpenInputLinks()) != 0) return true;
  if (held_frames_ == 0) return false;
  for (const InPort& port : inputs_) {
    for (const auto& [id, frames] : port.held) {
      if (!checkpoints_.Held(id)) return true;
    }
  }
  return false;
}

void ElementHost::ServiceCheckpoints() {
  if (source_checkpoint_due_ != 0) {
    const uint64_t due = source_checkpoint_due_;
    source_checkpoint_due_ = 0;
    if (due > checkpoints_.last_done()) TakeCheckpoint(due);
  }
  // A released frame may be the next barrier, and complete the next
  // alignment at once: a few rounds, the rest at the next turn.
  for (int round = 0; round < 4 && failure_.ok(); ++round) {
    const uint64_t aligned = checkpoints_.aligning() != 0 ? checkpoints_.Aligned(OpenInputLinks()) : 0;
    if (aligned != 0) TakeCheckpoint(aligned);
    if (held_frames_ == 0) break;
    ReleaseHeldFrames();
    if (checkpoints_.aligning() == 0) break;
  }
  while (!completed_checkpoints_.empty() && failure_.ok()) {
    const uint64_t complete = completed_checkpoints_.front();
    completed_checkpoints_.pop_front();
    HookScope hook(in_hook_);
    element_->on_checkpoint_complete(complete);
  }
}

void ElementHost::ReleaseHeldFrames() {
  for (size_t index = 0; index < inputs_.size(); ++index) {
    InPort& port = inputs_[index];
    for (auto link = port.held.begin(); link != port.held.end() && failure_.ok();) {
      std::deque<HeldFrame>& frames = link->second;
      while (!frames.empty() && !checkpoints_.Held(link->first) && failure_.ok()) {
        HeldFrame held = std::move(frames.front());
        frames.pop_front();
        --held_frames_;
        HandleInputFrame(port, static_cast<int>(index), held.peer, held.frame, /*released=*/true);
      }
      link = frames.empty() ? port.held.erase(link) : std::next(link);
    }
  }
}

void ElementHost::TakeCheckpoint(uint64_t checkpoint) {
  const Clock::time_point t0 = Clock::now();
  std::string state;
  Status st;
  {
    HookScope hook(in_hook_);
    checkpoint_in_hook_ = checkpoint;
    st = element_->snapshot(&state);
    checkpoint_in_hook_ = 0;
  }
  if (st.ok() && state.size() > control::kMaxSnapshotBytes) {
    st = Status::Invalid(fmt::format("a snapshot of {} bytes is over the {} allowed", state.size(),
                                     control::kMaxSnapshotBytes));
  }
  // The barrier goes on even when the snapshot failed: the master abandons
  // the checkpoint, and nothing downstream must hold its inputs for it.
  // By index: a credit wait may apply a reroute, which adds links.
  for (size_t i = 0; i < all_out_links_.size(); ++i) {
    OutLink& link = *all_out_links_[i];
    if (link.state.end_sent()) continue;  // ended: the receiver counts it as delivered
    if (link.state.pending() > 0) SendBatch(link);
    if (!link.state.resumed()) SendResume(link);
    const wire::Barrier barrier{link.state.stream(), link.state.sent(), checkpoint};
    link.socket->send(zmq::buffer(wire::BarrierFrame(barrier)), zmq::send_flags::none);
  }
  checkpoints_.Done(checkpoint);
  control::CheckpointTaken taken;
  taken.element = options_.element;
  taken.checkpoint = checkpoint;
  if (st.ok()) {
    ++checkpoints_taken_;
    last_snapshot_bytes_ = state.size();
    taken.bytes = state.size();
    taken.state = Base64Encode(state);
  } else {
    ++checkpoints_failed_;
    taken.error = st.message();
    spdlog::warn("[{}] checkpoint {}: snapshot failed: {}", plan_.name, checkpoint, st.message());
  }
  busy_ += Clock::now() - t0;
  control::Send(*control_, control::ToJson(taken));
}

Status ElementHost::RestoreSnapshot() {
  if (!restore_) return Status::OK();
  std::string state;
  Status st = Base64Decode(restore_->state, &state);
  if (!st.ok()) return Status::Invalid(fmt::format("the snapshot of checkpoint {} is not base64: {}",
                                                   restore_->checkpoint, st.message()));
  spdlog::info("[{}] restoring checkpoint {} ({} bytes), epoch {}", plan_.name, restore_->checkpoint, state.size(),
               plan_.epoch);
  {
    HookScope hook(in_hook_);
    checkpoint_in_hook_ = restore_->checkpoint;
    st = element_->restore(state);
    checkpoint_in_hook_ = 0;
  }
  if (!st.ok()) return Status::Invalid(fmt::format("restoring checkpoint {}: {}", restore_->checkpoint, st.message()));
  restore_.reset();  // the base64 text: not kept for the element's life
  return Status::OK();
}

uint64_t ElementHost::NewStreamId() { return control::StreamOfEpoch(plan_.epoch, stream_ids_()); }

Json ElementHost::CheckpointStats() const {
  return {{"taken", checkpoints_taken_},     {"failed", checkpoints_failed_},
          {"last", checkpoints_.last_done()}, {"aligning", checkpoints_.aligning()},
          {"held_frames", held_frames_},      {"peak_held_frames", peak_held_frames_},
          {"stale_barriers", barriers_stale_}, {"last_snapshot_bytes", last_snapshot_bytes_}};
}

}  // namespace datablox::host
