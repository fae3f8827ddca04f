// A shard's members as the master plans them: each member is an element of
// the shard's class named "SHARD/ID", and every port that reaches the shard
// carries its table (the route, and for hash routing which member owns
// which key group).
#pragma once

#include <string>
#include <vector>

#include "dsl/topology.h"
#include "runtime/core/control_protocol.h"

namespace datablox::master {

// The plan of member `id`, from the shard's own plan (class, parameters,
// policies): named shards::MemberElement ("users/2"), with "{member}" in every string parameter
// replaced by the id (`path: "users-{member}.db"`), and its MemberPlan.
control::ElementPlan MemberOf(const control::ElementPlan& shard_plan, const dsl::ElementDecl& shard, int id);
// The first table of a shard whose members are `members`.
control::ShardRoute FirstRoute(const dsl::ElementDecl& shard, const std::vector<int>& members);

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
