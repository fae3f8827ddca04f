// What each event does to a migration under way (migration.h).
#include "shards/migration.h"

#include "shards/describe.h"

namespace datablox::shards {

std::vector<Action> Migration::On(const Event& event, double now_s) {
  std::vector<Action> out;
  if (finished()) return out;
  now_s_ = now_s;
  switch (event.kind) {
    case EventKind::kCanAddAnswered: OnCanAdd(event, &out); break;
    case EventKind::kMemberBound: break;  // the master connects it; being started is what counts here
    case EventKind::kMemberStarted: OnMemberStarted(event, &out); break;
    case EventKind::kFenced: OnFenced(event, &out); break;
    case EventKind::kStateExported: OnExported(event, &out); break;
    case EventKind::kStateImported: OnImported(event, &out); break;
    case EventKind::kMemberCrashed: OnMemberCrashed(event, &out); break;
    case EventKind::kMemberRestarted: OnMemberRestarted(event, &out); break;
    case EventKind::kSenderCrashed: OnSenderGone(event, false, &out); break;
    case EventKind::kSenderRestarted: OnSenderGone(event, true, &out); break;
    case EventKind::kSenderEnded: OnSenderEnded(event, &out); break;
  }
  return out;
}

void Migration::OnCanAdd(const Event& event, std::vector<Action>* out) {
  if (phase_ != Phase::kCanAdd || event.request != can_add_request_) return;
  if (!event.yes) {
    Abort("the member class says no: " + event.why, out);
    return;
  }
  if (event.cost > change_.max_cost) {
    Abort("can_add's cost " + Fixed(event.cost, 2) + " is above the limit " + Fixed(change_.max_cost, 2), out);
    return;
  }
  Action spawn;
  spawn.kind = ActionKind::kSpawnMember;
  spawn.member = change_.member;
  spawn.element = member_element(change_.member);
  spawn.description = "starting " + spawn.element + " (can_add: yes, cost " + Fixed(event.cost, 2) + ")";
  out->push_back(std::move(spawn));
  spawned_ = true;
  Enter(Phase::kStarting);
}

void Migration::OnMemberStarted(const Event& event, std::vector<Action>* out) {
  if (phase_ != Phase::kStarting || event.member != change_.member) return;
  ExpectNewMemberLinks(out);
  if (moves_state()) {
    HoldAndFence(out);
    return;
  }
  const ShardRoute final_table = NextTable(owners_after_, {});
  for (const ShardSender& sender : shard_.senders) {
    out->push_back(Reroute(sender, final_table, change_.member, -1, ""));
  }
  Finish(out);
}

void Migration::ExpectNewMemberLinks(std::vector<Action>* out) const {
  for (const ShardReceiver& receiver : shard_.receivers) {
    Action expect;
    expect.kind = ActionKind::kExpectLinks;
    expect.element = receiver.element;
    expect.port = receiver.port;
    expect.member = change_.member;
    expect.description =
        receiver.element + "." + receiver.port + " expects the links of " + member_element(change_.member);
    out->push_back(std::move(expect));
  }
}

void Migration::OnFenced(const Event& event, std::vector<Action>* out) {
  if (phase_ != Phase::kFencing && phase_ != Phase::kMoving) return;
  if (event.version != held_table_.version) return;  // a stale fence (an older table)
  for (size_t i = 0; i < shard_.senders.size(); ++i) {
    const ShardSender& sender = shard_.senders[i];
    if (fenced_[i] || sender.element != event.element || sender.port != event.port) continue;
    fenced_[i] = true;
    if (phase_ == Phase::kFencing) {
      MaybeExport(out);
    } else {
      MaybeRelease(out);
    }
    return;
  }
}

void Migration::OnExported(const Event& event, std::vector<Action>* out) {
  if (phase_ != Phase::kMoving && phase_ != Phase::kRollingBack) return;
  for (MoveProgress& progress : moves_) {
    if (progress.export_request != event.request || progress.exported || progress.returned) continue;
    if (event.error) {
      progress.returned = true;  // the export failed: the state stayed where it was
      if (phase_ == Phase::kMoving) {
        Fail("exporting from " + member_element(progress.move.from) + " failed: " + *event.error, out);
      } else {
        MaybeFinishRollback(out);
      }
      return;
    }
    progress.logs = event.logs;
    progress.exported = true;
    state_logs_ += event.logs.size();
    Import(&progress, phase_ == Phase::kRollingBack, out);
    return;
  }
}

void Migration::OnImported(const Event& event, std::vector<Action>* out) {
  for (MoveProgress& progress : moves_) {
    if (phase_ == Phase::kMoving && progress.import_request == event.request && !progress.imported) {
      if (event.error) {
        Fail("importing into " + member_element(progress.move.to) + " failed: " + *event.error, out);
        return;
      }
      progress.imported = true;
      MaybeRelease(out);
      return;
    }
    if (phase_ == Phase::kRollingBack && progress.return_request == event.request && !progress.returned) {
      progress.returned = true;
      if (event.error) {
        abort_why_ += "; returning the state of " + Plural(progress.move.groups.size(), "key group", "key groups") +
                      " to " + member_element(progress.move.from) + " failed: " + *event.error;
      }
      MaybeFinishRollback(out);
      return;
    }
  }
}

void Migration::OnMemberCrashed(const Event& event, std::vector<Action>* out) {
  // Any other member is restarted by its caretaker: what was asked of it is
  // asked again when it is back (OnMemberRestarted).
  if (!change_.grow || event.member != change_.member || !spawned_) return;
  if (phase_ == Phase::kRollingBack) return;
  Fail("the new member " + member_element(change_.member) + " crashed", out);
}

void Migration::OnMemberRestarted(const Event& event, std::vector<Action>* out) {
  const int member = event.member;
  if (change_.grow && member == change_.member) return;  // stopped, not restarted
  if (phase_ == Phase::kCanAdd && member_element(member) == can_add_element_) {
    can_add_request_ = next_request_++;
    Action ask = can_add_;
    ask.request = can_add_request_;
    out->push_back(std::move(ask));
    return;
  }
  if (phase_ != Phase::kMoving && phase_ != Phase::kRollingBack) return;
  for (MoveProgress& progress : moves_) {
    if (progress.returned) continue;
    if (progress.move.from == member && progress.export_request != 0 && !progress.exported) {
      Export(&progress, out);  // its answer was lost with it: ask again
    } else if (phase_ == Phase::kMoving && progress.move.to == member && progress.exported && !progress.imported) {
      Import(&progress, false, out);  // the state is still here: send it again
    } else if (phase_ == Phase::kRollingBack && progress.move.from == member && progress.return_request != 0) {
      Import(&progress, true, out);
    }
  }
}

void Migration::OnSenderGone(const Event& event, bool restarted, std::vector<Action>* out) {
  const bool held = phase_ == Phase::kFencing || phase_ == Phase::kMoving || phase_ == Phase::kRollingBack;
  if (!held) return;
  bool requester_gone = false;
  for (size_t i = 0; i < shard_.senders.size(); ++i) {
    const ShardSender& sender = shard_.senders[i];
    if (sender.element != event.element) continue;
    if (sender.query) {
      // Its requests in flight died with it (an answer would reach no one),
      // and a life started again begins with the held table: fenced.
      requester_gone = requester_gone || !fenced_[i];
      fenced_[i] = true;
      continue;
    }
    fenced_[i] = false;  // what it sent after a restart has not been acked: it fences again
    if (restarted) {
      out->push_back(Reroute(
          sender, held_table_, change_.grow ? change_.member : -1, -1,
          ", holding " + Plural(held_table_.held.size(), "key group", "key groups") + " again (the sender restarted)"));
    }
  }
  if (requester_gone && phase_ == Phase::kFencing) MaybeExport(out);
}

void Migration::OnSenderEnded(const Event& event, std::vector<Action>* out) {
  bool changed = false;
  for (size_t i = 0; i < shard_.senders.size(); ++i) {
    ShardSender& sender = shard_.senders[i];
    if (sender.ended || sender.element != event.element) continue;
    sender.ended = true;
    fenced_[i] = true;
    changed = true;
  }
  if (!changed) return;
  if ((phase_ == Phase::kCanAdd || phase_ == Phase::kStarting) && EveryPushSenderEnded(shard_.senders)) {
    Fail("every sender of " + shard_.table.shard + " has ended: nothing more comes to it", out);
  } else if (phase_ == Phase::kFencing) {
    MaybeExport(out);
  } else if (phase_ == Phase::kMoving) {
    MaybeRelease(out);
  }
}

std::vector<Action> Migration::Tick(double now_s) {
  std::vector<Action> out;
  if (finished()) return out;
  now_s_ = now_s;
  if (now_s - step_started_s_ < options_.step_timeout_s) return out;
  const std::string waited = "timed out after " + Fixed(now_s - step_started_s_, 1) + " s waiting for " + waiting_for();
  if (phase_ != Phase::kRollingBack) {
    Fail(waited, &out);
    return out;
  }
  size_t lost = 0;
  for (MoveProgress& progress : moves_) {
    if (Returns(progress) && !progress.returned) {
      lost += progress.move.groups.size();
      progress.returned = true;
    }
  }
  abort_why_ += "; " + waited + ": the state of " + Plural(lost, "key group", "key groups") + " may be lost";
  MaybeFinishRollback(&out);
  return out;
}

std::string Migration::waiting_for() const {
  switch (phase_) {
    case Phase::kCanAdd: return "can_add from " + can_add_element_;
    case Phase::kStarting: return member_element(change_.member) + " to start";
    case Phase::kFencing: {
      std::string senders;
      for (size_t i = 0; i < shard_.senders.size(); ++i) {
        if (fenced_[i]) continue;
        senders += (senders.empty() ? "" : ", ") + shard_.senders[i].element + "." + shard_.senders[i].port;
      }
      return "the fence of " + senders;
    }
    case Phase::kMoving: {
      size_t exports = 0, imports = 0;
      for (const MoveProgress& progress : moves_) {
        if (!progress.exported) ++exports;
        else if (!progress.imported) ++imports;
      }
      return Plural(exports, "export", "exports") + " and " + Plural(imports, "import", "imports");
    }
    case Phase::kRollingBack: {
      size_t returns = 0;
      for (const MoveProgress& progress : moves_) {
        if (Returns(progress) && !progress.returned) ++returns;
      }
      return Plural(returns, "return of state", "returns of state");
    }
    case Phase::kDone:
    case Phase::kAborted: break;
  }
  return "nothing";
}

}  // namespace datablox::shards
