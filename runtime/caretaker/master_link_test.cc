#include "runtime/caretaker/master_link.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace datablox {
namespace {

using control::Json;
using control::Op;

Op OpOf(const Json& message) {
  Op op = Op::kUnknown;
  EXPECT_TRUE(control::ReadOp(message, &op).ok()) << message.dump();
  return op;
}

TEST(OutboxKeyTest, HeartbeatsAndEachElementsStatsAreStatesEverythingElseIsAnEvent) {
  control::Heartbeat heartbeat;
  heartbeat.node = "a";
  control::StatsReport stats;
  stats.element = "t/src";
  control::Exited exited;
  exited.element = "t/src";
  control::Ended ended;
  ended.element = "t/src";
  EXPECT_EQ(OutboxKey(control::ToJson(heartbeat)), "heartbeat");
  EXPECT_EQ(OutboxKey(control::ToJson(stats)), "stats t/src");
  EXPECT_EQ(OutboxKey(control::ToJson(exited)), "");
  EXPECT_EQ(OutboxKey(control::ToJson(ended)), "");  // an end is an event: never replaced
  EXPECT_EQ(OutboxKey({{"element", "t/src"}}), "");
}

// A master on an in-process socket: what the link sends, as it arrives.
class MasterLinkTest : public ::testing::Test {
 protected:
  MasterLinkTest() : master_(zmq_, zmq::socket_type::router) {
    master_.set(zmq::sockopt::linger, 0);
    master_.bind("inproc://master");
  }

  // The next message at the master, waiting at most a second for it.
  Json Next(std::string* peer = nullptr) {
    std::string from;
    Json message;
    for (int i = 0; i < 100; ++i) {
      if (control::TryReceiveFrom(master_, &from, &message).ok()) break;
      zmq::pollitem_t item{master_.handle(), 0, ZMQ_POLLIN, 0};
      control::Poll(&item, 1, std::chrono::milliseconds(10));
    }
    if (peer) *peer = from;
    return message;
  }

