#include "runtime/master/class_inspector.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "datablox/element.h"
#include "runtime/core/bounded_json.h"
#include "runtime/core/class_spec_json.h"
#include "runtime/core/exit_codes.h"
#include "runtime/core/plugin_path.h"

namespace datablox::master {

const ClassSpec* InspectedClasses::find(std::string_view class_name) const {
  auto it = classes.find(class_name);
  if (it != classes.end()) return &it->second;
  if (errors.count(class_name)) return nullptr;
  // The master's own classes; its class table has no loader and no plugin
  // path (Master::StartInspector), so this runs no user code.
  return ClassTable::Global().find(class_name);
}

std::string InspectedClasses::load_error(std::string_view class_name) const {
  auto it = errors.find(class_name);
  return it == errors.end() ? "" : it->second;
}

dsl::CheckOptions InspectedClasses::CheckOptions(std::vector<std::string> known_nodes) const {
  dsl::CheckOptions options;
  options.find_class = [this](std::string_view c) { return find(c); };
  options.class_load_error = [this](std::string_view c) { return load_error(c); };
  std::set<std::string> all(names.begin(), names.end());
  for (const ClassSpec* spec : ClassTable::Global().all()) all.insert(spec->name);
  for (const auto& [name, spec] : classes) all.insert(name);
  options.class_names.assign(all.begin(), all.end());
  options.known_nodes = std::move(known_nodes);
  return options;
}

Status ParseInspectorOutput(std::string_view text, InspectedClasses* out) {
  nlohmann::json json;
  Status st = ParseBoundedJson(text, &json, kMaxClassSpecJsonDepth);
  if (!st.ok()) return Status::Invalid("the class inspector printed no JSON: " + st.message());
  if (!json.is_object() || !json.value("classes", nlohmann::json()).is_object() ||
      !json.value("errors", nlohmann::json()).is_object())
    return Status::Invalid("the class inspector's answer has no classes and errors objects");
  for (const auto& [name, spec_json] : json["classes"].items()) {
    ClassSpec spec;
    Status decoded = ClassSpecFromJson(spec_json, &spec);
    if (!decoded.ok()) {
      out->errors[name] = "the class inspector's declaration is malformed: " + decoded.message();
      continue;
    }
    spec.name = name;
    out->classes[name] = std::move(spec);
  }
  for (const auto& [name, why] : json["errors"].items()) {
    out->errors[name] = why.is_string() ? why.get<std::string>() : "cannot load the class";
  }
  for (const nlohmann::json& name : json.value("names", nlohmann::json::array())) {
    if (name.is_string()) out->names.push_back(name.get<std::string>());
  }
  return Status::OK();
}

namespace {

using Clock = std::chrono::steady_clock;

struct ChildResult {
  std::string out;
  std::string err;  // its last few KiB
  int wait_status = 0;
  bool timed_out = false;
  bool too_much = false;
};

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (std::string& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

// Forks and execs, then reads the child's stdout and stderr until both
// close or the deadline passes (then its whole process group is killed).
Status RunChild(const InspectorOptions& options, std::vector<std::string> args, std::vector<std::string> env,
                ChildResult* result) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::IOError(fmt::format("pipe: {}", std::strerror(errno)));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Status::IOError(fmt::format("pipe: {}", std::strerror(errno)));
  }
  std::vector<char*> argv = Pointers(args), envp = Pointers(env);
  rlimit cpu{}, memory{};
  cpu.rlim_cur = cpu.rlim_max = static_cast<rlim_t>(std::ceil(options.timeout_s)) + 1;
  memory.rlim_cur = memory.rlim_max = options.memory_bytes;
  const UserIds* run_as = options.run_as ? &*options.run_as : nullptr;
  pid_t pid = ::fork();
  if (pid < 0) return Status::IOError(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    // The child: async-signal-safe calls only, until exec.
    ::setpgid(0, 0);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGCHLD}) ::signal(sig, SIG_DFL);
    ::setrlimit(RLIMIT_CPU, &cpu);
    ::setrlimit(RLIMIT_AS, &memory);
    if (run_as) {
      const char* step = "";
      if (int err = DropPrivileges(*run_as, &step); err != 0) {
        const char* text = "class inspector: cannot drop privileges: ";
        (void)!::write(STDERR_FILENO, text, std::strlen(text));
        (void)!::write(STDERR_FILENO, step, std::strlen(step));
        _exit(exit_code::kPrivileges);
      }
    }
    ::execve(argv[0], argv.data(), envp.data());
    const char* text = "class inspector: cannot exec the datablox binary\n";
    (void)!::write(STDERR_FILENO, text, std::strlen(text));
    _exit(exit_code::kExecFailed);
  }
  ::setpgid(pid, pid);  // also here: no race with a kill before the child ran
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(options.timeout_s * 1000));
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buffer[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      result->timed_out = true;
      break;
    }
    int n = ::poll(fds, 2, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      std::string& into = i == 0 ? result->out : result->err;
      into.append(buffer, static_cast<size_t>(got));
      if (i == 1 && into.size() > 8192) into.erase(0, into.size() - 4096);
      if (i == 0 && into.size() > options.max_output_bytes) result->too_much = true;
    }
    if (result->too_much) break;
  }
  if (result->timed_out || result->too_much) ::kill(-pid, SIGKILL);
  for (pollfd& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  while (::waitpid(pid, &result->wait_status, 0) < 0 && errno == EINTR) {
  }
  // Whatever it left running in its group goes with it.
  ::kill(-pid, SIGKILL);
  return Status::OK();
}

