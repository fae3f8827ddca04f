#include "datablox/status.h"

namespace datablox {

const std::string& Status::message() const {
  static const std::string kEmpty;
  return msg_ ? *msg_ : kEmpty;
}

std::string Status::ToString() const {
  const char* prefix = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalid: prefix = "Invalid"; break;
    case Code::kNotFound: prefix = "NotFound"; break;
    case Code::kIOError: prefix = "IOError"; break;
    case Code::kTimeout: prefix = "Timeout"; break;
    case Code::kUnavailable: prefix = "Unavailable"; break;
    case Code::kInternal: prefix = "Internal"; break;
    case Code::kPermissionDenied: prefix = "PermissionDenied"; break;
  }
  return std::string(prefix) + ": " + message();
}

}  // namespace datablox
