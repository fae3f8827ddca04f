// The master's side of one grow or shrink of a shard, as a state machine
// without sockets or clocks: the master feeds it what its peers said (and
// the time), and carries out the actions it returns. The message order is
// the one above `struct Scale` in runtime/core/control_protocol.h.
//
// A keyed, hash-routed shard moves state:
//   grow:   can_add -> spawn the member -> (started) expect_links downstream,
//           reroute every push sender with the moving groups held -> (every
//           sender fenced for that version) export each (old owner -> new)
//           move -> (exported) import it into the new owner -> (every import
//           acknowledged) reroute every sender with the groups released to
//           their new owners -> done.
//   shrink: the same without can_add and spawn; the held groups are the
//           leaver's, and the release also removes its links (it ends when
//           its inputs end).
// A stateless shard, a shard that is not hash-routed, or a change that
// moves no group holds nothing: grow = can_add, spawn, expect_links,
// reroute with the new member; shrink = reroute without the leaver.
//
// The rules it keeps: nothing is exported before every sender (push, and
// requesters: a request in flight may still reach an old owner) is fenced
// for the held version; no group is released before its state was
// imported at its new owner. State once exported is kept here until the end,
// so a member's crash never loses it: a receiving member that crashes
// before every import is acknowledged aborts the change, the state goes
// back into the members it came from and the groups are released to them;
// an old owner that crashes after its export still sees its state arrive
// at the new owner; one that crashes with an export unanswered is asked
// again once it restarts. A sender that restarts while groups are held is
// sent the held table again (its held logs were never acked: it replays
// them) and must fence again. A step that takes longer than the timeout
// aborts the change the same way. A sender that has ended is fenced: all it
// sent was acknowledged. A change of a shard whose every push sender has
// ended is pointless (nothing more comes to it) and is aborted before a new
// member is linked: one that was would wait for ENDs that never come.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datablox/shard.h"
#include "runtime/core/control_protocol.h"
#include "shards/assignment.h"