  zmq::context_t zmq_{1};
  zmq::socket_t master_;
  NodeFacts facts_{"node1", "127.0.0.2", 2, 4096};
};

TEST_F(MasterLinkTest, JoinTellsTheMasterWhoTheNodeIs) {
  MasterLink link(zmq_, facts_, "inproc://master");
  link.Join(1234);
  std::string peer;
  Json message = Next(&peer);
  EXPECT_EQ(OpOf(message), Op::kJoin);
  control::Join join;
  ASSERT_TRUE(control::FromJson(message, &join).ok());
  EXPECT_EQ(join.node, "node1");
  EXPECT_EQ(join.figures.cores, 2);
  EXPECT_EQ(join.figures.memory_mb, 4096u);
  EXPECT_EQ(join.figures.address, "127.0.0.2");
  EXPECT_EQ(join.figures.cpu_percent, std::nullopt);  // a join says what the node is, not its load
  EXPECT_EQ(join.pid, 1234);
  // node:NAME#TOKEN, the token of this life: a peer claiming the name cannot cut it off.
  ASSERT_EQ(peer.size(), std::string("node:node1#").size() + 16);
  EXPECT_EQ(peer.rfind("node:node1#", 0), 0u);
}

TEST_F(MasterLinkTest, AHeartbeatCarriesTheNodesWholeState) {
  MasterLink link(zmq_, facts_, "inproc://master");
  NodeLoad load{12.5, 300, 4096};
  control::RunningElement running;
  running.element = "t/src";
  running.state = "running";
  control::Exited exited;
  exited.element = "t/old";
  link.Heartbeat(load, {running}, {exited}, 7);
  Json message = Next();
  EXPECT_EQ(OpOf(message), Op::kHeartbeat);
  control::Heartbeat heartbeat;
  ASSERT_TRUE(control::FromJson(message, &heartbeat).ok());
  EXPECT_EQ(heartbeat.node, "node1");
  EXPECT_EQ(heartbeat.figures.cores, 2);
  EXPECT_EQ(heartbeat.figures.memory_mb, 4096u);
  EXPECT_EQ(heartbeat.figures.address, "127.0.0.2");
  EXPECT_EQ(heartbeat.figures.cpu_percent, 12.5);
  EXPECT_EQ(heartbeat.figures.memory_used_mb, 300u);
  ASSERT_EQ(heartbeat.elements.size(), 1u);
  EXPECT_EQ(heartbeat.elements[0].element, "t/src");
  EXPECT_EQ(heartbeat.elements[0].state, "running");
  ASSERT_EQ(heartbeat.finished.size(), 1u);
  EXPECT_EQ(heartbeat.finished[0].element, "t/old");
  EXPECT_EQ(heartbeat.malformed, 7u);
  ASSERT_TRUE(heartbeat.to_master.has_value());
  EXPECT_EQ(heartbeat.to_master->waiting, 0u);
  EXPECT_EQ(heartbeat.to_master->dropped, 0u);
}

TEST_F(MasterLinkTest, MessagesArriveInTheOrderSentAndLeftComesLast) {
  MasterLink link(zmq_, facts_, "inproc://master");
  link.Join(1);
  link.Send(control::Spawned{"t/a", 10, "node1", 0});
  control::Exited exited;
  exited.element = "t/a";
  link.Send(exited);
  link.Leave(std::chrono::milliseconds(100));
  std::vector<Op> ops;
  for (int i = 0; i < 4; ++i) ops.push_back(OpOf(Next()));
  EXPECT_EQ(ops, (std::vector<Op>{Op::kJoin, Op::kSpawned, Op::kExited, Op::kLeft}));
}

TEST_F(MasterLinkTest, TheMasterIsConnectedOnlyWhenHeardFromWithinThreeHeartbeats) {
  MasterLink link(zmq_, facts_, "inproc://master");
  control::MasterLinkStatus before = link.LinkStatus(MasterLink::Clock::now());
  EXPECT_EQ(before.endpoint, "inproc://master");
  EXPECT_FALSE(before.connected);
  EXPECT_EQ(before.last_heard_s, -1.0);

  std::string peer;
  link.Join(1);
  Next(&peer);
  control::SendTo(master_, peer, control::ToJson(control::HeartbeatAck{}));
  std::vector<Json> received;
  uint64_t malformed = 0;
  for (int i = 0; i < 100 && received.empty(); ++i) {
    zmq::pollitem_t item = link.PollItem();
    control::Poll(&item, 1, std::chrono::milliseconds(10));
    malformed += link.ReceiveAll([&](const Json& m) { received.push_back(m); });
  }
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(OpOf(received[0]), Op::kHeartbeatAck);
  EXPECT_EQ(malformed, 0u);
  control::MasterLinkStatus later =
      link.LinkStatus(MasterLink::Clock::now() + 3 * kHeartbeatInterval + std::chrono::seconds(1));
  EXPECT_FALSE(later.connected);
  EXPECT_GT(later.last_heard_s, 1.5);
}

TEST_F(MasterLinkTest, AFrameThatIsNotJsonIsCountedAndNotHandled) {
  MasterLink link(zmq_, facts_, "inproc://master");
  std::string peer;
  link.Join(1);
  Next(&peer);
  control::SendFrameTo(master_, peer, "not json");
  control::SendTo(master_, peer, control::ToJson(control::Stop{"t"}));
  std::vector<Json> received;
  uint64_t malformed = 0;
  for (int i = 0; i < 100 && received.empty(); ++i) {
    zmq::pollitem_t item = link.PollItem();
    control::Poll(&item, 1, std::chrono::milliseconds(10));
    malformed += link.ReceiveAll([&](const Json& m) { received.push_back(m); });
  }
  EXPECT_EQ(malformed, 1u);
  EXPECT_EQ(received, (std::vector<Json>{control::ToJson(control::Stop{"t"})}));
}

}  // namespace
}  // namespace datablox
