// Running user code as somebody else: the caretaker's element hosts and the
// master's class inspector can run as an unprivileged user the operator
// names (--run-as), the parent dropping privileges between fork and exec.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "datablox/status.h"

namespace datablox {

struct UserIds {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

// A user by name (or a numeric uid), from the password database. NotFound
// naming the user when there is none.
Status LookUpUser(std::string_view name, UserIds* ids);

// Whether this process may switch to `ids`: it is that user already, or it
// is root. Invalid, saying why, otherwise.
Status CanRunAs(const UserIds& ids);

// For a forked child, before exec: only async-signal-safe calls. Sets the
// supplementary groups to the user's primary group alone, then the gid, then
// the uid (real, effective and saved), and checks there is no way back to
// root. Returns 0, or the errno of the step that failed with *step naming it.
int DropPrivileges(const UserIds& ids, const char** step);

}  // namespace datablox
