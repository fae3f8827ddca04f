// An element's handlers are what its class declares (ClassSpec::handler),
// no more and no fewer: `datablox describe` shows the declaration, the CLI
// and the status read the registrations, and the two must not drift apart.
// The host checks once start() has returned (every handler of a well-made
// element exists by then) and again for each handler registered later.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "datablox/spec.h"
#include "datablox/status.h"

namespace datablox {

// OK when `registered` (in any order, repeats allowed) names exactly the
// handlers `spec` declares; else Invalid, naming every offender at once:
// those registered but not declared, then those declared but not registered.
Status CheckHandlers(const ClassSpec& spec, const std::vector<std::string>& registered);

// OK when `spec` declares `handler`: for a handler registered after the
// complete check above.
Status CheckHandlerDeclared(const ClassSpec& spec, std::string_view handler);

}  // namespace datablox
