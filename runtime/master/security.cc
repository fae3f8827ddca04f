// The master's keys (runtime/auth): its CURVE server socket, the ZAP guard
// that lets in only the allow-list's keys, and the rule (control_access.h)
// each message from a known key must still pass.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/auth/keys.h"
#include "runtime/core/exit_codes.h"
#include "runtime/master/control_access.h"
#include "runtime/master/master_daemon.h"

namespace datablox::master {
namespace {

constexpr size_t kRecentDenials = 8;

// Loopback and ipc endpoints are reachable from this machine only.
bool LocalOnly(const std::string& endpoint) {
  return endpoint.rfind("ipc://", 0) == 0 || endpoint.rfind("inproc://", 0) == 0 ||
         endpoint.rfind("tcp://127.", 0) == 0 || endpoint.rfind("tcp://localhost:", 0) == 0 ||
         endpoint.rfind("tcp://[::1]", 0) == 0;
}

}  // namespace

int Master::StartSecurity() {
  if (options_.secret_key.empty()) {
    if (!options_.allow.empty()) {
      spdlog::error("master: --allow needs the master's own key too: --secret-key FILE (or --keys DIR)");
      return exit_code::kUsage;
    }
    if (!LocalOnly(options_.listen))
      spdlog::warn(
          "master: no keys (--keys DIR, see `datablox keygen`): anyone who reaches {} may submit, kill "
          "and shut down",
          options_.listen);
    return exit_code::kOk;
  }
  if (options_.allow.empty()) {
    spdlog::error("master: --secret-key needs an allow-list too: --allow DIR (or --keys DIR)");
    return exit_code::kUsage;
  }
  auth::Certificate own;
  if (Status st = auth::ReadSecretCertificate(options_.secret_key, &own); !st.ok()) {
    spdlog::error("master: {}", st.message());
    return st.code() == Status::Code::kPermissionDenied ? exit_code::kPrivileges : exit_code::kNoInput;
  }
  secret_key_ = own.secret_key;
  // The web view's relay asks the master like any client, with a key of
  // its own that only this process knows; it may write only if allowed to.
  auth::Certificate relay;
  if (Status st = auth::GenerateCertificate(&relay); !st.ok()) {
    spdlog::error("master: {}", st.message());
    return exit_code::kSoftware;
  }
  relay_keys_ = {relay.public_key, relay.secret_key, own.public_key};
  auth::AllowedPeer relay_peer{relay.public_key, auth::PeerKind::kOperator, "web-view",
                               options_.http_writes ? auth::Role::kFull : auth::Role::kRead, "(the web view)", ""};
  if (Status st = auth::ZapGuard::Start(zmq_, options_.allow, {relay_peer}, &guard_); !st.ok()) {
    spdlog::error("master: {}", st.message());
    return st.IsNotFound() ? exit_code::kNoInput : exit_code::kUnavailable;
  }
  auth::GuardFigures figures = guard_->figures();
  spdlog::info("master: CURVE on; allow-list {}: {} caretaker and {} operator keys{}", options_.allow,
               figures.caretakers, figures.operators,
               figures.allow_errors.empty() ? "" : fmt::format(", {} left out", figures.allow_errors.size()));
  return exit_code::kOk;
}

Status Master::ProtectSocket() {
  if (!guard_) return Status::OK();
  return guard_->Protect(*socket_, secret_key_);
}

bool Master::MaySend(const std::string& peer, const std::string& user_id, const Json& message) {
  if (!guard_) return true;
  std::string why = RefusalFor(auth::IdentityOf(user_id), peer, message);
  if (why.empty()) return true;
  ++refused_requests_;
  recent_denials_.push_back(fmt::format("{}: {}", control::PrintableId(peer), why));
  if (recent_denials_.size() > kRecentDenials) recent_denials_.erase(recent_denials_.begin());
  uint64_t suppressed = 0;
  if (warnings_.Allow("denied", Clock::now(), &suppressed))
    spdlog::warn("master: refused a request from {}: {} ({} refused in all{})", control::PrintableId(peer), why,
                 refused_requests_, suppressed ? fmt::format(", {} more not shown", suppressed) : "");
  // A client is told (a caretaker's messages have no replies to carry it).
  if (peer.rfind("node:", 0) != 0) {
    control::Refusal refusal{"permission denied: " + why, {}};
    refusal.denied = true;
    control::SendTo(*socket_, peer, control::ToJson(refusal));
  }
  return false;
}

Status Master::MakeLinkCurve(std::optional<control::LinkCurve>* curve) {
  auth::Certificate links, client;
  if (Status st = auth::GenerateCertificate(&links); !st.ok()) return st;
  if (Status st = auth::GenerateCertificate(&client); !st.ok()) return st;
  *curve = control::LinkCurve{links.public_key, links.secret_key, client.public_key, client.secret_key};
  return Status::OK();
}

control::SecurityStatus Master::SecurityNow() const {
  control::SecurityStatus status;
  status.refused_requests = refused_requests_;
  if (!guard_) return status;
  auth::GuardFigures figures = guard_->figures();
  status.mode = "curve";
  status.allow = figures.allow_path;
  status.caretakers = figures.caretakers;
  status.operators = figures.operators;
  status.accepted = figures.accepted;
  status.refused_keys = figures.refused_keys;
  status.refused_handshakes = figures.refused_handshakes;
  status.allow_errors = figures.allow_errors;
  status.recent_refusals = figures.recent_refusals;
  status.recent_refusals.insert(status.recent_refusals.end(), recent_denials_.begin(), recent_denials_.end());
  return status;
}

}  // namespace datablox::master
