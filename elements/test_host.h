// A stand-in for the element host in direct tests of an element class: the
// test constructs the element, attaches it here, and calls its hooks itself
// (configure, on_batch, on_query, the shard hooks) with logs it built. What
// the element does through its host (emit, handlers, answers, reject, fail)
// is recorded for the test to read. No socket, no process. Below it, the
// keyed input and key-group sets the shard tests of the classes share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "datablox/element.h"
#include "runtime/core/host_context.h"
#include "runtime/core/wire.h"

namespace datablox::testing {

class TestHost final : public detail::HostContext {
 public:
  // Attaches `element` (whose class is `spec`) under `name`.
  TestHost(Element* element, ClassSpec spec, std::string name) : spec_(std::move(spec)) { Attach(element, this, name); }
  // Configures the element with `given` over its class's defaults.
  Status Configure(Element* element, std::map<std::string, ParamValue, std::less<>> given) {
    Params params;
    Status st = Params::Resolve(spec_, std::move(given), &params);
    return st.ok() ? element->configure(params) : st;
  }
  // Makes the element a member of a shard (membership() answers it).
  void set_membership(ShardMembership member) { membership_ = std::move(member); }
  void set_position(InputPosition at) { position_ = std::move(at); }
  // A checkpointed topology's element; the id checkpoint() gives in a hook.
  void set_checkpointed(bool checkpointed) { checkpointed_ = checkpointed; }
  void set_checkpoint_id(uint64_t id) { checkpoint_id_ = id; }

  // A responder for one request; its answer lands in answers().
  Responder responder() { return MakeResponder(this, 0, "requester", ++requests_); }

  struct Answered {
    bool ok = false;
    std::string text;  // the reply as JSON, or the error's message
    OwnedLog log;      // the reply
  };
  const std::vector<Answered>& answers() const { return answers_; }
  // Asks `request` of the element's query port 0; the answer it gave now
  // (valid until the next query).
  const Answered& Query(Element* element, LogBuilder& request, int port = 0) {
    OwnedLog owned{std::string(request.bytes())};
    size_t before = answers_.size();
    element->on_query(port, owned.log(), MakeResponder(this, port, "requester", ++requests_));
    if (answers_.size() == before) answers_.push_back({false, "no answer", OwnedLog()});
    return answers_.back();
  }

  const std::vector<std::string>& emitted() const { return emitted_; }  // msgpack, in order, every port
  // What went to push output `port`, msgpack, in order.
  const std::vector<std::string>& emitted_on(int port) const {
    static const std::vector<std::string> kNone;
    auto it = emitted_by_port_.find(port);
    return it == emitted_by_port_.end() ? kNone : it->second;
  }
  void clear_emitted_on(int port) { emitted_by_port_.erase(port); }
  // Outputs count as connected (the element emits on all of them).
  void set_connected(bool connected) { connected_ = connected; }

  // The test's clock: timers fire from Advance() alone, earliest first.
  Milliseconds now() const { return now_; }
  void Advance(Element* element, Milliseconds by) {
    const Milliseconds until = now_ + by;
    for (;;) {
      auto next = timers_due_.end();
      for (auto it = timers_due_.begin(); it != timers_due_.end(); ++it) {
        if (it->second.due <= until && (next == timers_due_.end() || it->second.due < next->second.due)) next = it;
      }
      if (next == timers_due_.end()) break;
      const int id = next->first;
      now_ = next->second.due;
      if (next->second.period.count() > 0) {
        next->second.due += next->second.period;
      } else {
        timers_due_.erase(next);
      }
      element->on_timer(id);
    }
    now_ = until;
  }
  Status write_handler(const std::string& handler, std::string_view value) {
    auto it = write_.find(handler);
    return it == write_.end() ? Status::NotFound("no write handler " + handler) : it->second(value);
  }
  const std::optional<Status>& failure() const { return failure_; }
  int rejected() const { return rejected_; }
  std::string read_handler(const std::string& handler) const {
    auto it = read_.find(handler);
    return it == read_.end() ? "" : it->second();
  }

