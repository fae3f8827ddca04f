// The shard messages a host gets from its caretaker (the master's, passed
// on): a new table for a query output that asks a shard (reroute with
// `query`), and, for a shard's member, the master's questions while it
// grows or shrinks the shard: may a member be added (can_add), hand over
// the state of these key groups (export_state), take this state
// (import_state). An export or import asked again under the same request
// id (a master started again in the middle of a change) is answered as the
// first time, not done twice (shards/answered_requests.h).
//
// The three questions run the element's code: never inside another hook
// (a control message read while emit waits for credit, say), so one that
// comes then waits for the loop, where it runs between batches.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "runtime/core/base64.h"
#include "runtime/core/log_shape.h"
#include "runtime/host/element_host.h"
#include "runtime/host/hook_scope.h"

namespace datablox::host {

namespace {

// A test hook, never set in use: with DATABLOX_TEST_STATE_HOLD_MS=N a member
// waits N ms before it answers export_state or import_state (before the
// element's code runs), so that an end-to-end test can crash a member while
// a migration is under way (tests/e2e/test_shard_crash.py). Unset: no wait.
void HoldStateQuestionForTests() {
  static const int hold_ms = [] {
    const char* value = std::getenv("DATABLOX_TEST_STATE_HOLD_MS");
    return value ? std::atoi(value) : 0;
  }();
  if (hold_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
}

}  // namespace

const ShardMembership* ElementHost::membership() const { return membership_ ? &*membership_ : nullptr; }

void ElementHost::AdoptMembership() {
  if (!plan_.member) return;
  ShardMembership member;
  member.shard = plan_.member->shard;
  member.id = plan_.member->id;
  member.key = plan_.member->key;
  if (plan_.member->key_groups > 0) member.key_groups = plan_.member->key_groups;
  membership_ = std::move(member);
}

Status ElementHost::HandleShardMessage(control::Op op, const Json& message) {
  if (op == control::Op::kReroute) {
    control::Reroute reroute;
    if (Status st = control::FromJson(message, &reroute); !st.ok()) return st;
    if (reroute.query) return RerouteQueryOut(reroute);
    return Status::OK();  // a push output's table: push_output.cc (branch shard-route)
  }
  if (op == control::Op::kCanAdd || op == control::Op::kExportState || op == control::Op::kImportState) {
    state_questions_.push_back(message);
    if (in_hook_ == 0) AnswerStateQuestions();
  }
  return Status::OK();
}

Status ElementHost::RerouteQueryOut(const control::Reroute& reroute) {
  QueryOut* out = nullptr;
  for (QueryOut& q : query_outs_) {
    if (q.name == reroute.port) out = &q;
  }
  if (!out) return Status::NotFound(fmt::format("reroute: {} has no query output '{}'", plan_.name, reroute.port));
  if (out->shard && reroute.route.version < out->shard->version) return Status::OK();  // an older table
  if (Status st = AdoptShardRoute(*out, reroute.route); !st.ok()) return st;
  ArmQueryFence(*out, reroute.route);
  // Added before the removals: a link both added and removed (a grow
  // undone: the member expects us, though we never asked it) gets END.
  std::mt19937_64 lives(std::random_device{}());
  for (const control::LinkPlan& plan : reroute.add) {
    bool known = false;
    for (const auto& link : out->links) known = known || (link->id == plan.id && !link->leaving);
    if (known) continue;  // the same table twice
    ConnectQueryLink(*out, plan, lives());
    all_query_links_.push_back({out, out->links.back().get()});
  }
  // Requests in flight keep the members they went to: a leaving member's
  // link stays open for their replies, and gets END now.
  for (const std::string& id : reroute.remove) {
    for (auto& link : out->links) {
      if (link->id != id || link->leaving) continue;
      link->leaving = true;
      SendQueryEnd(*link);
    }
  }
  BuildPollSet();
  spdlog::debug("[{}] query output '{}' asks shard '{}' at version {}: {} member links", plan_.name, out->name,
                reroute.route.shard, reroute.route.version, out->links.size());
  AskWaitingRequests(static_cast<int>(out - query_outs_.data()));  // a released group's requests go now
  return Status::OK();
}

void ElementHost::ArmQueryFence(QueryOut& out, const control::ShardRoute& route) {
  if (route.held.empty()) {
    out.fence.reset();  // released (or rolled back): nothing is owed any more
    return;
  }
  QueryOut::Fence fence;
  fence.version = route.version;
  const int port = static_cast<int>(&out - query_outs_.data());
  for (const auto& [id, request] : pending_) {
    if (request.port == port && !request.waiting) fence.in_flight.push_back(id);
  }
  out.fence = std::move(fence);
  CheckQueryFences();
}

void ElementHost::CheckQueryFences() {
  for (QueryOut& out : query_outs_) {
    if (!out.fence || !out.shard) continue;
    std::erase_if(out.fence->in_flight, [this](uint64_t id) { return !pending_.count(id); });
    if (!out.fence->in_flight.empty()) continue;
    control::Fenced fenced;
    fenced.element = options_.element;
    fenced.port = out.name;
    fenced.shard = out.shard->shard;
    fenced.version = out.fence->version;
    control::Send(*control_, control::ToJson(fenced));
    out.fence.reset();
  }
}

void ElementHost::AnswerStateQuestions() {
  while (!state_questions_.empty() && in_hook_ == 0) {
    Json message = std::move(state_questions_.front());
    state_questions_.pop_front();
    control::Op op = control::Op::kUnknown;
    (void)control::ReadOp(message, &op);
    auto t0 = Clock::now();
    Status st;
    {
      HookScope hook(in_hook_);
      if (op == control::Op::kCanAdd) st = AnswerCanAdd(message);
      if (op == control::Op::kExportState) st = AnswerExportState(message);
      if (op == control::Op::kImportState) st = AnswerImportState(message);
    }
    busy_ += Clock::now() - t0;
    if (!st.ok()) Malformed("control", st);
  }
}

Status ElementHost::AnswerCanAdd(const Json& message) {
  control::CanAdd question;
  if (Status st = control::FromJson(message, &question); !st.ok()) return st;
  ShardLoad load;
  load.members = question.members;
  load.busy_share = question.busy_share;
  load.queue_depth = question.queue_depth;
  load.blocked_share = question.blocked_share;
  load.moving_share = question.moving_share;
  AddAnswer answer = element_->can_add(load);
  control::CanAddReply reply;
  reply.element = options_.element;
  reply.request = question.request;
  reply.yes = answer.yes;
  reply.cost = answer.cost;
  reply.why = answer.why;
  control::Send(*control_, control::ToJson(reply));
  return Status::OK();
}

Status ElementHost::AnswerExportState(const Json& message) {
  control::ExportState question;
  if (Status st = control::FromJson(message, &question); !st.ok()) return st;
  if (const Json* again = answered_states_.Find(question.request)) {
    control::Send(*control_, *again);  // the state left with the first answer: the same again
    return Status::OK();
  }
  HoldStateQuestionForTests();
  control::StateExported reply;
  reply.element = options_.element;
  reply.request = question.request;
  std::vector<OwnedLog> state;
  Status st = element_->export_state(KeyGroupSet(question.key_groups, question.groups), &state);
  if (st.ok()) {
    // Its msgpack bytes, as they are: a byte string stays bytes, a float a float.
    for (const OwnedLog& log : state) reply.logs.push_back(Base64Encode(log.bytes()));
  } else {
    reply.error = st.message();
  }
  const Json answer = control::ToJson(reply);
  if (!reply.error) answered_states_.Keep(question.request, answer);
  control::Send(*control_, answer);
  return Status::OK();
}

Status ElementHost::AnswerImportState(const Json& message) {
  control::ImportState question;
  if (Status st = control::FromJson(message, &question); !st.ok()) return st;
  if (const Json* again = answered_states_.Find(question.request)) {
    control::Send(*control_, *again);  // imported already: not twice
    return Status::OK();
  }
  HoldStateQuestionForTests();
  control::StateImported reply;
  reply.element = options_.element;
  reply.request = question.request;
  std::vector<OwnedLog> owned(question.logs.size());
  Status st;
  for (size_t i = 0; i < question.logs.size() && st.ok(); ++i) {
    std::string bytes;
    st = Base64Decode(question.logs[i], &bytes);
    if (st.ok()) st = CheckLogShape(bytes);  // a log as the wire takes one: a map, nested no deeper than the limit
    if (st.ok()) owned[i] = OwnedLog(std::move(bytes));
    if (!st.ok()) st = Status::Invalid(fmt::format("state log {}: {}", i, st.message()));
  }
  if (st.ok()) {
    std::vector<Log> batch;
    batch.reserve(owned.size());
    for (const OwnedLog& log : owned) batch.push_back(log.log());
    st = element_->import_state(Batch(batch));
  }
  if (!st.ok()) reply.error = st.message();
  const Json answer = control::ToJson(reply);
  if (!reply.error) answered_states_.Keep(question.request, answer);
  control::Send(*control_, answer);
  return Status::OK();
}

}  // namespace datablox::host
