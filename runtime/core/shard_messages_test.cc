#include <gtest/gtest.h>

#include "runtime/core/control_protocol.h"

namespace datablox::control {
namespace {

// Through text, as on the wire, and back.
template <class Message>
Message ThroughTheWire(const Message& message) {
  Json wire = Json::parse(ToJson(message).dump());
  EXPECT_EQ(wire.value("op", ""), OpName(Message::kOp));
  Message back;
  Status st = FromJson(wire, &back);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return back;
}

TEST(ShardMessagesTest, LinksEndedRoundTripsItsLinks) {
  LinksEnded ended;
  ended.element = "t/users/2";
  ended.port = "in";
  ended.links = {"src.out>users/2.in", "other.out>users/2.in"};
  LinksEnded back = ThroughTheWire(ended);
  EXPECT_EQ(back.element, "t/users/2");
  EXPECT_EQ(back.port, "in");
  EXPECT_EQ(back.links, ended.links);
  EXPECT_EQ(OpFromName("links_ended"), Op::kLinksEnded);
}

TEST(ShardMessagesTest, LinksEndedWithALinkOfTheWrongTypeNamesTheField) {
  Json wire = ToJson(LinksEnded{"t/users/2", "in", {}});
  wire["links"] = Json::array({1});
  LinksEnded back;
  Status st = FromJson(wire, &back);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("links"), std::string::npos) << st.message();
}

TEST(ShardMessagesTest, ExpectLinksRoundTripsItsLinks) {
  ExpectLinks expect;
  expect.element = "t/out";
  expect.port = "in";
  LinkPlan link;
  link.id = "users/2.out>out.in";
  link.window = 7;
  expect.add.push_back(link);
  ExpectLinks back = ThroughTheWire(expect);
  ASSERT_EQ(back.add.size(), 1u);
  EXPECT_EQ(back.add[0].id, link.id);
  EXPECT_EQ(back.add[0].window, 7);
}

}  // namespace
}  // namespace datablox::control
