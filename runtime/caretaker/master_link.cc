#include "runtime/caretaker/master_link.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <random>

namespace datablox {

using control::Json;

std::string OutboxKey(const Json& message) {
  control::Op op;
  if (!control::ReadOp(message, &op).ok()) return "";
  if (op == control::Op::kHeartbeat) return std::string(control::OpName(op));
  if (op == control::Op::kStats) return fmt::format("{} {}", control::OpName(op), message.value("element", ""));
  return "";
}

MasterLink::MasterLink(zmq::context_t& zmq, NodeFacts facts, const std::string& endpoint, const auth::ClientKeys& keys)
    : facts_(std::move(facts)), endpoint_(endpoint), socket_(zmq, zmq::socket_type::dealer) {
  // A token of this life in the routing id: the master's socket hands no id
  // over, so a peer claiming ours cannot cut us off, nor we a later life.
  std::random_device entropy;
  socket_.set(zmq::sockopt::routing_id, fmt::format("node:{}#{:08x}{:08x}", facts_.node, entropy(), entropy()));
  socket_.set(zmq::sockopt::linger, 1000);
  socket_.set(zmq::sockopt::reconnect_ivl, 100);
  if (const char* hwm = std::getenv("DATABLOX_TEST_CONTROL_SNDHWM")) {
    socket_.set(zmq::sockopt::sndhwm, std::atoi(hwm));  // tests: a queue to the master that is full at once
  }
  auth::MakeCurveClient(socket_, keys);
  handshakes_ = std::make_unique<auth::HandshakeWatch>(zmq, socket_, keys.enabled());
  socket_.connect(endpoint_);
}

const std::string& MasterLink::CheckHandshake() {
  Status st = handshakes_->Check();
  std::string now = st.ok() ? "" : st.message();
  if (now != refused_) {
    if (now.empty()) spdlog::info("caretaker '{}': the master at {} lets us in now", facts_.node, endpoint_);
    else spdlog::error("caretaker '{}': the master at {} refuses us: {} (trying again)", facts_.node, endpoint_, now);
    refused_ = now;
  }
  return refused_;
}

Outbox::TrySend MasterLink::SendNow() {
  return [this](std::string_view frame) {
    try {
      return socket_.send(zmq::buffer(frame), zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t&) {
      return false;
    }
  };
}

void MasterLink::SendJson(const Json& message) {
  outbox_.Send(control::Serialize(message), SendNow(), OutboxKey(message));
}

void MasterLink::Flush() { outbox_.Flush(SendNow()); }

void MasterLink::Join(int pid) {
  control::Join join;
  join.node = facts_.node;
  join.figures.cores = static_cast<int>(facts_.cores);
  join.figures.memory_mb = facts_.memory_mb;
  join.figures.address = facts_.address;
  join.pid = pid;
  Send(join);
}

void MasterLink::Heartbeat(const NodeLoad& load, std::vector<control::RunningElement> elements,
                           std::vector<control::Exited> finished, uint64_t malformed) {
  control::Heartbeat heartbeat;
  heartbeat.node = facts_.node;
  heartbeat.figures.cores = static_cast<int>(facts_.cores);
  heartbeat.figures.memory_mb = facts_.memory_mb;
  heartbeat.figures.address = facts_.address;
  heartbeat.figures.cpu_percent = load.cpu_percent;
  heartbeat.figures.memory_used_mb = load.memory_used_mb;
  heartbeat.elements = std::move(elements);
  heartbeat.finished = std::move(finished);
  heartbeat.malformed = malformed;
  heartbeat.to_master = OutboxFigures();
  Send(heartbeat);
}

void MasterLink::Leave(std::chrono::milliseconds linger) {
  Send(control::Left{facts_.node});
  // What still waits gets the socket's linger time to go, then is lost.
  for (auto until = Clock::now() + linger; outbox_.waiting() && Clock::now() < until;) {
    zmq::pollitem_t writable{socket_.handle(), 0, ZMQ_POLLOUT, 0};
    control::Poll(&writable, 1, std::chrono::milliseconds(50));
    Flush();
  }
  if (outbox_.waiting()) {
    spdlog::warn("caretaker '{}': {} messages to the master not sent", facts_.node, outbox_.waiting());
  }
}

uint64_t MasterLink::ReceiveAll(const std::function<void(const Json&)>& handle) {
  uint64_t malformed = 0;
  Json message;
  Status st;
  while (!(st = control::TryReceive(socket_, &message)).IsNotFound()) {
    last_heard_ = Clock::now();
    if (st.ok()) handle(message);
    else ++malformed;
  }
  return malformed;
}

zmq::pollitem_t MasterLink::PollItem() {
  // Woken as soon as the master's queue has room for what waits.
  return {socket_.handle(), 0, static_cast<short>(ZMQ_POLLIN | (outbox_.waiting() ? ZMQ_POLLOUT : 0)), 0};
}

control::MasterLinkStatus MasterLink::LinkStatus(Clock::time_point now) const {
  double heard =
      last_heard_.time_since_epoch().count() == 0 ? -1.0 : std::chrono::duration<double>(now - last_heard_).count();
  return {endpoint_, heard >= 0 && heard < 3 * std::chrono::duration<double>(kHeartbeatInterval).count(), heard,
          refused_};
}

control::OutboxFigures MasterLink::OutboxFigures() const {
  return {outbox_.waiting(), outbox_.deferred(), outbox_.dropped()};
}

}  // namespace datablox
