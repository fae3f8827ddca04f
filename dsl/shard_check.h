// The checker's rules for a shard (`users :: shard Counter(...) { ... }`),
// beyond those of an element, which a shard meets as one element of its
// member class (checker.cc): the class may be a member, the member counts
// and key groups are in range, the route fits the class's state and the
// upstream schemas, the merge fits its query port.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "datablox/spec.h"
#include "dsl/topology.h"

namespace datablox::dsl {

// Appends the errors of one shard declaration (decl.shard is set) against
// its member class.
void CheckShardDecl(const ElementDecl& decl, const ClassSpec& spec, std::vector<Diagnostic>* errors);

// Appends, for every push connection into a hash-routed shard whose sender
// declares its out port's fields, an error at its arrow when the route's
// field is not among them. Runs after the connections resolved (their
// default ports filled); `class_of` gives an element's class (null: unknown
// element or class, reported elsewhere).
void CheckShardRouteFields(const Topology& topology,
                           const std::function<const ClassSpec*(std::string_view element)>& class_of,
                           std::vector<Diagnostic>* errors);

}  // namespace datablox::dsl
