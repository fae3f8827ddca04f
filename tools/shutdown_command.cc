// `datablox shutdown`: stops the master, every caretaker that joined it and
// every element they run, on purpose. (A signal to the master stops the
// master alone: the topologies run on.)
#include <chrono>
#include <cstdio>
#include <thread>

#include "tools/commands.h"
#include "tools/master_client.h"

namespace datablox::cli {

int Shutdown(const std::string& master) {
  using Clock = std::chrono::steady_clock;
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::ShutdownReply reply;
  std::optional<control::Refusal> refusal;  // a master never refuses it
  Status st = client.Ask(control::ToJson(control::Shutdown{}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  std::printf("stopping the master at %s, its caretakers and every element they run\n", endpoint.c_str());
  // The master goes once its caretakers have stopped their elements and
  // left (it waits for them at most a few seconds): return when it is gone.
  auto deadline = Clock::now() + std::chrono::seconds(15);
  while (Clock::now() < deadline) {
    control::ListReply list;
    if (!client.Ask(control::ToJson(control::ListRequest{}), &list, &refusal, std::chrono::milliseconds(300)).ok())
      return kExitOk;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "error: the master at %s still answers after 15 s\n", endpoint.c_str());
  return kExitSoftware;
}

}  // namespace datablox::cli
