#include "runtime/master/control_access.h"

#include <fmt/format.h>

namespace datablox::master {

bool ReadsOnly(control::Op op, bool handler_write) {
  using control::Op;
  switch (op) {
    case Op::kList:
    case Op::kNodes:
    case Op::kStatus:
    case Op::kEvents:
    case Op::kCheckpoints:
    case Op::kRegistry:
    case Op::kLogs: return true;
    case Op::kHandler: return !handler_write;
    default: return false;
  }
}

std::string RefusalFor(const auth::PeerIdentity& who, std::string_view routing_id, const control::Json& message) {
  if (who.open) return "";
  const bool as_node = routing_id.rfind("node:", 0) == 0;
  if (who.kind == auth::PeerKind::kCaretaker) {
    if (!as_node) return fmt::format("the key of caretaker '{}' may not send operator requests", who.name);
    std::string_view claimed = routing_id.substr(5, routing_id.find('#', 5) - 5);
    if (claimed != who.name)
      return fmt::format("the key of node '{}' may not speak as node '{}'", who.name, std::string(claimed));
    return "";
  }
  if (as_node) return fmt::format("operator '{}' may not speak as a caretaker", who.name);
  if (who.role == auth::Role::kFull) return "";
  control::Op op = control::Op::kUnknown;
  std::string name;
  (void)control::ReadOp(message, &op, &name);
  const bool handler_write = message.is_object() && message.contains("value") && !message["value"].is_null();
  if (ReadsOnly(op, handler_write)) return "";
  if (op == control::Op::kHandler) name = "handler write";
  return fmt::format("operator '{}' has role read, and '{}' needs role full", who.name, name.empty() ? "?" : name);
}

}  // namespace datablox::master