  // --- HostContext ---------------------------------------------------------
  void Emit(int port, std::string_view log) override {
    emitted_.emplace_back(log);
    emitted_by_port_[port].emplace_back(log);
  }
  void Ask(int, std::string_view, Milliseconds, ReplyCallback done) override {
    done({Status::Unavailable("no host in this test"), OwnedLog()});
  }
  int SetTimer(Milliseconds delay, Milliseconds period) override {
    timers_due_[++timers_] = {now_ + delay, period};
    return timers_;
  }
  void CancelTimer(int id) override { timers_due_.erase(id); }
  void WaitUntil(std::chrono::steady_clock::time_point) override {}
  void AddHandler(std::string name, std::function<std::string()> read,
                  std::function<Status(std::string_view)> write) override {
    if (read) read_[name] = std::move(read);
    if (write) write_[name] = std::move(write);
  }
  void Fail(const Status& why) override { failure_ = why; }
  void Reject(std::string_view) override { ++rejected_; }
  bool Connected(int) const override { return connected_; }
  const ClassSpec* spec() const override { return &spec_; }
  InputPosition BatchPosition() const override { return position_; }
  bool restarted() const override { return false; }
  bool Checkpointed() const override { return checkpointed_; }
  uint64_t CheckpointId() const override { return checkpoint_id_; }
  const ShardMembership* membership() const override { return membership_ ? &*membership_ : nullptr; }
  void Answer(int, const std::string&, std::string_view frame) override {
    wire::Kind kind;
    uint64_t id = 0;
    std::string_view body;
    if (!wire::ReadHeader(frame, &kind).ok() || !wire::ReadAddressed(frame, &id, &body).ok()) {
      answers_.push_back({false, "unreadable answer frame", OwnedLog()});
    } else if (kind == wire::Kind::kReply) {
      OwnedLog log{std::string(body)};
      std::string text = log.to_json();
      answers_.push_back({true, std::move(text), std::move(log)});
    } else {
      answers_.push_back({false, std::string(body), OwnedLog()});
    }
  }

 private:
  bool checkpointed_ = false;
  uint64_t checkpoint_id_ = 0;
  ClassSpec spec_;
  std::optional<ShardMembership> membership_;
  InputPosition position_;
  std::vector<Answered> answers_;
  std::vector<std::string> emitted_;
  std::map<int, std::vector<std::string>> emitted_by_port_;
  std::map<std::string, std::function<std::string()>> read_;
  std::map<std::string, std::function<Status(std::string_view)>> write_;
  struct Timer {
    Milliseconds due{0}, period{0};
  };
  std::map<int, Timer> timers_due_;
  Milliseconds now_{0};
  bool connected_ = false;
  std::optional<Status> failure_;
  int rejected_ = 0, timers_ = 0;
  uint64_t requests_ = 0;
};

// Logs that own their bytes, and the Batch of views a hook takes.
struct TestBatch {
  std::vector<OwnedLog> owned;
  std::vector<Log> views;
  void add(LogBuilder& log) { owned.emplace_back(std::string(log.bytes())); }
  Batch batch() {
    views.clear();
    for (const OwnedLog& log : owned) views.push_back(log.log());
    return Batch(views);
  }
};

// ------------------------------------------------------------ shard members' state

// A skewed but known distribution over every key: kKeyedLogs logs over
// kKeyedUsers users, users 0..19 get 18 logs, the rest 8.
inline constexpr int kKeyedLogs = 1000;
inline constexpr int kKeyedUsers = 100;
inline std::string KeyedUserOf(int log) { return "user" + std::to_string(log < 800 ? log % kKeyedUsers : log % 20); }
// The logs {"user": KeyedUserOf(seq), "seq": seq}; `per_user` gets how
// many logs each user has.
inline TestBatch KeyedLogs(std::map<std::string, int>* per_user) {
  TestBatch input;
  LogBuilder log;
  for (int seq = 0; seq < kKeyedLogs; ++seq) {
    input.add(log.clear().add("user", KeyedUserOf(seq)).add("seq", seq));
    ++(*per_user)[KeyedUserOf(seq)];
  }
  return input;
}

// About half of any set of keys: the even groups of kDefaultKeyGroups.
inline KeyGroupSet EvenKeyGroups() {
  std::vector<int> even;
  for (int group = 0; group < kDefaultKeyGroups; group += 2) even.push_back(group);
  return KeyGroupSet(kDefaultKeyGroups, even);
}
inline KeyGroupSet AllKeyGroups() {
  std::vector<int> all;
  for (int group = 0; group < kDefaultKeyGroups; ++group) all.push_back(group);
  return KeyGroupSet(kDefaultKeyGroups, all);
}

// What another member's export_state() wrote, as the Batch import_state() takes.
inline Status ImportState(Element& element, const std::vector<OwnedLog>& state) {
  std::vector<Log> views;
  for (const OwnedLog& log : state) views.push_back(log.log());
  return element.import_state(Batch(views));
}

}  // namespace datablox::testing
