#include "runtime/caretaker/caretaker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <map>
#include <thread>

#include "runtime/caretaker/process_load.h"
#include "runtime/core/control.h"

namespace datablox {
namespace {

using Clock = std::chrono::steady_clock;
using control::Json;

volatile std::sig_atomic_t g_shutdown = 0;
void OnShutdownSignal(int) { g_shutdown = 1; }

constexpr auto kHeartbeat = std::chrono::milliseconds(500);
constexpr auto kStopGrace = std::chrono::seconds(2);

struct HostProcess {
  std::string id;  // "topology/element"
  std::string topology;
  Json plan;
  pid_t pid = -1;
  Clock::time_point started;
  ProcessLoadMeter meter{0};
  ProcessLoad load;
  bool reported_end = false;  // the host said ended / failed / stopped
  Clock::time_point kill_at{};  // SIGKILL if still alive then
};

class Caretaker {
 public:
  explicit Caretaker(const CaretakerOptions& options) : options_(options) {}
  int Run();

 private:
  void Spawn(const Json& plan);
  void FromMaster(const Json& message);
  void FromHost(const std::string& peer, const Json& message);
  void Reap();
  void StopHosts(const std::string& topology);  // "" : all of them
  void KillOverdue();
  void Heartbeat();

  CaretakerOptions options_;
  zmq::context_t zmq_{1};
  std::unique_ptr<zmq::socket_t> master_, hosts_;
  std::string hosts_endpoint_;
  std::map<std::string, HostProcess> processes_;  // by id
  std::map<pid_t, std::string> by_pid_;
  Clock::time_point next_heartbeat_ = Clock::now();
  bool shutting_down_ = false;
  uint64_t malformed_ = 0;
};

int Caretaker::Run() {
  std::signal(SIGTERM, OnShutdownSignal);
  std::signal(SIGINT, OnShutdownSignal);
  std::signal(SIGPIPE, SIG_IGN);
  hosts_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
  hosts_->set(zmq::sockopt::router_mandatory, 1);
  hosts_->set(zmq::sockopt::linger, 0);
  hosts_->bind(fmt::format("tcp://{}:*", options_.bind_host));
  hosts_endpoint_ = control::LastEndpoint(*hosts_);

  master_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
  master_->set(zmq::sockopt::routing_id, "node:" + options_.node);
  master_->set(zmq::sockopt::linger, 1000);
  master_->connect(options_.master_endpoint);
  unsigned cores = std::thread::hardware_concurrency();
  uint64_t memory = static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  control::Send(*master_, {{"op", "join"}, {"node", options_.node}, {"cores", cores},
                           {"memory_mb", memory >> 20}, {"pid", ::getpid()}});
  spdlog::debug("caretaker '{}' joined {}", options_.node, options_.master_endpoint);

  zmq::pollitem_t items[2] = {{master_->handle(), 0, ZMQ_POLLIN, 0}, {hosts_->handle(), 0, ZMQ_POLLIN, 0}};
  while (true) {
    if (g_shutdown && !shutting_down_) {
      shutting_down_ = true;
      StopHosts("");
    }
    if (shutting_down_ && processes_.empty()) break;
    control::Poll(items, 2, std::chrono::milliseconds(50));
    if (items[0].revents & ZMQ_POLLIN) {
      Json message;
      Status st;
      while (!(st = control::TryReceive(*master_, &message)).IsNotFound()) {
        if (st.ok()) FromMaster(message);
        else ++malformed_;
      }
    }
    if (items[1].revents & ZMQ_POLLIN) {
      std::string peer;
      Json message;
      Status st;
      while (!(st = control::TryReceiveFrom(*hosts_, &peer, &message)).IsNotFound()) {
        if (st.ok()) FromHost(peer, message);
        else ++malformed_;
      }
    }
    Reap();
    KillOverdue();
    if (Clock::now() >= next_heartbeat_) Heartbeat();
  }
  control::Send(*master_, {{"op", "left"}, {"node", options_.node}});
  return 0;
}

void Caretaker::FromMaster(const Json& message) {
  std::string op = message.value("op", "");
  if (op == "spawn") {
    Spawn(message["plan"]);
  } else if (op == "connect") {
    std::string id = message.value("element", "");
    if (!control::SendTo(*hosts_, id, message)) {
      spdlog::warn("caretaker '{}': cannot reach element '{}' to connect it", options_.node, id);
    }
  } else if (op == "handler") {
    std::string id = message.value("element", "");
    if (!control::SendTo(*hosts_, id, message)) {
      control::Send(*master_, {{"op", "handler_reply"}, {"element", id}, {"request", message.value("request", 0)},
                               {"error", "element not running"}});
    }
  } else if (op == "drain") {
    std::string topology = message.value("topology", "");
    for (const auto& [id, p] : processes_) {
      if (p.topology == topology) control::SendTo(*hosts_, id, message);
    }
  } else if (op == "stop") {
    StopHosts(message.value("topology", ""));
  } else if (op == "shutdown") {
    g_shutdown = 1;
  }
}

void Caretaker::Spawn(const Json& plan) {
  std::string topology = plan.value("topology", "");
  std::string id = topology + "/" + plan.value("name", "");
  if (processes_.count(id)) {
    spdlog::warn("caretaker '{}': '{}' is running already", options_.node, id);
    return;
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    control::Send(*master_, {{"op", "failed"}, {"element", id}, {"error", fmt::format("fork: {}", std::strerror(errno))}});
    return;
  }
  if (pid == 0) {
    // A process group of its own: a stop signal reaches the element and
    // anything it started, and the terminal's Ctrl-C reaches only `run`.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // no orphan if the caretaker dies
    if (::getppid() != parent) ::_exit(3);
    std::vector<std::string> args = {options_.executable, "host", "--caretaker", hosts_endpoint_,
                                     "--element", id, "--bind", options_.bind_host};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(options_.executable.c_str(), argv.data());
    std::fprintf(stderr, "cannot start %s: %s\n", options_.executable.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  HostProcess& p = processes_[id];
  p.id = id;
  p.topology = topology;
  p.plan = plan;
  p.pid = pid;
  p.started = Clock::now();
  p.meter = ProcessLoadMeter(pid);
  by_pid_[pid] = id;
  control::Send(*master_, {{"op", "spawned"}, {"element", id}, {"pid", pid}, {"node", options_.node}});
}

void Caretaker::FromHost(const std::string& peer, const Json& message) {
  auto it = processes_.find(peer);
  if (it == processes_.end()) {
    ++malformed_;
    spdlog::warn("caretaker '{}': message from unknown host '{}'", options_.node, peer);
    return;
  }
  HostProcess& p = it->second;
  std::string op = message.value("op", "");
  if (op == "hello") {
    control::SendTo(*hosts_, peer, {{"op", "configure"}, {"plan", p.plan}});
    return;
  }
  Json forward = message;
  forward["element"] = peer;
  forward["node"] = options_.node;
  forward["pid"] = p.pid;
  if (message.contains("stats")) {
    p.load = p.meter.Sample();
    forward["stats"]["cpu_percent"] = p.load.cpu_percent;
    forward["stats"]["rss_bytes"] = p.load.rss_bytes;
  }
  if (op == "ended" || op == "failed" || op == "stopped") {
    p.reported_end = true;
    control::SendTo(*hosts_, peer, {{"op", "bye"}});
  }
  control::Send(*master_, forward);
}

void Caretaker::Reap() {
  while (true) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) continue;
    std::string id = it->second;
    by_pid_.erase(it);
    Json exited = {{"op", "exited"}, {"element", id}, {"node", options_.node}, {"pid", pid}};
    if (WIFEXITED(status)) exited["code"] = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exited["signal"] = WTERMSIG(status);
    control::Send(*master_, exited);
    processes_.erase(id);
  }
}

void Caretaker::StopHosts(const std::string& topology) {
  for (auto& [id, p] : processes_) {
    if (!topology.empty() && p.topology != topology) continue;
    if (p.kill_at.time_since_epoch().count() != 0) continue;  // already stopping
    ::kill(-p.pid, SIGTERM);  // the host's whole process group
    p.kill_at = Clock::now() + kStopGrace;
  }
}

void Caretaker::KillOverdue() {
  Clock::time_point now = Clock::now();
  for (auto& [id, p] : processes_) {
    if (p.kill_at.time_since_epoch().count() != 0 && now >= p.kill_at) {
      spdlog::warn("caretaker '{}': '{}' ignored SIGTERM for {} s; killing it", options_.node, id,
                   std::chrono::duration_cast<std::chrono::seconds>(kStopGrace).count());
      ::kill(-p.pid, SIGKILL);
      p.kill_at = now + std::chrono::hours(24);
    }
  }
}

void Caretaker::Heartbeat() {
  next_heartbeat_ = Clock::now() + kHeartbeat;
  Json elements = Json::array();
  for (const auto& [id, p] : processes_) elements.push_back({{"element", id}, {"pid", p.pid}});
  control::Send(*master_, {{"op", "heartbeat"}, {"node", options_.node}, {"elements", elements},
                           {"malformed", malformed_}});
}

}  // namespace

int RunCaretaker(const CaretakerOptions& options) {
  Caretaker caretaker(options);
  return caretaker.Run();
}

}  // namespace datablox
