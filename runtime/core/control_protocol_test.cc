#include "runtime/core/control_protocol.h"

#include <gtest/gtest.h>

#include <string>

namespace datablox::control {
namespace {

// Encodes, checks the op, decodes into a fresh struct and encodes again:
// the two encodings must be the same JSON (nothing lost, nothing added).
template <class Message>
Json RoundTrip(const Message& message) {
  Json wire = ToJson(message);
  EXPECT_EQ(wire.value("op", ""), OpName(Message::kOp));
  // Through text, as on the wire: numbers come back as the parser types them.
  Json parsed = Json::parse(wire.dump());
  Message back;
  Status st = FromJson(parsed, &back);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ToJson(back), wire);
  return wire;
}

// The message `json` with `field` of a wrong type gives an Invalid status
// that names the message and the field.
template <class Message>
void ExpectBadField(Json json, const std::string& field, Json wrong, const std::string& what) {
  json[field] = wrong;
  Message message;
  Status st = FromJson(json, &message);
  ASSERT_FALSE(st.ok()) << what << "." << field;
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_NE(st.message().find(what + ": '" + field + "'"), std::string::npos) << st.message();
}

ElementPlan SamplePlan() {
  ElementPlan plan;
  plan.topology = "t";
  plan.name = "keep";
  plan.class_name = "Filter";
  plan.node = "n1";
  plan.params["expr"] = ParamValue::String("x > 1");
  plan.params["n"] = ParamValue::Int(3);
  plan.params["ratio"] = ParamValue::Float(0.5);
  plan.params["on"] = ParamValue::Bool(true);
  plan.params["list"] = ParamValue::List({ParamValue::Int(1), ParamValue::String("a")});
  auto link = [](std::string id, std::string endpoint, int window, int batch, bool check_schema) {
    LinkPlan plan;
    plan.id = std::move(id);
    plan.endpoint = std::move(endpoint);
    plan.window = window;
    plan.batch = batch;
    plan.check_schema = check_schema;
    return plan;
  };
  auto port = [](std::string name, int window, LinkPlan only) {
    PortPlan plan;
    plan.port = std::move(name);
    plan.window = window;
    plan.links.push_back(std::move(only));
    return plan;
  };
  plan.push_in.push_back(port("in", 10, link("src.out>keep.in", "", 10, 5, true)));
  plan.push_out.push_back(port("out", 0, link("keep.out>sink.in", "tcp://127.0.0.1:5000", 7, 3, false)));
  plan.query_out.push_back(port("ask", 0, link("keep.ask>db.q", "", 0, 0, false)));
  plan.query_timeout_ms = 1234;
  plan.restart = RestartPolicy::kAlways;
  plan.restart_limit = 3;
  plan.backoff_ms = 50;
  plan.search_path = {"/a", "/b"};
  return plan;
}

TEST(ControlProtocolTest, EveryOpHasItsWireNameAndBack) {
  for (std::string_view name :
       {"submit",     "status", "list",          "nodes",      "events",        "stop",    "kill",
        "handler",    "logs",   "shutdown",      "join",       "heartbeat",     "left",    "spawned",
        "restarting", "exited", "handler_reply", "logs_reply", "heartbeat_ack", "spawn",   "connect",
        "rewire",     "drain",  "kill_element",  "hello",      "bound",         "started", "link_done",
        "stats",      "ended",  "stopped",       "failed",     "configure",     "bye"}) {
    Op op = OpFromName(name);
    EXPECT_NE(op, Op::kUnknown) << name;
    EXPECT_EQ(OpName(op), name);
  }
  EXPECT_EQ(OpFromName("frobnicate"), Op::kUnknown);
}

TEST(ControlProtocolTest, ReadOpTellsAbsentUnknownAndWrongType) {
  Op op;
  std::string name;
  EXPECT_TRUE(ReadOp(Json{{"op", "kill_element"}}, &op, &name).ok());
  EXPECT_EQ(op, Op::kKillElement);
  EXPECT_EQ(name, "kill_element");
  EXPECT_TRUE(ReadOp(Json{{"op", "frobnicate"}}, &op, &name).ok());
  EXPECT_EQ(op, Op::kUnknown);
  EXPECT_EQ(name, "frobnicate");
  EXPECT_TRUE(ReadOp(Json::object(), &op, &name).ok());
  EXPECT_EQ(op, Op::kUnknown);
  EXPECT_EQ(name, "");
  Status st = ReadOp(Json{{"op", 7}}, &op, &name);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "'op' must be a string, found number");
  EXPECT_FALSE(ReadOp(Json::array(), &op).ok());
}

