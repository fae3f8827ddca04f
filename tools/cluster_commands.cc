// The verbs that talk to a running master: submit, list, status, kill,
// handler, call. Tables on stdout, diagnostics on stderr, -o json for
// scripts, 69 when the master cannot be reached.
#include <fmt/format.h>

#include <fmt/chrono.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "datablox/element.h"
#include "dsl/loader.h"
#include "runtime/caretaker/caretaker.h"
#include "runtime/core/wire.h"
#include "tools/commands.h"
#include "tools/master_client.h"
#include "tools/submission.h"

namespace datablox::cli {
namespace {

using control::Json;

// After the elements: one line per shard, its members and table.
//   SHARD users :: shard Counter  members 0,1,2 of 1..8  hash(user)  merge sum  v3
void PrintShards(const std::vector<control::StatusReply>& topologies, bool qualified) {
  for (const control::StatusReply& t : topologies) {
    for (const control::ShardStatus& shard : t.shards) {
      std::string route = shard.route == "hash" ? fmt::format("hash({})", shard.key) : shard.route;
      std::string name = qualified ? t.name + "/" + shard.name : shard.name;
      std::printf("SHARD %s :: shard %s  members %s of %d..%d  %s  merge %s  v%llu%s\n", name.c_str(),
                  shard.class_name.c_str(), fmt::format("{}", fmt::join(shard.members, ",")).c_str(), shard.min,
                  shard.max, route.c_str(), shard.merge.c_str(), static_cast<unsigned long long>(shard.version),
                  shard.changing ? ("  changing: " + *shard.changing).c_str() : "");
    }
  }
}

// Under the nodes: who the master lets in, and whom it refused.
//   security: CURVE, allow-list /keys/allow (2 caretaker, 1 operator keys); 41 let in; refused 3: 2 unknown keys, ...
void PrintSecurity(const control::SecurityStatus& s) {
  const uint64_t refused = s.refused_keys + s.refused_handshakes + s.refused_requests;
  if (s.mode != "curve") {
    std::printf("\nsecurity: open (no keys: anyone who reaches the master may do anything; see `datablox keygen`)\n");
    return;
  }
  std::printf(
      "\nsecurity: CURVE, allow-list %s (%d caretaker, %d operator keys); %llu let in; refused %llu: %llu unknown "
      "keys, %llu failed handshakes, %llu requests beyond a key's role\n",
      s.allow.c_str(), s.caretakers, s.operators, static_cast<unsigned long long>(s.accepted),
      static_cast<unsigned long long>(refused), static_cast<unsigned long long>(s.refused_keys),
      static_cast<unsigned long long>(s.refused_handshakes), static_cast<unsigned long long>(s.refused_requests));
  for (const std::string& e : s.allow_errors) std::printf("  allow-list entry left out: %s\n", e.c_str());
  for (const std::string& r : s.recent_refusals) std::printf("  refused %s\n", r.c_str());
}


// The master did not answer, or not in the reply's shape (not: it said no).
bool Unanswered(const Status& st) {
  return st.code() == Status::Code::kUnavailable || st.IsTimeout() || st.code() == Status::Code::kInternal ||
         st.code() == Status::Code::kPermissionDenied;
}

// "topology/element" or "element" (when one topology has it) -> both parts.
// *call_keys (when given): the key its topology's CURVE query ports take.
Status ResolveElement(MasterClient& client, const std::string& name, std::string* topology, std::string* element,
                      control::ElementStatus* record, std::optional<control::CallKeys>* call_keys = nullptr) {
  std::string wanted_topology, wanted = name;
  if (size_t slash = name.find('/'); slash != std::string::npos) {
    wanted_topology = name.substr(0, slash);
    wanted = name.substr(slash + 1);
  }
  control::ListReply list;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(control::ListRequest{}), &list, &refusal);
  if (!st.ok()) return st;
  std::vector<std::pair<std::string, control::ElementStatus>> found;
  std::map<std::string, std::optional<control::CallKeys>> keys_of;
  for (const control::TopologySummary& t : list.topologies) {
    if (!wanted_topology.empty() && t.name != wanted_topology) continue;
    control::StatusReply status;  // a refusal: the topology went meanwhile
    st = client.Ask(control::ToJson(control::StatusRequest{t.name}), &status, &refusal);
    if (!st.ok()) return st;
    for (const control::ElementStatus& e : status.elements) {
      if (e.name == wanted) found.push_back({t.name, e});
    }
    keys_of[t.name] = status.call_keys;
  }
  if (found.empty()) return Status::NotFound(fmt::format("no element '{}'", name));
  if (found.size() > 1)
    return Status::Invalid(fmt::format("'{}' is in several topologies: say TOPOLOGY/{}", wanted, wanted));
  *topology = found[0].first;
  *element = wanted;
  *record = found[0].second;
  if (call_keys) *call_keys = keys_of[found[0].first];
  return Status::OK();
}

}  // namespace

