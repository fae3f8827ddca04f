#include "runtime/caretaker/wiring.h"

namespace datablox {

void ApplyRewire(const control::Rewire& rewire, control::Connect* connect) {
  for (auto* ports : {&connect->plan.push_out, &connect->plan.query_out}) {
    for (control::PortPlan& port : *ports) {
      for (control::LinkPlan& link : port.links) {
        if (auto moved = rewire.links.find(link.id); moved != rewire.links.end()) link.endpoint = moved->second;
      }
    }
  }
}

}  // namespace datablox