TEST(ControlProtocolTest, LinkIdFormatsAndParses) {
  LinkId id{"src", "out", "keep", "in"};
  EXPECT_EQ(id.ToString(), "src.out>keep.in");
  LinkId back;
  ASSERT_TRUE(ParseLinkId("src.out>keep.in", &back).ok());
  EXPECT_EQ(back.from_element, "src");
  EXPECT_EQ(back.from_port, "out");
  EXPECT_EQ(back.to_element, "keep");
  EXPECT_EQ(back.to_port, "in");
  for (const char* bad :
       {"", "src.out", "src>keep.in", "src.out>keep", ".out>keep.in", "src.>keep.in", "src.out>.in"}) {
    Status st = ParseLinkId(bad, &back);
    EXPECT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.message(), std::string("link id '") + bad + "' is not ELEMENT.PORT>ELEMENT.PORT");
  }
}

TEST(ControlProtocolTest, RestartPolicyNamesParseAndDefaults) {
  EXPECT_EQ(RestartPolicyNames(), (std::vector<std::string>{"on-failure", "always", "never"}));
  for (const std::string& name : RestartPolicyNames()) {
    RestartPolicy policy;
    ASSERT_TRUE(ParseRestartPolicy(name, &policy).ok());
    EXPECT_EQ(RestartPolicyName(policy), name);
  }
  RestartPolicy policy = RestartPolicy::kNever;
  Status st = ParseRestartPolicy("sometimes", &policy);
  EXPECT_EQ(st.message(), "restart policy \"sometimes\" is none of on-failure, always, never");
  EXPECT_EQ(policy, RestartPolicy::kNever);  // untouched
  ElementPlan plan;
  EXPECT_EQ(plan.restart, RestartPolicy::kOnFailure);
  EXPECT_EQ(plan.restart_limit, 5);
  EXPECT_EQ(plan.backoff_ms, 100);
}

TEST(ControlProtocolTest, PlanRoundTripsEveryField) {
  ElementPlan plan = SamplePlan();
  Json wire = ToJson(plan);
  EXPECT_EQ(wire["class"], "Filter");
  EXPECT_EQ(wire["restart"], "always");
  EXPECT_EQ(wire["params"]["n"], Json({{"int", 3}}));
  EXPECT_EQ(wire["push_in"][0]["links"][0]["check_schema"], true);
  ElementPlan back;
  ASSERT_TRUE(FromJson(Json::parse(wire.dump()), &back).ok());
  EXPECT_EQ(ToJson(back), wire);
  EXPECT_EQ(back.params.at("list").list.size(), 2u);
}

TEST(ControlProtocolTest, AQueryLinkCarriesItsRespondersStreamServerOnlyWhenItHasOne) {
  LinkPlan link;
  link.id = "pull.ask>nums.q";
  EXPECT_FALSE(ToJson(link).contains("stream_endpoint"));
  link.stream_endpoint = "tcp://127.0.0.1:7001";
  LinkPlan back;
  ASSERT_TRUE(FromJson(Json::parse(ToJson(link).dump()), &back).ok());
  EXPECT_EQ(back.stream_endpoint, "tcp://127.0.0.1:7001");
}

TEST(ControlProtocolTest, PlanAbsentFieldsTakeTheDefaults) {
  ElementPlan plan;
  ASSERT_TRUE(FromJson(Json{{"name", "x"}}, &plan).ok());
  EXPECT_EQ(plan.name, "x");
  EXPECT_EQ(plan.query_timeout_ms, 5000);
  EXPECT_EQ(plan.restart, kDefaultRestartPolicy);
  EXPECT_EQ(plan.restart_limit, kDefaultRestartLimit);
  EXPECT_EQ(plan.backoff_ms, kDefaultBackoffMs);
}

