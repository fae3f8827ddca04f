#include "runtime/caretaker/spawn.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <random>
#include <string_view>

#include "runtime/core/control.h"
#include "runtime/core/exit_codes.h"

namespace datablox {

std::vector<std::string> HostArguments(const HostCommand& command, pid_t parent) {
  return {command.executable, "host",
          "--caretaker",      command.caretaker_endpoint,
          "--element",        command.element,
          "--bind",           command.bind_host,
          "--parent",         std::to_string(parent)};
}

std::vector<std::string> HostEnvironment(char** environment, const std::string& token,
                                         const std::optional<UserIds>& run_as) {
  const std::string token_prefix = fmt::format("{}=", control::kHostTokenVariable);
  std::vector<std::string> variables;
  for (char** e = environment; *e; ++e) {
    std::string_view variable(*e);
    if (variable.starts_with(token_prefix)) continue;
    if (run_as && (variable.starts_with("HOME=") || variable.starts_with("USER=") || variable.starts_with("LOGNAME=")))
      continue;
    variables.emplace_back(variable);
  }
  if (run_as) {
    variables.push_back("HOME=" + run_as->home);
    variables.push_back("USER=" + run_as->name);
    variables.push_back("LOGNAME=" + run_as->name);
  }
  variables.push_back(token_prefix + token);
  return variables;
}

namespace {

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// The fork of a host that runs as another user: what posix_spawn's
// attributes do below, by hand, then the drop of privileges. Between fork
// and exec only async-signal-safe calls.
pid_t ForkAs(const UserIds& user, int stderr_fd, char* const* argv, char* const* envp) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setpgid(0, 0);
  if (stderr_fd >= 0) ::dup2(stderr_fd, STDERR_FILENO);
  for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGPIPE}) ::signal(signal, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const char* step = "";
  if (int err = DropPrivileges(user, &step); err != 0) {
    const char* text = "error: element host: cannot run as the caretaker's --run-as user: ";
    (void)!::write(STDERR_FILENO, text, std::strlen(text));
    (void)!::write(STDERR_FILENO, step, std::strlen(step));
    (void)!::write(STDERR_FILENO, ": ", 2);
    const char* why = ::strerror(err);  // glibc's table: no allocation
    (void)!::write(STDERR_FILENO, why, std::strlen(why));
    (void)!::write(STDERR_FILENO, "\n", 1);
    _exit(exit_code::kPrivileges);
  }
  ::execve(argv[0], argv, envp);
  const char* text = "error: element host: cannot exec the datablox binary\n";
  (void)!::write(STDERR_FILENO, text, std::strlen(text));
  _exit(exit_code::kExecFailed);
}

// posix_spawn (vfork semantics) with the attributes a host needs; 0 or the error.
int PosixSpawn(const std::string& executable, int stderr_fd, char* const* argv, char* const* envp, pid_t* pid) {
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  // Its stderr is kept for `datablox logs` and echoed by us.
  if (stderr_fd >= 0) posix_spawn_file_actions_adddup2(&files, stderr_fd, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // A process group of its own: a stop signal reaches the element and
  // anything it started, and the terminal's Ctrl-C reaches only `run`.
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGPIPE}) sigaddset(&defaults, signal);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  int spawn_error = ::posix_spawn(pid, executable.c_str(), &files, &attributes, argv, envp);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attributes);
  return spawn_error;
}

}  // namespace

Status SpawnHost(const HostCommand& command, SpawnedHost* spawned) {
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) err_pipe[0] = err_pipe[1] = -1;
  std::vector<std::string> args = HostArguments(command, ::getpid());
  std::random_device entropy;
  std::string token = fmt::format("{:08x}{:08x}", entropy(), entropy());
  std::vector<std::string> env = HostEnvironment(environ, token, command.run_as);
  std::vector<char*> argv = NullTerminated(args), envp = NullTerminated(env);
  pid_t pid = -1;
  int spawn_error = 0;
  if (command.run_as) {
    pid = ForkAs(*command.run_as, err_pipe[1], argv.data(), envp.data());
    if (pid < 0) spawn_error = errno;
    else ::setpgid(pid, pid);  // also here: a stop signal to the group cannot race the child's own setpgid
  } else {
    spawn_error = PosixSpawn(command.executable, err_pipe[1], argv.data(), envp.data(), &pid);
  }
  if (spawn_error != 0) {
    if (err_pipe[0] >= 0) {
      ::close(err_pipe[0]);
      ::close(err_pipe[1]);
    }
    return Status::IOError(fmt::format("cannot start {}: {}", command.executable, std::strerror(spawn_error)));
  }
  if (err_pipe[1] >= 0) ::close(err_pipe[1]);
  if (err_pipe[0] >= 0) ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  spawned->pid = pid;
  spawned->stderr_fd = err_pipe[0];
  spawned->token = std::move(token);
  return Status::OK();
}

}  // namespace datablox