std::string LastLine(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  size_t newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

}  // namespace

Status ClassInspector::Inspect(const std::vector<std::string>& class_names, const std::vector<std::string>& folders,
                               InspectedClasses* out) const {
  if (class_names.empty()) return Status::OK();
  std::vector<std::string> args = {options_.executable, "inspect-classes"};
  for (const std::string& folder : folders) {
    args.push_back("--class-path");
    args.push_back(folder);
  }
  args.push_back("--");
  for (const std::string& name : class_names) args.push_back(name);
  std::vector<std::string> env;
  const std::string plugin_prefix = std::string(plugin::kPathVariable) + "=";
  for (char** e = environ; *e; ++e) {
    std::string_view variable(*e);
    if (variable.starts_with(plugin_prefix)) continue;
    if (options_.run_as && (variable.starts_with("HOME=") || variable.starts_with("USER=") ||
                            variable.starts_with("LOGNAME=")))
      continue;
    env.emplace_back(variable);
  }
  if (!options_.plugin_path.empty()) env.push_back(plugin_prefix + options_.plugin_path);
  if (options_.run_as) {
    env.push_back("HOME=" + options_.run_as->home);
    env.push_back("USER=" + options_.run_as->name);
    env.push_back("LOGNAME=" + options_.run_as->name);
  }
  ChildResult result;
  Status st = RunChild(options_, std::move(args), std::move(env), &result);
  if (!st.ok()) return Status::IOError("cannot start the class inspector: " + st.message());
  if (result.timed_out)
    return Status::Timeout(fmt::format("the class inspector took longer than {} s (importing the module hangs?)",
                                       options_.timeout_s));
  if (result.too_much)
    return Status::Invalid(fmt::format("the class inspector printed more than {} bytes", options_.max_output_bytes));
  const int status = result.wait_status;
  std::string said = LastLine(result.err);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return Status::Invalid(fmt::format("the class inspector was killed by signal {} ({}){}{}", sig, ::strsignal(sig),
                                       sig == SIGXCPU ? ": out of CPU time" : "", said.empty() ? "" : ": " + said));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Status::Invalid(fmt::format("the class inspector failed (exit {}){}", WEXITSTATUS(status),
                                       said.empty() ? "" : ": " + said));
  return ParseInspectorOutput(result.out, out);
}

void CheckTopologyClasses(dsl::Topology& topology, const ClassInspector& inspector,
                          const std::vector<std::string>& folders, std::vector<std::string> known_nodes,
                          InspectedClasses* classes, std::vector<dsl::Diagnostic>* errors) {
  // A first pass over a copy learns which classes the check asks for that
  // are not built in (compounds expand only in the check).
  std::set<std::string> wanted;
  {
    dsl::Topology copy = topology;
    dsl::CheckOptions probe;
    probe.find_class = [&wanted](std::string_view name) {
      const ClassSpec* spec = ClassTable::Global().find(name);
      if (!spec) wanted.emplace(name);
      return spec;
    };
    std::vector<dsl::Diagnostic> ignored;
    dsl::Check(copy, probe, &ignored);
  }
  if (!wanted.empty()) {
    std::vector<std::string> names(wanted.begin(), wanted.end());
    Status st = inspector.Inspect(names, folders, classes);
    if (!st.ok()) {
      for (const std::string& name : names) classes->errors.emplace(name, st.message());
    }
  }
  dsl::Check(topology, classes->CheckOptions(std::move(known_nodes)), errors);
}

}  // namespace datablox::master
