// `datablox run FILE`: the embedded default. Starts a master and one local
// caretaker as separate processes on loopback, submits the topology, shows a
// live progress line, and ends when the topology ends, fails, or is
// interrupted, leaving no process behind.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "datablox/element.h"
#include "dsl/loader.h"
#include "runtime/core/control.h"
#include "tools/commands.h"
#include "tools/keys_command.h"
#include "tools/master_client.h"
#include "tools/submission.h"

namespace datablox::cli {
namespace {

using Clock = std::chrono::steady_clock;
using control::Json;

volatile std::sig_atomic_t g_interrupted = 0;
void OnInterrupt(int signal) { g_interrupted = signal; }

// Starts `executable args...` with a death signal tied to this process.
// `quiet_info`: the child logs warnings and errors only (unless the user set
// SPDLOG_LEVEL), since `run` itself reports what the master would repeat.
pid_t Start(const std::string& executable, std::vector<std::string> args, bool quiet_info = false) {
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(exit_code::kParentGone);
  // Ctrl-C is for `run`, which stops everything in order. A terminal sends
  // SIGINT to the whole foreground group, master and caretaker included; as
  // daemons they install their own SIGINT handler (so SIG_IGN would not
  // last), shut down on their own and leave `run` asking a gone master, one
  // timeout after another. Blocked, the signal never reaches them (the mask
  // survives exec and their handlers); the caretaker unblocks it for hosts.
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  ::sigprocmask(SIG_BLOCK, &interrupt, nullptr);
  if (quiet_info && !std::getenv("SPDLOG_LEVEL")) ::setenv("SPDLOG_LEVEL", "warn", 1);
  args.insert(args.begin(), executable);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(executable.c_str(), argv.data());
  std::fprintf(stderr, "error: cannot start %s: %s\n", executable.c_str(), std::strerror(errno));
  ::_exit(exit_code::kExecFailed);
}

bool WaitExit(pid_t pid, std::chrono::milliseconds limit, int* status) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid || r < 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Stops a child we started, by the pid we hold: politely, then for sure.
void Reap(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  int status = 0;
  if (WaitExit(pid, grace, &status)) return;
  ::kill(pid, SIGTERM);
  if (WaitExit(pid, std::chrono::milliseconds(3000), &status)) return;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
}

// `outcome`: the topology's final state, or "interrupted" when Ctrl-C ended it.
void PrintSummary(const control::StatusReply& status, const std::string& outcome, double seconds) {
  std::fprintf(stderr, "\n%-14s %-16s %12s %12s %9s %9s %9s %8s  %s\n", "ELEMENT", "CLASS", "IN", "OUT", "REJECTED",
               "MALFORMED", "BLOCKED", "RESTARTS", "HANDLERS");
  for (const control::ElementStatus& e : status.elements) {
    const Json& s = e.stats;
    std::string handlers;
    if (s.contains("handlers")) {
      for (const auto& [name, value] : s["handlers"].items()) {
        handlers += fmt::format("{}{}={}", handlers.empty() ? "" : " ", name, value.get<std::string>());
      }
    }
    // IN and OUT count every life of the element; the rest is its last life's.
    std::fprintf(stderr, "%-14s %-16s %12s %12s %9s %9s %8.0fms %8d  %s\n", e.name.c_str(), e.class_name.c_str(),
                 std::to_string(e.logs_in).c_str(), std::to_string(e.logs_out).c_str(),
                 std::to_string(s.value("rejected", uint64_t{0})).c_str(),
                 std::to_string(s.value("malformed", uint64_t{0})).c_str(), s.value("blocked_ms", 0.0), e.restarts,
                 handlers.c_str());
  }
  std::fprintf(stderr, "%s: %s in %.2f s\n", status.name.c_str(), outcome.c_str(), seconds);
}

}  // namespace

int Run(const RunOptions& options) {
  if (int code = CheckReadable(options.file); code != kExitOk) return code;
  // Read once, within the size limit (a FIFO or /dev/zero included).
  std::string text;
  std::vector<dsl::Diagnostic> errors;
  if (!dsl::ReadTopologyFile(options.file, &text, &errors)) {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return kExitDataErr;
  }
  // The same submission as `submit` makes, so that nothing depends on where
  // the master and the caretaker run.
  Submission submission;
  if (Status st = PrepareSubmission(options.file, text, &submission); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitSoftware;
  }
  for (const std::string& folder : submission.search_path) ClassTable::Global().add_search_path(folder);
  // Check first: a topology that fails the check starts nothing.
  dsl::Topology topology = dsl::LoadText(text, options.file, dsl::ClassTableCheckOptions({"local"}), &errors);
  if (!errors.empty()) {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    std::fprintf(stderr, "%s: %zu error%s; nothing was started\n", options.file.c_str(), errors.size(),
                 errors.size() == 1 ? "" : "s");
    return kExitDataErr;
  }
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  std::signal(SIGPIPE, SIG_IGN);

  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) return kExitSoftware;
  // The write end must survive exec in the master: dup it without CLOEXEC.
  int ready_child = ::dup(ready[1]);
  ::close(ready[1]);
  // The embedded master keeps no registry: a `run` owns its topology start
  // to end, and nothing of it should outlive it.
  // The user's own machine and topology: its folders are the ones allowed.
  std::vector<std::string> class_path_flags;
  for (const std::string& folder : submission.search_path) {
    class_path_flags.push_back("--class-path");
    class_path_flags.push_back(folder);
  }
  // Throwaway keys: other users of this machine can reach loopback too,
  // and must not submit to, or join, this run's master.
  const std::string keys_dir = fmt::format("/tmp/datablox-{}/run-{}-keys", ::getuid(), ::getpid());
  auth::ClientKeys run_keys;
  if (Status st = MakeRunKeys(keys_dir, &run_keys); !st.ok()) {
    std::fprintf(stderr, "error: cannot make this run's keys: %s\n", st.message().c_str());
    std::error_code ignored;
    std::filesystem::remove_all(keys_dir, ignored);
    return kExitSoftware;
  }
  SetClientKeys(run_keys);
  std::vector<std::string> master_args = {"master",   "--listen",   "tcp://127.0.0.1:*",         "--registry",
                                          ":memory:", "--ready-fd", std::to_string(ready_child), "--keys",
                                          keys_dir};
  if (options.curve_links) master_args.push_back("--curve-links");
  master_args.insert(master_args.end(), class_path_flags.begin(), class_path_flags.end());
  pid_t master = Start(options.executable, std::move(master_args), /*quiet_info=*/true);
  ::close(ready_child);
  std::string endpoint;
  {
    pollfd p{ready[0], POLLIN, 0};
    char buffer[256];
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (endpoint.find('\n') == std::string::npos && Clock::now() < deadline) {
      if (::poll(&p, 1, 100) > 0) {
        ssize_t n = ::read(ready[0], buffer, sizeof buffer);
        if (n <= 0) break;
        endpoint.append(buffer, static_cast<size_t>(n));
      }
    }
    ::close(ready[0]);
  }
  if (endpoint.find('\n') == std::string::npos) {
    std::fprintf(stderr, "error: the master did not start\n");
    Reap(master, std::chrono::milliseconds(0));
    std::error_code ignored;
    std::filesystem::remove_all(keys_dir, ignored);
    return kExitUnavailable;
  }
  endpoint.resize(endpoint.find('\n'));
  // Its own status socket: a `run` must not take over the one of a
  // caretaker daemon named "local" on this machine, nor another run's.
  const std::string control_file = fmt::format("/tmp/datablox-{}/run-{}.ipc", ::getuid(), ::getpid());
  std::vector<std::string> caretaker_args = {
      "caretaker", "--master", endpoint, "--node", "local", "--control", "ipc://" + control_file, "--keys", keys_dir};
  caretaker_args.insert(caretaker_args.end(), class_path_flags.begin(), class_path_flags.end());
  pid_t caretaker = Start(options.executable, std::move(caretaker_args));