namespace datablox::shards {

using control::ShardRoute;  // the senders' table of a shard, as the control protocol carries it

// A port that reaches the shard: a sender's push output, or a requester's
// query output (`query`). Push senders hold and fence; requesters keep back
// the requests that depend on held groups, and fence once every request
// they sent before the held table is answered; they learn of a new member
// only with the final table.
struct ShardSender {
  std::string element;  // within the topology: "src"
  std::string port;
  bool query = false;
  // Its END went out and every receiver acknowledged it: it sends nothing
  // more, so it is fenced for any table, and nothing is sent to it.
  bool ended = false;
};

// A push input the shard's output reaches (it must expect a new member's links).
struct ShardReceiver {
  std::string element;
  std::string port;
};

struct ShardState {
  ShardRoute table;  // the senders' table now (its shard, route, key groups, owners, version)
  StateKind state = StateKind::kStateless;
  std::vector<int> members;  // ids, ascending
  std::vector<ShardSender> senders;
  std::vector<ShardReceiver> receivers;
};

struct ShardChange {
  bool grow = true;
  int member = 0;           // grow: the new member's id (never reused); shrink: the one that leaves
  ShardLoad load;           // grow: what can_add is told (its moving_share is filled in here)
  double max_cost = 1e300;  // grow: a can_add cost above this is a no
};

struct MigrationOptions {
  double step_timeout_s = 10;  // each wait (can_add, start, fence, export, import)
  uint64_t first_request = 1;  // request ids of can_add/export/import: first_request, +1, ... (unique per master)
};

enum class ActionKind : uint8_t {
  kAskCanAdd,    // CanAdd to `element` (request, load)
  kSpawnMember,  // place and start member `member`
  kExpectLinks,  // ExpectLinks to `element`.`port`: member `member`'s output links
  kReroute,      // Reroute to `element`.`port` (query): `route`, links to `add_member` / of `remove_member`
  kExportState,  // ExportState to `element` (request, key groups, groups)
  kImportState,  // ImportState to `element` (request, logs)
  kStopMember,   // stop and forget member `member` (a grow aborted before anyone was told of it)
  kDone,         // the change is complete: `route` is the table now, `members` the members
  kAborted,      // the change is undone (`why`): `route` is the table now, `members` the members
};

struct Action {
  ActionKind kind = ActionKind::kDone;
  std::string element;  // the peer: a sender, a receiver, or a member ("users/2")
  std::string port;
  bool query = false;
  int member = -1;
  ShardRoute route;
  int add_member = -1;     // reroute: add the links to this member (-1: none)
  int remove_member = -1;  // reroute: remove the links to this member (-1: none)
  uint64_t request = 0;
  ShardLoad load;
  int key_groups = 0;  // export: the shard's key groups
  std::vector<int> groups;
  std::vector<std::string> logs;
  std::vector<int> members;
  std::string why;
  std::string description;  // one line for `datablox events`
};

enum class EventKind : uint8_t {
  kCanAddAnswered,   // request, yes, cost, why
  kMemberBound,      // member
  kMemberStarted,    // member
  kFenced,           // element, port, version
  kStateExported,    // request, logs, error
  kStateImported,    // request, error
  kMemberCrashed,    // member
  kMemberRestarted,  // member (started again after a crash)
  kSenderCrashed,    // element
  kSenderRestarted,  // element (started again)
  kSenderEnded,      // element (ended: every END it sent acknowledged)
};

struct Event {
  EventKind kind = EventKind::kMemberStarted;
  std::string element;
  std::string port;
  int member = -1;
  uint64_t version = 0;
  uint64_t request = 0;
  bool yes = false;
  double cost = 0;
  std::string why;
  std::vector<std::string> logs;
  std::optional<std::string> error;
};

// True when the shard has push senders and every one has ended: nothing
// more comes to it, so it has no reason to change.
bool EveryPushSenderEnded(const std::vector<ShardSender>& senders);

// "users/2": a member's element name within its topology.
std::string MemberElement(const std::string& shard, int id);

class Migration {
 public:
  Migration(ShardState shard, ShardChange change, MigrationOptions options = {});

  // The first actions. A change that cannot be made (a member that is there
  // already, the last member leaving...) is one kAborted.
  std::vector<Action> Start(double now_s);
  // What follows from one event; events that do not fit (stale, unknown,
  // out of order, after the end) are ignored.
  std::vector<Action> On(const Event& event, double now_s);
  // The timeout of the step under way, if it has passed.
  std::vector<Action> Tick(double now_s);

  // Durable progress (migration_record.cc). The master writes Record()
  // before it carries out any action Start, On, Tick or Resume returned,
  // so a master killed at any point finds in its registry a step whose
  // actions went out in part, in full, or not at all, and whose answers
  // may be lost. Restore reads it back; Resume then finishes the change,
  // or, when the new member may not have started yet, rolls it back:
  //   can_add   asked again (nothing was done);
  //   starting  rolled back: the member is stopped, nobody was told of it;
  //   fencing   receivers told again, the held table sent again one version
  //             on (every sender fences anew: a fence said to the dead
  //             master is lost);
  //   moving    each export and import not answered sent again under its
  //             own request id: a member answers a request it answered
  //             before from what it kept (ExportState), or without doing
  //             it twice (ImportState), so no state is lost or doubled;
  //   rolling back  likewise for the exports and the returns;
  //   done, aborted  the final table sent again one version on, then the end.
  control::Json Record() const;
  static Status Restore(const control::Json& record, std::unique_ptr<Migration>* out);
  std::vector<Action> Resume(double now_s);
  // The member a grow adds (-1 for a shrink): a master started again does
  // not wait for it to be re-adopted, since it may never have been spawned.
  int new_member() const { return change_.grow ? change_.member : -1; }

