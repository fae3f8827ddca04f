// The base class of every element, and how a class registers itself.
//
// An element lives in its own process (the element host). The host calls the
// hooks below from one thread, never concurrently; inside a hook the element
// emits logs, asks queries, answers them, and sets timers through the
// protected members. A minimal element:
//
//   class Null : public Element {
//    public:
//     static ClassSpec spec() { return ClassSpec("Null", "drops every log").push_in("in"); }
//     void on_batch(int port, Batch logs) override { count_ += logs.size(); }
//    private:
//     uint64_t count_ = 0;
//   };
//   DATABLOX_ELEMENT(mylib::Null)
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "datablox/log.h"
#include "datablox/params.h"
#include "datablox/shard.h"
#include "datablox/spec.h"
#include "datablox/status.h"
#include "datablox/stream.h"

namespace datablox {

namespace detail {
class HostContext;  // what the element host gives an element to act through
}

using Milliseconds = std::chrono::milliseconds;

// The answer to a query: a log, or an error (an error reply, a timeout, or the
// responder going away).
struct Reply {
  Status status;  // ok() when `log` holds the answer
  OwnedLog log;
};
using ReplyCallback = std::function<void(Reply reply)>;

// Handed to on_query; answers exactly one request, now or later (it may be
// copied and kept). Answering twice is ignored; never answering makes the
// requester time out.
class Responder {
 public:
  Responder() = default;
  void reply(LogBuilder& log) const;
  void error(std::string_view message) const;
  bool valid() const { return context_ != nullptr; }

 private:
  friend class detail::HostContext;
  detail::HostContext* context_ = nullptr;
  int port_ = -1;
  std::string peer_;  // routing id of the requester's link
  uint64_t request_id_ = 0;
  std::shared_ptr<bool> answered_;  // shared by copies: one answer per request
};

// What a source tells the host after produce().
struct Production {
  enum class Next : uint8_t { kMore, kDone, kLater };
  Next next = Next::kDone;
  Milliseconds delay{0};  // with kLater: call produce() again after this
  static Production More() { return {Next::kMore, Milliseconds(0)}; }
  static Production Done() { return {Next::kDone, Milliseconds(0)}; }
  static Production Later(Milliseconds delay) { return {Next::kLater, delay}; }
};

// Where a batch handed to on_batch sits in its sender's stream. A durable
// sink records it atomically with the data it wrote (`end`), and on a restart
// skips a replayed batch that ends at or below the offset it recorded for that
// link and stream (a sender replays the batches it kept, as they were sent). Offsets count every
// log of the stream, malformed ones included. A stream id changes when the
// sender starts a new stream (a restarted source, or an element with several
// inputs): what comes on a new stream is new to the sink.
struct InputPosition {
  std::string link;     // the link's id, the same across restarts of either end
  uint64_t stream = 0;  // the sender's stream on that link
  uint64_t first = 0;   // offset of the batch's first log in that stream
  uint64_t end = 0;     // offset just past its last log: what a sink records as done.
                        // The host drops malformed and off-schema logs before
                        // on_batch, so `end - first` may exceed logs.size().
};

// How many logs at the head of a batch at `at` lie below `done` (the offset a
// durable sink recorded as written), out of the `handed` logs on_batch got.
// A replay repeats the batches its sender kept, so `done` is normally at or
// past the batch's end (all of it) or at its start (none). A batch that
// straddles it (its sender restarted and batched anew) is cut by position,
// exact unless the host dropped malformed logs from that very batch.
inline size_t ReplayedPrefix(const InputPosition& at, uint64_t done, size_t handed) {
  if (done >= at.end) return handed;
  if (done <= at.first) return 0;
  return static_cast<size_t>(std::min<uint64_t>(done - at.first, handed));
}

class Element {
 public:
  virtual ~Element() = default;

  // --- Lifecycle hooks, in the order the host calls them. -------------------

