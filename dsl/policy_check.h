// The checker's rules for policy statements, `policy NAME { ... }` and
// `policy * { ... }` (the defaults for every element, and the keys of the
// whole topology): known keys, each set once per element (or once under
// `*`), values of the key's kind and range. The keys are PolicyKeys()
// (dsl/loader.h).
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "dsl/topology.h"

namespace datablox::dsl {

// Appends every error of the topology's policies. `known_element` says
// whether a policy's element is declared (or met in a statement that did
// not parse, which is reported already).
void CheckPolicies(const Topology& topology, const std::function<bool(std::string_view element)>& known_element,
                   std::vector<Diagnostic>* errors);

}  // namespace datablox::dsl
