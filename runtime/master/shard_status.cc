// The shards of a topology as `datablox status` shows them: members, table,
// and the change under way.
#include "runtime/master/master_daemon.h"

namespace datablox::master {

std::vector<control::ShardStatus> Master::ShardsStatus(const TopologyRecord& topology) const {
  std::vector<control::ShardStatus> list;
  for (const auto& [name, shard] : topology.shards) {
    const control::ShardRoute& route = shard.layout.route;
    control::ShardStatus& status = list.emplace_back();
    status.name = name;
    status.class_name = shard.class_name;
    status.members = shard.layout.members;
    status.min = shard.min_members;
    status.max = shard.max_members;
    status.route = RouteKindName(route.route);
    status.key = route.key;
    status.merge = MergeKindName(route.merge);
    status.key_groups = route.key_groups;
    status.version = route.version;
    status.state = shard.state == StateKind::kKeyed ? "keyed" : "stateless";
    status.target = shard.target;
    if (shard.resume_pending) status.changing = "resuming once its topology's elements are re-adopted";
    else if (shard.migration) status.changing = shard.migration->waiting_for();
    else if (shard.target != 0) status.changing = "its topology's elements to be re-adopted";
    status.last_change = shard.last_change;
    status.last_change_failed = shard.last_change_failed;
  }
  return list;
}

}  // namespace datablox::master
