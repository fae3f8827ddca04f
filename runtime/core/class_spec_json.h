// An element class's declaration (ClassSpec) as JSON: what `describe -o json`
// prints, and what the class inspector (a child process that imports user
// modules, so the master never does) hands back to the master for the check.
// The JSON carries everything the checker reads; the factory and a custom
// merge are code and stay behind: a decoded spec says it has a custom merge
// (merge set to a stub that refuses to run), and has no factory.
#pragma once

#include <nlohmann/json.hpp>

#include "datablox/spec.h"
#include "datablox/status.h"

namespace datablox {

// Nesting of a class list's JSON: {classes: {NAME: spec}} > params > param >
// default > lists of at most kMaxParamListNesting.
inline constexpr int kMaxClassSpecJsonDepth = kMaxParamListNesting + 8;

const char* PortKindName(PortKind kind);            // "push", "query"
const char* PortDirectionName(PortDirection dir);   // "in", "out"
const char* StateKindName(StateKind kind);          // "stateless", "keyed"

nlohmann::json ClassSpecToJson(const ClassSpec& spec);
// Invalid, naming the field, for anything ClassSpecToJson does not write.
Status ClassSpecFromJson(const nlohmann::json& json, ClassSpec* spec);

}  // namespace datablox