  // Reads parameters (already type-checked against spec(), defaults filled).
  // An error here fails the element before any port is bound.
  virtual Status configure(const Params& params) {
    (void)params;
    return Status::OK();
  }
  // All ports are connected; queries and timers may be used from here on.
  virtual Status start() { return Status::OK(); }
  // Sources override this: emit a bounded amount of work and say what next.
  // Called whenever the host is idle, until it returns Done.
  virtual Production produce() { return Production::Done(); }
  // One batch arrived on push input `port` (index among the push inputs).
  // The default calls on_log for each log.
  virtual void on_batch(int port, Batch logs);
  virtual void on_log(int port, const Log& log) {
    (void)port;
    (void)log;
  }
  // A request arrived on query input `port`. Answer it through `responder`.
  virtual void on_query(int port, const Log& request, Responder responder);
  virtual void on_timer(int timer_id) { (void)timer_id; }
  // Every push input has ended (and production is done). Emit what remains;
  // the host then flushes and sends END downstream once no query this
  // element asked is still waiting for its reply.
  virtual void on_inputs_ended() {}
  // The element is going away (normal end or stop request).
  virtual void stop() {}

  // --- Streams (stream.h; a class declared serves_streams()). -------------

  // A stream was asked of this element, through query input `port` (-1:
  // opened by address, not over a link). Set *source, or return an error
  // (the requester's stream fails with it). The default refuses.
  virtual Status on_stream(int port, const StreamRequest& request, std::unique_ptr<StreamSource>* source);

  // --- Shard members (a class declared shardable(); see shard.h). ----------

  // The master would add a member to this one's shard: no, or yes at a
  // cost. The default: a stateless class costs nothing; a keyed one costs
  // the state that would move (state_size() times load.moving_share).
  virtual AddAnswer can_add(const ShardLoad& load);
  // Keyed state: the number of keys (or rows) this member holds.
  virtual uint64_t state_size() const { return 0; }
  // Keyed state: appends the state of every key in `moving` to `out`, as
  // logs import_state() reads back, and forgets it here. Called between
  // hooks, while no log for those keys is on its way to this member.
  virtual Status export_state(const KeyGroupSet& moving, std::vector<OwnedLog>* out);
  // Keyed state: takes over what another member's export_state() wrote.
  virtual Status import_state(Batch state);

  // --- Checkpoints (a topology with `policy * { checkpoint: MS }`). --------

  // Writes this element's state into *state (bytes of its own format).
  // Called between hooks, when the element has handled every log before the
  // checkpoint's barrier on each input and none after it; a source, between
  // two produce() calls, so its position belongs in it. An error fails that
  // checkpoint (the element keeps running). The default keeps nothing.
  virtual Status snapshot(std::string* state) {
    state->clear();
    return Status::OK();
  }
  // Takes back what snapshot() wrote, after configure() and before start(),
  // when the master rolled the topology back to a checkpoint (an element
  // crashed): a source continues from the position it held then, a sink
  // drops what it wrote after it. `state` is empty when the element took
  // no snapshot yet (the rollback is to its start). The default accepts an
  // empty state only.
  virtual Status restore(std::string_view state);
  // Every element of the topology took checkpoint `checkpoint` and the
  // master stored their snapshots: what a sink prepared for it may be made
  // visible now (the second phase of a two-phase commit).
  virtual void on_checkpoint_complete(uint64_t checkpoint) { (void)checkpoint; }

  const std::string& name() const { return name_; }
  // True once a host runs this element: what it does from a hook works only then.
  bool attached() const { return context_ != nullptr; }

 protected:
  // --- What an element does, from inside a hook. ----------------------------

  // Emits to push output `port` (index among push outputs; 0 is the default).
  // Blocks while the downstream queue is full: that is the backpressure.
  void emit(LogBuilder& log, int port = 0);
  // Forwards a received log as is, without re-encoding.
  void forward(const Log& log, int port = 0);
  // Index of a declared port, by name and kind; -1 when there is none.
  int push_out_port(std::string_view name) const;
  int push_in_port(std::string_view name) const;
  int query_out_port(std::string_view name) const;
  // True when the push output has at least one downstream connection.
  bool connected(int push_out) const;

