#include "runtime/auth/zap_guard.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <zmq.h>

#include <chrono>
#include <cstring>

#include "runtime/core/control.h"
#include "runtime/core/warning_limiter.h"

namespace datablox::auth {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr auto kReloadEvery = std::chrono::seconds(1);
constexpr size_t kRecentRefusals = 8;
// ZAP requests have 7 frames for CURVE; more is garbage, not read into memory.
constexpr size_t kMaxRequestFrames = 16;

std::string Z85(const zmq::message_t& key) {
  char text[41];
  if (key.size() != 32 || !zmq_z85_encode(text, static_cast<const uint8_t*>(key.data()), 32)) return "";
  return text;
}

// Why a handshake failed before ZAP was asked, as a person would say it.
std::string HandshakeFailure(uint16_t event, uint32_t value) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
    if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) return "no CURVE keys (the peer speaks without them)";
    if (value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
      return "a CURVE handshake that does not decrypt (the peer holds the wrong server key)";
    return fmt::format("a broken handshake (ZMTP protocol error 0x{:x})", value);
  }
  return "a peer that hung up in the handshake (no keys, or not this server's key)";
}

// The daemon's own keys are not the operators its allow-list names.
int OwnOperators(const std::vector<AllowedPeer>& own) {
  int n = 0;
  for (const AllowedPeer& peer : own) n += peer.kind == PeerKind::kOperator;
  return n;
}

}  // namespace

ZapGuard::ZapGuard(zmq::context_t& zmq, std::string allow_path, std::vector<AllowedPeer> own)
    : zmq_(zmq), allow_path_(std::move(allow_path)), own_(std::move(own)), handler_(zmq, zmq::socket_type::rep) {}

Status ZapGuard::Start(zmq::context_t& zmq, const std::string& allow_path, std::vector<AllowedPeer> own,
                       std::unique_ptr<ZapGuard>* guard) {
  std::unique_ptr<ZapGuard> g(new ZapGuard(zmq, allow_path, std::move(own)));
  AllowList list;
  if (!allow_path.empty()) {
    if (Status st = AllowList::Load(allow_path, &list); !st.ok()) return st;
  }
  for (const AllowedPeer& peer : g->own_) list.Add(peer);
  for (const std::string& e : list.errors()) spdlog::warn("allow-list: {} (left out)", e);
  if (!allow_path.empty()) g->fingerprint_ = AllowListFingerprint(allow_path);
  g->figures_.allow_path = allow_path;
  g->figures_.caretakers = list.caretakers();
  g->figures_.operators = list.operators() - OwnOperators(g->own_);
  g->figures_.allow_errors = list.errors();
  g->list_ = std::move(list);
  g->handler_.set(zmq::sockopt::linger, 0);
  try {
    g->handler_.bind(kZapEndpoint);
  } catch (const zmq::error_t& e) {
    return Status::Unavailable(fmt::format("cannot start the ZAP handler: {}", e.what()));
  }
  g->thread_ = std::thread([raw = g.get()] { raw->Run(); });
  *guard = std::move(g);
  return Status::OK();
}

ZapGuard::~ZapGuard() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Status ZapGuard::Protect(zmq::socket_t& server, const std::string& secret_key, const std::string& domain) {
  try {
    server.set(zmq::sockopt::curve_server, 1);
    server.set(zmq::sockopt::curve_secretkey, secret_key);
    server.set(zmq::sockopt::zap_domain, domain);
  } catch (const zmq::error_t& e) {
    return Status::Unavailable(fmt::format("cannot make a CURVE server: {}", e.what()));
  }
  // Refuses a handshake when the handler is gone, where libzmq would let it
  // in; a draft option, so not every libzmq has it.
  int enforce = 1;
  (void)zmq_setsockopt(server.handle(), 93 /* ZMQ_ZAP_ENFORCE_DOMAIN */, &enforce, sizeof enforce);
  std::lock_guard<std::mutex> lock(mutex_);
  std::string endpoint =
      fmt::format("inproc://datablox-zap-monitor-{}-{}", static_cast<void*>(this), monitor_endpoints_.size());
  // NO_DETAIL too: a peer without keys that sees the server's greeting first
  // hangs up, and this side sees only that.
  if (zmq_socket_monitor(server.handle(), endpoint.c_str(),
                         ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) != 0)
    return Status::Unavailable(fmt::format("cannot watch handshakes: {}", zmq_strerror(zmq_errno())));
  monitor_endpoints_.push_back(endpoint);
  return Status::OK();
}

GuardFigures ZapGuard::figures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return figures_;
}

void ZapGuard::Run() {
  std::vector<std::unique_ptr<zmq::socket_t>> monitors;
  auto next_reload = std::chrono::steady_clock::now() + kReloadEvery;
  while (!stop_) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (monitors.size() < monitor_endpoints_.size()) {
        auto monitor = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::pair);
        monitor->set(zmq::sockopt::linger, 0);
        monitor->connect(monitor_endpoints_[monitors.size()]);
        monitors.push_back(std::move(monitor));
      }
    }
    std::vector<zmq::pollitem_t> items{{handler_.handle(), 0, ZMQ_POLLIN, 0}};
    for (auto& m : monitors) items.push_back({m->handle(), 0, ZMQ_POLLIN, 0});
    control::Poll(items.data(), items.size(), std::chrono::milliseconds(100));
    if (items[0].revents & ZMQ_POLLIN) Answer();
    for (size_t i = 0; i < monitors.size(); ++i) {
      if (items[i + 1].revents & ZMQ_POLLIN) CountFailedHandshake(*monitors[i]);
    }
    if (std::chrono::steady_clock::now() >= next_reload) {
      next_reload = std::chrono::steady_clock::now() + kReloadEvery;
      ReloadIfChanged();
    }
  }
  monitors.clear();
  // Unbound at once (closing alone frees the ZAP endpoint later, on
  // libzmq's reaper thread): a guard started next in this context binds it.
  try {
    handler_.unbind(kZapEndpoint);
  } catch (const zmq::error_t&) {
  }
  handler_.close();
}

