#include "shards/migration.h"

#include <algorithm>
#include <utility>

#include "shards/describe.h"

namespace datablox::shards {

std::string MemberElement(const std::string& shard, int id) { return shard + "/" + std::to_string(id); }

Migration::Migration(ShardState shard, ShardChange change, MigrationOptions options)
    : shard_(std::move(shard)),
      change_(std::move(change)),
      options_(options),
      next_request_(options.first_request),
      current_(shard_.table),
      fenced_(shard_.senders.size(), false) {
  for (size_t i = 0; i < shard_.senders.size(); ++i) fenced_[i] = shard_.senders[i].ended;
}

bool EveryPushSenderEnded(const std::vector<ShardSender>& senders) {
  bool any = false;
  for (const ShardSender& sender : senders) {
    if (sender.query) continue;
    if (!sender.ended) return false;
    any = true;
  }
  return any;
}

bool Migration::moves_state() const {
  return shard_.table.route == RouteKind::kHash && shard_.state == StateKind::kKeyed && !moves_.empty();
}

std::vector<int> Migration::members_after() const {
  std::vector<int> members = shard_.members;
  if (change_.grow) {
    members.push_back(change_.member);
    std::sort(members.begin(), members.end());
  } else {
    members.erase(std::remove(members.begin(), members.end(), change_.member), members.end());
  }
  return members;
}

std::string Migration::change_text() const {
  const size_t before = shard_.members.size();
  const size_t after = change_.grow ? before + 1 : before - 1;
  return shard_.table.shard + " from " + std::to_string(before) + " to " + Plural(after, "member", "members");
}

ShardRoute Migration::NextTable(std::vector<int> owners, std::vector<int> held) {
  ShardRoute table = current_;
  table.owners = std::move(owners);
  table.held = std::move(held);
  table.version = current_.version + 1;
  current_ = table;
  return table;
}

void Migration::Enter(Phase phase) {
  phase_ = phase;
  step_started_s_ = now_s_;
}

Action Migration::Reroute(const ShardSender& sender, const ShardRoute& table, int add, int remove,
                          const std::string& what) const {
  Action action;
  action.kind = ActionKind::kReroute;
  action.element = sender.element;
  action.port = sender.port;
  action.query = sender.query;
  action.route = table;
  action.add_member = add;
  action.remove_member = remove;
  action.description =
      sender.element + "." + sender.port + ": " + table.shard + " table v" + std::to_string(table.version) + what;
  if (add >= 0) action.description += ", linking " + member_element(add);
  if (remove >= 0) action.description += ", unlinking " + member_element(remove);
  return action;
}

std::vector<Action> Migration::Start(double now_s) {
  now_s_ = started_s_ = now_s;
  std::vector<Action> out;
  const ShardRoute& table = shard_.table;
  const bool member_there =
      std::find(shard_.members.begin(), shard_.members.end(), change_.member) != shard_.members.end();
  if (change_.grow && member_there) {
    Abort("member " + member_element(change_.member) + " is there already", &out);
    return out;
  }
  if (!change_.grow && !member_there) {
    Abort("member " + member_element(change_.member) + " is not in the shard", &out);
    return out;
  }
  if (EveryPushSenderEnded(shard_.senders)) {
    Abort("every sender of " + table.shard + " has ended: nothing more comes to it", &out);
    return out;
  }
  if (!change_.grow && shard_.members.size() < 2) {
    Abort(member_element(change_.member) + " is the shard's last member", &out);
    return out;
  }
  if (table.route == RouteKind::kHash) {
    if (table.owners.size() != static_cast<size_t>(table.key_groups)) {
      Abort("the table has " + std::to_string(table.owners.size()) + " owners for " + std::to_string(table.key_groups) +
                " key groups",
            &out);
      return out;
    }
    Status s = change_.grow ? Grow(table.owners, shard_.members, change_.member, &owners_after_)
                            : Shrink(table.owners, shard_.members, change_.member, &owners_after_);
    if (!s.ok()) {
      Abort(s.message(), &out);
      return out;
    }
    if (shard_.state == StateKind::kKeyed) {
      for (Move& move : Moves(table.owners, owners_after_)) {
        MoveProgress progress;
        progress.move = std::move(move);
        moves_.push_back(std::move(progress));
      }
    }
  }
  if (!change_.grow) {
    if (moves_state()) {
      HoldAndFence(&out);
    } else {
      const ShardRoute final_table = NextTable(owners_after_, {});
      for (const ShardSender& sender : shard_.senders) {
        out.push_back(Reroute(sender, final_table, -1, change_.member, ""));
      }
      Finish(&out);
    }
    return out;
  }
  Action ask;
  ask.kind = ActionKind::kAskCanAdd;
  ask.element = member_element(shard_.members.empty() ? change_.member : shard_.members.front());
  ask.request = can_add_request_ = next_request_++;
  ask.load = change_.load;
  ask.load.members = static_cast<int>(shard_.members.size());
  ask.load.moving_share = table.route == RouteKind::kHash ? MovedShare(table.owners, owners_after_) : 0;
  ask.description = "asking " + ask.element + " whether " + table.shard + " may grow to " +
                    Plural(shard_.members.size() + 1, "member", "members") + " (busy " + Fixed(ask.load.busy_share, 2) +
                    ", queue " + Fixed(ask.load.queue_depth, 1) + ", blocked " + Fixed(ask.load.blocked_share, 2) +
                    ", moving " + Fixed(ask.load.moving_share, 2) + ")";
  can_add_element_ = ask.element;
  can_add_ = ask;
  out.push_back(std::move(ask));
  Enter(Phase::kCanAdd);
  return out;
}

void Migration::HoldAndFence(std::vector<Action>* out) {
  std::vector<int> held;
  for (const MoveProgress& progress : moves_) {
    held.insert(held.end(), progress.move.groups.begin(), progress.move.groups.end());
  }
  std::sort(held.begin(), held.end());
  const size_t n = held.size();
  held_table_ = NextTable(shard_.table.owners, std::move(held));
  const int add = change_.grow ? change_.member : -1;
  linked_ = change_.grow;
  for (const ShardSender& sender : shard_.senders) {
    // A requester learns of a new member only at the release; the held table
    // makes it keep back the requests that depend on the moving groups.
    out->push_back(
        Reroute(sender, held_table_, sender.query ? -1 : add, -1, ", holding " + Plural(n, "key group", "key groups")));
  }
  Enter(Phase::kFencing);
  MaybeExport(out);  // a shard nobody sends to is fenced at once
}

void Migration::MaybeExport(std::vector<Action>* out) {
  for (size_t i = 0; i < shard_.senders.size(); ++i) {
    if (!fenced_[i]) return;  // a requester too: a request it sent before may reach an old owner
  }
  Enter(Phase::kMoving);
  for (MoveProgress& progress : moves_) Export(&progress, out);
}

void Migration::Export(MoveProgress* progress, std::vector<Action>* out) {
  progress->export_request = next_request_++;
  ResendExport(*progress, out);
}

// Under the request id it had: a member that answered it already answers
// again from what it kept (Migration::Resume).
void Migration::ResendExport(const MoveProgress& progress, std::vector<Action>* out) const {
  Action action;
  action.kind = ActionKind::kExportState;
  action.element = member_element(progress.move.from);
  action.request = progress.export_request;
  action.groups = progress.move.groups;
  action.key_groups = shard_.table.key_groups;
  action.description = "exporting " + Plural(action.groups.size(), "key group", "key groups") + " of " +
                       action.element + " for " + member_element(progress.move.to);
  out->push_back(std::move(action));
}

void Migration::Import(MoveProgress* progress, bool back, std::vector<Action>* out) {
  (back ? progress->return_request : progress->import_request) = next_request_++;
  ResendImport(*progress, back, out);
}

void Migration::ResendImport(const MoveProgress& progress, bool back, std::vector<Action>* out) const {
  Action action;
  action.kind = ActionKind::kImportState;
  action.element = member_element(back ? progress.move.from : progress.move.to);
  action.request = back ? progress.return_request : progress.import_request;
  action.logs = progress.logs;
  action.description = std::string(back ? "returning " : "importing ") +
                       Plural(action.logs.size(), "state log", "state logs") + " (" +
                       Plural(progress.move.groups.size(), "key group", "key groups") + ") " +
                       (back ? "to " : "into ") + action.element;
  out->push_back(std::move(action));
}

void Migration::MaybeRelease(std::vector<Action>* out) {
  for (const MoveProgress& progress : moves_) {
    if (!progress.imported) return;
  }
  for (size_t i = 0; i < shard_.senders.size(); ++i) {
    if (!shard_.senders[i].query && !fenced_[i]) return;  // one restarted: it fences again first
  }
  const size_t n = held_table_.held.size();
  const ShardRoute final_table = NextTable(owners_after_, {});
  const int remove = change_.grow ? -1 : change_.member;
  for (const ShardSender& sender : shard_.senders) {
    // Requesters never had the held table: they learn of a new member only now.
    const int add = change_.grow && sender.query ? change_.member : -1;
    out->push_back(Reroute(sender, final_table, add, remove,
                           ", " + Plural(n, "key group", "key groups") + " released to their new owners"));
  }
  Finish(out);
}

// A grow's new member is stopped, so everything it was sent comes back; a
// shrink keeps what its receivers acknowledged and returns the rest.
bool Migration::Returns(const MoveProgress& progress) const {
  return progress.export_request != 0 && (change_.grow || !progress.imported);
}

void Migration::Fail(const std::string& why, std::vector<Action>* out) {
  abort_why_ = why;
  if (phase_ == Phase::kCanAdd || phase_ == Phase::kStarting) {
    Abort(why, out);
    return;
  }
  Enter(Phase::kRollingBack);
  for (MoveProgress& progress : moves_) {
    if (Returns(progress) && progress.exported) Import(&progress, true, out);
  }
  MaybeFinishRollback(out);
}

void Migration::MaybeFinishRollback(std::vector<Action>* out) {
  std::vector<int> owners = shard_.table.owners;
  for (const MoveProgress& progress : moves_) {
    if (Returns(progress) && !progress.returned) return;
    if (!Returns(progress) && progress.imported) {
      for (int group : progress.move.groups) owners[group] = progress.move.to;
    }
  }
  const ShardRoute table = NextTable(std::move(owners), {});
  const int remove = change_.grow ? change_.member : -1;
  for (const ShardSender& sender : shard_.senders) {
    if (change_.grow && sender.query) {
      // It never asked the new member, which expects it all the same: linked
      // and unlinked at once, it sends END, so that the member can end.
      if (linked_) out->push_back(Reroute(sender, table, change_.member, change_.member, ", the grow undone"));
      continue;
    }
    out->push_back(Reroute(sender, table, -1, sender.query ? -1 : remove, ", held key groups released"));
  }
  Abort(abort_why_, out);
}

Migration::Figures Migration::figures() const {
  Figures figures;
  for (const Move& move : Moves(shard_.table.owners, owners_after_)) figures.moved_groups += move.groups.size();
  figures.state_logs = state_logs_;
  figures.elapsed_s = now_s_ - started_s_;
  return figures;
}

void Migration::Finish(std::vector<Action>* out) {
  phase_ = Phase::kDone;
  Action done;
  done.kind = ActionKind::kDone;
  done.route = current_;
  done.members = members_after();
  const Figures moved = figures();
  done.description = (change_.grow ? "grew " : "shrank ") + change_text();
  if (shard_.table.route == RouteKind::kHash) {
    done.description += ": " + std::to_string(moved.moved_groups) + " of " +
                        Plural(shard_.table.key_groups, "key group", "key groups") + " moved (" +
                        Plural(moved.state_logs, "state log", "state logs") + ")";
  }
  done.description += " in " + Fixed(moved.elapsed_s, 2) + " s";
  out->push_back(std::move(done));
}

// A grow's new member that senders and receivers were never told of is
// stopped. One they were told of is not: the rollback's reroute unlinks it,
// so it gets END from every sender, and it ends as a shrink's leaver does,
// with END on its outputs to the receivers that expect it (stopped, it would
// leave them, and the senders that wait for its END ack, waiting for good).
void Migration::Abort(const std::string& why, std::vector<Action>* out) {
  if (&why != &abort_why_) abort_why_ = why;  // kept for a resumed abort (Record)
  if (change_.grow && spawned_ && !linked_) {
    Action stop;
    stop.kind = ActionKind::kStopMember;
    stop.member = change_.member;
    stop.element = member_element(change_.member);
    stop.description = "stopping " + stop.element + ": the grow is aborted";
    out->push_back(std::move(stop));
  }
  phase_ = Phase::kAborted;
  Action aborted;
  aborted.kind = ActionKind::kAborted;
  aborted.route = current_;
  aborted.members = shard_.members;
  aborted.why = why;
  aborted.description = (change_.grow ? "grow of " : "shrink of ") + change_text() + " aborted: " + why;
  out->push_back(std::move(aborted));
}

}  // namespace datablox::shards
