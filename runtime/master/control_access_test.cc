#include "runtime/master/control_access.h"

#include <gtest/gtest.h>

namespace datablox::master {
namespace {

using control::Json;

auth::PeerIdentity Who(const char* user_id) { return auth::IdentityOf(user_id); }

TEST(ControlAccessTest, AnOpenMasterAllowsEverything) {
  EXPECT_EQ(RefusalFor(Who(""), "client:1", {{"op", "shutdown"}}), "");
  EXPECT_EQ(RefusalFor(Who(""), "node:a#x", {{"op", "join"}}), "");
}

TEST(ControlAccessTest, ACaretakerSpeaksOnlyAsTheNodeItsKeyNames) {
  EXPECT_EQ(RefusalFor(Who("caretaker:a"), "node:a#123", {{"op", "heartbeat"}}), "");
  std::string why = RefusalFor(Who("caretaker:a"), "node:b#123", {{"op", "join"}});
  EXPECT_NE(why.find("may not speak as node 'b'"), std::string::npos) << why;
  why = RefusalFor(Who("caretaker:a"), "client:9", {{"op", "kill"}});
  EXPECT_NE(why.find("may not send operator requests"), std::string::npos) << why;
}

TEST(ControlAccessTest, AnOperatorNeverSpeaksAsANode) {
  std::string why = RefusalFor(Who("operator:alice:full"), "node:a#1", {{"op", "join"}});
  EXPECT_NE(why.find("may not speak as a caretaker"), std::string::npos) << why;
}

TEST(ControlAccessTest, AReaderMayLookButNotTouch) {
  auto reader = Who("operator:bob:read");
  for (const char* op : {"list", "nodes", "status", "events", "checkpoints", "logs"})
    EXPECT_EQ(RefusalFor(reader, "client:1", {{"op", op}}), "") << op;
  EXPECT_EQ(RefusalFor(reader, "client:1", {{"op", "handler"}, {"element", "t/e"}, {"name", "count"}}), "");
  for (const char* op : {"submit", "kill", "stop", "scale", "shutdown", "bogus"}) {
    std::string why = RefusalFor(reader, "client:1", {{"op", op}});
    EXPECT_NE(why.find("has role read"), std::string::npos) << op << ": " << why;
  }
  std::string why =
      RefusalFor(reader, "client:1", {{"op", "handler"}, {"element", "t/e"}, {"name", "reset"}, {"value", "1"}});
  EXPECT_NE(why.find("'handler write' needs role full"), std::string::npos) << why;
  EXPECT_EQ(RefusalFor(Who("operator:alice:full"), "client:1", {{"op", "kill"}}), "");
}

}  // namespace
}  // namespace datablox::master
