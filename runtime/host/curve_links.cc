// CURVE on a topology's data links (control::LinkCurve, master
// --curve-links): every input and query port of this host is a CURVE
// server that lets in only its topology's elements, and every output
// proves it is one of them.
#include <spdlog/spdlog.h>

#include "runtime/auth/curve_client.h"
#include "runtime/host/element_host.h"

namespace datablox::host {

Status ElementHost::GuardLinks() {
  if (!plan_.curve) return Status::OK();
  const control::LinkCurve& curve = *plan_.curve;
  auth::AllowedPeer elements{curve.public_key, auth::PeerKind::kElement, plan_.topology, auth::Role::kFull,
                             "(the topology's link key)", ""};
  // `datablox call` asks query ports, and may send nothing else.
  auth::AllowedPeer callers{curve.client_public_key, auth::PeerKind::kOperator, "call", auth::Role::kRead,
                            "(the topology's call key)", "query"};
  if (Status st = auth::ZapGuard::Start(zmq_, "", {elements, callers}, &link_guard_); !st.ok()) return st;
  // Peers its inputs turned away: a key not of its topology, or no keys.
  AddHostHandler("links_refused", [this] {
    auth::GuardFigures figures = link_guard_->figures();
    return std::to_string(figures.refused_keys + figures.refused_handshakes);
  });
  return Status::OK();
}

Status ElementHost::ProtectInput(zmq::socket_t& socket, const char* domain) {
  if (!link_guard_) return Status::OK();
  return link_guard_->Protect(socket, plan_.curve->secret_key, domain);
}

void ElementHost::MakeLinkClient(zmq::socket_t& socket) const {
  if (!plan_.curve) return;
  const control::LinkCurve& curve = *plan_.curve;
  auth::MakeCurveClient(socket, {curve.public_key, curve.secret_key, curve.public_key});
}

}  // namespace datablox::host
