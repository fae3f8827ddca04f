// Growing and shrinking shards: `datablox scale` and the autoscaler start a
// change one member at a time; the change's decisions are the socket-free
// shards::Migration's, and this file carries out its actions (spawning a
// member, telling senders, receivers and members) and feeds it what the
// hosts answer.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string_view>

#include "datablox/element.h"
#include "runtime/core/client_replies.h"
#include "runtime/master/master_daemon.h"
#include "runtime/master/shard_members.h"
#include "shards/autoscaler.h"
#include "shards/migration.h"

namespace datablox::master {
namespace {

double NowS() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

std::string FullId(const TopologyRecord& t, const std::string& element) { return t.name + "/" + element; }

// The ports of the topology's elements that reach `shard`, and the push
// inputs its members' outputs reach.
void Neighbours(const TopologyRecord& t, const ShardRecord& shard, shards::ShardState* state) {
  for (const auto& [name, e] : t.elements) {
    if (e.plan.member && e.plan.member->shard == shard.name) continue;
    for (bool query : {false, true}) {
      for (const control::PortPlan& port : query ? e.plan.query_out : e.plan.push_out) {
        for (const control::ShardRoute& route : port.shards) {
          if (route.shard == shard.name)
            state->senders.push_back({name, port.port, query, e.state == ElementState::kEnded});
        }
      }
    }
  }
  std::set<std::pair<std::string, std::string>> receivers;
  for (const auto& [name, e] : t.elements) {
    if (!e.plan.member || e.plan.member->shard != shard.name) continue;
    for (const control::PortPlan& port : e.plan.push_out) {
      for (const control::LinkPlan& link : port.links) {
        control::LinkId id;
        if (control::ParseLinkId(link.id, &id).ok()) receivers.insert({id.to_element, id.to_port});
      }
    }
  }
  for (const auto& [element, port] : receivers) state->receivers.push_back({element, port});
}


// The step of a change an action belongs to, for the test hook below.
std::string_view StepOf(const shards::Action& action) {
  using shards::ActionKind;
  switch (action.kind) {
    case ActionKind::kAskCanAdd: return "can_add";
    case ActionKind::kSpawnMember: return "spawn";
    case ActionKind::kReroute: return action.route.held.empty() ? "release" : "hold";
    case ActionKind::kExportState: return "export";
    case ActionKind::kImportState: return "import";
    default: return "";
  }
}

// A test hook, never set in use: with DATABLOX_TEST_MASTER_PAUSE=KIND:STEP
// ("grow:export", "shrink:hold"; STEP a StepOf name) the master stops for
// good right after it carried out that step of a change of that kind (its
// record already in the registry), before it hears any answer to it, so
// that a test can SIGKILL it there and check what the master started again
// makes of the change (tests/e2e/test_shard_master_restart.py). Unset: nothing.
void PauseAfterStepForTests(bool grow, std::string_view step) {
  static const char* wanted = std::getenv("DATABLOX_TEST_MASTER_PAUSE");
  if (!wanted || step.empty() || std::string(grow ? "grow:" : "shrink:").append(step) != wanted) return;
  std::fprintf(stderr, "master: paused after the step '%.*s' of a shard's change (DATABLOX_TEST_MASTER_PAUSE)\n",
               static_cast<int>(step.size()), step.data());
  std::fflush(stderr);
  for (;;) ::pause();
}

control::PortPlan* FindPort(std::vector<control::PortPlan>& ports, const std::string& name) {
  for (control::PortPlan& port : ports) {
    if (port.port == name) return &port;
  }
  return nullptr;
}

bool HasLink(const control::PortPlan& port, const std::string& id) {
  return std::any_of(port.links.begin(), port.links.end(), [&](const control::LinkPlan& l) { return l.id == id; });
}

}  // namespace

void Master::AdoptShards(TopologyRecord& t, const InspectedClasses& classes) {
  if (!t.topology) return;
  for (const dsl::ElementDecl& decl : t.topology->elements) {
    if (!decl.shard) continue;
    ShardRecord& shard = t.shards[decl.name];
    shard.name = decl.name;
    shard.class_name = decl.class_name;
    shard.min_members = decl.shard->min_members;
    shard.max_members = decl.shard->max_members;
    const ClassSpec* spec = classes.find(decl.class_name);
    shard.state = spec ? spec->shard.state : StateKind::kStateless;
    shard.layout = FirstLayouts(*t.topology).at(decl.name);
    shard.next_id = shard.layout.members.empty() ? 0 : shard.layout.members.back() + 1;
    shard.autoscaler = std::make_shared<shards::Autoscaler>(decl.name, shard.min_members, shard.max_members);
  }
}

Json Master::Scale(const control::Scale& request) {
  auto error = [](std::string why) { return control::ToJson(control::Refusal{std::move(why), {}}); };
  auto t = topologies_.find(request.topology);
  if (t == topologies_.end()) return error(fmt::format("no topology '{}'", request.topology));
  TopologyRecord& topology = t->second;
  auto s = topology.shards.find(request.shard);
  if (s == topology.shards.end()) {
    std::vector<std::string> names;
    for (const auto& [name, shard] : topology.shards) names.push_back(name);
    return error(names.empty() ? fmt::format("topology '{}' has no shard", request.topology)
                               : fmt::format("topology '{}' has no shard '{}' (its shards: {})", request.topology,
                                             request.shard, fmt::join(names, ", ")));
  }
  ShardRecord& shard = s->second;
  if (!topology.topology) {
    return error(fmt::format("topology '{}' no longer checks (see the master's log): its shards keep their size",
                             request.topology));
  }
  if (topology.state != TopologyState::kRunning && topology.state != TopologyState::kStarting) {
    return error(fmt::format("topology '{}' is {}", request.topology, StateName(topology.state)));
  }
  if (shard.cut_short) return error(fmt::format("shard '{}': {}", shard.name, shard.last_change));
  if (request.members < shard.min_members || request.members > shard.max_members) {
    return error(fmt::format("shard '{}' has {}..{} members: {} is out of range", shard.name, shard.min_members,
                             shard.max_members, request.members));
  }
  const int from = static_cast<int>(shard.layout.members.size());
  shard.target = request.members;
  // What `scale` follows is this request: an earlier change's failure is history (events).
  shard.last_change.clear();
  shard.last_change_failed = false;
  Event(topology.name, shard.name, fmt::format("scale to {} members asked (now {})", request.members, from));
  if (!shard.migration) NextChange(topology, shard, "asked by hand");
  return control::ToJson(control::ScaleReply{topology.name, shard.name, from, request.members});
}

void Master::NextChange(TopologyRecord& topology, ShardRecord& shard, const std::string& why) {
  const int now = static_cast<int>(shard.layout.members.size());
  if (shard.target == 0 || shard.target == now) {
    shard.target = 0;
    return;
  }
  if (!Readopted(topology)) return;  // TickShards starts it once they are
  StartChange(topology, shard, shard.target > now, why);
}

void Master::StartChange(TopologyRecord& topology, ShardRecord& shard, bool grow, const std::string& why) {
  shards::ShardState state;
  state.table = shard.layout.route;
  state.state = shard.state;
  state.members = shard.layout.members;
  Neighbours(topology, shard, &state);
  shards::ShardChange change;
  change.grow = grow;
  change.member = grow ? shard.next_id++ : shard.layout.members.back();  // the newest leaves first
  if (grow) Save(topology, shard);  // an id once given is never given again, even by a master started again
  change.load = ShardLoadOf(topology, shard);
  shards::MigrationOptions options;
  options.first_request = next_request_;
  next_request_ += 1u << 20;  // the migration numbers its requests from here
  Event(topology.name, shard.name,
        fmt::format("{} to {} members ({}): busy {:.2f}, queue {:.0f}, blocked {:.2f}", grow ? "growing" : "shrinking",
                    state.members.size() + (grow ? 1 : -1), why, change.load.busy_share, change.load.queue_depth,
                    change.load.blocked_share));
  shard.migration = std::make_shared<shards::Migration>(std::move(state), change, options);
  Carry(topology, shard, shard.migration->Start(NowS()));
}

ShardLoad Master::ShardLoadOf(const TopologyRecord& topology, const ShardRecord& shard) const {
  ShardLoad load;
  load.members = static_cast<int>(shard.layout.members.size());
  int counted = 0;
  for (int id : shard.layout.members) {
    auto e = topology.elements.find(shards::MemberElement(shard.name, id));
    if (e == topology.elements.end()) continue;
    load.busy_share += e->second.busy_share;
    ++counted;
  }
  if (counted > 0) load.busy_share /= counted;
  for (const auto& [name, e] : topology.elements) {
    if (!e.stats.contains("out_links")) continue;
    for (const Json& link : e.stats["out_links"]) {
      control::LinkId id;
      if (!control::ParseLinkId(link.value("id", ""), &id).ok()) continue;
      if (id.to_element.rfind(shard.name + "/", 0) != 0) continue;
      load.queue_depth += static_cast<double>(link.value("in_flight", uint64_t{0}));
      load.blocked_share = std::max(load.blocked_share, e.blocked_share);
    }
  }
  if (counted > 0) load.queue_depth /= counted;
  return load;
}

void Master::Carry(TopologyRecord& topology, ShardRecord& shard, std::vector<shards::Action> actions) {
  using shards::ActionKind;
  // Durable before it acts: a master killed from here on resumes the step.
  if (shard.migration && !actions.empty()) Save(topology, shard);
  const bool grow = shard.migration && shard.migration->new_member() >= 0;
  for (size_t i = 0; i < actions.size(); ++i) {
    if (i > 0 && StepOf(actions[i - 1]) != StepOf(actions[i])) PauseAfterStepForTests(grow, StepOf(actions[i - 1]));
    shards::Action& action = actions[i];
    if (!action.description.empty()) Event(topology.name, shard.name, action.description);
    switch (action.kind) {
      case ActionKind::kAskCanAdd: {
        ElementRecord* member = ElementNamed(topology, action.element);
        if (!member) break;
        control::CanAdd ask;
        ask.element = FullId(topology, action.element);
        ask.request = action.request;
        ask.members = action.load.members;
        ask.busy_share = action.load.busy_share;
        ask.queue_depth = action.load.queue_depth;
        ask.blocked_share = action.load.blocked_share;
        ask.moving_share = action.load.moving_share;
        SendToNode(member->plan.node, control::ToJson(ask));
        break;
      }
      case ActionKind::kSpawnMember: SpawnMember(topology, shard, action.member); break;
      case ActionKind::kExpectLinks: {
        ElementRecord* receiver = ElementNamed(topology, action.element);
        ElementRecord* member = ElementNamed(topology, shards::MemberElement(shard.name, action.member));
        if (!receiver || !member) break;
        control::ExpectLinks expect;
        expect.element = FullId(topology, action.element);
        expect.port = action.port;
        for (const control::PortPlan& port : member->plan.push_out) {
          for (const control::LinkPlan& link : port.links) {
            control::LinkId id;
            if (!control::ParseLinkId(link.id, &id).ok() || id.to_element != action.element ||
                id.to_port != action.port)
              continue;
            expect.add.push_back(link);
          }
        }
        if (control::PortPlan* in = FindPort(receiver->plan.push_in, action.port)) {
          for (const control::LinkPlan& link : expect.add) {
            if (!HasLink(*in, link.id)) in->links.push_back(link);  // a resumed change tells it again
          }
        }
        SendToNode(receiver->plan.node, control::ToJson(expect));
        Save(topology, *receiver);
        break;
      }
      case ActionKind::kReroute: Reroute(topology, shard, action); break;
      case ActionKind::kExportState: {
        ElementRecord* member = ElementNamed(topology, action.element);
        if (!member) break;
        control::ExportState ask;
        ask.element = FullId(topology, action.element);
        ask.request = action.request;
        ask.key_groups = shard.layout.route.key_groups;
        ask.groups = action.groups;
        SendToNode(member->plan.node, control::ToJson(ask));
        break;
      }
      case ActionKind::kImportState: {
        ElementRecord* member = ElementNamed(topology, action.element);
        if (!member) break;
        control::ImportState give;
        give.element = FullId(topology, action.element);
        give.request = action.request;
        give.logs = std::move(action.logs);
        SendToNode(member->plan.node, control::ToJson(give));
        break;
      }
      case ActionKind::kStopMember: {
        const std::string name = shards::MemberElement(shard.name, action.member);
        auto e = topology.elements.find(name);
        if (e == topology.elements.end()) break;
        SendToNode(e->second.plan.node, control::ToJson(control::KillElement{FullId(topology, name)}));
        topology.elements.erase(e);
        Save(topology);
        // Else a master started again would read it back as running, and wait for it.
        if (Status st = store_->RemoveElement(topology.name, name); !st.ok()) spdlog::warn("master: {}", st.message());
        break;
      }
      case ActionKind::kDone:
      case ActionKind::kAborted: {
        shard.layout.members = action.members;
        shard.layout.route = action.route;
        shard.last_change = action.kind == ActionKind::kDone ? "done" : "aborted: " + action.why;
        shard.last_change_failed = action.kind == ActionKind::kAborted;
        shard.migration.reset();
        shard.autoscaler->Changed(NowS());
        if (action.kind == ActionKind::kAborted) shard.target = 0;
        Save(topology, shard);
        NextChange(topology, shard, "asked by hand");
        return;  // `shard.migration` may be another change's now
      }
    }
  }
  if (!actions.empty()) PauseAfterStepForTests(grow, StepOf(actions.back()));
}

ElementRecord* Master::ElementNamed(TopologyRecord& topology, const std::string& element) {
  auto e = topology.elements.find(element);
  return e == topology.elements.end() ? nullptr : &e->second;
}

void Master::SpawnMember(TopologyRecord& topology, ShardRecord& shard, int id) {
  ShardLayouts layouts;
  for (const auto& [name, s] : topology.shards) layouts[name] = s.layout;
  layouts[shard.name].members.push_back(id);
  std::sort(layouts[shard.name].members.begin(), layouts[shard.name].members.end());
  std::map<std::string, std::string> nodes;
  for (const auto& [name, e] : topology.elements) nodes[name] = e.plan.node;
  Placement placement = LiveNodes();
  std::vector<control::ElementPlan> plans;
  Status st = PlanTopology(*topology.topology, topology.name, &placement, &plans, &layouts, &nodes);
  const std::string name = shards::MemberElement(shard.name, id);
  auto plan = std::find_if(plans.begin(), plans.end(), [&](const control::ElementPlan& p) { return p.name == name; });
  if (!st.ok() || plan == plans.end()) {
    shards::Event crashed;
    crashed.kind = shards::EventKind::kMemberCrashed;
    crashed.member = id;
    Event(topology.name, shard.name, fmt::format("cannot place {}: {}", name, st.ok() ? "no plan" : st.message()));
    Carry(topology, shard, shard.migration->On(crashed, NowS()));
    return;
  }
  plan->search_path = topology.search_path;
  plan->curve = topology.curve;
  plan->checkpoints = topology.checkpoints != nullptr;
  plan->epoch = topology.epoch;
  ElementRecord& member = topology.elements[name];
  member = ElementRecord{};
  member.plan = std::move(*plan);
  Save(topology);
  // A sender that ended never links to it: those inputs are ended from the start.
  std::vector<std::string> ended = InputsFromEnded(topology, member.plan);
  member.state = ElementState::kSpawned;
  Save(topology, member);  // before it runs: a master started again knows it, to stop it or go on with it
  SendToNode(member.plan.node, control::ToJson(control::Spawn{
                                   member.plan, ended.empty() ? std::nullopt : std::make_optional(std::move(ended)), std::nullopt}));
}

void Master::Reroute(TopologyRecord& topology, ShardRecord& shard, const shards::Action& action) {
  ElementRecord* sender = ElementNamed(topology, action.element);
  if (!sender) return;
  control::PortPlan* port = FindPort(action.query ? sender->plan.query_out : sender->plan.push_out, action.port);
  if (!port) return;
  control::Reroute reroute;
  reroute.element = FullId(topology, action.element);
  reroute.port = action.port;
  reroute.query = action.query;
  reroute.route = action.route;
  for (control::ShardRoute& route : port->shards) {
    if (route.shard == shard.name) route = action.route;
  }
  if (action.add_member >= 0) {
    const std::string member_name = shards::MemberElement(shard.name, action.add_member);
    ElementRecord* member = ElementNamed(topology, member_name);
    const dsl::Connection* connection = nullptr;
    for (const dsl::Connection& c : topology.topology->connections) {
      if (c.from.element == action.element && c.from.port == action.port && c.to.element == shard.name) connection = &c;
    }
    if (member && connection) {
      // The link as the planner makes it, to the member's address now.
      control::LinkPlan link;
      link.id = control::LinkId{action.element, action.port, member_name, connection->to.port}.ToString();
      for (const control::PortPlan& in : action.query ? member->plan.query_in : member->plan.push_in) {
        for (const control::LinkPlan& planned : in.links) {
          if (planned.id == link.id) link = planned;
        }
      }
      link.shard = shard.name;
      link.member = action.add_member;
      link.endpoint = member->endpoints.value(connection->to.port, "");
      const std::string streams = member->endpoints.value(control::kStreamServerKey, "");
      if (action.query && !streams.empty()) link.stream_endpoint = streams;
      reroute.add.push_back(link);
      if (!HasLink(*port, link.id)) port->links.push_back(link);  // a resumed change links it again
    }
  }
  if (action.remove_member >= 0) {
    for (auto it = port->links.begin(); it != port->links.end();) {
      if (it->shard == shard.name && it->member == action.remove_member) {
        reroute.remove.push_back(it->id);
        it = port->links.erase(it);
      } else {
        ++it;
      }
    }
  }
  // An ended sender's host is gone (its plan is kept up to date all the same).
  if (sender->state != ElementState::kEnded) SendToNode(sender->plan.node, control::ToJson(reroute));
  Save(topology, *sender);
}

void Master::ToMigration(TopologyRecord& topology, const std::string& element, shards::Event event) {
  for (auto& [name, shard] : topology.shards) {
    if (!shard.migration || shard.resume_pending) continue;  // Resume asks again what it needs
    shards::Event copy = event;
    if (copy.element.empty()) copy.element = element;
    Carry(topology, shard, shard.migration->On(copy, NowS()));
  }
}

void Master::ShardLife(TopologyRecord& topology, const ElementRecord& element, shards::EventKind member_kind,
                       shards::EventKind sender_kind) {
  shards::Event event;
  if (element.plan.member) {
    event.kind = member_kind;
    event.member = element.plan.member->id;
  } else {
    event.kind = sender_kind;
  }
  ToMigration(topology, element.plan.name, std::move(event));
}

void Master::ResumeChange(TopologyRecord& topology, ShardRecord& shard, double now) {
  const int member = shard.migration->new_member();
  if (!Readopted(topology, member >= 0 ? shards::MemberElement(shard.name, member) : "")) return;
  shard.resume_pending = false;
  Event(topology.name, shard.name,
        fmt::format("resuming the change the master's restart cut short (it was waiting for {})",
                    shard.migration->waiting_for()));
  Carry(topology, shard, shard.migration->Resume(now));
  // Senders that ended while no master heard them (by name: a change that
  // ends may stop a member, which leaves topology.elements).
  std::vector<std::string> ended;
  for (const auto& [name, e] : topology.elements) {
    if (e.state == ElementState::kEnded && !e.plan.member) ended.push_back(name);
  }
  for (const std::string& name : ended) {
    shards::Event event;
    event.kind = shards::EventKind::kSenderEnded;
    ToMigration(topology, name, std::move(event));
  }
}

void Master::TickShards() {
  const double now = NowS();
  const bool autoscale = Clock::now() >= next_autoscale_;
  if (autoscale) next_autoscale_ = Clock::now() + std::chrono::milliseconds(500);
  for (auto& [tname, topology] : topologies_) {
    if (!Active(topology.state)) continue;
    for (auto& [sname, shard] : topology.shards) {
      if (shard.resume_pending) {
        ResumeChange(topology, shard, now);
        continue;
      }
      if (shard.migration) {
        Carry(topology, shard, shard.migration->Tick(now));
        continue;
      }
      if (shard.target != 0) {  // asked for while the topology was being re-adopted
        NextChange(topology, shard, "asked by hand");
        continue;
      }
      if (!autoscale || !topology.topology || shard.cut_short || shard.min_members == shard.max_members ||
          topology.state != TopologyState::kRunning || !Readopted(topology))
        continue;
      shards::ShardState neighbours;
      Neighbours(topology, shard, &neighbours);
      if (shards::EveryPushSenderEnded(neighbours.senders)) continue;  // its load is history
      const ShardLoad load = ShardLoadOf(topology, shard);
      for (int id : shard.layout.members) {
        auto e = topology.elements.find(shards::MemberElement(shard.name, id));
        if (e == topology.elements.end() || e->second.state != ElementState::kRunning) continue;
        shards::MemberSample sample;
        sample.time_s = now;
        sample.member = id;
        sample.busy_share = e->second.busy_share;
        sample.queue_depth = load.queue_depth;
        for (const control::PortPlan& in : e->second.plan.push_in) sample.queue_window += in.window;
        sample.blocked_share = load.blocked_share;
        shard.autoscaler->Observe(sample);
      }
      shards::ScaleDecision decision = shard.autoscaler->Decide(now, shard.layout.members, false);
      if (decision.kind == shards::ScaleDecision::Kind::kNone) continue;
      Event(topology.name, shard.name, decision.description);
      StartChange(topology, shard, decision.kind == shards::ScaleDecision::Kind::kGrow, "the load");
    }
  }
}

}  // namespace datablox::master
