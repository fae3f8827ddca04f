#include "runtime/caretaker/caretaker.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "runtime/caretaker/process_load.h"
#include "runtime/core/control.h"
#include "runtime/core/exit_codes.h"
#include "runtime/core/log_limiter.h"
#include "runtime/core/outbox.h"

namespace datablox {
namespace {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;
using control::Json;

volatile std::sig_atomic_t g_shutdown = 0;
int g_child_pipe[2] = {-1, -1};  // SIGCHLD wakes the loop at once: a crash is restarted in ms, not at the next tick
void OnShutdownSignal(int) { g_shutdown = 1; }
void OnChildSignal(int) {
  int saved = errno;
  char byte = 0;
  (void)!::write(g_child_pipe[1], &byte, 1);
  errno = saved;
}

constexpr auto kHeartbeat = Milliseconds(500);
constexpr auto kStopGrace = std::chrono::seconds(2);
constexpr auto kHealthy = std::chrono::seconds(10);   // a life this long ends a crash loop's count
constexpr auto kMaxBackoff = std::chrono::seconds(10);
constexpr auto kFinishedKept = std::chrono::seconds(120);  // exits re-told in heartbeats (a master restarting)
constexpr size_t kStderrLines = 200;

enum class HostState { kStarting, kRunning, kEnded, kFailed, kStopping, kBackoff };
const char* StateName(HostState s) {
  switch (s) {
    case HostState::kStarting: return "starting";
    case HostState::kRunning: return "running";
    case HostState::kEnded: return "ended";
    case HostState::kFailed: return "failed";
    case HostState::kStopping: return "stopping";
    case HostState::kBackoff: return "restarting";
  }
  return "?";
}

std::string DescribeExit(int status) {
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    const char* name = sigabbrev_np(signal);
    return name ? fmt::format("killed by signal {} (SIG{})", signal, name) : fmt::format("killed by signal {}", signal);
  }
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

// One element this node runs, across its restarts.
struct HostProcess {
  std::string id;  // "topology/element"
  // "ID#TOKEN", the token new for each spawn and handed to the host in its
  // environment: the only id its control messages are taken from and sent
  // to, so a local peer that merely claims the element's name gets nothing.
  std::string routing_id;
  std::string topology;
  Json plan;
  std::string restart = "on-failure";
  int restart_limit = 5;
  int backoff_ms = 100;

  pid_t pid = -1;
  HostState state = HostState::kStarting;
  Clock::time_point started;        // this life
  Clock::time_point first_started;  // the first life
  ProcessLoadMeter meter{0};
  ProcessLoad load;
  bool reported_end = false;      // the host said ended / stopped / failed
  bool failed_on_purpose = false;  // it said failed (fail(), an exception): not a crash
  bool stopping = false;          // we asked it to stop: its exit is final
  Clock::time_point kill_at{};    // SIGKILL if still alive then

  int restarts = 0;
  int crashes_in_a_row = 0;
  Clock::time_point restart_at{};
  std::string last_exit;

  int stderr_fd = -1;
  std::string stderr_partial;
  std::deque<std::string> stderr_tail;

  Json connect;                    // the master's wiring, replayed to a restarted host
  Json endpoints = Json::object();  // what its inputs bound: a restart binds them again
  std::set<std::string> ended_links;
};

// What is left of an element after its last exit: told again in every
// heartbeat for a while (the master may be restarting and have missed it),
// and its stderr kept for `datablox logs`.
struct Finished {
  Json exit;
  std::deque<std::string> stderr_tail;
  Clock::time_point at;
};

class Caretaker {
 public:
  explicit Caretaker(const CaretakerOptions& options) : options_(options) {}
  int Run();

