#include "cell/samplestore/replica_fallback.h"

#include <gtest/gtest.h>

namespace datablox::samplestore {
namespace {

TEST(ReplicaFallbackTest, AFailedLocusMovesToItsNextReplicaUntilNoneIsLeft) {
  ReplicaFallback fallback({{"tcp://a", "tcp://b", "tcp://c"}, {"tcp://b", "tcp://c", "tcp://a"}});
  EXPECT_EQ(fallback.Address(0), "tcp://a");
  EXPECT_EQ(fallback.Failed(0, Status::Timeout("silent")), ReplicaFallback::Next::kRetry);
  EXPECT_EQ(fallback.Address(0), "tcp://b");
  EXPECT_EQ(fallback.Address(1), "tcp://b");  // another locus is not moved
  EXPECT_EQ(fallback.Failed(0, Status::Unavailable("refused")), ReplicaFallback::Next::kRetry);
  EXPECT_EQ(fallback.Address(0), "tcp://c");
  EXPECT_EQ(fallback.Failed(0, Status::Unavailable("failed at the server")), ReplicaFallback::Next::kExhausted);
  EXPECT_EQ(fallback.retries(), 2u);
  const Status st = fallback.Exhausted(0, 7);
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  EXPECT_EQ(st.message(),
            "locus 7: every replica failed: tcp://a: silent; tcp://b: refused; tcp://c: failed at the server");
}

TEST(ReplicaFallbackTest, EveryWorkerSilentIsATimeout) {
  ReplicaFallback fallback(std::vector<std::vector<std::string>>{{"tcp://a", "tcp://b"}});
  EXPECT_EQ(fallback.Failed(0, Status::Timeout("no frame")), ReplicaFallback::Next::kRetry);
  EXPECT_EQ(fallback.Failed(0, Status::Timeout("no frame")), ReplicaFallback::Next::kExhausted);
  EXPECT_TRUE(fallback.Exhausted(0, 0).IsTimeout());
}

TEST(ReplicaFallbackTest, AnUnreplicatedLocusFailsAtOnceNamingItsWorker) {
  ReplicaFallback fallback(std::vector<std::vector<std::string>>{{"tcp://a"}});
  EXPECT_EQ(fallback.Failed(0, Status::Unavailable("stale generation")), ReplicaFallback::Next::kExhausted);
  EXPECT_EQ(fallback.Exhausted(0, 0).message(), "locus 0: its worker failed: tcp://a: stale generation");
  EXPECT_EQ(fallback.retries(), 0u);
}

TEST(ReplicaFallbackTest, DataThatDoesNotAddUpIsNotRetried) {
  ReplicaFallback fallback(std::vector<std::vector<std::string>>{{"tcp://a", "tcp://b"}});
  EXPECT_EQ(fallback.Failed(0, Status::Invalid("count mismatch")), ReplicaFallback::Next::kFatal);
  EXPECT_EQ(fallback.Address(0), "tcp://a");
}

}  // namespace
}  // namespace datablox::samplestore
