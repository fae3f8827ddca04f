#include "runtime/caretaker/caretaker.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "runtime/caretaker/caretaker_impl.h"

#include "runtime/auth/keys.h"
#include "runtime/core/exit_codes.h"

namespace datablox {
namespace {

using Milliseconds = std::chrono::milliseconds;

volatile std::sig_atomic_t g_shutdown = 0;
int g_child_pipe[2] = {-1, -1};  // SIGCHLD wakes the loop at once: a crash is restarted in ms, not at the next tick
void OnShutdownSignal(int) { g_shutdown = 1; }
void OnChildSignal(int) {
  int saved = errno;
  char byte = 0;
  (void)!::write(g_child_pipe[1], &byte, 1);
  errno = saved;
}

// The poll items before the hosts' stderr pipes.
enum PollSlot { kMasterSlot, kHostsSlot, kClientsSlot, kChildSignalSlot, kFirstStderrSlot };

}  // namespace

void RequestCaretakerShutdown() { g_shutdown = 1; }

Status Caretaker::BindSockets() {
  hosts_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
  hosts_->set(zmq::sockopt::router_mandatory, 1);
  hosts_->set(zmq::sockopt::router_handover, 0);  // ids carry a spawn's token: nothing to hand over
  hosts_->set(zmq::sockopt::linger, 0);
  try {
    hosts_->bind(fmt::format("tcp://{}:*", options_.bind_host));
  } catch (const zmq::error_t& e) {
    return Status::Unavailable(fmt::format("cannot bind on {}: {}", options_.bind_host, e.what()));
  }
  hosts_endpoint_ = control::LastEndpoint(*hosts_);

  // The status service answers `datablox caretaker status` on this machine,
  // with or without a master.
  std::string control_endpoint =
      options_.control_endpoint.empty() ? DefaultCaretakerControl(options_.node) : options_.control_endpoint;
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
  return Status::OK();
}

int Caretaker::LoadKeys(auth::ClientKeys* keys) const {
  if (options_.secret_key.empty() && options_.master_key.empty()) return exit_code::kOk;
  if (options_.secret_key.empty() || options_.master_key.empty()) {
    spdlog::error("caretaker '{}': give both its own key (--secret-key) and the master's (--master-key), or --keys DIR",
                  options_.node);
    return exit_code::kUsage;
  }
  auth::Certificate own;
  Status st = auth::ReadSecretCertificate(options_.secret_key, &own);
  if (st.ok()) st = auth::LoadClientKeys(options_.secret_key, options_.master_key, keys);
  if (!st.ok()) {
    spdlog::error("caretaker '{}': {}", options_.node, st.message());
    return st.code() == Status::Code::kPermissionDenied ? exit_code::kPrivileges : exit_code::kNoInput;
  }
  // The master binds the key to the node name its certificate gives: a
  // different --node would be refused on every message.
  auto name = own.metadata.find("name");
  if (name != own.metadata.end() && name->second != options_.node) {
    spdlog::error("caretaker '{}': {} is the key of node '{}': start this caretaker with --node {}", options_.node,
                  options_.secret_key, name->second, name->second);
    return exit_code::kUsage;
  }
  return exit_code::kOk;
}

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

  class_folders_ = ClassFolders::FromFlagsAndEnvironment(options_.class_path);
  if (!options_.run_as.empty()) {
    UserIds ids;
    Status st = LookUpUser(options_.run_as, &ids);
    if (st.ok()) st = CanRunAs(ids);
    if (!st.ok()) {
      spdlog::error("caretaker '{}': --run-as: {}", options_.node, st.message());
      return exit_code::kUsage;
    }
    run_as_ = ids;
  }
  spdlog::debug("caretaker '{}': class folders allowed: {}{}", options_.node, class_folders_.Describe(),
                run_as_ ? fmt::format("; element hosts run as {} (uid {})", run_as_->name, run_as_->uid) : "");
  if (Status st = BindSockets(); !st.ok()) {
    spdlog::error("caretaker '{}': {}", options_.node, st.message());
    return exit_code::kUnavailable;
  }
  cores_ = std::max(1u, std::thread::hardware_concurrency());
  memory_mb_ =
      (static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))) >> 20;
  auth::ClientKeys keys;
  if (int code = LoadKeys(&keys); code != exit_code::kOk) return code;
  master_ = std::make_unique<MasterLink>(zmq_, NodeFacts{options_.node, options_.bind_host, cores_, memory_mb_},
                                         options_.master_endpoint, keys);
  node_load_ = node_meter_.Sample();
  master_->Join(::getpid());
  spdlog::debug("caretaker '{}' joining {}", options_.node, options_.master_endpoint);

  while (true) {
    if (g_shutdown && !shutting_down_) {
      shutting_down_ = true;
      StopHosts("");
    }
    if (shutting_down_ && processes_.empty()) break;
    PollOnce();
    Reap();
    RestartDue();
    KillOverdue();
    if (Clock::now() >= next_heartbeat_) Heartbeat();
    master_->Flush();
  }
  master_->Leave(std::chrono::seconds(1));
  return exit_code::kOk;
}