 private:
  void NewElement(const Json& plan, const Json& ended_links);
  void Spawn(HostProcess& p);
  void FromMaster(const Json& message);
  void FromHost(const std::string& peer, const Json& message);
  void FromClient(const std::string& peer, const Json& message);
  void ReadStderr(HostProcess& p, bool until_eof);
  void KeepLine(HostProcess& p, std::string line);
  void Reap();
  bool WillRestart(const HostProcess& p) const;
  void ScheduleRestart(HostProcess& p);
  void Finish(HostProcess& p, int status);
  void RestartDue();
  void StopHost(HostProcess& p);
  void StopHosts(const std::string& topology);  // "" : all of them
  void KillOverdue();
  void Heartbeat();
  Json ElementJson(const HostProcess& p) const;
  Json StatusJson() const;
  std::vector<std::string> Logs(const std::string& id, size_t lines) const;
  void ToMaster(const Json& message);
  Outbox::TrySend SendToMaster();
  Clock::time_point NextWake() const;
  // A message with a field of the wrong type is dropped and counted; it
  // never takes the caretaker (and every element of its node) down.
  template <typename Handle>
  void Guarded(const char* from, Handle handle) {
    try {
      handle();
    } catch (const Json::exception& e) {
      ++malformed_;
      uint64_t suppressed = 0;
      if (warnings_.Allow(from, Clock::now(), &suppressed)) {  // a flood must not flood the log
        spdlog::warn("caretaker '{}': malformed message from {}: {} ({} malformed in all{})", options_.node, from,
                     e.what(), malformed_, suppressed ? fmt::format(", {} more like it not shown", suppressed) : "");
      }
    }
  }

  CaretakerOptions options_;
  zmq::context_t zmq_{1};
  std::unique_ptr<zmq::socket_t> master_, hosts_, clients_;
  std::string hosts_endpoint_;
  std::map<std::string, HostProcess> processes_;  // by id
  std::map<pid_t, std::string> by_pid_;
  std::map<std::string, Finished> finished_;
  NodeLoadMeter node_meter_;
  NodeLoad node_load_;
  unsigned cores_ = 1;
  uint64_t memory_mb_ = 0;
  Clock::time_point next_heartbeat_ = Clock::now();
  Clock::time_point last_heard_master_{};
  bool shutting_down_ = false;
  uint64_t malformed_ = 0;
  LogLimiter warnings_;
  Outbox to_master_;  // what the master's queue did not take yet
  Json OutboxJson() const;
};

int Caretaker::Run() {
  std::signal(SIGTERM, OnShutdownSignal);
  std::signal(SIGINT, OnShutdownSignal);
  std::signal(SIGPIPE, SIG_IGN);
  if (::pipe2(g_child_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
    spdlog::error("caretaker: pipe: {}", std::strerror(errno));
    return exit_code::kOsErr;
  }
  struct sigaction on_child {};
  on_child.sa_handler = OnChildSignal;
  on_child.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  ::sigaction(SIGCHLD, &on_child, nullptr);

  hosts_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
  hosts_->set(zmq::sockopt::router_mandatory, 1);
  hosts_->set(zmq::sockopt::router_handover, 0);  // ids carry a spawn's token: nothing to hand over
  hosts_->set(zmq::sockopt::linger, 0);
  try {
    hosts_->bind(fmt::format("tcp://{}:*", options_.bind_host));
  } catch (const zmq::error_t& e) {
    spdlog::error("caretaker '{}': cannot bind on {}: {}", options_.node, options_.bind_host, e.what());
    return exit_code::kUnavailable;
  }
  hosts_endpoint_ = control::LastEndpoint(*hosts_);

  // The status service answers `datablox caretaker status` on this machine,
  // with or without a master.
  std::string control_endpoint = options_.control_endpoint.empty() ? DefaultCaretakerControl(options_.node)
                                                                   : options_.control_endpoint;
  clients_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
  clients_->set(zmq::sockopt::linger, 0);
  try {
    if (control_endpoint.rfind("ipc://", 0) == 0) {
      std::string path = control_endpoint.substr(6);
      ::mkdir(path.substr(0, path.rfind('/')).c_str(), 0700);
    }
    clients_->bind(control_endpoint);
  } catch (const zmq::error_t& e) {
    spdlog::warn("caretaker '{}': no status service on {}: {}", options_.node, control_endpoint, e.what());
    clients_.reset();
  }

  master_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
  // A token of this life in the routing id: the master's socket hands no id
  // over, so a peer claiming ours cannot cut us off, nor we a later life.
  std::random_device entropy;
  master_->set(zmq::sockopt::routing_id, fmt::format("node:{}#{:08x}{:08x}", options_.node, entropy(), entropy()));
  master_->set(zmq::sockopt::linger, 1000);
  master_->set(zmq::sockopt::reconnect_ivl, 100);
  if (const char* hwm = std::getenv("DATABLOX_TEST_CONTROL_SNDHWM")) {
    master_->set(zmq::sockopt::sndhwm, std::atoi(hwm));  // tests: a queue to the master that is full at once
  }
  master_->connect(options_.master_endpoint);
  cores_ = std::max(1u, std::thread::hardware_concurrency());
  memory_mb_ = (static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))) >> 20;
  node_load_ = node_meter_.Sample();
  ToMaster({{"op", "join"}, {"node", options_.node}, {"cores", cores_}, {"memory_mb", memory_mb_},
            {"address", options_.bind_host}, {"pid", ::getpid()}});
  spdlog::debug("caretaker '{}' joining {}", options_.node, options_.master_endpoint);

