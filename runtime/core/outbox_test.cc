#include "runtime/core/outbox.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace datablox {
namespace {

// A socket whose queue holds `room` messages until it is drained.
struct FakeSocket {
  size_t room = 0;
  std::vector<std::string> sent;
  Outbox::TrySend sender() {
    return [this](std::string_view m) {
      if (room == 0) return false;
      --room;
      sent.emplace_back(m);
      return true;
    };
  }
};

TEST(OutboxTest, AFullQueueLosesNothingAndOrderIsKept) {
  // The defect: a control message sent without waiting into a full queue
  // was dropped ("ended" lost, then "exited" read as a crash).
  Outbox outbox;
  FakeSocket socket;
  socket.room = 1;
  outbox.Send("spawned", socket.sender());
  outbox.Send("ended", socket.sender());  // the queue is full now
  outbox.Send("exited", socket.sender());
  EXPECT_EQ(socket.sent, (std::vector<std::string>{"spawned"}));
  EXPECT_EQ(outbox.waiting(), 2u);
  EXPECT_EQ(outbox.deferred(), 2u);
  EXPECT_EQ(outbox.Flush(socket.sender()), 0u);  // still full: nothing goes, nothing is lost
  socket.room = 10;
  EXPECT_EQ(outbox.Flush(socket.sender()), 2u);
  EXPECT_EQ(socket.sent, (std::vector<std::string>{"spawned", "ended", "exited"}));
  EXPECT_EQ(outbox.waiting(), 0u);
  EXPECT_EQ(outbox.dropped(), 0u);
}

TEST(OutboxTest, NewMessagesWaitBehindOlderOnesEvenWhenTheSocketHasRoomAgain) {
  Outbox outbox;
  FakeSocket socket;
  outbox.Send("a", socket.sender());
  socket.room = 1;
  outbox.Send("b", socket.sender());  // room for one: "a" goes first, "b" waits
  EXPECT_EQ(socket.sent, (std::vector<std::string>{"a"}));
  socket.room = 1;
  outbox.Flush(socket.sender());
  EXPECT_EQ(socket.sent, (std::vector<std::string>{"a", "b"}));
}

TEST(OutboxTest, AKeyedStateIsReplacedByItsNewerOneWhichGoesAfterTheEventsBeforeIt) {
  Outbox outbox;
  FakeSocket socket;
  outbox.Send("heartbeat 1", socket.sender(), "heartbeat");
  outbox.Send("stats x 1", socket.sender(), "stats x");
  outbox.Send("ended x", socket.sender());
  outbox.Send("heartbeat 2", socket.sender(), "heartbeat");
  outbox.Send("stats x 2", socket.sender(), "stats x");
  EXPECT_EQ(outbox.waiting(), 3u);
  EXPECT_EQ(outbox.replaced(), 2u);
  socket.room = 10;
  outbox.Flush(socket.sender());
  EXPECT_EQ(socket.sent, (std::vector<std::string>{"ended x", "heartbeat 2", "stats x 2"}));
  EXPECT_EQ(outbox.dropped(), 0u);
}

TEST(OutboxTest, PastItsBoundTheOldestIsDroppedAndCounted) {
  Outbox outbox(/*max_waiting=*/2);
  FakeSocket socket;
  outbox.Send("1", socket.sender());
  outbox.Send("2", socket.sender(), "k");
  outbox.Send("3", socket.sender());
  EXPECT_EQ(outbox.dropped(), 1u);
  outbox.Send("4", socket.sender(), "k");  // replaces "2": nothing more to drop
  EXPECT_EQ(outbox.dropped(), 1u);
  EXPECT_EQ(outbox.replaced(), 1u);
  socket.room = 10;
  outbox.Flush(socket.sender());
  EXPECT_EQ(socket.sent, (std::vector<std::string>{"3", "4"}));
  outbox.Send("5", socket.sender());
  socket.room = 0;
  outbox.Send("6", socket.sender());
  outbox.Clear();
  EXPECT_EQ(outbox.dropped(), 2u);
  EXPECT_EQ(outbox.waiting(), 0u);
}

}  // namespace
}  // namespace datablox