std::string Age(double seconds) {
  if (seconds >= 3600) return fmt::format("{:.0f}h", seconds / 3600);
  if (seconds >= 60) return fmt::format("{:.0f}m", seconds / 60);
  return fmt::format("{:.0f}s", seconds);
}

std::string Human(double n) {
  if (n >= 1e9) return fmt::format("{:.2f}G", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.2f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.1f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

int Submit(const std::string& file, const std::string& name, const std::string& master, const OutputFormat& format) {
  if (int code = CheckReadable(file); code != kExitOk) return code;
  // Read within the size limit, and syntax checked here: the text travels as
  // a JSON string, so it must be UTF-8 (the lexer says where it is not).
  std::string text;
  std::vector<dsl::Diagnostic> errors;
  if (dsl::ReadTopologyFile(file, &text, &errors)) dsl::Parse(text, file, &errors);
  if (!errors.empty()) {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return kExitDataErr;
  }
  // FILE and relative path parameters resolve here, where the user is, not
  // where the master or a caretaker happens to run.
  Submission submission;
  if (Status st = PrepareSubmission(file, text, &submission); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitSoftware;
  }
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::SubmitReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(submission.Request(name), &reply, &refusal, std::chrono::milliseconds(15000));
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    if (!refusal->errors.empty()) {
      for (const std::string& e : refusal->errors) std::fprintf(stderr, "%s\n", e.c_str());
      if (!refusal->error.empty()) std::fprintf(stderr, "note: %s\n", refusal->error.c_str());
      return kExitDataErr;
    }
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "submit refused"));
    return kExitFailed;
  }
  if (format.json) std::printf("%s\n", control::ToJson(reply).dump(2).c_str());
  else std::printf("submitted %s\n", reply.topology.c_str());
  return kExitOk;
}

int List(const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::ListReply reply;
  std::optional<control::Refusal> refusal;  // a master always lists
  Status st = client.Ask(control::ToJson(control::ListRequest{}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (format.json) {
    std::printf("%s\n", control::ToJson(reply)["topologies"].dump(2).c_str());
    return kExitOk;
  }
  std::printf("%-24s %-10s %-9s %s\n", "NAME", "STATE", "ELEMENTS", "FILE");
  for (const control::TopologySummary& t : reply.topologies) {
    std::printf("%-24s %-10s %-9zu %s\n", t.name.c_str(), t.state.c_str(), static_cast<size_t>(t.elements),
                t.file.c_str());
  }
  return kExitOk;
}

int Nodes(const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::NodesReply reply;
  std::optional<control::Refusal> refusal;  // a master always answers
  Status st = client.Ask(control::ToJson(control::NodesRequest{}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (format.json) {
    std::printf("%s\n", control::ToJson(reply)["nodes"].dump(2).c_str());
    return kExitOk;
  }
  std::printf("%-12s %-16s %-6s %-6s %-5s %-15s %-9s %s\n", "NODE", "ADDRESS", "STATE", "CORES", "CPU", "MEMORY",
              "ELEMENTS", "LAST SEEN");
  for (const control::NodeStatus& n : reply.nodes) {
    std::printf("%-12s %-16s %-6s %-6d %-5s %-15s %-9d %s\n", n.name.c_str(), n.address.c_str(), n.state.c_str(),
                n.cores, fmt::format("{:.0f}%", n.cpu_percent).c_str(),
                fmt::format("{}/{}MB", n.memory_used_mb, n.memory_mb).c_str(), n.elements,
                fmt::format("{:.1f}s ago", n.last_seen_s).c_str());
  }
  PrintSecurity(reply.security);
  return kExitOk;
}

int Logs(const std::string& target, int lines, const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  std::string topology, element;
  control::ElementStatus record;
  Status st = ResolveElement(client, target, &topology, &element, &record);
  if (Unanswered(st)) return Unreachable(endpoint, st);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitUsage;
  }
  control::LogsReply reply;
  std::optional<control::Refusal> refusal;
  st = client.Ask(control::ToJson(control::LogsRequest{topology + "/" + element, lines, std::nullopt}), &reply,
                  &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "no logs"));
    return kExitFailed;
  }
  const std::vector<std::string>& text = reply.lines;
  if (format.json) {
    std::printf("%s\n", Json({{"topology", topology}, {"element", element}, {"lines", text}}).dump(2).c_str());
    return kExitOk;
  }
  for (const std::string& line : text) std::printf("%s\n", line.c_str());
  if (text.empty()) std::fprintf(stderr, "(%s/%s has written nothing to stderr)\n", topology.c_str(), element.c_str());
  return kExitOk;
}

int Events(const std::string& topology, int limit, const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::EventsReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(control::EventsRequest{topology, limit}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "no events"));
    return kExitFailed;
  }
  if (format.json) {
    std::printf("%s\n", control::ToJson(reply)["events"].dump(2).c_str());
    return kExitOk;
  }
  for (const control::EventItem& e : reply.events) {
    auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(e.unix_ms));
    std::string who = e.topology;
    if (!e.element.empty()) who += "/" + e.element;
    std::printf("%s  %-24s %s\n",
                fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(std::chrono::system_clock::to_time_t(at))).c_str(),
                who.c_str(), e.what.c_str());
  }
  return kExitOk;
}

