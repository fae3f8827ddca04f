// Base64 (RFC 4648, the standard alphabet, with padding): how bytes ride in
// the JSON of the control protocol, which carries text only (a shard's state
// logs are msgpack, and their byte strings must come back as bytes).
#pragma once

#include <string>
#include <string_view>

#include "datablox/status.h"

namespace datablox {

std::string Base64Encode(std::string_view bytes);
// Invalid (with the offset of the first bad character) for text that is not
// padded base64 of the standard alphabet; no whitespace is accepted.
Status Base64Decode(std::string_view text, std::string* bytes);

}  // namespace datablox
