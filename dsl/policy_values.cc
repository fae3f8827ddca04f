#include "dsl/policy_values.h"

#include <initializer_list>

namespace datablox::dsl {

const ParamValue* FindPolicyValue(const Topology& topology, std::string_view element, std::string_view key,
                                  ParamValue::Kind kind) {
  for (std::string_view scope : {element, kEveryElement}) {
    for (const Policy& policy : topology.policies) {
      if (policy.element != scope) continue;
      auto it = policy.values.find(key);
      if (it != policy.values.end() && it->second.kind == kind) return &it->second;
    }
  }
  return nullptr;
}

std::optional<std::chrono::milliseconds> CheckpointEvery(const Topology& topology) {
  const ParamValue* every = FindPolicyValue(topology, kEveryElement, "checkpoint", ParamValue::Kind::kInt);
  if (!every) return std::nullopt;
  return std::chrono::milliseconds(every->i);
}

}  // namespace datablox::dsl
