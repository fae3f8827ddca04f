#include "runtime/caretaker/master_link.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace datablox {
namespace {

using control::Json;

TEST(OutboxKeyTest, HeartbeatsAndEachElementsStatsAreStatesEverythingElseIsAnEvent) {
  EXPECT_EQ(OutboxKey({{"op", "heartbeat"}, {"node", "a"}}), "heartbeat");
  EXPECT_EQ(OutboxKey({{"op", "stats"}, {"element", "t/src"}}), "stats t/src");
  EXPECT_EQ(OutboxKey({{"op", "exited"}, {"element", "t/src"}}), "");
  EXPECT_EQ(OutboxKey({{"op", "ended"}, {"element", "t/src"}}), "");
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
  Json join = Next(&peer);
  EXPECT_EQ(join, (Json{{"op", "join"}, {"node", "node1"}, {"cores", 2}, {"memory_mb", 4096},
                        {"address", "127.0.0.2"}, {"pid", 1234}}));
  // node:NAME#TOKEN, the token of this life: a peer claiming the name cannot cut it off.
  ASSERT_EQ(peer.size(), std::string("node:node1#").size() + 16);
  EXPECT_EQ(peer.rfind("node:node1#", 0), 0u);
}

TEST_F(MasterLinkTest, AHeartbeatCarriesTheNodesWholeState) {
  MasterLink link(zmq_, facts_, "inproc://master");
  NodeLoad load{12.5, 300, 4096};
  link.Heartbeat(load, Json::array({{{"element", "t/src"}}}), Json::array(), 7);
  Json heartbeat = Next();
  EXPECT_EQ(heartbeat["op"], "heartbeat");
  EXPECT_EQ(heartbeat["node"], "node1");
  EXPECT_EQ(heartbeat["cores"], 2);
  EXPECT_EQ(heartbeat["memory_mb"], 4096);
  EXPECT_EQ(heartbeat["address"], "127.0.0.2");
  EXPECT_EQ(heartbeat["cpu_percent"], 12.5);
  EXPECT_EQ(heartbeat["memory_used_mb"], 300);
  EXPECT_EQ(heartbeat["elements"], Json::array({{{"element", "t/src"}}}));
  EXPECT_EQ(heartbeat["finished"], Json::array());
  EXPECT_EQ(heartbeat["malformed"], 7);
  EXPECT_EQ(heartbeat["to_master"], (Json{{"waiting", 0}, {"deferred", 0}, {"dropped", 0}}));
}

TEST_F(MasterLinkTest, MessagesArriveInTheOrderSentAndLeftComesLast) {
  MasterLink link(zmq_, facts_, "inproc://master");
  link.Join(1);
  link.Send({{"op", "spawned"}, {"element", "t/a"}});
  link.Send({{"op", "exited"}, {"element", "t/a"}});
  link.Leave(std::chrono::milliseconds(100));
  std::vector<std::string> ops;
  for (int i = 0; i < 4; ++i) ops.push_back(Next().value("op", ""));
  EXPECT_EQ(ops, (std::vector<std::string>{"join", "spawned", "exited", "left"}));
}

TEST_F(MasterLinkTest, TheMasterIsConnectedOnlyWhenHeardFromWithinThreeHeartbeats) {
  MasterLink link(zmq_, facts_, "inproc://master");
  Json before = link.StatusJson(MasterLink::Clock::now());
  EXPECT_EQ(before, (Json{{"endpoint", "inproc://master"}, {"connected", false}, {"last_heard_s", -1.0}}));

  std::string peer;
  link.Join(1);
  Next(&peer);
  control::SendTo(master_, peer, {{"op", "heartbeat_ack"}});
  std::vector<Json> received;
  uint64_t malformed = 0;
  for (int i = 0; i < 100 && received.empty(); ++i) {
    zmq::pollitem_t item = link.PollItem();
    control::Poll(&item, 1, std::chrono::milliseconds(10));
    malformed += link.ReceiveAll([&](const Json& m) { received.push_back(m); });
  }
  ASSERT_EQ(received, (std::vector<Json>{{{"op", "heartbeat_ack"}}}));
  EXPECT_EQ(malformed, 0u);
  Json later = link.StatusJson(MasterLink::Clock::now() + 3 * kHeartbeatInterval + std::chrono::seconds(1));
  EXPECT_EQ(later["connected"], false);
  EXPECT_GT(later["last_heard_s"].get<double>(), 1.5);
}

TEST_F(MasterLinkTest, AFrameThatIsNotJsonIsCountedAndNotHandled) {
  MasterLink link(zmq_, facts_, "inproc://master");
  std::string peer;
  link.Join(1);
  Next(&peer);
  control::SendFrameTo(master_, peer, "not json");
  control::SendTo(master_, peer, {{"op", "stop"}, {"topology", "t"}});
  std::vector<Json> received;
  uint64_t malformed = 0;
  for (int i = 0; i < 100 && received.empty(); ++i) {
    zmq::pollitem_t item = link.PollItem();
    control::Poll(&item, 1, std::chrono::milliseconds(10));
    malformed += link.ReceiveAll([&](const Json& m) { received.push_back(m); });
  }
  EXPECT_EQ(malformed, 1u);
  EXPECT_EQ(received, (std::vector<Json>{{{"op", "stop"}, {"topology", "t"}}}));
}

}  // namespace
}  // namespace datablox
