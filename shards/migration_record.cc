// A migration's durable progress (migration.h: Record, Restore, Resume).
// The record is the master's, in its registry (shards.change_json); its
// layout is declared here, once, and read with the control codec's field
// reader (a wrong type is an error naming the field, never a default).
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "runtime/core/control_fields.h"
#include "shards/describe.h"
#include "shards/migration.h"

namespace datablox::shards {
namespace {

using control::Json;
using control::detail::Fields;

// Raised when the record's layout changes; an unknown version is refused
// (the shard then keeps its size, as a master without records did).
constexpr int kRecordVersion = 1;

constexpr const char* kPhaseNames[] = {"can_add", "starting", "fencing", "moving", "rolling_back", "done", "aborted"};

Json LoadToJson(const ShardLoad& load) {
  return {{"members", load.members},
          {"busy_share", load.busy_share},
          {"queue_depth", load.queue_depth},
          {"blocked_share", load.blocked_share},
          {"moving_share", load.moving_share}};
}

Status LoadFromJson(const Json& json, ShardLoad* load) {
  return Fields(json, "load")
      .Get("members", &load->members)
      .Get("busy_share", &load->busy_share)
      .Get("queue_depth", &load->queue_depth)
      .Get("blocked_share", &load->blocked_share)
      .Get("moving_share", &load->moving_share)
      .status();
}

Status SenderFromJson(const Json& json, ShardSender* sender) {
  return Fields(json, "sender")
      .Get("element", &sender->element)
      .Get("port", &sender->port)
      .Get("query", &sender->query)
      .Get("ended", &sender->ended)
      .status();
}

Status ReceiverFromJson(const Json& json, ShardReceiver* receiver) {
  return Fields(json, "receiver").Get("element", &receiver->element).Get("port", &receiver->port).status();
}

// A list of records of one kind, each read by `read`.
template <class T, class Read>
Status ListFromJson(const Json& json, const char* what, Read read, std::vector<T>* out) {
  if (!json.is_array()) return Status::Invalid(fmt::format("migration record: '{}' must be a list", what));
  out->clear();
  for (const Json& item : json) {
    if (Status st = read(item, &out->emplace_back()); !st.ok())
      return Status::Invalid(fmt::format("migration record: '{}': {}", what, st.message()));
  }
  return Status::OK();
}

const Json& Member(const Json& json, const char* key) {
  static const Json kNull;
  auto it = json.find(key);
  return it == json.end() ? kNull : *it;
}

}  // namespace

Json Migration::Record() const {
  static_assert(std::size(kPhaseNames) == static_cast<size_t>(Phase::kAborted) + 1, "a name for every phase");
  Json senders = Json::array(), receivers = Json::array(), moves = Json::array();
  for (const ShardSender& s : shard_.senders) {
    senders.push_back({{"element", s.element}, {"port", s.port}, {"query", s.query}, {"ended", s.ended}});
  }
  for (const ShardReceiver& r : shard_.receivers) receivers.push_back({{"element", r.element}, {"port", r.port}});
  for (const MoveProgress& p : moves_) {
    moves.push_back({{"from", p.move.from},
                     {"to", p.move.to},
                     {"groups", p.move.groups},
                     {"export_request", p.export_request},
                     {"import_request", p.import_request},
                     {"return_request", p.return_request},
                     {"exported", p.exported},
                     {"imported", p.imported},
                     {"returned", p.returned},
                     {"logs", p.logs}});
  }
  std::vector<bool> fenced = fenced_;
  return {{"version", kRecordVersion},
          {"phase", kPhaseNames[static_cast<int>(phase_)]},
          {"table", control::ToJson(shard_.table)},
          {"keyed", shard_.state == StateKind::kKeyed},
          {"members", shard_.members},
          {"senders", senders},
          {"receivers", receivers},
          {"grow", change_.grow},
          {"member", change_.member},
          {"load", LoadToJson(change_.load)},
          {"max_cost", change_.max_cost},
          {"step_timeout_s", options_.step_timeout_s},
          {"elapsed_s", now_s_ - started_s_},
          {"next_request", next_request_},
          {"can_add_request", can_add_request_},
          {"can_add_element", can_add_element_},
          {"can_add_load", LoadToJson(can_add_.load)},
          {"can_add_description", can_add_.description},
          {"current", control::ToJson(current_)},
          {"owners_after", owners_after_},
          {"held_table", control::ToJson(held_table_)},
          {"fenced", fenced},
          {"moves", moves},
          {"spawned", spawned_},
          {"linked", linked_},
          {"abort_why", abort_why_},
          {"state_logs", state_logs_}};
}

Status Migration::Restore(const Json& record, std::unique_ptr<Migration>* out) {
  int version = 0;
  std::string phase;
  ShardState shard;
  ShardChange change;
  MigrationOptions options;
  bool keyed = false;
  Fields fields(record, "migration record");
  fields.Get("version", &version).Get("phase", &phase);
  if (Status st = fields.status(); !st.ok()) return st;
  if (version != kRecordVersion)
    return Status::Invalid(fmt::format("migration record: version {} (this master reads {})", version, kRecordVersion));
  auto named = std::find(std::begin(kPhaseNames), std::end(kPhaseNames), phase);
  if (named == std::end(kPhaseNames)) return Status::Invalid(fmt::format("migration record: phase '{}'", phase));
  fields.Get("table", &shard.table)
      .Get("keyed", &keyed)
      .Get("members", &shard.members)
      .Get("grow", &change.grow)
      .Get("member", &change.member)
      .Get("max_cost", &change.max_cost)
      .Get("step_timeout_s", &options.step_timeout_s);
  if (Status st = fields.status(); !st.ok()) return st;
  shard.state = keyed ? StateKind::kKeyed : StateKind::kStateless;
  if (Status st = ListFromJson(Member(record, "senders"), "senders", SenderFromJson, &shard.senders); !st.ok())
    return st;
  if (Status st = ListFromJson(Member(record, "receivers"), "receivers", ReceiverFromJson, &shard.receivers); !st.ok())
    return st;
  if (Status st = LoadFromJson(Member(record, "load"), &change.load); !st.ok()) return st;

  auto m = std::make_unique<Migration>(std::move(shard), change, options);
  double elapsed_s = 0;
  fields.Get("elapsed_s", &elapsed_s)
      .Get("next_request", &m->next_request_)
      .Get("can_add_request", &m->can_add_request_)
      .Get("can_add_element", &m->can_add_element_)
      .Get("can_add_description", &m->can_add_.description)
      .Get("current", &m->current_)
      .Get("owners_after", &m->owners_after_)
      .Get("held_table", &m->held_table_)
      .Get("spawned", &m->spawned_)
      .Get("linked", &m->linked_)
      .Get("abort_why", &m->abort_why_);
  uint64_t state_logs = 0;
  fields.Get("state_logs", &state_logs);
  if (Status st = fields.status(); !st.ok()) return st;
  m->state_logs_ = state_logs;
  if (Status st = LoadFromJson(Member(record, "can_add_load"), &m->can_add_.load); !st.ok()) return st;
  const Json& fenced_json = Member(record, "fenced");
  if (!fenced_json.is_array() || fenced_json.size() != m->shard_.senders.size())
    return Status::Invalid("migration record: 'fenced' must be a list of one bool per sender");
  for (size_t i = 0; i < fenced_json.size(); ++i) {
    if (!fenced_json[i].is_boolean()) return Status::Invalid("migration record: 'fenced' must hold bools");
    m->fenced_[i] = fenced_json[i].get<bool>();
  }
  auto read_move = [](const Json& json, MoveProgress* p) {
    return Fields(json, "move")
        .Get("from", &p->move.from)
        .Get("to", &p->move.to)
        .Get("groups", &p->move.groups)
        .Get("export_request", &p->export_request)
        .Get("import_request", &p->import_request)
        .Get("return_request", &p->return_request)
        .Get("exported", &p->exported)
        .Get("imported", &p->imported)
        .Get("returned", &p->returned)
        .Get("logs", &p->logs)
        .status();
  };
  if (Status st = ListFromJson(Member(record, "moves"), "moves", read_move, &m->moves_); !st.ok()) return st;
  m->phase_ = static_cast<Phase>(named - std::begin(kPhaseNames));
  m->started_s_ = -elapsed_s;  // Resume moves the clock to its own now
  m->can_add_.kind = ActionKind::kAskCanAdd;
  m->can_add_.element = m->can_add_element_;
  *out = std::move(m);
  return Status::OK();
}

std::vector<Action> Migration::Resume(double now_s) {
  started_s_ += now_s;  // the elapsed time recorded, carried on from now
  now_s_ = now_s;
  step_started_s_ = now_s;  // each step waited for gets its whole timeout again
  std::vector<Action> out;
  switch (phase_) {
    case Phase::kCanAdd: {
      can_add_request_ = next_request_++;
      Action ask = can_add_;
      ask.request = can_add_request_;
      out.push_back(std::move(ask));
      break;
    }
    case Phase::kStarting:
      // Spawned perhaps, or not: nobody was told of it, so stopping it undoes all.
      Fail("the master restarted while " + member_element(change_.member) + " was starting", &out);
      break;
    case Phase::kFencing:
      if (change_.grow) ExpectNewMemberLinks(&out);
      for (size_t i = 0; i < shard_.senders.size(); ++i) fenced_[i] = shard_.senders[i].ended;
      HoldAndFence(&out);
      break;
    case Phase::kMoving:
      for (const MoveProgress& progress : moves_) {
        if (!progress.exported) {
          ResendExport(progress, &out);
        } else if (!progress.imported) {
          ResendImport(progress, false, &out);
        }
      }
      MaybeRelease(&out);  // every import was acknowledged before the master stopped
      break;
    case Phase::kRollingBack:
      for (const MoveProgress& progress : moves_) {
        if (!Returns(progress) || progress.returned) continue;
        if (!progress.exported) {
          ResendExport(progress, &out);
        } else {
          ResendImport(progress, true, &out);
        }
      }
      MaybeFinishRollback(&out);
      break;
    case Phase::kDone: {
      // The final table may have reached some senders, all or none: one
      // version on, with the same links, it reaches every one.
      if (change_.grow) ExpectNewMemberLinks(&out);
      const ShardRoute final_table = NextTable(current_.owners, {});
      for (const ShardSender& sender : shard_.senders) {
        out.push_back(Reroute(sender, final_table, change_.grow ? change_.member : -1,
                              change_.grow ? -1 : change_.member, ", sent again (the master restarted)"));
      }
      Finish(&out);
      break;
    }
    case Phase::kAborted: {
      if (linked_ || !held_table_.held.empty()) {
        const ShardRoute table = NextTable(current_.owners, {});
        for (const ShardSender& sender : shard_.senders) {
          const bool unlink = change_.grow && linked_;
          if (unlink && sender.query) {
            out.push_back(Reroute(sender, table, change_.member, change_.member, ", the grow undone"));
          } else {
            out.push_back(Reroute(sender, table, -1, unlink ? change_.member : -1, ", sent again (the master restarted)"));
          }
        }
      }
      Abort(abort_why_, &out);
      break;
    }
  }
  return out;
}

}  // namespace datablox::shards
