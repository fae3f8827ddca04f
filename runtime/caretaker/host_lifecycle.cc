// The life of an element host: spawned, reaped when it exits, restarted per
// its policy (restart_policy.h decides), stopped on the master's word
// (SIGTERM to its process group, SIGKILL after a grace period).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "runtime/caretaker/caretaker_impl.h"
#include "runtime/caretaker/spawn.h"
#include "runtime/core/exit_codes.h"

namespace datablox {
namespace {

constexpr auto kStopGrace = std::chrono::seconds(2);

}  // namespace

void Caretaker::Spawn(HostProcess& p) {
  SpawnedHost spawned;
  Status st = SpawnHost({options_.executable, hosts_endpoint_, p.id, options_.bind_host, run_as_}, &spawned);
  if (!st.ok()) {
    p.last_exit = st.message();
    control::Failed failed;
    failed.element = p.id;
    failed.error = p.last_exit;
    master_->Send(failed);
    Finish(p, 0);
    return;
  }
  p.routing_id = p.id + "#" + spawned.token;
  p.stderr_fd = spawned.stderr_fd;
  p.pid = spawned.pid;
  p.state = HostState::kStarting;
  p.started = Clock::now();
  p.meter = ProcessLoadMeter(spawned.pid);
  p.reported_end = p.failed_on_purpose = false;
  by_pid_[spawned.pid] = p.id;
  master_->Send(control::Spawned{p.id, spawned.pid, options_.node, p.restarts});
}

ExitFacts Caretaker::ExitFactsOf(const HostProcess& p) const {
  ExitFacts facts;
  facts.asked_to_stop = p.stopping || shutting_down_;
  facts.said_done = p.said_done();
  facts.failed_on_purpose = p.failed_on_purpose;
  facts.lived = Clock::now() - p.started;
  return facts;
}

void Caretaker::Reap() {
  while (true) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) continue;
    std::string id = it->second;
    by_pid_.erase(it);
    auto process = processes_.find(id);
    if (process == processes_.end()) continue;
    HostProcess& p = process->second;
    ReadStderrPipe(&p.stderr_fd, /*until_eof=*/true, p.stderr_tail);
    // An element that said it ended (or stopped) is done, whatever its exit
    // status: restarting it would run it again from the start.
    if (!(p.said_done() && WIFEXITED(status) && WEXITSTATUS(status) == 0)) p.last_exit = DescribeExit(status);
    // A host exits kFailed only after its element failed (fail(), an
    // exception): its "failed" message may still be on its way when the
    // exit is reaped, and without this the element would be restarted as
    // if it had crashed.
    if (WIFEXITED(status) && WEXITSTATUS(status) == exit_code::kFailed) p.failed_on_purpose = true;
    if (p.rolling_back) {  // killed for the master's rollback: back at once, restoring its snapshot
      p.rolling_back = false;
      ++p.restarts;
      Spawn(p);
      continue;
    }
    RestartDecision decision = DecideRestart(p.restart, p.crashes_in_a_row, ExitFactsOf(p));
    if (decision.restarts() && p.plan.checkpoints) {
      AwaitRollback(p, decision);  // checkpoint_relay.cc
    } else if (decision.restarts()) {
      ScheduleRestart(p, decision);
    } else {
      spdlog::debug("[{}] {}; not restarted: {}", p.id, p.last_exit, GiveUpReasonName(decision.reason));
      Finish(p, status);
    }
  }
}

// A crash counted, and the host waits in backoff to be spawned at `at`.
void Caretaker::BackOff(HostProcess& p, const RestartDecision& decision, Clock::time_point at) {
  p.crashes_in_a_row = decision.crashes_in_a_row;
  ++p.restarts;
  p.restart_at = at;
  p.state = HostState::kBackoff;
  p.pid = -1;
}

void Caretaker::ScheduleRestart(HostProcess& p, const RestartDecision& decision) {
  BackOff(p, decision, Clock::now() + decision.delay);
  std::chrono::milliseconds delay = decision.delay;
  spdlog::warn("[{}] {}; restarting it{} (restart {}, {} in a row of at most {})", p.id, p.last_exit,
               delay.count() ? fmt::format(" in {} ms", delay.count()) : "", p.restarts, p.crashes_in_a_row,
               p.restart.limit);
  p.stderr_tail.Note(fmt::format("--- datablox: {} {}; restart {} ---", p.id, p.last_exit, p.restarts));
  master_->Send(control::Restarting{p.id, options_.node, p.restarts, p.last_exit, delay.count()});
}

void Caretaker::RestartDue() {
  // A checkpointed element's crash waits for the master's rollback instead
  // (AwaitRollback): its restart_at is never due.
  Clock::time_point now = Clock::now();
  std::vector<HostProcess*> due;  // Spawn may Finish (and erase) one: not while iterating
  for (auto& [id, p] : processes_) {
    if (p.state == HostState::kBackoff && now >= p.restart_at) due.push_back(&p);
  }
  for (HostProcess* p : due) Spawn(*p);
}

void Caretaker::Finish(HostProcess& p, int wait_status) {
  control::Exited exited;
  exited.element = p.id;
  exited.node = options_.node;
  exited.pid = p.pid;
  exited.restarts = p.restarts;
  exited.last_exit = p.last_exit;
  exited.stopped = p.stopping || shutting_down_;  // we asked it to go: not a failure
  // Its last word again: the exit alone must tell an end from a crash.
  exited.said_ended = p.said_done() && p.state == HostState::kEnded;
  if (WIFEXITED(wait_status)) exited.code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) exited.signal = WTERMSIG(wait_status);
  master_->Send(exited);
  FinishedElement& done = finished_[p.id];
  done.exit = exited;
  done.stderr_tail = std::move(p.stderr_tail);
  done.at = Clock::now();
  if (p.stderr_fd >= 0) ::close(p.stderr_fd);
  processes_.erase(p.id);
}

void Caretaker::StopHost(HostProcess& p) {
  if (p.stopping) return;
  p.stopping = true;
  if (p.state == HostState::kBackoff || p.pid <= 0) {  // waiting to restart: it simply will not
    p.last_exit = p.last_exit.empty() ? "stopped" : p.last_exit;
    Finish(p, 0);
    return;
  }
  p.state = HostState::kStopping;
  ::kill(-p.pid, SIGTERM);  // the host's whole process group
  p.kill_at = Clock::now() + kStopGrace;
}

void Caretaker::StopHosts(const std::string& topology) {
  std::vector<std::string> ids;
  for (auto& [id, p] : processes_) {
    if (topology.empty() || p.topology == topology) ids.push_back(id);
  }
  for (const std::string& id : ids) {
    auto it = processes_.find(id);
    if (it != processes_.end()) StopHost(it->second);
  }
}

void Caretaker::KillOverdue() {
  Clock::time_point now = Clock::now();
  for (auto& [id, p] : processes_) {
    if (p.kill_at.time_since_epoch().count() != 0 && now >= p.kill_at && p.pid > 0) {
      spdlog::warn("caretaker '{}': '{}' ignored SIGTERM for {} s; killing it", options_.node, id,
                   std::chrono::duration_cast<std::chrono::seconds>(kStopGrace).count());
      ::kill(-p.pid, SIGKILL);
      p.kill_at = now + std::chrono::hours(24);
    }
  }
}

}  // namespace datablox
