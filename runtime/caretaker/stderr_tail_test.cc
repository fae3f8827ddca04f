#include "runtime/caretaker/stderr_tail.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace datablox {
namespace {

using Lines = std::vector<std::string>;

// A tail whose echo is recorded, as the caretaker's own stderr would show it.
struct EchoedTail {
  Lines echoed;
  StderrTail tail{[this](std::string_view line) { echoed.emplace_back(line); }, 3};
};

TEST(StderrTailTest, KeepsWholeLinesWithoutTheirNewlines) {
  EchoedTail t;
  t.tail.Append("one\ntwo\n");
  EXPECT_EQ(t.tail.Last(10), (Lines{"one", "two"}));
  EXPECT_EQ(t.echoed, (Lines{"one", "two"}));
}

TEST(StderrTailTest, ALineSplitAcrossReadsIsKeptOnceItsNewlineArrives) {
  EchoedTail t;
  t.tail.Append("hal");
  EXPECT_EQ(t.tail.size(), 0u);
  EXPECT_TRUE(t.echoed.empty());  // never half a line: hosts writing at once would interleave
  t.tail.Append("f a line\nand ");
  t.tail.Append("more\n");
  EXPECT_EQ(t.tail.Last(10), (Lines{"half a line", "and more"}));
}

TEST(StderrTailTest, KeepsOnlyTheLastLines) {
  EchoedTail t;
  t.tail.Append("1\n2\n3\n4\n5\n");
  EXPECT_EQ(t.tail.Last(10), (Lines{"3", "4", "5"}));
  EXPECT_EQ(t.tail.Last(2), (Lines{"4", "5"}));
  EXPECT_EQ(t.tail.Last(0), Lines{});
  EXPECT_EQ(t.echoed.size(), 5u);  // every line is echoed, kept or not
}

TEST(StderrTailTest, ALastLineWithoutANewlineIsKeptWhenThePipeCloses) {
  EchoedTail t;
  t.tail.Append("done\nno newline");
  t.tail.Finish();
  EXPECT_EQ(t.tail.Last(10), (Lines{"done", "no newline"}));
  t.tail.Finish();  // nothing left: no empty line
  EXPECT_EQ(t.tail.size(), 2u);
}

TEST(StderrTailTest, ALineThatNeverEndsIsStillShown) {
  EchoedTail t;
  std::string endless(StderrTail::kMaxLineBytes + 1, 'x');
  t.tail.Append(endless);
  EXPECT_EQ(t.tail.Last(10), (Lines{endless}));
}

TEST(StderrTailTest, ANoteOfTheCaretakerIsKeptButNotEchoed) {
  EchoedTail t;
  t.tail.Append("crash\n");
  t.tail.Note("--- datablox: restart 1 ---");
  EXPECT_EQ(t.tail.Last(10), (Lines{"crash", "--- datablox: restart 1 ---"}));
  EXPECT_EQ(t.echoed, (Lines{"crash"}));
}

TEST(StderrTailTest, ReadsAPipeUntilItsEndAndClosesIt) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_NONBLOCK), 0);
  ASSERT_EQ(::write(pipe_fds[1], "a\nb", 3), 3);
  EchoedTail t;
  int fd = pipe_fds[0];
  ReadStderrPipe(&fd, /*until_eof=*/false, t.tail);  // empty for now: waits for more
  EXPECT_EQ(fd, pipe_fds[0]);
  EXPECT_EQ(t.tail.Last(10), (Lines{"a"}));
  ::close(pipe_fds[1]);
  ReadStderrPipe(&fd, /*until_eof=*/false, t.tail);
  EXPECT_EQ(fd, -1);
  EXPECT_EQ(t.tail.Last(10), (Lines{"a", "b"}));
}

TEST(StderrTailTest, AfterTheExitAnEmptyPipeIsDoneEvenIfStillOpen) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_NONBLOCK), 0);
  ASSERT_EQ(::write(pipe_fds[1], "last words", 10), 10);
  EchoedTail t;
  int fd = pipe_fds[0];
  ReadStderrPipe(&fd, /*until_eof=*/true, t.tail);  // a grandchild may hold the write end
  EXPECT_EQ(fd, -1);
  EXPECT_EQ(t.tail.Last(10), (Lines{"last words"}));
  ::close(pipe_fds[1]);
}

}  // namespace
}  // namespace datablox