  std::vector<zmq::pollitem_t> items;
  std::vector<HostProcess*> stderr_owners;
  while (true) {
    if (g_shutdown && !shutting_down_) {
      shutting_down_ = true;
      StopHosts("");
    }
    if (shutting_down_ && processes_.empty()) break;
    items.clear();
    stderr_owners.clear();
    // Woken as soon as the master's queue has room for what waits.
    items.push_back({master_->handle(), 0, static_cast<short>(ZMQ_POLLIN | (to_master_.waiting() ? ZMQ_POLLOUT : 0)), 0});
    items.push_back({hosts_->handle(), 0, ZMQ_POLLIN, 0});
    items.push_back({clients_ ? clients_->handle() : nullptr, 0, static_cast<short>(clients_ ? ZMQ_POLLIN : 0), 0});
    items.push_back({nullptr, g_child_pipe[0], ZMQ_POLLIN, 0});
    for (auto& [id, p] : processes_) {
      if (p.stderr_fd < 0) continue;
      items.push_back({nullptr, p.stderr_fd, ZMQ_POLLIN, 0});
      stderr_owners.push_back(&p);
    }
    control::Poll(items.data(), items.size(), control::TimeoutUntil(NextWake(), Milliseconds(100)));
    if (items[0].revents & ZMQ_POLLIN) {
      Json message;
      Status st;
      while (!(st = control::TryReceive(*master_, &message)).IsNotFound()) {
        last_heard_master_ = Clock::now();
        if (st.ok()) Guarded("the master", [&] { FromMaster(message); });
        else ++malformed_;
      }
    }
    if (items[1].revents & ZMQ_POLLIN) {
      std::string peer;
      Json message;
      Status st;
      while (!(st = control::TryReceiveFrom(*hosts_, &peer, &message)).IsNotFound()) {
        if (st.ok()) Guarded("a host", [&] { FromHost(peer, message); });
        else ++malformed_;
      }
    }
    if (clients_ && (items[2].revents & ZMQ_POLLIN)) {
      std::string peer;
      Json message;
      Status st;
      while (!(st = control::TryReceiveFrom(*clients_, &peer, &message)).IsNotFound()) {
        if (st.ok()) {
          Guarded("a client", [&] { FromClient(peer, message); });
        } else {
          ++malformed_;
          control::SendTo(*clients_, peer, {{"ok", false}, {"error", st.message()}});
        }
      }
    }
    if (items[3].revents & ZMQ_POLLIN) {
      char drain[64];
      while (::read(g_child_pipe[0], drain, sizeof drain) > 0) {
      }
    }
    for (size_t i = 0; i < stderr_owners.size(); ++i) {
      if (items[4 + i].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) ReadStderr(*stderr_owners[i], /*until_eof=*/false);
    }
    Reap();
    RestartDue();
    KillOverdue();
    if (Clock::now() >= next_heartbeat_) Heartbeat();
    to_master_.Flush(SendToMaster());
  }
  ToMaster({{"op", "left"}, {"node", options_.node}});
  // What still waits gets the socket's linger time to go, then is lost.
  for (auto until = Clock::now() + std::chrono::seconds(1); to_master_.waiting() && Clock::now() < until;) {
    zmq::pollitem_t writable{master_->handle(), 0, ZMQ_POLLOUT, 0};
    control::Poll(&writable, 1, Milliseconds(50));
    to_master_.Flush(SendToMaster());
  }
  if (to_master_.waiting()) spdlog::warn("caretaker '{}': {} messages to the master not sent", options_.node, to_master_.waiting());
  return 0;
}

Clock::time_point Caretaker::NextWake() const {
  Clock::time_point wake = next_heartbeat_;
  for (const auto& [id, p] : processes_) {
    if (p.state == HostState::kBackoff) wake = std::min(wake, p.restart_at);
    if (p.kill_at.time_since_epoch().count() != 0) wake = std::min(wake, p.kill_at);
  }
  return wake;
}

Outbox::TrySend Caretaker::SendToMaster() {
  return [this](std::string_view frame) {
    try {
      return master_->send(zmq::buffer(frame), zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t&) {
      return false;
    }
  };
}

void Caretaker::ToMaster(const Json& message) {
  // Never waits, never drops: what the master's full queue refuses waits in
  // the outbox, in order. A heartbeat or an element's stats is the whole
  // state of its kind: a newer one replaces the one still waiting.
  std::string op = message.value("op", "");
  std::string key = op == "heartbeat" ? op : op == "stats" ? "stats " + message.value("element", "") : "";
  to_master_.Send(message.dump(), SendToMaster(), std::move(key));
}

Json Caretaker::OutboxJson() const {
  return {{"waiting", to_master_.waiting()}, {"deferred", to_master_.deferred()}, {"dropped", to_master_.dropped()}};
}

// ------------------------------------------------------------ master

void Caretaker::FromMaster(const Json& message) {
  std::string op = message.value("op", "");
  std::string id = message.value("element", "");
  auto process = processes_.find(id);
  if (op == "spawn") {
    NewElement(message["plan"], message.value("ended_links", Json::array()));
  } else if (op == "connect" || op == "rewire") {
    if (process == processes_.end()) {
      spdlog::warn("caretaker '{}': no element '{}' to {}", options_.node, id, op);
      return;
    }
    HostProcess& p = process->second;
    if (op == "connect") {
      p.connect = message;
    } else if (p.connect.is_object()) {
      // A restart later must reach the receiver where it is now.
      const Json& links = message["links"];
      for (const char* ports : {"push_out", "query_out"}) {
        for (Json& port : p.connect["plan"][ports]) {
          for (Json& link : port["links"]) {
            std::string link_id = link.value("id", "");
            if (links.contains(link_id)) link["endpoint"] = links[link_id];
          }
        }
      }
    }
    if (p.pid > 0 && !control::SendTo(*hosts_, p.routing_id, message)) {
      spdlog::debug("caretaker '{}': '{}' is not up to take '{}'; it gets it when it is", options_.node, id, op);
    }
  } else if (op == "handler") {
    if (process == processes_.end() || !control::SendTo(*hosts_, process->second.routing_id, message)) {
      ToMaster({{"op", "handler_reply"}, {"element", id}, {"request", message.value("request", 0)},
                {"error", "element not running"}});
    }
  } else if (op == "logs") {
    Json lines = Logs(id, message.value("lines", 50));
    ToMaster({{"op", "logs_reply"}, {"element", id}, {"request", message.value("request", 0)}, {"lines", lines}});
  } else if (op == "drain") {
    std::string topology = message.value("topology", "");
    for (const auto& [pid_id, p] : processes_) {
      if (p.topology == topology) control::SendTo(*hosts_, p.routing_id, message);
    }
  } else if (op == "stop") {
    StopHosts(message.value("topology", ""));
  } else if (op == "kill_element") {
    // Placed elsewhere while this node was away: this copy must go.
    if (process != processes_.end()) StopHost(process->second);
  } else if (op == "shutdown") {
    g_shutdown = 1;
  }
  // heartbeat_ack: hearing from the master is all it says
}

void Caretaker::NewElement(const Json& plan, const Json& ended_links) {
  std::string id = plan.value("topology", "") + "/" + plan.value("name", "");
  auto existing = processes_.find(id);
  if (existing != processes_.end()) {
    spdlog::warn("caretaker '{}': '{}' is running already", options_.node, id);
    return;
  }
  finished_.erase(id);
  HostProcess& p = processes_[id];
  p.id = id;
  p.topology = plan.value("topology", "");
  p.plan = plan;
  p.restart = plan.value("restart", "on-failure");
  p.restart_limit = plan.value("restart_limit", 5);
  p.backoff_ms = plan.value("backoff_ms", 100);
  for (const Json& link : ended_links) p.ended_links.insert(link.get<std::string>());
  p.first_started = Clock::now();
  Spawn(p);
}

void Caretaker::Spawn(HostProcess& p) {
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) err_pipe[0] = err_pipe[1] = -1;
  // posix_spawn (vfork semantics): a fork would copy the caretaker's page
  // tables for every host, a large share of starting one. The host ties its
  // life to ours itself (--parent: PDEATHSIG).
  std::vector<std::string> args = {options_.executable, "host", "--caretaker", hosts_endpoint_, "--element", p.id,
                                   "--bind", options_.bind_host, "--parent", std::to_string(::getpid())};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::random_device entropy;
  const std::string token = fmt::format("{:08x}{:08x}", entropy(), entropy());
  p.routing_id = p.id + "#" + token;
  const std::string token_prefix = fmt::format("{}=", control::kHostTokenVariable);
  std::string token_variable = token_prefix + token;
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) {
    if (!std::string_view(*e).starts_with(token_prefix)) envp.push_back(*e);  // our own, if a host started us
  }
  envp.push_back(token_variable.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  // Its stderr is kept for `datablox logs` and echoed by us.
  if (err_pipe[1] >= 0) posix_spawn_file_actions_adddup2(&files, err_pipe[1], STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // A process group of its own: a stop signal reaches the element and
  // anything it started, and the terminal's Ctrl-C reaches only `run`.
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGPIPE}) sigaddset(&defaults, signal);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  int spawn_error = ::posix_spawn(&pid, options_.executable.c_str(), &files, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attributes);
  if (spawn_error != 0) {
    std::string why = fmt::format("cannot start {}: {}", options_.executable, std::strerror(spawn_error));
    if (err_pipe[0] >= 0) {
      ::close(err_pipe[0]);
      ::close(err_pipe[1]);
    }
    p.last_exit = why;
    ToMaster({{"op", "failed"}, {"element", p.id}, {"error", why}});
    Finish(p, 0);
    return;
  }
  if (err_pipe[1] >= 0) ::close(err_pipe[1]);
  if (err_pipe[0] >= 0) ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  p.stderr_fd = err_pipe[0];
  p.pid = pid;
  p.state = HostState::kStarting;
  p.started = Clock::now();
  p.meter = ProcessLoadMeter(pid);
  p.reported_end = p.failed_on_purpose = false;
  by_pid_[pid] = p.id;
  ToMaster({{"op", "spawned"}, {"element", p.id}, {"pid", pid}, {"node", options_.node}, {"restarts", p.restarts}});
}

