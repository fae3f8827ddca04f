// Who may talk to a master: the public certificates (keys.h) an operator
// put into its allow-list, a directory of NAME.key files or one file. Each
// says in its metadata what its owner is:
//
//   kind = "caretaker"   name = "NODE"             a caretaker, bound to that node name
//   kind = "operator"    name = "WHO"  role = "read" | "full"   a CLI user (role full when not said)
//
// Socket-free: the ZAP guard (zap_guard.h) holds one and asks it per
// handshake; the master reads the identity it stamps on each message.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/status.h"

namespace datablox::auth {

// kElement: an element host of a topology whose links use CURVE (the
// host's own guard allows its topology's link key).
enum class PeerKind { kCaretaker, kOperator, kElement };
enum class Role { kRead, kFull };

struct AllowedPeer {
  std::string public_key;  // Z85
  PeerKind kind = PeerKind::kOperator;
  std::string name;
  Role role = Role::kFull;  // operators only
  std::string file;         // where it was allowed, for messages
  // When set, the key is let in only by sockets of this ZAP domain (an
  // element's query ports, not its push inputs).
  std::string only_domain;
};

// What a ZAP handler hands libzmq as the peer's User-Id, which every message
// from that connection then carries: "caretaker:NODE", "operator:WHO:read",
// "operator:WHO:full", "element:TOPOLOGY".
std::string UserId(const AllowedPeer& peer);

// The identity a message's User-Id names; `open` when it has none (a
// daemon without keys, where anyone may ask anything).
struct PeerIdentity {
  bool open = true;
  PeerKind kind = PeerKind::kOperator;
  std::string name;
  Role role = Role::kFull;
};
PeerIdentity IdentityOf(std::string_view user_id);

const char* RoleName(Role role);
// "read" or "full"; false for anything else.
bool ParseRole(std::string_view text, Role* role);

class AllowList {
 public:
  // Every *.key file of the directory `path`, or the file `path` itself.
  // A file that is not a valid allow-list entry is left out and named in
  // errors(), with its line where there is one; the others are allowed.
  // A path that cannot be read at all is an error of its own.
  static Status Load(const std::string& path, AllowList* list);

  // Adds a peer the daemon allows itself (the master's own web relay).
  void Add(AllowedPeer peer);

  const AllowedPeer* Find(std::string_view public_key) const;
  const std::vector<std::string>& errors() const { return errors_; }
  int caretakers() const;
  int operators() const;

 private:
  std::map<std::string, AllowedPeer, std::less<>> peers_;  // by public key
  std::vector<std::string> errors_;
};

// A cheap summary of what `path` holds (names, sizes, modification times):
// when it changes, the allow-list is loaded again.
std::string AllowListFingerprint(const std::string& path);

}  // namespace datablox::auth
