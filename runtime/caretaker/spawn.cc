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

namespace datablox {

std::vector<std::string> HostArguments(const HostCommand& command, pid_t parent) {
  return {command.executable, "host",
          "--caretaker",      command.caretaker_endpoint,
          "--element",        command.element,
          "--bind",           command.bind_host,
          "--parent",         std::to_string(parent)};
}

std::vector<std::string> HostEnvironment(char** environment, const std::string& token) {
  const std::string token_prefix = fmt::format("{}=", control::kHostTokenVariable);
  std::vector<std::string> variables;
  for (char** e = environment; *e; ++e) {
    if (!std::string_view(*e).starts_with(token_prefix)) variables.emplace_back(*e);
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

}  // namespace

Status SpawnHost(const HostCommand& command, SpawnedHost* spawned) {
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) err_pipe[0] = err_pipe[1] = -1;
  std::vector<std::string> args = HostArguments(command, ::getpid());
  std::random_device entropy;
  std::string token = fmt::format("{:08x}{:08x}", entropy(), entropy());
  std::vector<std::string> env = HostEnvironment(environ, token);
  std::vector<char*> argv = NullTerminated(args), envp = NullTerminated(env);

  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  // Its stderr is kept for `datablox logs` and echoed by us.
  if (err_pipe[1] >= 0) posix_spawn_file_actions_adddup2(&files, err_pipe[1], STDERR_FILENO);
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
  pid_t pid = -1;
  int spawn_error = ::posix_spawn(&pid, command.executable.c_str(), &files, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attributes);
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
