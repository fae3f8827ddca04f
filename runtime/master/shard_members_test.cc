// MemberLife: which of a member's starts is a restart, from the messages its
// caretaker forwards in their order (restarting, spawned, bound, started).
#include <gtest/gtest.h>

#include "runtime/master/shard_members.h"

namespace datablox::master {
namespace {

TEST(MemberLifeTest, AFirstStartIsNoRestart) {
  MemberLife life;
  EXPECT_FALSE(life.StartedAgain());
}

// The regression: a restarted host binds again before it starts, and the
// master took "bound, then started" for a first start, so a migration never
// heard that the old owner it had asked to export was back, and timed out.
TEST(MemberLifeTest, AStartAfterARestartingIsARestartThoughTheHostBoundAgain) {
  MemberLife life;
  EXPECT_FALSE(life.StartedAgain());
  life.Restarting();
  EXPECT_TRUE(life.StartedAgain());
}

TEST(MemberLifeTest, EachRestartCountsOnce) {
  MemberLife life;
  life.Restarting();
  EXPECT_TRUE(life.StartedAgain());
  EXPECT_FALSE(life.StartedAgain());  // a "started" heard twice is not a second restart
  life.Restarting();
  life.Restarting();  // crashed again before it started: still one later life
  EXPECT_TRUE(life.StartedAgain());
  EXPECT_FALSE(life.StartedAgain());
}

}  // namespace
}  // namespace datablox::master
