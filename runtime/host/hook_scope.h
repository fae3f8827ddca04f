// Marks the time the host spends inside one of the element's hooks. A stop
// that arrives meanwhile (a control message read from wait_until, or from a
// wait for credit inside emit) must not call Element::stop() under a hook
// that is mid-way: CheckStop looks at the depth this guard keeps.
#pragma once

namespace datablox::host {

class HookScope {
 public:
  explicit HookScope(int& depth) : depth_(depth) { ++depth_; }
  ~HookScope() { --depth_; }
  HookScope(const HookScope&) = delete;
  HookScope& operator=(const HookScope&) = delete;

 private:
  int& depth_;
};

}  // namespace datablox::host