// ------------------------------------------------------------ hosts

void Caretaker::FromHost(const std::string& peer, const Json& message) {
  auto it = processes_.find(std::string(peer.substr(0, peer.rfind('#'))));
  if (it == processes_.end() || peer != it->second.routing_id) {
    ++malformed_;
    spdlog::debug("caretaker '{}': message from unknown host '{}'", options_.node, control::PrintableId(peer));
    return;
  }
  HostProcess& p = it->second;
  std::string op = message.value("op", "");
  if (op == "hello") {
    Json configure = {{"op", "configure"}, {"plan", p.plan}, {"ended_links", p.ended_links}};
    if (p.restarts > 0) configure["bind"] = p.endpoints;  // same addresses: nobody rewires
    control::SendTo(*hosts_, peer, configure);
    return;
  }
  Json forward = message;
  forward["element"] = p.id;
  forward["node"] = options_.node;
  forward["pid"] = p.pid;
  forward["restarts"] = p.restarts;
  if (message.contains("stats")) {
    p.load = p.meter.Sample();
    forward["stats"]["cpu_percent"] = p.load.cpu_percent;
    forward["stats"]["rss_bytes"] = p.load.rss_bytes;
  }
  if (op == "bound") {
    p.endpoints = message.value("endpoints", Json::object());
    if (p.restarts > 0 && p.connect.is_object()) {
      // A restart is wired from what the master said last time: no round
      // trip through the master (which may itself be away).
      control::SendTo(*hosts_, peer, p.connect);
      forward["restarted"] = true;
    }
  } else if (op == "started") {
    p.state = HostState::kRunning;
  } else if (op == "link_done") {
    p.ended_links.insert(message.value("link", ""));
  } else if (op == "ended" || op == "stopped") {
    p.reported_end = true;
    p.state = op == "ended" ? HostState::kEnded : HostState::kStopping;
    control::SendTo(*hosts_, peer, {{"op", "bye"}});
  } else if (op == "failed") {
    p.reported_end = true;
    p.failed_on_purpose = true;
    p.state = HostState::kFailed;
    forward["will_restart"] = !p.stopping && !shutting_down_ && WillRestart(p);
    control::SendTo(*hosts_, peer, {{"op", "bye"}});
  }
  ToMaster(forward);
}

