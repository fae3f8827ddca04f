#include "runtime/auth/allow_list.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "runtime/auth/keys.h"

namespace datablox::auth {
namespace fs = std::filesystem;

std::string UserId(const AllowedPeer& peer) {
  if (peer.kind == PeerKind::kCaretaker) return "caretaker:" + peer.name;
  if (peer.kind == PeerKind::kElement) return "element:" + peer.name;
  return fmt::format("operator:{}:{}", peer.name, RoleName(peer.role));
}

PeerIdentity IdentityOf(std::string_view user_id) {
  PeerIdentity identity;
  if (user_id.empty()) return identity;
  identity.open = false;
  identity.role = Role::kRead;  // whatever is not understood may only look
  if (user_id.rfind("caretaker:", 0) == 0) {
    identity.kind = PeerKind::kCaretaker;
    identity.name = std::string(user_id.substr(10));
    return identity;
  }
  if (user_id.rfind("operator:", 0) == 0) {
    std::string_view rest = user_id.substr(9);
    size_t colon = rest.rfind(':');
    identity.name = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) ParseRole(rest.substr(colon + 1), &identity.role);
  }
  return identity;
}

const char* RoleName(Role role) { return role == Role::kRead ? "read" : "full"; }

bool ParseRole(std::string_view text, Role* role) {
  if (text == "read") *role = Role::kRead;
  else if (text == "full") *role = Role::kFull;
  else return false;
  return true;
}

namespace {

// What a certificate's metadata says its owner is.
Status PeerOf(const Certificate& certificate, const std::string& file, AllowedPeer* peer) {
  auto get = [&](const char* key) {
    auto it = certificate.metadata.find(key);
    return it == certificate.metadata.end() ? std::string() : it->second;
  };
  peer->public_key = certificate.public_key;
  peer->file = file;
  peer->name = get("name");
  std::string kind = get("kind");
  if (kind == "caretaker") peer->kind = PeerKind::kCaretaker;
  else if (kind == "operator") peer->kind = PeerKind::kOperator;
  else
    return Status::Invalid(
        fmt::format("{}: metadata kind must be \"caretaker\" or \"operator\", found \"{}\"", file, kind));
  if (peer->name.empty() || peer->name.find_first_of(":#/ \t") != std::string::npos)
    return Status::Invalid(fmt::format("{}: metadata name must be a name without ':', '#', '/' or spaces", file));
  std::string role = get("role");
  if (peer->kind == PeerKind::kOperator && !role.empty() && !ParseRole(role, &peer->role))
    return Status::Invalid(fmt::format("{}: metadata role must be \"read\" or \"full\", found \"{}\"", file, role));
  return Status::OK();
}

std::vector<std::string> KeyFiles(const std::string& path, std::error_code* error) {
  std::vector<std::string> files;
  if (!fs::is_directory(path, *error)) {
    if (!*error) files.push_back(path);
    return files;
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(path, *error)) {
    if (entry.path().extension() == ".key") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Status AllowList::Load(const std::string& path, AllowList* list) {
  std::error_code error;
  if (!fs::exists(path, error))
    return Status::NotFound(fmt::format("no allow-list at {} (a directory of NAME.key files, or one file)", path));
  std::vector<std::string> files = KeyFiles(path, &error);
  if (error) return Status::IOError(fmt::format("cannot read the allow-list {}: {}", path, error.message()));
  AllowList loaded;
  for (const std::string& file : files) {
    Certificate certificate;
    AllowedPeer peer;
    Status st = ReadCertificate(file, &certificate);
    if (st.ok() && !certificate.secret_key.empty())
      st = Status::Invalid(fmt::format("{} holds a secret key: an allow-list takes public certificates only", file));
    if (st.ok()) st = PeerOf(certificate, file, &peer);
    if (st.ok() && loaded.peers_.count(peer.public_key))
      st = Status::Invalid(fmt::format("{}: the same key as {}", file, loaded.peers_.at(peer.public_key).file));
    if (!st.ok()) {
      loaded.errors_.push_back(st.message());
      continue;
    }
    loaded.peers_.emplace(peer.public_key, std::move(peer));
  }
  *list = std::move(loaded);
  return Status::OK();
}

void AllowList::Add(AllowedPeer peer) {
  std::string key = peer.public_key;
  peers_[key] = std::move(peer);
}

const AllowedPeer* AllowList::Find(std::string_view public_key) const {
  auto it = peers_.find(public_key);
  return it == peers_.end() ? nullptr : &it->second;
}

int AllowList::caretakers() const {
  return static_cast<int>(
      std::count_if(peers_.begin(), peers_.end(), [](const auto& p) { return p.second.kind == PeerKind::kCaretaker; }));
}

int AllowList::operators() const {
  return static_cast<int>(
      std::count_if(peers_.begin(), peers_.end(), [](const auto& p) { return p.second.kind == PeerKind::kOperator; }));
}

std::string AllowListFingerprint(const std::string& path) {
  std::error_code error;
  std::string fingerprint;
  for (const std::string& file : KeyFiles(path, &error)) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) continue;
    fingerprint += fmt::format("{}:{}:{}.{};", file, info.st_size, info.st_mtim.tv_sec, info.st_mtim.tv_nsec);
  }
  return error ? "unreadable:" + error.message() : fingerprint;
}

}  // namespace datablox::auth
