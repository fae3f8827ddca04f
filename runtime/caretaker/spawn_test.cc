#include "runtime/caretaker/spawn.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "runtime/caretaker/stderr_tail.h"

namespace datablox {
namespace {

using Strings = std::vector<std::string>;

TEST(SpawnTest, AHostIsToldItsCaretakerItsElementWhereToBindAndItsParent) {
  HostCommand command{"/bin/datablox", "tcp://127.0.0.1:4000", "t/src", "127.0.0.2"};
  EXPECT_EQ(HostArguments(command, 42), (Strings{"/bin/datablox", "host", "--caretaker", "tcp://127.0.0.1:4000",
                                                 "--element", "t/src", "--bind", "127.0.0.2", "--parent", "42"}));
}

TEST(SpawnTest, AHostGetsItsOwnTokenAndNeverTheCaretakersOne) {
  std::string home = "HOME=/home/x", old_token = "DATABLOX_HOST_TOKEN=inherited", path = "PATH=/bin";
  char* environment[] = {home.data(), old_token.data(), path.data(), nullptr};
  EXPECT_EQ(HostEnvironment(environment, "00ff"), (Strings{"HOME=/home/x", "PATH=/bin", "DATABLOX_HOST_TOKEN=00ff"}));
}

TEST(SpawnTest, AMissingExecutableIsAnErrorThatNamesIt) {
  SpawnedHost spawned;
  Status st = SpawnHost({"/nonexistent/datablox", "tcp://127.0.0.1:1", "t/e", "127.0.0.1"}, &spawned);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "cannot start /nonexistent/datablox: No such file or directory");
  EXPECT_EQ(spawned.pid, -1);
}

TEST(SpawnTest, ASpawnedProcessGetsAFreshTokenAndItsStderrComesThroughThePipe) {
  // /bin/sh, given "host" as its script, fails and says so on its stderr.
  SpawnedHost first, second;
  ASSERT_TRUE(SpawnHost({"/bin/sh", "tcp://127.0.0.1:1", "t/e", "127.0.0.1"}, &first).ok());
  ASSERT_TRUE(SpawnHost({"/bin/sh", "tcp://127.0.0.1:1", "t/e", "127.0.0.1"}, &second).ok());
  for (SpawnedHost* spawned : {&first, &second}) {
    int status = 0;
    ASSERT_EQ(::waitpid(spawned->pid, &status, 0), spawned->pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    StderrTail tail;
    ASSERT_GE(spawned->stderr_fd, 0);
    ReadStderrPipe(&spawned->stderr_fd, /*until_eof=*/true, tail);
    ASSERT_EQ(tail.size(), 1u);
    EXPECT_NE(tail.Last(1)[0].find("host"), std::string::npos) << tail.Last(1)[0];
  }
  EXPECT_EQ(first.token.size(), 16u);
  EXPECT_NE(first.token, second.token);
}

TEST(SpawnTest, RunAsAnotherUserSetsThatUsersHomeAndNames) {
  std::string home = "HOME=/root", user = "USER=root", path = "PATH=/bin";
  char* environment[] = {home.data(), user.data(), path.data(), nullptr};
  UserIds nobody{"nobody", 65534, 65534, "/nonexistent"};
  EXPECT_EQ(HostEnvironment(environment, "00ff", nobody),
            (Strings{"PATH=/bin", "HOME=/nonexistent", "USER=nobody", "LOGNAME=nobody", "DATABLOX_HOST_TOKEN=00ff"}));
}

TEST(SpawnTest, ARunAsSpawnIsForkedIntoAGroupOfItsOwnWithItsStderrPiped) {
  // As this process's own user: the drop is a no-op, the fork path the same.
  UserIds self;
  ASSERT_TRUE(LookUpUser(std::to_string(::geteuid()), &self).ok());
  HostCommand command{"/bin/sh", "tcp://127.0.0.1:1", "t/e", "127.0.0.1", self};
  SpawnedHost spawned;
  ASSERT_TRUE(SpawnHost(command, &spawned).ok());
  EXPECT_EQ(::getpgid(spawned.pid), spawned.pid);
  int status = 0;
  ASSERT_EQ(::waitpid(spawned.pid, &status, 0), spawned.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
  StderrTail tail;
  ReadStderrPipe(&spawned.stderr_fd, /*until_eof=*/true, tail);
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_NE(tail.Last(1)[0].find("host"), std::string::npos) << tail.Last(1)[0];
}

TEST(SpawnTest, AnUnknownUserIsNotFound) {
  UserIds ids;
  Status st = LookUpUser("no-such-user-datablox", &ids);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_NE(st.message().find("no-such-user-datablox"), std::string::npos);
}

}  // namespace
}  // namespace datablox
