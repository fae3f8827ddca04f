#include "dsl/shard_text.h"

#include <fmt/format.h>

namespace datablox::dsl {

std::string ShardDeclText(const ElementDecl& decl) {
  const ShardDecl& shard = *decl.shard;
  std::string text = fmt::format("{} :: shard {} {{members: ", decl.name, decl.class_name);
  if (shard.min_members == shard.max_members) {
    text += fmt::format("{}", shard.min_members);
  } else {
    text += fmt::format("{}..{}", shard.min_members, shard.max_members);
  }
  text += fmt::format(", route: {}", RouteKindName(shard.route));
  if (shard.route == RouteKind::kHash) text += fmt::format("({})", shard.route_key);
  text += fmt::format(", merge: {}", MergeKindName(shard.merge));
  if (shard.key_groups != kDefaultKeyGroups) text += fmt::format(", key_groups: {}", shard.key_groups);
  text += "}";
  if (!decl.node.empty()) text += fmt::format(" @ {}", decl.node);
  return text;
}

}  // namespace datablox::dsl