int StatusCommand(const std::string& topology, const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  std::vector<std::string> names;
  std::optional<control::Refusal> refusal;
  if (topology.empty()) {
    control::ListReply list;
    Status st = client.Ask(control::ToJson(control::ListRequest{}), &list, &refusal);
    if (!st.ok()) return Unreachable(endpoint, st);
    for (const control::TopologySummary& t : list.topologies) names.push_back(t.name);
  } else {
    names.push_back(topology);
  }
  std::vector<control::StatusReply> all;
  for (const std::string& name : names) {
    control::StatusReply reply;
    Status st = client.Ask(control::ToJson(control::StatusRequest{name}), &reply, &refusal);
    if (!st.ok()) return Unreachable(endpoint, st);
    if (refusal) {
      std::fprintf(stderr, "error: %s\n", Why(*refusal, "no such topology"));
      return kExitUsage;
    }
    reply.call_keys.reset();  // the master hands them for `call`, not to be shown
    all.push_back(std::move(reply));
  }
  if (format.json) {
    Json out = Json::array();
    for (const control::StatusReply& t : all) out.push_back(control::ToJson(t));
    std::printf("%s\n", (topology.empty() ? out : out[0]).dump(2).c_str());
    return kExitOk;
  }
  std::printf("%-22s %-16s %-8s %-7s %-8s %-8s %-8s %-8s %-7s %-7s %-5s %-7s %s\n", "ELEMENT", "CLASS", "NODE", "PID",
              "STATE", "RESTARTS", "IN/S", "OUT/S", "QUEUE", "BLOCKED", "CPU", "MEM", "AGE");
  for (const control::StatusReply& t : all) {
    for (const control::ElementStatus& e : t.elements) {
      const Json& s = e.stats;
      std::string element = names.size() > 1 ? t.name + "/" + e.name : e.name;
      std::printf("%-22s %-16s %-8s %-7d %-8s %-8d %-8s %-8s %-7s %-7s %-5s %-7s %s\n", element.c_str(),
                  e.class_name.c_str(), e.node.c_str(), e.pid, e.state.c_str(), e.restarts, Human(e.in_rate).c_str(),
                  Human(e.out_rate).c_str(), Human(static_cast<double>(e.queue)).c_str(),
                  fmt::format("{:.0f}%", 100 * e.blocked_share).c_str(),
                  fmt::format("{:.0f}%", s.value("cpu_percent", 0.0)).c_str(),
                  (Human(s.value("rss_bytes", 0.0)) + "B").c_str(), Age(e.age_s).c_str());
    }
  }
  PrintShards(all, names.size() > 1);
  return kExitOk;
}

int Kill(const std::string& topology, double wait_s, const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::KillReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(control::Kill{topology, wait_s}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "kill refused"));
    return kExitUsage;
  }
  if (format.json) {
    std::printf("%s\n",
                Json({{"topology", topology}, {"action", wait_s > 0 ? "draining" : "stopping"}, {"wait_s", wait_s}})
                    .dump(2)
                    .c_str());
    return kExitOk;
  }
  std::printf(wait_s > 0 ? "draining %s for up to %.1f s\n" : "stopping %s\n", topology.c_str(), wait_s);
  return kExitOk;
}

