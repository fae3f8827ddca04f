#include "dsl/policy_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "dsl/loader.h"
#include "dsl/policy_values.h"
#include "dsl/suggest.h"
#include "runtime/core/control_protocol.h"

namespace datablox::dsl {

const std::vector<PolicyKey>& PolicyKeys() {
  static const std::vector<PolicyKey> kKeys = {
      {"queue", ParamValue::Kind::kInt, "logs in flight per input link; a full queue blocks the sender (backpressure)"},
      {"batch", ParamValue::Kind::kInt, "logs per message sent downstream"},
      {"restart", ParamValue::Kind::kString,
       "when its caretaker restarts the element: \"on-failure\" (default: when it crashes), "
       "\"always\" (also when it fails on purpose), \"never\""},
      {"restart_limit", ParamValue::Kind::kInt,
       "crashes in a row (without 10 s of health between) before the element is failed; default 5"},
      {"backoff_ms", ParamValue::Kind::kInt,
       "delay before the second restart in a row, doubled for each one after (first is at once; "
       "at most 10 s); default 100"},
      {"checkpoint", ParamValue::Kind::kInt,
       "milliseconds between two checkpoints of the whole topology by the master; only in "
       "`policy * { ... }`; default: none",
       kMinCheckpointMs, "milliseconds", /*whole_topology=*/true},
  };
  return kKeys;
}

namespace {

// Named apart from the checker's own helpers: the files share a unity build.
std::string PolicyKeySuggestion(std::string_view wrong, const std::vector<std::string>& names) {
  const std::string best = ClosestName(wrong, names);
  return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
}

// "'store'", or "every element" for `policy *`: whose value is wrong.
std::string PolicySubject(const Policy& policy) {
  return policy.element == kEveryElement ? "every element" : fmt::format("'{}'", policy.element);
}

const PolicyKey* FindPolicyKey(std::string_view name) {
  for (const PolicyKey& key : PolicyKeys()) {
    if (name == key.name) return &key;
  }
  return nullptr;
}

// The errors of one key's value, at `pos`.
void CheckPolicyValue(const Policy& policy, const PolicyKey& key, const ParamValue& value, const SourcePos& pos,
                      std::vector<Diagnostic>* errors) {
  auto error = [&](std::string message) { errors->push_back(Diagnostic{pos, std::move(message)}); };
  const std::string found = fmt::format("{} {}", ParamValue::KindName(value.kind), DisplayValue(nullptr, value));
  // A key of the whole topology is nobody's: "policy 'checkpoint' must ...".
  const std::string whose = key.whole_topology ? "" : fmt::format(" of {}", PolicySubject(policy));
  if (key.kind == ParamValue::Kind::kInt) {
    if (value.kind != ParamValue::Kind::kInt || value.i < key.min) {
      const std::string unit = key.unit ? fmt::format(" ({})", key.unit) : "";
      error(fmt::format("policy '{}'{} must be an int >= {}{}, found {}", key.name, whose, key.min, unit, found));
    }
  } else if (value.kind != key.kind) {
    error(fmt::format("policy '{}'{} must be a {}, found {}", key.name, whose, ParamValue::KindName(key.kind), found));
  } else if (std::string_view(key.name) == "restart") {
    const std::vector<std::string>& restarts = control::RestartPolicyNames();
    if (std::find(restarts.begin(), restarts.end(), value.s) == restarts.end()) {
      error(fmt::format("policy 'restart'{} must be one of {}, found \"{}\"{}", whose, fmt::join(restarts, ", "),
                        value.s, PolicyKeySuggestion(value.s, restarts)));
    }
  }
}

}  // namespace

void CheckPolicies(const Topology& topology, const std::function<bool(std::string_view element)>& known_element,
                   std::vector<Diagnostic>* errors) {
  auto error = [&](const SourcePos& pos, std::string message) {
    errors->push_back(Diagnostic{pos, std::move(message)});
  };
  auto pos_or = [](const std::map<std::string, SourcePos, std::less<>>& positions, const std::string& key,
                   const SourcePos& fallback) -> const SourcePos& {
    auto it = positions.find(key);
    return it == positions.end() ? fallback : it->second;
  };
  std::vector<std::string> valid;
  for (const PolicyKey& key : PolicyKeys()) valid.push_back(key.name);
  std::map<std::pair<std::string, std::string>, int> first_set;  // (element or "*", key) -> line

  for (const Policy& policy : topology.policies) {
    const bool every = policy.element == kEveryElement;
    if (!every && !known_element(policy.element)) {
      error(policy.pos, fmt::format("policy for undeclared element '{}'", policy.element));
    }
    for (const auto& [name, value] : policy.values) {
      const SourcePos& key_pos = pos_or(policy.key_pos, name, policy.pos);
      const PolicyKey* key = FindPolicyKey(name);
      if (!key) {
        error(key_pos, fmt::format("unknown policy key '{}'; valid keys: {}{}", name, fmt::join(valid, ", "),
                                   PolicyKeySuggestion(name, valid)));
        continue;
      }
      if (key->whole_topology && !every) {
        // The written value where it would do; a sound example elsewhere.
        const bool usable = value.kind == ParamValue::Kind::kInt && value.i >= key->min;
        const int64_t shown = usable ? value.i : 1000;
        error(key_pos, fmt::format("policy '{}' applies to the whole topology: write it as 'policy * {{ {}: {} }}'",
                                   name, name, shown));
        continue;
      }
      auto [first, inserted] = first_set.emplace(std::make_pair(policy.element, name), key_pos.line);
      if (!inserted) {
        const std::string whose = key->whole_topology ? "" : fmt::format(" of {}", PolicySubject(policy));
        error(key_pos, fmt::format("policy '{}'{} is already set at line {}", name, whose, first->second));
        continue;
      }
      CheckPolicyValue(policy, *key, value, pos_or(policy.value_pos, name, policy.pos), errors);
    }
  }
}

}  // namespace datablox::dsl
