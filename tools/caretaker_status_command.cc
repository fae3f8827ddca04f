// `datablox caretaker status`: this machine's caretaker asked directly on
// its status service, with or without a master.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "runtime/caretaker/caretaker.h"
#include "runtime/core/client_replies.h"
#include "runtime/core/control.h"
#include "tools/commands.h"

namespace datablox::cli {

using control::Json;

int CaretakerStatus(const std::string& node, const std::string& control_endpoint, const OutputFormat& format) {
  std::string endpoint = control_endpoint;
  if (endpoint.empty() && !node.empty()) endpoint = DefaultCaretakerControl(node);
  if (endpoint.empty()) {
    // No node named: the one caretaker of this machine, if there is one.
    std::string probe = DefaultCaretakerControl("X");
    std::filesystem::path folder = std::filesystem::path(probe.substr(6)).parent_path();
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
      std::string file = entry.path().filename().string();
      if (file.rfind("caretaker-", 0) == 0) found.push_back(file.substr(10, file.size() - 10 - 4));
    }
    if (found.size() != 1) {
      std::fprintf(stderr,
                   found.empty() ? "error: no caretaker runs on this machine (none in %s)\n"
                                 : "error: several caretakers run here (%s): say --node NAME\n",
                   found.empty() ? folder.c_str() : fmt::format("{}", fmt::join(found, ", ")).c_str());
      return found.empty() ? kExitUnavailable : kExitUsage;
    }
    endpoint = DefaultCaretakerControl(found[0]);
  }
  zmq::context_t zmq(1);
  MasterClient client(zmq, endpoint);
  control::CaretakerStatusReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(control::StatusRequest{}), &reply, &refusal, std::chrono::milliseconds(3000));
  if (!st.ok() || refusal) {
    std::fprintf(stderr, "error: no caretaker answers at %s: %s\n", endpoint.c_str(),
                 refusal ? refusal->error.c_str() : st.message().c_str());
    return kExitUnavailable;
  }
  if (format.json) {
    std::printf("%s\n", control::ToJson(reply).dump(2).c_str());
    return kExitOk;
  }
  const control::MasterLinkStatus& m = reply.master;
  std::printf("node %s (%s), pid %d; master %s: %s; cpu %.0f%%, memory %lu/%lu MB\n", reply.node.c_str(),
              reply.address.c_str(), reply.pid, m.endpoint.c_str(),
              m.connected          ? fmt::format("connected (heard {:.1f} s ago)", m.last_heard_s).c_str()
              : !m.refused.empty() ? ("REFUSED: " + m.refused).c_str()
                                   : "NOT CONNECTED",
              reply.cpu_percent, static_cast<unsigned long>(reply.memory_used_mb),
              static_cast<unsigned long>(reply.memory_mb));
  std::printf("%-30s %-7s %-10s %-8s %-5s %-7s %-5s %s\n", "ELEMENT", "PID", "STATE", "RESTARTS", "CPU", "MEM", "AGE",
              "LAST EXIT");
  for (const control::RunningElement& e : reply.elements) {
    std::printf("%-30s %-7d %-10s %-8d %-5s %-7s %-5s %s\n", e.element.c_str(), e.pid, e.state.c_str(), e.restarts,
                fmt::format("{:.0f}%", e.cpu_percent.value_or(0.0)).c_str(),
                (Human(static_cast<double>(e.rss_bytes.value_or(0))) + "B").c_str(), Age(e.age_s.value_or(0.0)).c_str(),
                e.last_exit.c_str());
  }
  return kExitOk;
}

}  // namespace datablox::cli