int Handler(const std::string& target, const std::optional<std::string>& value, const std::string& master,
            const OutputFormat& format) {
  size_t dot = target.rfind('.');
  if (dot == std::string::npos) {
    std::fprintf(stderr, "error: say ELEMENT.HANDLER, e.g. count.count\n");
    return kExitUsage;
  }
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  std::string topology, element;
  control::ElementStatus record;
  Status st = ResolveElement(client, target.substr(0, dot), &topology, &element, &record);
  if (Unanswered(st)) return Unreachable(endpoint, st);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitUsage;
  }
  control::HandlerRequest request{topology + "/" + element, target.substr(dot + 1), value, std::nullopt};
  control::HandlerReply reply;
  std::optional<control::Refusal> refusal;
  st = client.Ask(control::ToJson(request), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", refusal->error.c_str());
    return kExitFailed;
  }
  if (format.json) {
    Json out = {{"topology", topology},
                {"element", element},
                {"handler", target.substr(dot + 1)},
                {"value", value ? *value : reply.value.value_or("")},
                {"written", value.has_value()}};
    std::printf("%s\n", out.dump(2).c_str());
  } else if (!value) {
    std::printf("%s\n", reply.value.value_or("").c_str());
  }
  return kExitOk;
}

// The reply is JSON in either format: -o json prints it the same way.
int AskQuery(const std::string& target, const std::string& json, int timeout_ms, const std::string& master,
             OwnedLog* reply, std::string* error) {
  auto say = [error](const std::string& message) {
    if (error) {
      *error = message;
    } else {
      std::fprintf(stderr, "error: %s\n", message.c_str());
    }
  };
  size_t dot = target.rfind('.');
  if (dot == std::string::npos) {
    say("say ELEMENT.PORT, e.g. count.query");
    return kExitUsage;
  }
  OwnedLog request;
  Status st = OwnedLog::FromJson(json, &request);
  if (!st.ok()) {
    say("the request: " + st.message());
    return kExitUsage;
  }
  zmq::context_t zmq(1);
  std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  std::string topology, element;
  control::ElementStatus record;
  std::optional<control::CallKeys> call_keys;
  st = ResolveElement(client, target.substr(0, dot), &topology, &element, &record, &call_keys);
  if (Unanswered(st)) {
    if (!error) return Unreachable(endpoint, st);
    say(fmt::format("cannot reach the master at {}: {}", endpoint, st.message()));
    return st.code() == Status::Code::kInternal ? kExitSoftware : kExitUnavailable;
  }
  if (!st.ok()) {
    say(st.message());
    return kExitUsage;
  }
  std::string port = target.substr(dot + 1);
  std::string address = record.endpoints.value(port, "");
  if (address.empty()) {
    say(fmt::format("{} has no bound query port '{}'", element, port));
    return kExitUsage;
  }
  // Straight to the element, as any requester would: the master is not in the path.
  zmq::socket_t socket(zmq, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::routing_id, fmt::format("cli:{}", ::getpid()));
  socket.set(zmq::sockopt::linger, 0);
  if (call_keys) auth::MakeCurveClient(socket, {call_keys->public_key, call_keys->secret_key, call_keys->server_key});
  socket.connect(address);
  socket.send(zmq::buffer(wire::Request(1, request.bytes())), zmq::send_flags::none);
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  control::Poll(&item, 1, std::chrono::milliseconds(timeout_ms));
  zmq::message_t frame;
  if (!(item.revents & ZMQ_POLLIN) || !socket.recv(frame, zmq::recv_flags::dontwait)) {
    say(fmt::format("no reply from {}.{} within {} ms", element, port, timeout_ms));
    return kExitUnavailable;
  }
  wire::Kind kind;
  uint64_t id = 0;
  std::string_view body;
  st = wire::ReadHeader(frame.to_string_view(), &kind);
  if (st.ok()) st = wire::ReadAddressed(frame.to_string_view(), &id, &body);
  if (!st.ok()) {
    say("malformed reply: " + st.message());
    return kExitSoftware;
  }
  if (kind == wire::Kind::kError) {
    say(fmt::format("{}.{} answered: {}", element, port, body));
    return kExitFailed;
  }
  *reply = OwnedLog(std::string(body));
  return kExitOk;
}

int AskStartingElement(const std::string& target, const std::string& json, int timeout_ms, const std::string& master,
                       OwnedLog* reply, std::string* error) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const int code = AskQuery(target, json, timeout_ms, master, reply, error);
    if (code == kExitOk) return code;
    const bool starting = error->find("has no bound query port") != std::string::npos ||
                          error->find("(not running, or not wired yet)") != std::string::npos;
    if (!starting || std::chrono::steady_clock::now() >= deadline) {
      // An element that is not where it was looked for is one that cannot be reached.
      const bool absent = starting || error->rfind("no element '", 0) == 0;
      return absent ? kExitUnavailable : code;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int Call(const std::string& target, const std::string& json, int timeout_ms, const std::string& master,
         const OutputFormat&) {
  OwnedLog reply;
  const int code = AskQuery(target, json, timeout_ms, master, &reply, nullptr);
  if (code == kExitOk) std::printf("%s\n", reply.to_json().c_str());
  return code;
}

}  // namespace datablox::cli
