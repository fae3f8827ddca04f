#include "runtime/host/stop_signal.h"

#include <csignal>

namespace datablox::host {

namespace {
volatile std::sig_atomic_t g_stop_requested = 0;
void OnStopSignal(int) { g_stop_requested = 1; }
}  // namespace

void InstallStopSignals() {
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGPIPE, SIG_IGN);
}

bool StopRequested() { return g_stop_requested != 0; }
void RequestStop() { g_stop_requested = 1; }

}  // namespace datablox::host
