// ReplayedPrefix: what a restarted durable sink skips of a replayed batch.
#include <gtest/gtest.h>

#include "datablox/element.h"

namespace datablox {
namespace {

InputPosition At(uint64_t first, uint64_t end) { return {"src.out>sink.in", 7, first, end}; }

TEST(ReplayedPrefixTest, ABatchEndingAtTheRecordedOffsetIsSkippedWhole) {
  EXPECT_EQ(ReplayedPrefix(At(100, 200), 200, 100), 100u);
  EXPECT_EQ(ReplayedPrefix(At(100, 200), 500, 100), 100u);
}

TEST(ReplayedPrefixTest, ABatchWithDroppedLogsIsSkippedWholeByItsEnd) {
  // The host dropped 3 malformed logs: 97 handed, yet all of it was written.
  EXPECT_EQ(ReplayedPrefix(At(100, 200), 200, 97), 97u);
}

TEST(ReplayedPrefixTest, ABatchFromTheRecordedOffsetOnIsAllNew) {
  EXPECT_EQ(ReplayedPrefix(At(200, 300), 200, 100), 0u);
  EXPECT_EQ(ReplayedPrefix(At(200, 300), 150, 100), 0u);
}

TEST(ReplayedPrefixTest, ABatchThatStraddlesTheOffsetIsCutThere) {
  EXPECT_EQ(ReplayedPrefix(At(100, 200), 130, 100), 30u);
}

}  // namespace
}  // namespace datablox