  bool finished() const { return phase_ == Phase::kDone || phase_ == Phase::kAborted; }
  bool aborted() const { return phase_ == Phase::kAborted; }
  // What the migration is waiting for ("fenced 1 of 2 senders"), for status.
  std::string waiting_for() const;
  // The change's figures, for the events and the benchmark.
  struct Figures {
    size_t moved_groups = 0;  // key groups whose owner the change changes (a stateless shard's too)
    size_t state_logs = 0;    // state logs exported
    double elapsed_s = 0;     // from Start to the last event or tick
  };
  Figures figures() const;

 private:
  enum class Phase : uint8_t { kCanAdd, kStarting, kFencing, kMoving, kRollingBack, kDone, kAborted };
  struct MoveProgress {
    Move move;
    uint64_t export_request = 0, import_request = 0, return_request = 0;  // 0: not sent
    bool exported = false, imported = false, returned = false;
    std::vector<std::string> logs;  // the exported state, kept until the end
  };

  bool moves_state() const;
  std::string member_element(int id) const { return MemberElement(shard_.table.shard, id); }
  std::vector<int> members_after() const;
  std::string change_text() const;                   // "users from 2 to 3 members"
  bool Returns(const MoveProgress& progress) const;  // after a failure, its state goes back
  // The senders' next table (one version on): it becomes current_.
  ShardRoute NextTable(std::vector<int> owners, std::vector<int> held);
  void Enter(Phase phase);
  Action Reroute(const ShardSender& sender, const ShardRoute& table, int add, int remove,
                 const std::string& what) const;
  void HoldAndFence(std::vector<Action>* out);
  void MaybeExport(std::vector<Action>* out);
  void Export(MoveProgress* progress, std::vector<Action>* out);
  void Import(MoveProgress* progress, bool back, std::vector<Action>* out);
  void MaybeRelease(std::vector<Action>* out);
  void Fail(const std::string& why, std::vector<Action>* out);  // roll back what moved, then abort
  void MaybeFinishRollback(std::vector<Action>* out);
  void Finish(std::vector<Action>* out);
  void ResendExport(const MoveProgress& progress, std::vector<Action>* out) const;
  void ResendImport(const MoveProgress& progress, bool back, std::vector<Action>* out) const;
  void ExpectNewMemberLinks(std::vector<Action>* out) const;
  void Abort(const std::string& why, std::vector<Action>* out);
  void OnCanAdd(const Event& event, std::vector<Action>* out);
  void OnMemberStarted(const Event& event, std::vector<Action>* out);
  void OnFenced(const Event& event, std::vector<Action>* out);
  void OnExported(const Event& event, std::vector<Action>* out);
  void OnImported(const Event& event, std::vector<Action>* out);
  void OnMemberCrashed(const Event& event, std::vector<Action>* out);
  void OnMemberRestarted(const Event& event, std::vector<Action>* out);
  void OnSenderGone(const Event& event, bool restarted, std::vector<Action>* out);
  void OnSenderEnded(const Event& event, std::vector<Action>* out);

  ShardState shard_;
  ShardChange change_;
  MigrationOptions options_;
  Phase phase_ = Phase::kCanAdd;
  double started_s_ = 0, step_started_s_ = 0, now_s_ = 0;
  uint64_t next_request_;
  uint64_t can_add_request_ = 0;
  std::string can_add_element_;
  Action can_add_;      // asked again if that member restarts
  ShardRoute current_;  // the table the senders were sent last
  std::vector<int> owners_after_;
  ShardRoute held_table_;     // the table with the moving groups held
  std::vector<bool> fenced_;  // per sender, for held_table_
  std::vector<MoveProgress> moves_;
  bool spawned_ = false;
  bool linked_ = false;  // a grow's senders were sent a table that links the new member
  std::string abort_why_;
  size_t state_logs_ = 0;
};

}  // namespace datablox::shards