TEST(ControlProtocolTest, PlanMalformedFieldsAreNamed) {
  Json plan = ToJson(SamplePlan());
  ExpectBadField<ElementPlan>(plan, "name", 5, "plan");
  ExpectBadField<ElementPlan>(plan, "restart_limit", "five", "plan");
  ExpectBadField<ElementPlan>(plan, "push_in", "nope", "plan");
  ElementPlan out;
  Json bad = plan;
  bad["restart"] = "sometimes";
  EXPECT_EQ(FromJson(bad, &out).message(),
            "plan: 'restart': restart policy \"sometimes\" is none of on-failure, always, never");
  bad = plan;
  bad["push_out"][0]["links"][0]["window"] = "big";
  EXPECT_EQ(FromJson(bad, &out).message(),
            "plan: 'push_out[0]': port: 'links[0]': link: 'window' must be an int, found string");
  bad = plan;
  bad["params"]["n"] = Json{{"int", "3"}};
  EXPECT_EQ(FromJson(bad, &out).message(), "plan: 'params.n': parameter: 'int' must be an int, found string");
  EXPECT_EQ(FromJson(Json::array(), &out).message(), "plan: must be an object, found array");
}

// The topology allows kMaxParamListNesting levels; a plan nested deeper is
// refused instead of recursing without end.
TEST(ControlProtocolTest, PlanParamNestedTooDeepIsAnErrorNotARecursionWithoutEnd) {
  auto nested = [](int levels) {
    Json value = {{"int", 1}};
    for (int i = 0; i < levels; ++i) {
      Json list = Json::array();
      list.push_back(std::move(value));  // moved: a copy per level would cost the square of the levels
      value = Json{{"list", std::move(list)}};
    }
    return value;
  };
  ParamValue out;
  EXPECT_TRUE(ParamFromJson(nested(kMaxParamListNesting), &out).ok());
  Status st = ParamFromJson(nested(10000), &out);
  EXPECT_EQ(st.message(), "parameter: lists nest more than 64 levels deep");
}

TEST(ControlProtocolTest, ClientRequestsRoundTrip) {
  Submit submit;
  submit.file = "/t/a.topo";
  submit.text = "a :: Null\n";
  submit.name = "a";
  submit.search_path = std::vector<std::string>{"/t"};
  submit.absolute_paths = Json{{"src", {{"path", "/t/x"}}}};
  RoundTrip(submit);
  EXPECT_EQ(RoundTrip(Submit{}), Json({{"op", "submit"}, {"file", "topology.topo"}, {"text", ""}}));
  EXPECT_EQ(RoundTrip(StatusRequest{}), Json({{"op", "status"}}));
  EXPECT_EQ(RoundTrip(StatusRequest{"t"}), Json({{"op", "status"}, {"topology", "t"}}));
  EXPECT_EQ(RoundTrip(ListRequest{}), Json({{"op", "list"}}));
  EXPECT_EQ(RoundTrip(NodesRequest{}), Json({{"op", "nodes"}}));
  EXPECT_EQ(RoundTrip(Shutdown{}), Json({{"op", "shutdown"}}));
  EXPECT_EQ(RoundTrip(EventsRequest{"t", 20}), Json({{"op", "events"}, {"topology", "t"}, {"limit", 20}}));
  EXPECT_EQ(RoundTrip(Stop{"t"}), Json({{"op", "stop"}, {"topology", "t"}}));
  EXPECT_EQ(RoundTrip(Kill{"t", 1.5}), Json({{"op", "kill"}, {"topology", "t"}, {"wait_s", 1.5}}));
  EXPECT_EQ(RoundTrip(HandlerRequest{"t/c", "count", std::nullopt, std::nullopt}),
            Json({{"op", "handler"}, {"element", "t/c"}, {"name", "count"}}));
  RoundTrip(HandlerRequest{"t/c", "reset", "1", 9});
  EXPECT_EQ(RoundTrip(LogsRequest{"t/c", 10, 4}),
            Json({{"op", "logs"}, {"element", "t/c"}, {"lines", 10}, {"request", 4}}));
}

