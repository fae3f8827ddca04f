#include <cassert>

#include "datablox/element.h"

namespace datablox {

Registry& Registry::Global() {
  static Registry registry;  // function-local: safe from static-initialisation order
  return registry;
}

void Registry::add(ClassSpec spec) {
  std::string name = spec.name;
  assert(!classes_.count(name) && "two element classes registered under one name");
  classes_[name] = std::move(spec);
}

const ClassSpec* Registry::find(std::string_view class_name) const {
  auto it = classes_.find(class_name);
  return it == classes_.end() ? nullptr : &it->second;
}

std::vector<const ClassSpec*> Registry::all() const {
  std::vector<const ClassSpec*> out;
  for (const auto& [name, spec] : classes_) out.push_back(&spec);
  return out;
}

}  // namespace datablox
