// A push output's links to a shard's members: which member each log goes
// to (the shard's Router decides, shards/router.h), the logs held back
// while their key groups move, the fence reported once the old owners
// acked what was sent before, and the reroutes that change the table and
// the links (links to new members opened, links to leaving members ended
// and closed). A plain output never comes here (push_output.cc).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "datablox/log.h"
#include "datablox/shard.h"
#include "runtime/host/element_host.h"

namespace datablox::host {

namespace {

// Logs held per shard at most: a window of its links (the most any of them
// may have in flight), so holding costs no more memory than sending.
size_t HoldCapacity(const std::vector<OutLink*>& links) {
  size_t capacity = 0;
  for (const OutLink* link : links) capacity = std::max<size_t>(capacity, link->state.window());
  return capacity > 0 ? capacity : 10000;
}

std::vector<int> MemberIds(const std::vector<OutLink*>& links) {
  std::vector<int> ids;
  for (const OutLink* link : links) ids.push_back(link->member.value_or(-1));
  return ids;
}

}  // namespace

ShardOut::ShardOut(control::ShardRoute route, std::vector<OutLink*> links, size_t hold_capacity)
    : router(std::move(route), MemberIds(links)), members(std::move(links)), held(hold_capacity) {}

void ElementHost::RouteToShards(OutPort& out, const std::vector<control::ShardRoute>& routes) {
  for (const control::ShardRoute& route : routes) {
    std::vector<OutLink*> members;
    for (auto& link : out.links) {
      if (link->member && link->shard == route.shard) members.push_back(link.get());
    }
    const size_t capacity = HoldCapacity(members);
    out.shards.push_back(std::make_unique<ShardOut>(route, std::move(members), capacity));
    // Started (or restarted) while groups are held: this life sent nothing
    // to their old owners, so it is fenced at once.
    if (!route.held.empty()) out.shards.back()->fence.Arm(route.version, {});
    if (route.route == RouteKind::kRoundRobin || route.route == RouteKind::kWorkQueue) outputs_deterministic_ = false;
  }
  for (auto& link : out.links) {
    bool in_a_shard = false;
    for (const auto& shard : out.shards) {
      in_a_shard =
          in_a_shard || std::find(shard->members.begin(), shard->members.end(), link.get()) != shard->members.end();
    }
    if (!in_a_shard) out.plain.push_back(link.get());
  }
  routes_to_shards_ = true;
}

void ElementHost::EmitRouted(OutPort& out, std::string_view log) {
  // By index: a wait below may apply a reroute, which adds links.
  for (size_t i = 0; i < out.plain.size(); ++i) AppendTo(*out.plain[i], log);
  for (size_t i = 0; i < out.shards.size(); ++i) {
    ShardOut& shard = *out.shards[i];
    switch (shard.router.kind()) {
      case RouteKind::kBroadcast:
        for (size_t m = 0; m < shard.members.size(); ++m) AppendTo(*shard.members[m], log);
        break;
      case RouteKind::kHash: RouteByKey(shard, log); break;
      case RouteKind::kRoundRobin:
      case RouteKind::kWorkQueue: RouteBatch(shard, log); break;
    }
  }
}

void ElementHost::RouteBatch(ShardOut& shard, std::string_view log) {
  int slot = shard.router.sticky();
  if (slot < 0 || slot >= static_cast<int>(shard.members.size()) || shard.members[slot]->state.pending() == 0) {
    while ((slot = PickBatchSlot(shard)) == shards::Router::kWait) WaitForAnyCredit(shard);
  }
  if (slot < 0) {
    ++dropped_unconnected_;  // no member left to send to
    return;
  }
  AppendTo(*shard.members[slot], log);
}

int ElementHost::PickBatchSlot(ShardOut& shard) {
  member_views_.clear();
  for (const OutLink* link : shard.members) {
    member_views_.push_back({link->state.pending(), link->state.credit(), link->state.batch_max()});
  }
  return shard.router.BatchSlot(member_views_);
}

void ElementHost::RouteByKey(ShardOut& shard, std::string_view log) {
  // A log without the field is routed as the key null (as Counter counts it).
  std::string key_text = "null";
  {
    const Value key = Log(log.data(), log.size(), &route_arena_).get(shard.router.route().key);
    if (key.exists()) key_text = KeyText(key);
  }
  route_arena_.clear();
  SendToGroup(shard, shard.router.GroupOf(key_text), log);
}

void ElementHost::SendToGroup(ShardOut& shard, int group, std::string_view log) {
  while (true) {
    const int slot = shard.router.SlotOfGroup(group);
    if (slot >= 0) return AppendTo(*shard.members[slot], log);
    // Held while its state moves (or its owner has no link yet): kept, in
    // order, until a table releases it. A full buffer is backpressure.
    if (!shard.held.full()) return shard.held.Hold(group, log);
    WaitForHeldRoom(shard);
  }
}

void ElementHost::WaitForAnyCredit(ShardOut& shard) {
  // Every member's queue is full: wait for credit from any of them,
  // answering the control channel meanwhile. This wait is the backpressure.
  const auto t0 = Clock::now();
  const uint64_t version = shard.router.version();
  std::vector<zmq::pollitem_t> items;
  while (shard.router.version() == version) {
    items.assign(1, {control_->handle(), 0, ZMQ_POLLIN, 0});
    for (const OutLink* link : shard.members) items.push_back({link->socket->handle(), 0, ZMQ_POLLIN, 0});
    CheckStop();
    control::Poll(items.data(), items.size(), Milliseconds(100));
    const std::vector<OutLink*> members = shard.members;  // a reroute below may change them
    for (size_t i = 0; i < members.size(); ++i) {
      if (items[1 + i].revents & ZMQ_POLLIN) DrainOutLink(*members[i]);
    }
    if (items[0].revents & ZMQ_POLLIN) HandleControl();
    if (Clock::now() >= next_stats_) ReportStats();
    bool some_credit = false;
    for (const OutLink* link : shard.members) {
      some_credit = some_credit || link->state.credit() >= static_cast<int64_t>(link->state.batch_max());
    }
    if (some_credit || shard.members.empty()) break;
  }
  blocked_ += Clock::now() - t0;
}

void ElementHost::WaitForHeldRoom(ShardOut& shard) {
  // The held logs fill their buffer: wait for the table that releases
  // them. Meanwhile credit keeps coming (the fence needs the old owners'
  // acks), old partial batches go out, and the control channel is read.
  const auto t0 = Clock::now();
  std::vector<zmq::pollitem_t> items;
  while (shard.held.full()) {
    items.assign(1, {control_->handle(), 0, ZMQ_POLLIN, 0});
    for (const OutLink* link : all_out_links_) items.push_back({link->socket->handle(), 0, ZMQ_POLLIN, 0});
    CheckStop();
    control::Poll(items.data(), items.size(), kPartialBatchAge);
    const std::vector<OutLink*> links = all_out_links_;  // a reroute below may add some
    for (size_t i = 0; i < links.size(); ++i) {
      if (items[1 + i].revents & ZMQ_POLLIN) DrainOutLink(*links[i]);
    }
    if (items[0].revents & ZMQ_POLLIN) HandleControl();
    FlushPartials(/*all_of_them=*/false);
    if (Clock::now() >= next_stats_) ReportStats();
  }
  blocked_ += Clock::now() - t0;
}

void ElementHost::ReroutePush(const control::Reroute& reroute) {
  // Applying one may wait for credit, which reads the control channel: a
  // reroute that comes meanwhile is applied after it, in order.
  if (rerouting_) {
    deferred_reroutes_.push_back(reroute);
    return;
  }
  rerouting_ = true;
  ApplyReroute(reroute);
  while (!deferred_reroutes_.empty()) {
    const control::Reroute next = std::move(deferred_reroutes_.front());
    deferred_reroutes_.pop_front();
    ApplyReroute(next);
  }
  rerouting_ = false;
}

void ElementHost::ApplyReroute(const control::Reroute& reroute) {
  auto port = std::find_if(outputs_.begin(), outputs_.end(), [&](const OutPort& p) { return p.name == reroute.port; });
  ShardOut* shard = nullptr;
  if (port != outputs_.end()) {
    for (auto& s : port->shards) {
      if (s->router.route().shard == reroute.route.shard) shard = s.get();
    }
  }
  if (!shard) {
    return Malformed("control", Status::NotFound(fmt::format("reroute: output '{}' reaches no shard '{}'", reroute.port,
                                                             reroute.route.shard)));
  }
  if (reroute.route.version <= shard->router.version()) {
    ++reroutes_stale_;  // an older table than the one in force (a repeat, or overtaken)
    return;
  }
  // Links to members that leave get no more logs from now on; END follows
  // once their batch is out (AdvanceClosingLinks).
  std::vector<OutLink*> members;
  for (OutLink* link : shard->members) {
    if (std::find(reroute.remove.begin(), reroute.remove.end(), link->id) != reroute.remove.end()) {
      link->closing = true;
      ++closing_links_;
    } else {
      members.push_back(link);
    }
  }
  // Links to new members, connected as at the start.
  const size_t before = out_states_.size();
  for (const control::LinkPlan& plan : reroute.add) {
    const bool known = std::any_of(port->links.begin(), port->links.end(),
                                   [&](const auto& link) { return link->id == plan.id && !link->closing; });
    if (known) continue;  // a repeat
    if (!plan.member) {
      Malformed("control", Status::Invalid(fmt::format("reroute: link {} names no member", plan.id)));
      continue;
    }
    port->links.push_back(OpenOutLink(plan));
    members.push_back(port->links.back().get());
    if (phase_ != Phase::kRunning) SendEnd(*port->links.back());  // we ended already: so does the new link
  }
  if (out_states_.size() > before) {
    for (InPort& in : inputs_) {
      for (auto& [id, link] : in.links) link.OutputsAdded(before, out_states_.size() - before);
    }
    BuildPollSet();
  }
  std::vector<int> fence_members;
  (void)shard->router.Apply(reroute.route, MemberIds(members), &fence_members);
  shard->members = std::move(members);
  if (shard->router.holds_any()) {
    std::vector<const OutLinkState*> old_owners;
    for (const auto& link : port->links) {
      if (link->member && std::find(fence_members.begin(), fence_members.end(), *link->member) != fence_members.end() &&
          std::find(shard->members.begin(), shard->members.end(), link.get()) != shard->members.end()) {
        old_owners.push_back(&link->state);
      }
    }
    shard->fence.Arm(shard->router.version(), old_owners);
  } else {
    shard->fence.Disarm();
  }
  spdlog::debug("[{}] {}.{} -> shard {}: table {}, {} members, {} groups held", plan_.name, plan_.name, port->name,
                reroute.route.shard, reroute.route.version, shard->members.size(), reroute.route.held.size());
  // What was held for groups now released goes to their new owners, in the
  // order it was emitted, before anything emitted from now on.
  if (!shard->held.empty()) {
    for (const shards::HeldLog& log : shard->held.Release([shard](int g) { return shard->router.held(g); })) {
      SendToGroup(*shard, log.group, log.bytes);
    }
  }
  CheckFences();
}

void ElementHost::CheckFences() {
  for (OutPort& out : outputs_) {
    for (auto& shard : out.shards) {
      if (!shard->fence.Reached()) continue;
      control::Fenced fenced;
      fenced.element = options_.element;
      fenced.port = out.name;
      fenced.shard = shard->router.route().shard;
      fenced.version = shard->fence.version();
      control::Send(*control_, control::ToJson(fenced));
    }
  }
}

bool ElementHost::AnyHeldLogs() const {
  for (const OutPort& out : outputs_) {
    for (const auto& shard : out.shards) {
      if (!shard->held.empty()) return true;
    }
  }
  return false;
}

void ElementHost::AdvanceClosingLinks() {
  for (size_t i = 0; i < all_out_links_.size();) {
    OutLink* link = all_out_links_[i];
    if (!link->closing) {
      ++i;
      continue;
    }
    // Its batch goes out when credit allows (never waited for here), then END.
    if (link->state.pending() > 0 && link->state.credit() >= link->state.pending()) SendBatch(*link);
    if (link->state.pending() == 0 && !link->state.end_sent()) SendEnd(*link);
    if (link->state.done()) {
      RetireLink(link);  // out of all_out_links_: the same index holds the next one
    } else {
      ++i;
    }
  }
}

void ElementHost::RetireLink(OutLink* link) {
  // Closed, and out of every list that sends or polls; its state stays
  // (out_states_ and the inputs' holds point at it, all acked).
  link->socket->close();
  std::erase(all_out_links_, link);
  for (OutPort& out : outputs_) {
    auto it = std::find_if(out.links.begin(), out.links.end(), [link](const auto& l) { return l.get() == link; });
    if (it == out.links.end()) continue;
    retired_links_.push_back(std::move(*it));
    out.links.erase(it);
  }
  --closing_links_;
  BuildPollSet();
  spdlog::debug("[{}] link {} closed: its member left", plan_.name, link->id);
}

}  // namespace datablox::host
