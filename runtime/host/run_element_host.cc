// The element host's process entry point: what is set once per process
// before the host runs (its tie to the caretaker, signals, malloc).
#include <malloc.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

#include "runtime/core/exit_codes.h"
#include "runtime/host/element_host.h"
#include "runtime/host/host.h"
#include "runtime/host/stop_signal.h"

namespace datablox {

int RunElementHost(const HostOptions& options) {
  if (options.parent > 0) {
    // No orphan if the caretaker dies; set here, not between fork and exec,
    // because the caretaker spawns with vfork semantics (posix_spawn): no
    // copy of its page tables per host, which is most of a host's start.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != options.parent) return exit_code::kParentGone;  // it died before we could tie ourselves to it
  }
  // Batches are allocated by ZeroMQ's I/O thread and freed by this one, at
  // tens of thousands a second: with glibc's default trimming the heap top
  // is handed back to the kernel and faulted in again all the time (measured:
  // about a third of the push throughput). What a host holds is bounded by
  // its links' credit windows, so keeping freed memory costs little.
  ::mallopt(M_TRIM_THRESHOLD, 128 << 20);
  ::mallopt(M_TOP_PAD, 16 << 20);
  host::InstallStopSignals();
  host::ElementHost host(options);
  return host.Run();
}

}  // namespace datablox