void ZapGuard::Answer() {
  std::vector<zmq::message_t> frames;
  bool more = true;
  while (more) {
    zmq::message_t frame;
    if (!handler_.recv(frame, zmq::recv_flags::dontwait)) break;
    more = frame.more();
    if (frames.size() < kMaxRequestFrames) frames.push_back(std::move(frame));
  }
  auto reply = [&](const char* code, const std::string& text, const std::string& user_id) {
    const std::string request_id = frames.size() > 1 ? frames[1].to_string() : "";
    handler_.send(zmq::str_buffer("1.0"), zmq::send_flags::sndmore);
    handler_.send(zmq::buffer(request_id), zmq::send_flags::sndmore);
    handler_.send(zmq::buffer(std::string_view(code)), zmq::send_flags::sndmore);
    handler_.send(zmq::buffer(text), zmq::send_flags::sndmore);
    handler_.send(zmq::buffer(user_id), zmq::send_flags::sndmore);
    handler_.send(zmq::message_t(), zmq::send_flags::none);
  };
  if (frames.size() < 6 || frames[0].to_string_view() != "1.0") {
    Refused("?", "a malformed ZAP request", false);
    return reply("500", "malformed ZAP request", "");
  }
  const std::string address = frames[3].to_string();
  if (frames[5].to_string_view() != "CURVE" || frames.size() < 7) {
    Refused(address, "no CURVE keys", false);
    return reply("400", "CURVE keys required", "");
  }
  const std::string key = Z85(frames[6]);
  std::string user_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const AllowedPeer* peer = list_.Find(key);
    if (peer && (peer->only_domain.empty() || peer->only_domain == frames[2].to_string_view())) {
      user_id = UserId(*peer);
      ++figures_.accepted;
    }
  }
  if (user_id.empty()) {
    Refused(address,
            fmt::format("key {}... is not in the allow-list{}", key.substr(0, 8),
                        frames[2].size() ? fmt::format(" (of {})", frames[2].to_string_view()) : ""),
            true);
    return reply("400", "key not allowed", "");
  }
  reply("200", "OK", user_id);
}

void ZapGuard::CountFailedHandshake(zmq::socket_t& monitor) {
  zmq::message_t event, address;
  if (!monitor.recv(event, zmq::recv_flags::dontwait)) return;
  if (event.more()) (void)monitor.recv(address, zmq::recv_flags::dontwait);
  if (event.size() < 6) return;
  uint16_t id;
  uint32_t value;
  std::memcpy(&id, event.data(), 2);
  std::memcpy(&value, static_cast<const char*>(event.data()) + 2, 4);
  // A hang-up is also what a peer that merely stops in the middle of a
  // handshake looks like (a caretaker shutting down): counted, said quietly.
  Refused(address.to_string(), HandshakeFailure(id, value), false, id == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
}

void ZapGuard::Refused(const std::string& address, const std::string& why, bool by_key, bool quietly) {
  static WarningLimiter limiter(std::chrono::seconds(5));
  uint64_t suppressed = 0;
  uint64_t total;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    (by_key ? figures_.refused_keys : figures_.refused_handshakes)++;
    total = figures_.refused_keys + figures_.refused_handshakes;
    figures_.recent_refusals.push_back(fmt::format("{}: {}", control::PrintableId(address), why));
    if (figures_.recent_refusals.size() > kRecentRefusals)
      figures_.recent_refusals.erase(figures_.recent_refusals.begin());
  }
  if (limiter.Allow(quietly ? "hung up" : "refused", std::chrono::steady_clock::now(), &suppressed))
    spdlog::log(quietly ? spdlog::level::info : spdlog::level::warn, "refused a peer at {}: {} ({} refused in all{})",
                control::PrintableId(address), why, total,
                suppressed ? fmt::format(", {} more not shown", suppressed) : "");
}

void ZapGuard::ReloadIfChanged() {
  if (allow_path_.empty()) return;
  std::string fingerprint = AllowListFingerprint(allow_path_);
  if (fingerprint == fingerprint_) return;
  fingerprint_ = fingerprint;
  AllowList list;
  if (Status st = AllowList::Load(allow_path_, &list); !st.ok()) {
    // A directory being replaced: the keys allowed so far stay allowed.
    spdlog::warn("allow-list: {}; the keys loaded before stay allowed", st.message());
    return;
  }
  for (const AllowedPeer& peer : own_) list.Add(peer);
  for (const std::string& e : list.errors()) spdlog::warn("allow-list: {} (left out)", e);
  spdlog::info("allow-list {} loaded again: {} caretaker and {} operator keys", allow_path_, list.caretakers(),
               list.operators() - OwnOperators(own_));
  std::lock_guard<std::mutex> lock(mutex_);
  figures_.caretakers = list.caretakers();
  figures_.operators = list.operators() - OwnOperators(own_);
  figures_.allow_errors = list.errors();
  ++figures_.reloads;
  list_ = std::move(list);
}

}  // namespace datablox::auth
