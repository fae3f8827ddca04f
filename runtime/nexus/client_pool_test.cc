#include "runtime/nexus/client_pool.h"

#include <gtest/gtest.h>

namespace datablox::nexus {
namespace {

const std::string kA = "tcp://127.0.0.1:7001";
const std::string kB = "tcp://127.0.0.1:7002";

TEST(NexusClientPool, StreamsToOneAddressShareOneConnection) {
  ClientPool pool(1000);
  const Lease first = pool.Acquire(kA, 0);
  const Lease second = pool.Acquire(kA, 1);
  EXPECT_TRUE(first.opened);
  EXPECT_FALSE(second.opened);
  EXPECT_EQ(first.connection_id, second.connection_id);
  const Lease other = pool.Acquire(kB, 1);
  EXPECT_TRUE(other.opened);
  EXPECT_NE(other.connection_id, first.connection_id);
  EXPECT_EQ(pool.size(), 2u);
}

TEST(NexusClientPool, AnIdleConnectionIsEvictedAfterItsTtl) {
  ClientPool pool(1000);
  const Lease a = pool.Acquire(kA, 0);
  pool.Release(a.connection_id, 100);
  EXPECT_TRUE(pool.Evict(1099).empty());
  EXPECT_EQ(pool.Evict(1100), (std::vector<uint64_t>{a.connection_id}));
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.evicted(), 1u);
  EXPECT_TRUE(pool.Acquire(kA, 1200).opened);  // a new one
}

TEST(NexusClientPool, AConnectionInUseIsNeverEvicted) {
  ClientPool pool(1000);
  pool.Acquire(kA, 0);
  EXPECT_TRUE(pool.Evict(1000000).empty());
}

TEST(NexusClientPool, AStaleConnectionTakesNoNewStreamsAndGoesWhenItsLastEnds) {
  ClientPool pool(1000);
  const Lease old_lease = pool.Acquire(kA, 0);
  pool.MarkStale(old_lease.connection_id);
  const Lease fresh = pool.Acquire(kA, 1);
  EXPECT_TRUE(fresh.opened);
  EXPECT_NE(fresh.connection_id, old_lease.connection_id);
  EXPECT_TRUE(pool.Evict(2).empty());  // its stream is still on it
  pool.Release(old_lease.connection_id, 3);
  EXPECT_EQ(pool.Evict(4), (std::vector<uint64_t>{old_lease.connection_id}));
  EXPECT_FALSE(pool.Acquire(kA, 5).opened);  // the fresh one stays
}

TEST(NexusClientPool, ReleaseOfAnUnknownConnectionIsHarmless) {
  ClientPool pool(1000);
  pool.Release(42, 0);
  pool.MarkStale(42);
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace datablox::nexus