// ------------------------------------------------------------ stderr

void Caretaker::ReadStderr(HostProcess& p, bool until_eof) {
  char buffer[65536];
  while (p.stderr_fd >= 0) {
    ssize_t n = ::read(p.stderr_fd, buffer, sizeof buffer);
    if (n > 0) {
      p.stderr_partial.append(buffer, static_cast<size_t>(n));
      size_t start = 0, newline;
      while ((newline = p.stderr_partial.find('\n', start)) != std::string::npos) {
        KeepLine(p, p.stderr_partial.substr(start, newline - start));
        start = newline + 1;
      }
      p.stderr_partial.erase(0, start);
      if (p.stderr_partial.size() > 65536) {  // a "line" that never ends is still shown
        KeepLine(p, std::move(p.stderr_partial));
        p.stderr_partial.clear();
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN && !until_eof) return;
    // EOF (or, after the exit, nothing more to come).
    if (!p.stderr_partial.empty()) KeepLine(p, std::move(p.stderr_partial));
    p.stderr_partial.clear();
    ::close(p.stderr_fd);
    p.stderr_fd = -1;
  }
}

void Caretaker::KeepLine(HostProcess& p, std::string line) {
  // Echoed whole lines at a time, so that hosts writing at once do not
  // interleave mid-line on the caretaker's own stderr (the `run` terminal).
  std::string echo = line + "\n";
  (void)!::write(STDERR_FILENO, echo.data(), echo.size());
  p.stderr_tail.push_back(std::move(line));
  if (p.stderr_tail.size() > kStderrLines) p.stderr_tail.pop_front();
}

std::vector<std::string> Caretaker::Logs(const std::string& id, size_t lines) const {
  const std::deque<std::string>* tail = nullptr;
  if (auto it = processes_.find(id); it != processes_.end()) tail = &it->second.stderr_tail;
  else if (auto done = finished_.find(id); done != finished_.end()) tail = &done->second.stderr_tail;
  if (!tail) return {};
  size_t from = tail->size() > lines ? tail->size() - lines : 0;
  return {tail->begin() + static_cast<std::ptrdiff_t>(from), tail->end()};
}

// ------------------------------------------------------------ exits and restarts

void Caretaker::Reap() {
  while (true) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) continue;
    std::string id = it->second;
    by_pid_.erase(it);
    auto process = processes_.find(id);
    if (process == processes_.end()) continue;
    HostProcess& p = process->second;
    ReadStderr(p, /*until_eof=*/true);
    // An element that said it ended (or stopped) is done, whatever its exit
    // status: restarting it would run it again from the start.
    bool said_done = p.reported_end && !p.failed_on_purpose;
    if (!(said_done && WIFEXITED(status) && WEXITSTATUS(status) == 0)) p.last_exit = DescribeExit(status);
    if (p.stopping || shutting_down_ || said_done || !WillRestart(p)) {
      Finish(p, status);
    } else {
      ScheduleRestart(p);
    }
  }
}

