// The one format of a link's name, made and read here only.
#pragma once

#include <string>
#include <string_view>

#include "datablox/status.h"

namespace datablox::control {

// A link is named by its two ends, "src.out>keep.in": unique per receiving
// port, the key of credit, replay and ended links everywhere.
struct LinkId {
  std::string from_element, from_port, to_element, to_port;
  std::string ToString() const;
};
// Invalid unless `text` is "ELEMENT.PORT>ELEMENT.PORT" with no part empty.
Status ParseLinkId(std::string_view text, LinkId* id);

}  // namespace datablox::control