TEST(ControlProtocolTest, ClientRequestsMalformedFieldsAreNamed) {
  ExpectBadField<Submit>(ToJson(Submit{}), "text", 5, "submit");
  ExpectBadField<Submit>(ToJson(Submit{}), "search_path", 3, "submit");
  ExpectBadField<Submit>(ToJson(Submit{}), "name", true, "submit");
  ExpectBadField<StatusRequest>(ToJson(StatusRequest{}), "topology", 5, "status");
  ExpectBadField<EventsRequest>(ToJson(EventsRequest{}), "limit", "all", "events");
  ExpectBadField<Stop>(ToJson(Stop{}), "topology", Json::array(), "stop");
  ExpectBadField<Kill>(ToJson(Kill{}), "wait_s", "soon", "kill");
  ExpectBadField<HandlerRequest>(ToJson(HandlerRequest{}), "value", 3, "handler");
  ExpectBadField<HandlerRequest>(ToJson(HandlerRequest{}), "request", -1, "handler");
  ExpectBadField<LogsRequest>(ToJson(LogsRequest{}), "lines", "many", "logs");
  ExpectBadField<LogsRequest>(ToJson(LogsRequest{}), "element", 5, "logs");
  Shutdown shutdown;
  EXPECT_EQ(FromJson(Json("x"), &shutdown).message(), "shutdown: must be an object, found string");
}

Heartbeat SampleHeartbeat() {
  Heartbeat beat;
  beat.node = "n1";
  beat.figures = NodeFigures{4, 8000, "127.0.0.1", 12.5, 3000};
  RunningElement running;
  running.element = "t/src";
  running.pid = 42;
  running.state = "running";
  running.restarts = 1;
  running.last_exit = "killed by signal 9";
  running.cpu_percent = 50.0;
  running.rss_bytes = 1u << 20;
  running.age_s = 2.5;
  running.endpoints = {{"in", "tcp://127.0.0.1:5000"}};
  running.ended_links = {"a.out>src.in"};
  beat.elements.push_back(running);
  Exited exited;
  exited.element = "t/old";
  exited.node = "n1";
  exited.pid = 41;
  exited.last_exit = "exited with status 0";
  exited.said_ended = true;
  exited.code = 0;
  beat.finished.push_back(exited);
  beat.malformed = 2;
  beat.to_master = OutboxFigures{1, 2, 3};
  return beat;
}

TEST(ControlProtocolTest, CaretakerMessagesRoundTrip) {
  Join join{"n1", NodeFigures{4, 8000, "127.0.0.1", std::nullopt, std::nullopt}, 77};
  EXPECT_EQ(
      RoundTrip(join),
      Json({{"op", "join"}, {"node", "n1"}, {"cores", 4}, {"memory_mb", 8000}, {"address", "127.0.0.1"}, {"pid", 77}}));
  EXPECT_EQ(RoundTrip(Left{"n1"}), Json({{"op", "left"}, {"node", "n1"}}));
  Json beat = RoundTrip(SampleHeartbeat());
  EXPECT_EQ(beat["finished"][0]["op"], "exited");  // a finished entry is the exit message told again
  EXPECT_FALSE(beat["finished"][0].contains("signal"));
  EXPECT_EQ(beat["to_master"], Json({{"waiting", 1}, {"deferred", 2}, {"dropped", 3}}));
  EXPECT_EQ(RoundTrip(Heartbeat{}),
            Json({{"op", "heartbeat"}, {"node", ""}, {"elements", Json::array()}, {"finished", Json::array()}}));
  Exited killed;
  killed.element = "t/x";
  killed.signal = 9;
  killed.stopped = true;
  EXPECT_EQ(RoundTrip(killed), Json({{"op", "exited"},
                                     {"element", "t/x"},
                                     {"node", ""},
                                     {"pid", 0},
                                     {"restarts", 0},
                                     {"last_exit", ""},
                                     {"stopped", true},
                                     {"said_ended", false},
                                     {"signal", 9}}));
  EXPECT_EQ(RoundTrip(Spawned{"t/x", 5, "n1", 2}),
            Json({{"op", "spawned"}, {"element", "t/x"}, {"pid", 5}, {"node", "n1"}, {"restarts", 2}}));
  EXPECT_EQ(RoundTrip(Restarting{"t/x", "n1", 3, "crashed", 200}), Json({{"op", "restarting"},
                                                                         {"element", "t/x"},
                                                                         {"node", "n1"},
                                                                         {"restarts", 3},
                                                                         {"last_exit", "crashed"},
                                                                         {"delay_ms", 200}}));
  RoundTrip(Restarting{"t/x", "n1", std::nullopt, "", std::nullopt});
}

