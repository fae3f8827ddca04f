// A shard's members as the master plans them: each member is an element of
// the shard's class named "SHARD/ID", and every port that reaches the shard
// carries its table (the route, and for hash routing which member owns
// which key group).
#pragma once

#include <string>
#include <vector>

#include "dsl/topology.h"
#include "runtime/core/control_protocol.h"
#include "runtime/master/planner.h"

namespace datablox::master {

// The plan of member `id`, from the shard's own plan (class, parameters,
// policies): named shards::MemberElement ("users/2"), with "{member}" in every string parameter
// replaced by the id (`path: "users-{member}.db"`), and its MemberPlan.
control::ElementPlan MemberOf(const control::ElementPlan& shard_plan, const dsl::ElementDecl& shard, int id);
// The first table of a shard whose members are `members`.
control::ShardRoute FirstRoute(const dsl::ElementDecl& shard, const std::vector<int>& members);
// Whether `plans` (a topology's live elements, as the registry kept them)
// are at `layout` of shard `shard`: every member among them is one of the
// layout's, and every table of the shard on a sender's port is the layout's
// version. False when the master stopped during a change: a member started,
// or a table sent, before the change ended and its layout was kept. (A
// member that left has ended: it is no live element.)
bool PlansAtLayout(const std::string& shard, const ShardLayout& layout,
                   const std::vector<const control::ElementPlan*>& plans);

// Which life of an element a "started" begins, for a shard's migration under
// way: a later life (its caretaker restarted it after a crash) must be heard
// as kMemberRestarted, so that the migration asks it again what its crashed
// life left unanswered (an export, an import); a first start as
// kMemberStarted. A restarted host binds again before it starts, so the
// element's state (kBound) cannot tell them apart: the caretaker's
// "restarting" can.
class MemberLife {
 public:
  void Restarting() { restarting_ = true; }
  // True when this start follows a restart; each restart counts once.
  bool StartedAgain() {
    const bool again = restarting_;
    restarting_ = false;
    return again;
  }

 private:
  bool restarting_ = false;
};

}  // namespace datablox::master
