// A shard's declaration in one line, as `datablox check` shows it:
// `users :: shard Counter {members: 1..8, route: hash(user), merge: sum}`.
#pragma once

#include <string>

#include "dsl/topology.h"

namespace datablox::dsl {

// Every option, defaults included, but key_groups only when it is not the
// default; the parameters are left out (the file has them), a placement
// follows as `@ node`. `decl.shard` must be set.
std::string ShardDeclText(const ElementDecl& decl);

}  // namespace datablox::dsl
