#include "runtime/core/privileges.h"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <charconv>
#include <vector>

namespace datablox {

Status LookUpUser(std::string_view name, UserIds* ids) {
  if (name.empty()) return Status::Invalid("no user named");
  struct passwd entry {};
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  std::string text(name);
  uid_t uid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), uid);
  int err = ec == std::errc() && end == text.data() + text.size()
                ? ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found)
                : ::getpwnam_r(text.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (err != 0) return Status::IOError(fmt::format("cannot look user '{}' up: {}", text, std::strerror(err)));
  if (!found) return Status::NotFound(fmt::format("no user '{}' on this machine", text));
  ids->name = entry.pw_name;
  ids->uid = entry.pw_uid;
  ids->gid = entry.pw_gid;
  ids->home = entry.pw_dir ? entry.pw_dir : "/";
  return Status::OK();
}

Status CanRunAs(const UserIds& ids) {
  if (::geteuid() == ids.uid || ::geteuid() == 0) return Status::OK();
  return Status::Invalid(fmt::format("cannot run as user '{}' (uid {}): this process runs as uid {}, not as root",
                                     ids.name, ids.uid, ::geteuid()));
}

int DropPrivileges(const UserIds& ids, const char** step) {
  if (::geteuid() == ids.uid && ::getegid() == ids.gid) return 0;  // that user already
  gid_t groups[1] = {ids.gid};
  *step = "setgroups";
  if (::setgroups(1, groups) != 0) return errno;
  *step = "setresgid";
  if (::setresgid(ids.gid, ids.gid, ids.gid) != 0) return errno;
  *step = "setresuid";
  if (::setresuid(ids.uid, ids.uid, ids.uid) != 0) return errno;
  // No way back: a process that could become root again dropped nothing.
  *step = "checking that root cannot be regained";
  if (ids.uid != 0 && ::setuid(0) == 0) return EPERM;
  return 0;
}

}  // namespace datablox
