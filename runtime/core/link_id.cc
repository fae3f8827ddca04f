#include "runtime/core/link_id.h"

#include <fmt/format.h>

#include <utility>

namespace datablox::control {

std::string LinkId::ToString() const {
  return fmt::format("{}.{}>{}.{}", from_element, from_port, to_element, to_port);
}

Status ParseLinkId(std::string_view text, LinkId* id) {
  size_t arrow = text.find('>');
  auto bad = [&] { return Status::Invalid(fmt::format("link id '{}' is not ELEMENT.PORT>ELEMENT.PORT", text)); };
  if (arrow == std::string_view::npos) return bad();
  std::string_view from = text.substr(0, arrow), to = text.substr(arrow + 1);
  size_t from_dot = from.find('.'), to_dot = to.find('.');
  if (from_dot == std::string_view::npos || to_dot == std::string_view::npos) return bad();
  LinkId parsed{std::string(from.substr(0, from_dot)), std::string(from.substr(from_dot + 1)),
                std::string(to.substr(0, to_dot)), std::string(to.substr(to_dot + 1))};
  if (parsed.from_element.empty() || parsed.from_port.empty() || parsed.to_element.empty() || parsed.to_port.empty()) {
    return bad();
  }
  *id = std::move(parsed);
  return Status::OK();
}

}  // namespace datablox::control