bool Caretaker::WillRestart(const HostProcess& p) const {
  if (p.restart == "never") return false;
  if (p.failed_on_purpose && p.restart != "always") return false;
  bool healthy = Clock::now() - p.started >= kHealthy;
  int in_a_row = healthy ? 0 : p.crashes_in_a_row;
  return in_a_row < p.restart_limit;
}

void Caretaker::ScheduleRestart(HostProcess& p) {
  Clock::time_point now = Clock::now();
  if (now - p.started >= kHealthy) p.crashes_in_a_row = 0;
  ++p.crashes_in_a_row;
  ++p.restarts;
  // The first restart is at once (a one-off crash costs milliseconds); a
  // crash loop waits longer and longer, up to kMaxBackoff.
  Milliseconds delay(0);
  if (p.crashes_in_a_row > 1) {
    int doublings = std::min(p.crashes_in_a_row - 2, 20);
    delay = std::min<Milliseconds>(Milliseconds(static_cast<int64_t>(p.backoff_ms) << doublings), kMaxBackoff);
  }
  p.restart_at = now + delay;
  p.state = HostState::kBackoff;
  p.pid = -1;
  spdlog::warn("[{}] {}; restarting it{} (restart {}, {} in a row of at most {})", p.id, p.last_exit,
               delay.count() ? fmt::format(" in {} ms", delay.count()) : "", p.restarts, p.crashes_in_a_row,
               p.restart_limit);
  p.stderr_tail.push_back(fmt::format("--- datablox: {} {}; restart {} ---", p.id, p.last_exit, p.restarts));
  if (p.stderr_tail.size() > kStderrLines) p.stderr_tail.pop_front();
  ToMaster({{"op", "restarting"}, {"element", p.id}, {"node", options_.node}, {"restarts", p.restarts},
            {"last_exit", p.last_exit}, {"delay_ms", delay.count()}});
}