TEST(ControlProtocolTest, CaretakerMessagesMalformedFieldsAreNamed) {
  ExpectBadField<Join>(ToJson(Join{}), "cores", "many", "join");
  ExpectBadField<Join>(ToJson(Join{}), "address", 5, "join");
  ExpectBadField<Left>(ToJson(Left{}), "node", 5, "left");
  ExpectBadField<Heartbeat>(ToJson(Heartbeat{}), "elements", "nope", "heartbeat");
  ExpectBadField<Heartbeat>(ToJson(Heartbeat{}), "finished", Json::object(), "heartbeat");
  ExpectBadField<Heartbeat>(ToJson(Heartbeat{}), "cores", "many", "heartbeat");
  ExpectBadField<Heartbeat>(ToJson(Heartbeat{}), "to_master", 3, "heartbeat");
  Heartbeat beat;
  Json bad = ToJson(SampleHeartbeat());
  bad["elements"] = Json::array({5});
  EXPECT_EQ(FromJson(bad, &beat).message(), "heartbeat: 'elements[0]': element: must be an object, found number");
  bad["elements"] = Json::array({Json{{"element", 7}}});
  EXPECT_EQ(FromJson(bad, &beat).message(),
            "heartbeat: 'elements[0]': element: 'element' must be a string, found number");
  ExpectBadField<RunningElement>(ToJson(RunningElement{}), "endpoints", Json::array(), "element");
  ExpectBadField<RunningElement>(ToJson(RunningElement{}), "ended_links", Json::array({1}), "element");
  ExpectBadField<Exited>(ToJson(Exited{}), "element", Json::array({"x"}), "exited");
  ExpectBadField<Exited>(ToJson(Exited{}), "code", "0", "exited");
  ExpectBadField<Exited>(ToJson(Exited{}), "said_ended", 1, "exited");
  ExpectBadField<Spawned>(ToJson(Spawned{}), "pid", "5", "spawned");
  ExpectBadField<Restarting>(ToJson(Restarting{}), "restarts", 1.5, "restarting");
}

TEST(ControlProtocolTest, MasterMessagesRoundTrip) {
  EXPECT_EQ(RoundTrip(HeartbeatAck{}), Json({{"op", "heartbeat_ack"}}));
  Spawn first{SamplePlan(), std::nullopt, std::nullopt};
  Json spawn = RoundTrip(first);
  EXPECT_FALSE(spawn.contains("ended_links"));  // a first placement says nothing of them
  EXPECT_EQ(spawn["plan"], ToJson(SamplePlan()));
  RoundTrip(Spawn{SamplePlan(), std::vector<std::string>{"src.out>keep.in"}, Restore{7, "c3RhdGU="}});
  RoundTrip(Connect{"t/keep", SamplePlan()});
  EXPECT_EQ(RoundTrip(Rewire{"t/src", {{"src.out>keep.in", "tcp://127.0.0.1:6000"}}, {}}),
            Json({{"op", "rewire"}, {"element", "t/src"}, {"links", {{"src.out>keep.in", "tcp://127.0.0.1:6000"}}}}));
  Json moved = RoundTrip(
      Rewire{"t/pull", {{"pull.ask>nums.q", "tcp://127.0.0.1:6001"}}, {{"pull.ask>nums.q", "tcp://127.0.0.1:6002"}}});
  EXPECT_EQ(moved["stream_links"], Json({{"pull.ask>nums.q", "tcp://127.0.0.1:6002"}}));
  EXPECT_EQ(RoundTrip(Drain{"t"}), Json({{"op", "drain"}, {"topology", "t"}}));
  EXPECT_EQ(RoundTrip(KillElement{"t/x"}), Json({{"op", "kill_element"}, {"element", "t/x"}}));
}

TEST(ControlProtocolTest, MasterMessagesMalformedFieldsAreNamed) {
  ExpectBadField<Spawn>(ToJson(Spawn{}), "plan", 5, "spawn");
  ExpectBadField<Spawn>(ToJson(Spawn{}), "ended_links", "x", "spawn");
  ExpectBadField<Connect>(ToJson(Connect{}), "plan", Json::array(), "connect");
  ExpectBadField<Connect>(ToJson(Connect{}), "element", 1, "connect");
  ExpectBadField<Rewire>(ToJson(Rewire{}), "links", Json{{"a.b>c.d", 5}}, "rewire");
  ExpectBadField<Drain>(ToJson(Drain{}), "topology", 1, "drain");
  ExpectBadField<KillElement>(ToJson(KillElement{}), "element", 1, "kill_element");
  HeartbeatAck ack;
  EXPECT_EQ(FromJson(Json(3), &ack).message(), "heartbeat_ack: must be an object, found number");
}

