// SIGTERM and SIGINT ask the host to stop; the event loop looks at the flag
// (CheckStop) wherever it waits, so a stop is seen within one poll.
#pragma once

namespace datablox::host {

void InstallStopSignals();  // also ignores SIGPIPE
bool StopRequested();
void RequestStop();  // what a stop message from the caretaker does

}  // namespace datablox::host
