// Exit statuses of every datablox process: the CLI, the master, the
// caretaker and the element host. One table, so that a status a caretaker
// reads from a host, or a test reads from the CLI, means the same thing
// everywhere. Where one fits, the value is BSD's <sysexits.h>.
#pragma once

namespace datablox::exit_code {

constexpr int kOk = 0;
// The CLI: a topology ran and an element failed. A host: its element failed.
constexpr int kFailed = 1;
// An element host could not get or follow its plan (the caretaker's fault,
// or the master's: not the element's).
constexpr int kPlanFailed = 2;
// A child whose parent (the caretaker, or `datablox run`) died before the
// child could tie its life to it.
constexpr int kParentGone = 3;
constexpr int kUsage = 64;         // EX_USAGE: bad flags or arguments
constexpr int kDataErr = 65;       // EX_DATAERR: the topology fails the check
constexpr int kNoInput = 66;       // EX_NOINPUT: a file cannot be read
constexpr int kUnavailable = 69;   // EX_UNAVAILABLE: a peer is unreachable, or an address is taken
constexpr int kSoftware = 70;      // EX_SOFTWARE: internal error
constexpr int kOsErr = 71;         // EX_OSERR: the system refused (fork, a socket)
constexpr int kCantCreate = 73;    // EX_CANTCREAT: an output file cannot be made (keygen never overwrites)
constexpr int kPrivileges = 77;    // EX_NOPERM: a child could not drop to its --run-as user; a key refused
constexpr int kExecFailed = 127;   // a forked child could not exec (the shell's habit)
constexpr int kInterrupted = 130;  // 128 + SIGINT

}  // namespace datablox::exit_code