  int exit_code = kExitOk;
  auto began = Clock::now();
  {
    zmq::context_t zmq(1);
    MasterClient client(zmq, endpoint);
    std::optional<control::Refusal> refusal;
    auto shutdown = [&](int code) {
      control::ShutdownReply reply;
      (void)client.Ask(control::ToJson(control::Shutdown{}), &reply, &refusal, std::chrono::milliseconds(2000));
      return code;
    };
    // Wait for the local caretaker to join.
    bool joined = false;
    while (!joined && Clock::now() - began < std::chrono::seconds(10) && !g_interrupted) {
      control::NodesReply nodes;
      if (client.Ask(control::ToJson(control::NodesRequest{}), &nodes, &refusal).ok() && !nodes.nodes.empty())
        joined = true;
      else std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!joined && g_interrupted) {
      exit_code = shutdown(kExitInterrupted);
    } else if (!joined) {
      std::fprintf(stderr, "error: the local caretaker did not join the master\n");
      exit_code = shutdown(kExitUnavailable);
    } else {
      control::SubmitReply submitted;
      Status st = client.Ask(submission.Request(), &submitted, &refusal);
      if (!st.ok() || refusal) {
        if (refusal) {
          for (const std::string& e : refusal->errors) std::fprintf(stderr, "%s\n", e.c_str());
        }
        std::string why = !st.ok() ? st.message() : refusal->error.empty() ? "check errors" : refusal->error;
        std::fprintf(stderr, "error: submit failed: %s\n", why.c_str());
        exit_code = shutdown(st.ok() ? kExitDataErr : kExitUnavailable);
      } else {
        std::string name = submitted.topology;
        bool tty = ::isatty(2) && !options.quiet;
        bool show_progress = (tty || options.progress) && !options.quiet;
        std::FILE* stats = options.stats_file.empty() ? nullptr : std::fopen(options.stats_file.c_str(), "a");
        // The last status the master gave; a refusal (it cannot know no
        // topology it just took) leaves it as it was.
        std::optional<control::StatusReply> status;
        auto ask_status = [&] {
          control::StatusReply reply;
          std::optional<control::Refusal> no;
          Status asked = client.Ask(control::ToJson(control::StatusRequest{name}), &reply, &no);
          reply.call_keys.reset();  // not for the stats file nor -o json
          if (asked.ok() && !no) status = std::move(reply);
          return asked.ok();
        };
        auto last_progress = Clock::now() - std::chrono::seconds(10);
        while (true) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          if (g_interrupted) {
            std::fprintf(stderr, "\n%s: interrupted; stopping every element\n", name.c_str());
            control::KillReply ignored;
            (void)client.Ask(control::ToJson(control::Stop{name}), &ignored, &refusal);
            exit_code = kExitInterrupted;
            break;
          }
          int child_status = 0;
          const char* gone = nullptr;
          if (::waitpid(caretaker, &child_status, WNOHANG) == caretaker) {
            gone = "caretaker";
            caretaker = -1;  // reaped: Reap() must not wait for it again
          } else if (::waitpid(master, &child_status, WNOHANG) == master) {
            gone = "master";
            master = -1;
          }
          if (gone) {
            std::fprintf(stderr, "error: the %s exited unexpectedly\n", gone);
            exit_code = kExitSoftware;
            break;
          }
          if (!ask_status()) {
            std::fprintf(stderr, "error: the master stopped answering\n");
            exit_code = kExitUnavailable;
            break;
          }
          if (stats && status) {
            std::fprintf(stats, "%s\n", control::ToJson(*status).dump().c_str());
            std::fflush(stats);  // whole lines for whoever reads it while we run
          }
          std::string state = status ? status->state : "";
          double seconds = std::chrono::duration<double>(Clock::now() - began).count();
          if (show_progress && (tty || Clock::now() - last_progress > std::chrono::seconds(2))) {
            last_progress = Clock::now();
            double in_total = 0, in_rate = 0, rejected = 0;
            int running = 0, total = 0;
            for (const control::ElementStatus& e : status ? status->elements : std::vector<control::ElementStatus>{}) {
              ++total;
              running += e.state == "running";
              in_total += e.stats.value("logs_in", 0.0);
              in_rate += e.in_rate;
              rejected += e.stats.value("rejected", 0.0) + e.stats.value("malformed", 0.0);
            }
            std::fprintf(stderr, "%s[%6.1fs] %s  %d/%d running  %s logs moved  %s logs/s  %s rejected%s",
                         tty ? "\r\033[K" : "", seconds, name.c_str(), running, total, Human(in_total).c_str(),
                         Human(in_rate).c_str(), Human(rejected).c_str(), tty ? "" : "\n");
          }
          if (state == "done" || state == "failed" || state == "stopped") {
            if (show_progress && tty) std::fprintf(stderr, "\n");
            if (state != "done") {
              std::fprintf(stderr, "error: %s\n", status->failure.c_str());
              exit_code = kExitFailed;
            }
            break;
          }
          if (options.timeout_s > 0 && seconds > options.timeout_s) {
            std::fprintf(stderr, "\nerror: %s did not end within %d s; stopping it\n", name.c_str(), options.timeout_s);
            control::KillReply ignored;
            (void)client.Ask(control::ToJson(control::Stop{name}), &ignored, &refusal);
            exit_code = kExitTimedOut;
            break;
          }
        }
        if (exit_code != kExitOk && exit_code != kExitFailed) {
          // Stopped from here: wait for the elements to be gone so that the
          // summary and -o json say what happened, not the last sample.
          auto deadline = Clock::now() + std::chrono::seconds(6);
          while (Clock::now() < deadline && ask_status() && status) {
            std::string state = status->state;
            bool all_gone = true;
            for (const control::ElementStatus& e : status->elements) {
              const std::string& s = e.state;
              all_gone = all_gone && (s == "ended" || s == "failed" || s == "stopped");
            }
            if (state != "running" && state != "starting" && all_gone) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
        }
        if (stats) std::fclose(stats);
        double seconds = std::chrono::duration<double>(Clock::now() - began).count();
        if (!options.quiet && status) {
          PrintSummary(*status, exit_code == kExitInterrupted ? "interrupted" : status->state, seconds);
        }
        if (options.format.json && status) std::printf("%s\n", control::ToJson(*status).dump(2).c_str());
        shutdown(exit_code);
        if (exit_code == kExitTimedOut) exit_code = kExitFailed;
      }
    }
  }
  Reap(caretaker, std::chrono::milliseconds(6000));
  Reap(master, std::chrono::milliseconds(6000));
  // The caretaker's status socket is this run's alone and has no reader left;
  // its file outlives the caretaker (seen after every run), so `run`, which
  // named it, removes it.
  std::error_code ignored;
  std::filesystem::remove(control_file, ignored);
  std::filesystem::remove_all(keys_dir, ignored);
  return exit_code;
}

}  // namespace datablox::cli