void Caretaker::PollOnce() {
  poll_items_.clear();
  stderr_owners_.clear();
  poll_items_.push_back(master_->PollItem());
  poll_items_.push_back({hosts_->handle(), 0, ZMQ_POLLIN, 0});
  poll_items_.push_back({clients_ ? clients_->handle() : nullptr, 0, static_cast<short>(clients_ ? ZMQ_POLLIN : 0), 0});
  poll_items_.push_back({nullptr, g_child_pipe[0], ZMQ_POLLIN, 0});
  for (auto& [id, p] : processes_) {
    if (p.stderr_fd < 0) continue;
    poll_items_.push_back({nullptr, p.stderr_fd, ZMQ_POLLIN, 0});
    stderr_owners_.push_back(&p);
  }
  control::Poll(poll_items_.data(), poll_items_.size(), control::TimeoutUntil(NextWake(), Milliseconds(100)));
  if (poll_items_[kMasterSlot].revents & ZMQ_POLLIN) {
    malformed_ +=
        master_->ReceiveAll([&](const Json& message) { Guarded("the master", [&] { FromMaster(message); }); });
  }
  if (poll_items_[kHostsSlot].revents & ZMQ_POLLIN) {
    std::string peer;
    Json message;
    Status st;
    while (!(st = control::TryReceiveFrom(*hosts_, &peer, &message)).IsNotFound()) {
      if (st.ok()) Guarded("a host", [&] { FromHost(peer, message); });
      else ++malformed_;
    }
  }
  if (clients_ && (poll_items_[kClientsSlot].revents & ZMQ_POLLIN)) {
    std::string peer;
    Json message;
    Status st;
    while (!(st = control::TryReceiveFrom(*clients_, &peer, &message)).IsNotFound()) {
      if (st.ok()) {
        Guarded("a client", [&] { FromClient(peer, message); });
      } else {
        ++malformed_;
        control::SendTo(*clients_, peer, control::ToJson(control::Refusal{st.message(), {}}));
      }
    }
  }
  if (poll_items_[kChildSignalSlot].revents & ZMQ_POLLIN) {
    char drain[64];
    while (::read(g_child_pipe[0], drain, sizeof drain) > 0) {
    }
  }
  for (size_t i = 0; i < stderr_owners_.size(); ++i) {
    if (poll_items_[kFirstStderrSlot + i].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) {
      HostProcess& p = *stderr_owners_[i];
      ReadStderrPipe(&p.stderr_fd, /*until_eof=*/false, p.stderr_tail);
    }
  }
}

void Caretaker::Malformed(const char* from, const Status& why) {
  ++malformed_;
  uint64_t suppressed = 0;
  if (warnings_.Allow(from, Clock::now(), &suppressed)) {  // a flood must not flood the log
    spdlog::warn("caretaker '{}': malformed message from {}: {} ({} malformed in all{})", options_.node, from,
                 why.message(), malformed_, suppressed ? fmt::format(", {} more like it not shown", suppressed) : "");
  }
}

Caretaker::Clock::time_point Caretaker::NextWake() const {
  Clock::time_point wake = next_heartbeat_;
  for (const auto& [id, p] : processes_) {
    if (p.state == HostState::kBackoff) wake = std::min(wake, p.restart_at);
    if (p.kill_at.time_since_epoch().count() != 0) wake = std::min(wake, p.kill_at);
  }
  return wake;
}

std::string DefaultCaretakerControl(const std::string& node) {
  return fmt::format("ipc:///tmp/datablox-{}/caretaker-{}.ipc", ::getuid(), node);
}

int RunCaretaker(const CaretakerOptions& options) {
  Caretaker caretaker(options);
  return caretaker.Run();
}

}  // namespace datablox