void Caretaker::RestartDue() {
  Clock::time_point now = Clock::now();
  std::vector<HostProcess*> due;  // Spawn may Finish (and erase) one: not while iterating
  for (auto& [id, p] : processes_) {
    if (p.state == HostState::kBackoff && now >= p.restart_at) due.push_back(&p);
  }
  for (HostProcess* p : due) Spawn(*p);
}

void Caretaker::Finish(HostProcess& p, int status) {
  Json exited = {{"op", "exited"}, {"element", p.id}, {"node", options_.node}, {"pid", p.pid},
                 {"restarts", p.restarts}, {"last_exit", p.last_exit},
                 {"stopped", p.stopping || shutting_down_},  // we asked it to go: not a failure
                 // Its last word again: the exit alone must tell an end from a crash.
                 {"said_ended", p.reported_end && !p.failed_on_purpose && p.state == HostState::kEnded}};
  if (WIFEXITED(status)) exited["code"] = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) exited["signal"] = WTERMSIG(status);
  ToMaster(exited);
  Finished& done = finished_[p.id];
  done.exit = exited;
  done.stderr_tail = std::move(p.stderr_tail);
  done.at = Clock::now();
  if (p.stderr_fd >= 0) ::close(p.stderr_fd);
  processes_.erase(p.id);
}

void Caretaker::StopHost(HostProcess& p) {
  if (p.stopping) return;
  p.stopping = true;
  if (p.state == HostState::kBackoff || p.pid <= 0) {  // waiting to restart: it simply will not
    p.last_exit = p.last_exit.empty() ? "stopped" : p.last_exit;
    Finish(p, 0);
    return;
  }
  p.state = HostState::kStopping;
  ::kill(-p.pid, SIGTERM);  // the host's whole process group
  p.kill_at = Clock::now() + kStopGrace;
}

void Caretaker::StopHosts(const std::string& topology) {
  std::vector<std::string> ids;
  for (auto& [id, p] : processes_) {
    if (topology.empty() || p.topology == topology) ids.push_back(id);
  }
  for (const std::string& id : ids) {
    auto it = processes_.find(id);
    if (it != processes_.end()) StopHost(it->second);
  }
}

void Caretaker::KillOverdue() {
  Clock::time_point now = Clock::now();
  for (auto& [id, p] : processes_) {
    if (p.kill_at.time_since_epoch().count() != 0 && now >= p.kill_at && p.pid > 0) {
      spdlog::warn("caretaker '{}': '{}' ignored SIGTERM for {} s; killing it", options_.node, id,
                   std::chrono::duration_cast<std::chrono::seconds>(kStopGrace).count());
      ::kill(-p.pid, SIGKILL);
      p.kill_at = now + std::chrono::hours(24);
    }
  }
}