TEST(ControlProtocolTest, HostMessagesRoundTripWithAndWithoutTheCaretakersStamp) {
  EXPECT_EQ(RoundTrip(Hello{"t/x", 9}), Json({{"op", "hello"}, {"element", "t/x"}, {"pid", 9}}));
  Bound bound{"t/x", {{"in", "tcp://127.0.0.1:5000"}}, std::nullopt, std::nullopt};
  EXPECT_EQ(RoundTrip(bound),
            Json({{"op", "bound"}, {"element", "t/x"}, {"endpoints", {{"in", "tcp://127.0.0.1:5000"}}}}));
  bound.via = ForwardedBy{"n1", 9, 1};
  bound.restarted = true;
  EXPECT_EQ(RoundTrip(bound), Json({{"op", "bound"},
                                    {"element", "t/x"},
                                    {"endpoints", {{"in", "tcp://127.0.0.1:5000"}}},
                                    {"node", "n1"},
                                    {"pid", 9},
                                    {"restarts", 1},
                                    {"restarted", true}}));
  EXPECT_EQ(RoundTrip(Started{"t/x", std::nullopt}), Json({{"op", "started"}, {"element", "t/x"}}));
  RoundTrip(Started{"t/x", ForwardedBy{"n1", 9, 0}});
  EXPECT_EQ(RoundTrip(LinkDone{"t/x", "a.out>x.in", std::nullopt}),
            Json({{"op", "link_done"}, {"element", "t/x"}, {"link", "a.out>x.in"}}));
  StatsReport stats;
  stats.element = "t/x";
  stats.stats = Json{{"logs_in", 5}, {"time_ms", 1000}};
  EXPECT_EQ(RoundTrip(stats), Json({{"op", "stats"}, {"element", "t/x"}, {"stats", stats.stats}}));
  Ended ended;
  ended.element = "t/x";
  ended.via = ForwardedBy{"n1", 9, 0};
  EXPECT_EQ(RoundTrip(ended)["op"], "ended");
  Stopped stopped;
  stopped.element = "t/x";
  EXPECT_EQ(RoundTrip(stopped)["op"], "stopped");
  Failed failed;
  failed.element = "t/x";
  failed.error = "cannot start";
  EXPECT_EQ(RoundTrip(failed), Json({{"op", "failed"}, {"element", "t/x"}, {"error", "cannot start"}}));
  failed.stats = Json{{"logs_in", 1}};
  failed.via = ForwardedBy{"n1", 9, 0};
  failed.will_restart = false;
  RoundTrip(failed);
  HandlerReply reply;
  reply.element = "t/x";
  reply.request = 4;
  reply.error = "element not running";
  EXPECT_EQ(RoundTrip(reply),
            Json({{"op", "handler_reply"}, {"element", "t/x"}, {"request", 4}, {"error", "element not running"}}));
  reply.name = "count";
  reply.error.reset();
  reply.value = "12";
  reply.via = ForwardedBy{"n1", 9, 0};
  RoundTrip(reply);
  EXPECT_EQ(RoundTrip(LogsReply{"t/x", 4, {"a", "b"}, std::nullopt}),
            Json({{"op", "logs_reply"}, {"element", "t/x"}, {"request", 4}, {"lines", {"a", "b"}}}));
}

TEST(ControlProtocolTest, HostMessagesMalformedFieldsAreNamed) {
  ExpectBadField<Hello>(ToJson(Hello{}), "pid", "9", "hello");
  ExpectBadField<Bound>(ToJson(Bound{}), "endpoints", "x", "bound");
  ExpectBadField<Bound>(ToJson(Bound{}), "restarted", "yes", "bound");
  ExpectBadField<Started>(ToJson(Started{}), "element", 3, "started");
  ExpectBadField<Started>(ToJson(Started{}), "node", 3, "started");
  ExpectBadField<LinkDone>(ToJson(LinkDone{}), "link", 3, "link_done");
  ExpectBadField<StatsReport>(ToJson(StatsReport{}), "stats", "x", "stats");
  ExpectBadField<Ended>(ToJson(Ended{}), "stats", 5, "ended");
  ExpectBadField<Stopped>(ToJson(Stopped{}), "element", 5, "stopped");
  ExpectBadField<Failed>(ToJson(Failed{}), "error", 5, "failed");
  ExpectBadField<Failed>(ToJson(Failed{}), "stats", "x", "failed");
  ExpectBadField<Failed>(ToJson(Failed{}), "will_restart", "no", "failed");
  ExpectBadField<HandlerReply>(ToJson(HandlerReply{}), "request", "x", "handler_reply");
  ExpectBadField<HandlerReply>(ToJson(HandlerReply{}), "value", 12, "handler_reply");
  ExpectBadField<LogsReply>(ToJson(LogsReply{}), "request", "x", "logs_reply");
  ExpectBadField<LogsReply>(ToJson(LogsReply{}), "lines", "x", "logs_reply");
}