  // Sends a request on query output `port`; `done` runs later, in a hook of
  // its own, with the reply or an error (Timeout when none came in time).
  // A port wired to several elements (not one shard) is asked one link at a
  // time, with ask_link: ask() answers it Unavailable.
  void ask(int port, LogBuilder& request, Milliseconds timeout, ReplyCallback done);
  // As ask(), of the `link`-th responder of linked_elements(port).
  void ask_link(int port, int link, LogBuilder& request, Milliseconds timeout, ReplyCallback done);
  // The responders linked to query output `port`, in link order, by element
  // name: "store", or "workers/1" for a shard's member. A requester picks a
  // link by the element it wants (the cell's supervisor, a view's store).
  std::vector<std::string> linked_elements(int port) const;
  // The ids of the members of the shard query output `port` asks, in link
  // order, without those leaving it (empty: no shard). It changes when the
  // master grows or shrinks the shard; a member restarted keeps its id.
  std::vector<int> linked_members(int port) const;

  // Opens a stream on query output `port` (a port with one link, to a class
  // that serves streams). `consume` gets each parcel in order; `done` runs
  // once, in a hook of its own, when the stream ended (its status says how).
  // An error here (no such port, no stream server there) means neither runs.
  Status open_stream(int port, std::string paradata, StreamConsumer consume, StreamDone done,
                     const StreamOptions& options = {}, uint64_t* stream_id = nullptr);
  // The same, to a stream server's address (tcp://HOST:PORT), as another
  // element's stream_address() handed out.
  Status open_stream_to(const std::string& address, std::string paradata, StreamConsumer consume, StreamDone done,
                        const StreamOptions& options = {}, uint64_t* stream_id = nullptr);
  // A new operation id, to group streams (StreamOptions::operation_id).
  uint64_t new_stream_operation();
  // Ends one stream, or every live stream of an operation: their `done`
  // runs with Unavailable("aborted"). No-op for what has ended.
  void abort_stream(uint64_t stream_id);
  void cancel_stream_operation(uint64_t operation_id);
  // This element's stream server ("" unless its class serves streams).
  std::string stream_address() const;
  // The stream servers of the responders linked to query output `port`, in
  // link order ("" for a responder that serves none).
  std::vector<std::string> stream_peers(int port) const;

  // Timers: on_timer(id) after `delay`, then every `period` if non-zero.
  int set_timer(Milliseconds delay, Milliseconds period = Milliseconds(0));
  void cancel_timer(int timer_id);
  // Waits until `deadline` while still answering the control channel: for
  // elements that pace themselves (Throttle). Input stays queued meanwhile.
  void wait_until(std::chrono::steady_clock::time_point deadline);

  // Click-style handlers: named values the CLI and the status read and write.
  void add_read_handler(std::string handler, std::function<std::string()> read);
  void add_write_handler(std::string handler, std::function<Status(std::string_view)> write);

  // Ends the element with an error: the host reports it and exits non-zero.
  void fail(const Status& why);

  // Rejected input: counted, shown in the status, logged (rate-limited).
  void reject(std::string_view why);

  // The class's declaration (ports in index order); null outside a host.
  const ClassSpec* class_spec() const;

  // Inside on_batch: where that batch sits in its sender's stream. The host
  // grants the sender credit for a batch (lets it forget the batch) only after
  // on_batch returns, and for an element with outputs only once what it
  // emitted is acked downstream: what on_batch made durable before returning
  // is never replayed to a sink that remembers its positions.
  InputPosition batch_position() const;
  // True when this process continues an element that died in the same run
  // (its caretaker restarted it): a durable sink keeps what it wrote then. A
  // first start (and a move to another node) is false: it starts afresh.
  bool restarted() const;
  // This element's place in its shard; null when it is no shard's member.
  const ShardMembership* membership() const;
  // Inside snapshot() and restore(): the id of that checkpoint (ids grow;
  // 0 in a restore to the start, and outside those hooks). A sink keys what
  // it prepares by it, and on_checkpoint_complete(id) names it again.
  uint64_t checkpoint() const;
  // True when the topology takes checkpoints (`policy * { checkpoint: MS }`),
  // from configure() on: snapshot() and the rest will be called, and a crash
  // rolls the whole topology back. A sink may then prepare and commit per
  // checkpoint instead of recording every batch, and create the bookkeeping
  // only checkpoints need (leaving a topology without them as it was).
  bool checkpointed() const;

