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

}  // namespace datablox::master