// ------------------------------------------------------------ reporting

Json Caretaker::ElementJson(const HostProcess& p) const {
  return {{"element", p.id},
          {"pid", p.pid},
          {"state", StateName(p.state)},
          {"restarts", p.restarts},
          {"last_exit", p.last_exit},
          {"cpu_percent", p.load.cpu_percent},
          {"rss_bytes", p.load.rss_bytes},
          {"age_s", std::chrono::duration<double>(Clock::now() - p.started).count()},
          {"endpoints", p.endpoints},
          {"ended_links", p.ended_links}};
}

void Caretaker::Heartbeat() {
  Clock::time_point now = Clock::now();
  next_heartbeat_ = now + kHeartbeat;
  node_load_ = node_meter_.Sample();
  std::erase_if(finished_, [&](const auto& entry) { return now - entry.second.at > kFinishedKept; });
  // The whole state, every time: a master that restarted re-adopts from it.
  Json elements = Json::array();
  for (const auto& [id, p] : processes_) elements.push_back(ElementJson(p));
  Json finished = Json::array();
  for (const auto& [id, done] : finished_) finished.push_back(done.exit);
  ToMaster({{"op", "heartbeat"},
            {"node", options_.node},
            {"cores", cores_},
            {"memory_mb", memory_mb_},
            {"address", options_.bind_host},
            {"cpu_percent", node_load_.cpu_percent},
            {"memory_used_mb", node_load_.memory_used_mb},
            {"elements", elements},
            {"finished", finished},
            {"malformed", malformed_},
            {"to_master", OutboxJson()}});
}

Json Caretaker::StatusJson() const {
  Json elements = Json::array();
  for (const auto& [id, p] : processes_) elements.push_back(ElementJson(p));
  for (const auto& [id, done] : finished_) {
    Json e = {{"element", id}, {"pid", done.exit.value("pid", 0)}, {"state", "exited"},
              {"restarts", done.exit.value("restarts", 0)}, {"last_exit", done.exit.value("last_exit", "")}};
    elements.push_back(e);
  }
  double heard = last_heard_master_.time_since_epoch().count() == 0
                     ? -1.0
                     : std::chrono::duration<double>(Clock::now() - last_heard_master_).count();
  return {{"ok", true},
          {"node", options_.node},
          {"address", options_.bind_host},
          {"pid", ::getpid()},
          {"master", {{"endpoint", options_.master_endpoint},
                      {"connected", heard >= 0 && heard < 3 * std::chrono::duration<double>(kHeartbeat).count()},
                      {"last_heard_s", heard}}},
          {"cpu_percent", node_load_.cpu_percent},
          {"memory_used_mb", node_load_.memory_used_mb},
          {"memory_mb", memory_mb_},
          {"cores", cores_},
          {"malformed", malformed_},
          {"to_master", OutboxJson()},
          {"elements", elements}};
}

void Caretaker::FromClient(const std::string& peer, const Json& message) {
  std::string op = message.value("op", "");
  Json reply;
  if (op == "status") {
    reply = StatusJson();
  } else if (op == "logs") {
    std::string id = message.value("element", "");
    if (!processes_.count(id) && !finished_.count(id)) {
      reply = {{"ok", false}, {"error", fmt::format("node '{}' runs no element '{}'", options_.node, id)}};
    } else {
      reply = {{"ok", true}, {"element", id}, {"lines", Logs(id, message.value("lines", 50))}};
    }
  } else {
    reply = {{"ok", false}, {"error", fmt::format("unknown request '{}'", op)}};
  }
  control::SendTo(*clients_, peer, reply);
}

}  // namespace

std::string DefaultCaretakerControl(const std::string& node) {
  return fmt::format("ipc:///tmp/datablox-{}/caretaker-{}.ipc", ::getuid(), node);
}

int RunCaretaker(const CaretakerOptions& options) {
  Caretaker caretaker(options);
  return caretaker.Run();
}

}  // namespace datablox