TEST(ControlProtocolTest, CaretakerToHostMessagesRoundTrip) {
  Configure first{SamplePlan(), {}, std::nullopt, std::nullopt};
  Json configure = RoundTrip(first);
  EXPECT_EQ(configure["ended_links"], Json::array());
  EXPECT_FALSE(configure.contains("bind"));  // a first life binds anywhere
  RoundTrip(Configure{SamplePlan(), {"src.out>keep.in"}, Endpoints{{"in", "tcp://127.0.0.1:5000"}}, Restore{3, "AAE="}});
  EXPECT_EQ(RoundTrip(Bye{}), Json({{"op", "bye"}}));
  ExpectBadField<Configure>(ToJson(first), "bind", "x", "configure");
  ExpectBadField<Configure>(ToJson(first), "ended_links", 1, "configure");
  ExpectBadField<Configure>(ToJson(first), "plan", "x", "configure");
}

TEST(ControlProtocolTest, ShardRouteCarriesTheMemberClassForACustomMerge) {
  ShardRoute route;
  route.shard = "users";
  route.route = RouteKind::kHash;
  route.key = "user";
  route.merge = MergeKind::kCustom;
  route.member_class = "py:merges.Averages";
  route.key_groups = 2;
  route.owners = {0, 1};
  ShardRoute back;
  ASSERT_TRUE(FromJson(ToJson(route), &back).ok());
  EXPECT_EQ(back.member_class, "py:merges.Averages");
  EXPECT_EQ(back.merge, MergeKind::kCustom);
  EXPECT_EQ(back.owners, (std::vector<int>{0, 1}));
  Json without = ToJson(route);
  without.erase("member_class");  // a plan from before the field: no custom merge to find
  ShardRoute older;
  ASSERT_TRUE(FromJson(without, &older).ok());
  EXPECT_EQ(older.member_class, "");
}

}  // namespace
}  // namespace datablox::control

namespace datablox::control {
namespace {

TEST(ControlProtocolTest, CheckpointMessagesRoundTrip) {
  RoundTrip(StartCheckpoint{"t/src", 9});
  RoundTrip(CheckpointTaken{"t/count", 9, "AAE=", 2, std::nullopt, ForwardedBy{"n1", 42, 1}});
  RoundTrip(CheckpointTaken{"t/count", 9, "", 0, std::string("disk full"), std::nullopt});
  RoundTrip(CheckpointDone{"t/out", 9, true});
  RoundTrip(CheckpointsRequest{"t"});
  Json rollback = RoundTrip(Rollback{"t", 3, 9, {{"t/count", "AAE=", {"a.out>count.in"}}, {"t/src", "", {}}}});
  EXPECT_EQ(rollback["elements"][0]["ended_links"], Json({"a.out>count.in"}));
  Rollback back;
  EXPECT_FALSE(FromJson(Json({{"op", "rollback"}, {"epoch", 70000}}), &back).ok());  // over 16 bits
}

TEST(ControlProtocolTest, APlanCarriesItsEpochWhenCheckpointed) {
  ElementPlan plan = SamplePlan();
  EXPECT_FALSE(ToJson(plan).contains("epoch"));  // what went out before checkpoints, unchanged
  plan.checkpoints = true;
  plan.epoch = 5;
  ElementPlan back;
  ASSERT_TRUE(FromJson(Json::parse(ToJson(plan).dump()), &back).ok());
  EXPECT_TRUE(back.checkpoints);
  EXPECT_EQ(back.epoch, 5u);
  EXPECT_EQ(EpochOfStream(StreamOfEpoch(5, 0xffffffffffffffffull)), 5u);
  EXPECT_EQ(EpochOfStream(StreamOfEpoch(0, 0xffffffffffffffffull)), 0u);
}

}  // namespace
}  // namespace datablox::control
