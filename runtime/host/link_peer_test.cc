#include "runtime/host/link_peer.h"

#include <gtest/gtest.h>

#include <string>

namespace datablox {
namespace {

TEST(LinkPeerTest, RoutingIdCarriesTheLinkAndATokenOfTheSendersLife) {
  const std::string id = LinkPeer::RoutingId("src.out>count.in", 0xabc);
  EXPECT_EQ(id, "src.out>count.in#0000000000000abc");
  EXPECT_EQ(LinkPeer::LinkOf(id), "src.out>count.in");
  EXPECT_EQ(LinkPeer::LinkOf("src.out>count.in"), "src.out>count.in");  // a bare claim still names the link
  EXPECT_NE(LinkPeer::RoutingId("a>b", 1), LinkPeer::RoutingId("a>b", 2));
}

TEST(LinkPeerTest, AConnectionThatNeverResumesIsNeverThePeer) {
  LinkPeer link;
  link.Seen("a>b#genuine");
  link.Proved("a>b#genuine");
  link.Seen("a>b");           // an impostor claiming the bare link id
  link.Seen("a>b#genuine2");  // or any token
  EXPECT_EQ(link.peer(), "a>b#genuine");
  EXPECT_TRUE(link.IsPeer("a>b#genuine"));
  EXPECT_FALSE(link.IsPeer("a>b"));
  EXPECT_EQ(link.unproven().size(), 2u);
}

TEST(LinkPeerTest, TheConnectionThatLastResumedIsThePeer) {
  LinkPeer link;
  EXPECT_FALSE(link.IsPeer(""));
  link.Seen("a>b#old");
  link.Proved("a>b#old");
  EXPECT_TRUE(link.unproven().empty());
  link.Seen("a>b#old");  // the peer probing again is not a stranger
  EXPECT_TRUE(link.unproven().empty());
  link.Seen("a>b#restarted");
  link.Proved("a>b#restarted");
  EXPECT_EQ(link.peer(), "a>b#restarted");
  EXPECT_FALSE(link.IsPeer("a>b#old"));
  EXPECT_TRUE(link.unproven().empty());
}

TEST(LinkPeerTest, UnprovenConnectionsAreBoundedAndForgotten) {
  LinkPeer link;
  for (size_t i = 0; i < LinkPeer::kMaxUnproven + 5; ++i) link.Seen("a>b#" + std::to_string(i));
  ASSERT_EQ(link.unproven().size(), LinkPeer::kMaxUnproven);
  EXPECT_EQ(link.unproven().front(), "a>b#5");  // the oldest went first
  link.Forget("a>b#5");
  EXPECT_EQ(link.unproven().size(), LinkPeer::kMaxUnproven - 1);
  EXPECT_EQ(link.unproven().front(), "a>b#6");
}

}  // namespace
}  // namespace datablox
