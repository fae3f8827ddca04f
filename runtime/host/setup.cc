// Following the plan: load the class, resolve its parameters, configure the
// element, bind every input (in the spec's port order, so that indices
// match the element's).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "runtime/host/element_host.h"

namespace datablox::host {

namespace {

const control::PortPlan* FindPortPlan(const std::vector<control::PortPlan>& plans, const std::string& port) {
  for (const auto& p : plans) {
    if (p.port == port) return &p;
  }
  return nullptr;
}

}  // namespace

Status ElementHost::SetUp(const Assignment& assignment, control::Endpoints* endpoints) {
  plan_ = assignment.plan;
  restarted_ = assignment.restarted;
  restore_ = assignment.restore;
  auto bind = [&](zmq::socket_t& socket, const std::string& port) {
    auto previous = assignment.bind.find(port);
    std::string want = previous == assignment.bind.end() ? "" : previous->second;
    if (!want.empty()) {
      try {
        socket.bind(want);
        return want;
      } catch (const zmq::error_t& e) {
        spdlog::warn("[{}] cannot bind {} again ({}); taking a new address", plan_.name, want, e.what());
      }
    }
    socket.bind(fmt::format("tcp://{}:*", options_.bind_host));
    return control::LastEndpoint(socket);
  };

  for (const std::string& folder : plan_.search_path) ClassTable::Global().add_search_path(folder);
  spec_ = ClassTable::Global().find(plan_.class_name);
  if (!spec_ || !spec_->factory) {
    std::string why = ClassTable::Global().load_error(plan_.class_name);
    return Status::NotFound(why.empty() ? fmt::format("unknown element class '{}'", plan_.class_name)
                                        : fmt::format("cannot load class '{}': {}", plan_.class_name, why));
  }
  Params params;
  Status st = Params::Resolve(*spec_, plan_.params, &params);
  if (!st.ok()) return st;

  element_ = spec_->factory();
  if (!element_) return Status::Internal(fmt::format("could not create an element of class '{}'", plan_.class_name));
  Attach(element_.get(), this, plan_.name);
  AdoptMembership();  // configure() may read membership()
  st = element_->configure(params);
  if (!st.ok()) return st;

  endpoints->clear();
  if (Status guarded = GuardLinks(); !guarded.ok()) return guarded;
  for (const PortSpec* port : spec_->ports_of(PortKind::kPush, PortDirection::kIn)) {
    InPort in;
    in.name = port->name;
    in.schema = SchemaCheck(port->name, port->schema);
    in.socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
    in.socket->set(zmq::sockopt::rcvhwm, 100000);
    in.socket->set(zmq::sockopt::linger, 0);
    in.socket->set(zmq::sockopt::router_mandatory, 1);  // credit for a sender that is gone fails, not queues
    // No handover: a sender's id carries a token of its life (LinkPeer), and
    // a peer merely claiming a link's id must not take the sender's pipe.
    in.socket->set(zmq::sockopt::router_handover, 0);
    if (Status st = ProtectInput(*in.socket, "push"); !st.ok()) return st;
    if (const auto* p = FindPortPlan(plan_.push_in, port->name)) {
      for (const auto& link : p->links) {
        InLinkState& in_link = in.links[link.id];
        in_link.check_schema = link.check_schema && !in.schema.empty();
        ++input_links_;
        if (assignment.ended_links.count(link.id)) {
          in_link.EndedBefore();
          ++in.ended;
        }
      }
      in.grant_every = static_cast<uint32_t>(std::max(1, p->window / 4));
    }
    (*endpoints)[port->name] = bind(*in.socket, port->name);
    inputs_.push_back(std::move(in));
  }
  for (const PortSpec* port : spec_->ports_of(PortKind::kQuery, PortDirection::kIn)) {
    QueryIn in;
    in.name = port->name;
    in.socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
    in.socket->set(zmq::sockopt::router_mandatory, 1);
    in.socket->set(zmq::sockopt::router_handover, 0);  // replies go to who asked, never to a later claimant
    in.socket->set(zmq::sockopt::linger, 0);
    if (Status st = ProtectInput(*in.socket, "query"); !st.ok()) return st;
    if (const auto* p = FindPortPlan(plan_.query_in, port->name)) {
      for (const auto& link : p->links) in.expected.insert(link.id);
    }
    (*endpoints)[port->name] = bind(*in.socket, port->name);
    query_ins_.push_back(std::move(in));
  }
  if (spec_->streams) return BindStreamServer(assignment, endpoints);
  return Status::OK();
}

}  // namespace datablox::host