 private:
  friend class detail::HostContext;
  detail::HostContext* context_ = nullptr;
  std::string name_;
};

// Loads a class the class table does not hold yet, by name (Python classes,
// "py:package.module.Class"). Errors say why, for the checker to report.
using ClassLoader = std::function<Status(std::string_view class_name, ClassSpec* spec)>;

// The process-wide table of element classes (built-ins, plugins, Python classes).
class ClassTable {
 public:
  static ClassTable& Global();
  // Refuses a name taken already (by a built-in or a plugin), in every build:
  // the name is then unusable, find() returns null and load_error() names
  // both sources, so no topology silently gets one of two classes.
  Status add(ClassSpec spec);
  // Unknown names with a loader's prefix are loaded on first use. The global
  // class table first loads the plugins on its plugin path it has not tried
  // yet: DATABLOX_PLUGIN_PATH's entries, then the search path's folders.
  const ClassSpec* find(std::string_view class_name) const;
  // Why find() returned null for this name ("" when it simply is unknown and
  // every plugin loaded).
  std::string load_error(std::string_view class_name) const;
  void set_loader(std::string prefix, ClassLoader loader);
  // Folders loaders look in (for Python: sys.path; for plugins, their
  // NAME.datablox.so files), in order of preference.
  // An empty folder is never added (Python would read it as "the working
  // directory", of whichever process loads the class).
  void add_search_path(const std::string& folder);
  // This search path instead of the one before (a master: each submit's own).
  void set_search_path(const std::vector<std::string>& folders);
  // Forgets every class a loader loaded and every load error, so that the
  // next find() reads the class again (a master: an edited Python class is
  // seen on the next submit). Invalidates what find() returned for them.
  // Plugins stay loaded: a library is never unloaded.
  void forget_loaded();
  const std::vector<std::string>& search_path() const { return search_path_; }
  // Built-in classes, plugins' and those loaded so far, sorted by name.
  std::vector<const ClassSpec*> all() const;
  // The plugins on the current path that failed to load (or registered a
  // class name twice), each "plugin FILE: why", in the order tried.
  std::vector<std::string> plugin_errors() const;

 private:
  void load_plugins() const;

  mutable std::map<std::string, ClassSpec, std::less<>> classes_;
  mutable std::map<std::string, std::string, std::less<>> load_errors_;
  std::map<std::string, ClassLoader, std::less<>> loaders_;  // by prefix
  std::vector<std::string> search_path_;
  // Plugins: where each class came from ("" built in, else the plugin's
  // file), the names registered twice (and why refused), the files tried,
  // those of the current path, and the failures (file, "plugin FILE: why").
  mutable std::map<std::string, std::string, std::less<>> origins_;
  mutable std::map<std::string, std::string, std::less<>> refused_;
  mutable std::vector<std::string> plugins_tried_;
  mutable std::vector<std::string> plugins_on_path_;
  mutable std::vector<std::pair<std::string, std::string>> plugin_failures_;
  mutable std::string loading_plugin_;
  mutable bool plugin_path_changed_ = true;
};

// The folders a topology's classes are looked up in: the topology file's
// own folder, then those of DATABLOX_PYTHONPATH (':'-separated).
std::vector<std::string> ClassSearchPath(const std::string& topology_file);

namespace detail {
template <class T>
struct Registration {
  Registration() {
    ClassSpec spec = T::spec();
    spec.factory = [] { return std::shared_ptr<Element>(std::make_shared<T>()); };
    (void)ClassTable::Global().add(std::move(spec));  // a refused name: the class table says why on use
  }
};
}  // namespace detail

// Put on the last line of the element's .cc file, outside any namespace,
// with the class's qualified name: DATABLOX_ELEMENT(mylib::Enrich)
#define DATABLOX_CONCAT_INNER(a, b) a##b
#define DATABLOX_CONCAT(a, b) DATABLOX_CONCAT_INNER(a, b)
// (__COUNTER__, not __LINE__: two files batched into one unity build may
// register on the same line number.)
#define DATABLOX_ELEMENT(Class) \
  static const ::datablox::detail::Registration<Class> DATABLOX_CONCAT(datablox_registration_, __COUNTER__);

}  // namespace datablox
