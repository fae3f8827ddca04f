#include "runtime/master/registry_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace datablox {
namespace {

namespace fs = std::filesystem;

TopologyRow Topology(const std::string& name) {
  TopologyRow row;
  row.name = name;
  row.file = "/srv/topologies/" + name + ".topo";
  // A zero byte and non-ASCII text must survive: the source is stored as is.
  row.text = std::string("seq :: Sequence(count: 3);") + '\0' + " — é\n";
  row.search_path_json = R"(["/srv/elements", "/opt/datablox"])";
  row.state = "running";
  row.failure = "node n2 left";
  row.submitted_unix_ms = 1'712'345'678'901;
  row.absolute_paths_json = R"({"out": {"path": "/srv/out.jsonl"}})";
  return row;
}

ElementRow ElementRowOf(const std::string& topology, const std::string& name) {
  ElementRow row;
  row.topology = topology;
  row.name = name;
  row.plan_json = R"({"class": "Counter", "params": {"every": 10}})";
  row.node = "n1";
  row.state = "running";
  row.pid = 4242;
  row.restarts = 3;
  row.last_exit = "killed by signal 9";
  row.endpoints_json = R"({"in": "tcp://10.0.0.1:5001"})";
  row.ended_links_json = R"(["seq.out->" + name + ".in"])";
  row.error = "queue overflow";
  return row;
}

void ExpectSame(const TopologyRow& a, const TopologyRow& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.search_path_json, b.search_path_json);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.failure, b.failure);
  EXPECT_EQ(a.submitted_unix_ms, b.submitted_unix_ms);
  EXPECT_EQ(a.absolute_paths_json, b.absolute_paths_json);
  EXPECT_EQ(a.stop_after_checkpoint, b.stop_after_checkpoint);
}

ShardRow Shard(const std::string& topology, const std::string& name) {
  ShardRow row;
  row.topology = topology;
  row.name = name;
  row.next_id = 3;
  row.members_json = "[0, 2]";
  row.route_json = R"({"shard": ")" + name + R"(", "owners": [0, 2, 2, 0], "version": 7})";
  row.change_json = R"({"phase": "moving"})";
  row.requests_from = uint64_t{5} << 40;  // beyond 32 bits: kept whole
  return row;
}

auto Tied(const ShardRow& r) {
  return std::tie(r.topology, r.name, r.next_id, r.members_json, r.route_json, r.change_json, r.requests_from);
}
void ExpectSame(const ShardRow& a, const ShardRow& b) { EXPECT_EQ(Tied(a), Tied(b)); }

// The rows of the store's shards table.
std::vector<ShardRow> Shards(const RegistryStore& store) {
  std::vector<ShardRow> shards;
  Status status = store.LoadShards(&shards);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return shards;
}

void ExpectSame(const ElementRow& a, const ElementRow& b) {
  EXPECT_EQ(a.topology, b.topology);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.plan_json, b.plan_json);
  EXPECT_EQ(a.node, b.node);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(a.restarts, b.restarts);
  EXPECT_EQ(a.last_exit, b.last_exit);
  EXPECT_EQ(a.endpoints_json, b.endpoints_json);
  EXPECT_EQ(a.ended_links_json, b.ended_links_json);
  EXPECT_EQ(a.error, b.error);
}

std::unique_ptr<RegistryStore> OpenOrFail(const std::string& path) {
  std::unique_ptr<RegistryStore> store;
  Status status = RegistryStore::Open(path, &store);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return store;
}

// A folder of its own per test, removed afterwards.
class RegistryStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("registry_store_test-" + std::to_string(getpid()) + "-" + test->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(RegistryStoreTest, TopologyRoundTripsEveryField) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  TopologyRow saved = Topology("wordcount");
  ASSERT_TRUE(store->SaveTopology(saved).ok());
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  ASSERT_TRUE(store->Load(&topologies, &elements).ok());
  ASSERT_EQ(topologies.size(), 1u);
  ExpectSame(topologies[0], saved);
  EXPECT_TRUE(elements.empty());
}

TEST_F(RegistryStoreTest, ElementRoundTripsEveryField) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  ElementRow saved = ElementRowOf("wordcount", "count");
  saved.pid = 2'147'483'647;  // the largest pid_t
  ASSERT_TRUE(store->SaveElement(saved).ok());
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  ASSERT_TRUE(store->Load(&topologies, &elements).ok());
  ASSERT_EQ(elements.size(), 1u);
  ExpectSame(elements[0], saved);
}

TEST_F(RegistryStoreTest, ShardRoundTripsEveryFieldAndIsReplacedByTopologyAndName) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->SaveShard(Shard("t2", "users")).ok());
  ShardRow grown = Shard("t1", "users");
  ASSERT_TRUE(store->SaveShard(grown).ok());
  grown.next_id = 4;
  grown.members_json = "[0, 2, 3]";
  grown.route_json = R"({"owners": [0, 2, 3, 0], "version": 9})";
  ASSERT_TRUE(store->SaveShard(grown).ok());
  std::vector<ShardRow> shards = Shards(*store);
  ASSERT_EQ(shards.size(), 2u);
  ExpectSame(shards[0], grown);
  ExpectSame(shards[1], Shard("t2", "users"));
}

TEST_F(RegistryStoreTest, EventRoundTripsEveryField) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  EventRow saved{1'712'345'678'901, "wordcount", "count", "restarted after killed by signal 9"};
  ASSERT_TRUE(store->AddEvent(saved).ok());
  std::vector<EventRow> events;
  ASSERT_TRUE(store->Events("wordcount", 10, &events).ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].unix_ms, saved.unix_ms);
  EXPECT_EQ(events[0].topology, saved.topology);
  EXPECT_EQ(events[0].element, saved.element);
  EXPECT_EQ(events[0].what, saved.what);
}

TEST_F(RegistryStoreTest, LoadOrdersTopologiesByNameAndElementsByTopologyThenName) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  for (const char* name : {"zeta", "alpha", "mid"}) ASSERT_TRUE(store->SaveTopology(Topology(name)).ok());
  ASSERT_TRUE(store->SaveElement(ElementRowOf("zeta", "a")).ok());
  ASSERT_TRUE(store->SaveElement(ElementRowOf("alpha", "sink")).ok());
  ASSERT_TRUE(store->SaveElement(ElementRowOf("alpha", "count")).ok());
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  ASSERT_TRUE(store->Load(&topologies, &elements).ok());
  ASSERT_EQ(topologies.size(), 3u);
  EXPECT_EQ(topologies[0].name, "alpha");
  EXPECT_EQ(topologies[1].name, "mid");
  EXPECT_EQ(topologies[2].name, "zeta");
  ASSERT_EQ(elements.size(), 3u);
  EXPECT_EQ(elements[0].topology + "." + elements[0].name, "alpha.count");
  EXPECT_EQ(elements[1].topology + "." + elements[1].name, "alpha.sink");
  EXPECT_EQ(elements[2].topology + "." + elements[2].name, "zeta.a");
}

TEST_F(RegistryStoreTest, LoadReplacesWhatTheVectorsHeld) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  std::vector<TopologyRow> topologies{Topology("stale")};
  std::vector<ElementRow> elements{ElementRowOf("stale", "x")};
  ASSERT_TRUE(store->Load(&topologies, &elements).ok());
  EXPECT_TRUE(topologies.empty());
  EXPECT_TRUE(elements.empty());
}

TEST_F(RegistryStoreTest, SaveTopologyReplacesByName) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->SaveTopology(Topology("wordcount")).ok());
  TopologyRow changed = Topology("wordcount");
  changed.state = "failed";
  changed.failure = "element count exited with status 1";
  changed.text = "other text";
  changed.submitted_unix_ms = 7;
  ASSERT_TRUE(store->SaveTopology(changed).ok());
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  ASSERT_TRUE(store->Load(&topologies, &elements).ok());
  ASSERT_EQ(topologies.size(), 1u);
  ExpectSame(topologies[0], changed);
}

TEST_F(RegistryStoreTest, SaveElementReplacesByTopologyAndName) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->SaveElement(ElementRowOf("t1", "count")).ok());
  ASSERT_TRUE(store->SaveElement(ElementRowOf("t2", "count")).ok());  // same name, other topology
  ElementRow changed = ElementRowOf("t1", "count");
  changed.node = "n2";
  changed.state = "restarting";
  changed.pid = 0;
  changed.restarts = 4;
  changed.last_exit = "exited with status 1";
  changed.error = "";
  ASSERT_TRUE(store->SaveElement(changed).ok());
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  ASSERT_TRUE(store->Load(&topologies, &elements).ok());
  ASSERT_EQ(elements.size(), 2u);
  ExpectSame(elements[0], changed);
  ExpectSame(elements[1], ElementRowOf("t2", "count"));
}

TEST_F(RegistryStoreTest, RemoveTopologyRemovesItsElementsAndShardsAndKeepsEvents) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->SaveTopology(Topology("gone")).ok());
  ASSERT_TRUE(store->SaveTopology(Topology("kept")).ok());
  ASSERT_TRUE(store->SaveElement(ElementRowOf("gone", "a")).ok());
  ASSERT_TRUE(store->SaveElement(ElementRowOf("gone", "b")).ok());
  ASSERT_TRUE(store->SaveElement(ElementRowOf("kept", "a")).ok());
  ASSERT_TRUE(store->SaveShard(Shard("gone", "users")).ok());
  ASSERT_TRUE(store->SaveShard(Shard("kept", "users")).ok());
  ASSERT_TRUE(store->AddEvent({1, "gone", "a", "started"}).ok());
  ASSERT_TRUE(store->RemoveTopology("gone").ok());
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  ASSERT_TRUE(store->Load(&topologies, &elements).ok());
  ASSERT_EQ(topologies.size(), 1u);
  EXPECT_EQ(topologies[0].name, "kept");
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(elements[0].topology, "kept");
  std::vector<ShardRow> shards = Shards(*store);
  ASSERT_EQ(shards.size(), 1u);
  EXPECT_EQ(shards[0].topology, "kept");
  std::vector<EventRow> events;
  ASSERT_TRUE(store->Events("gone", 10, &events).ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].what, "started");
}

TEST_F(RegistryStoreTest, RemoveElementRemovesThatElementOnly) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  for (const char* name : {"users/0", "users/1"}) ASSERT_TRUE(store->SaveElement(ElementRowOf("t", name)).ok());
  ASSERT_TRUE(store->SaveElement(ElementRowOf("other", "users/1")).ok());
  ASSERT_TRUE(store->RemoveElement("t", "users/1").ok());
  ASSERT_TRUE(store->RemoveElement("t", "never-there").ok());
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  ASSERT_TRUE(store->Load(&topologies, &elements).ok() && elements.size() == 2u);
  EXPECT_EQ(elements[0].topology + "/" + elements[0].name, "other/users/1");
  EXPECT_EQ(elements[1].topology + "/" + elements[1].name, "t/users/0");
}

TEST_F(RegistryStoreTest, RemovingAnUnknownTopologyIsNotAnError) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  Status status = store->RemoveTopology("never-submitted");
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST_F(RegistryStoreTest, EventsAreTheNewestOfATopologyOldestFirst) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->AddEvent({i, "t1", "e", "t1 event " + std::to_string(i)}).ok());
    ASSERT_TRUE(store->AddEvent({i, "t2", "", "t2 event " + std::to_string(i)}).ok());
  }
  std::vector<EventRow> events;
  ASSERT_TRUE(store->Events("t1", 3, &events).ok());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].what, "t1 event 2");
  EXPECT_EQ(events[1].what, "t1 event 3");
  EXPECT_EQ(events[2].what, "t1 event 4");

  ASSERT_TRUE(store->Events("", 3, &events).ok());  // of all topologies
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].what, "t2 event 3");
  EXPECT_EQ(events[1].what, "t1 event 4");
  EXPECT_EQ(events[2].what, "t2 event 4");
  EXPECT_EQ(events[2].element, "");

  ASSERT_TRUE(store->Events("t3", 3, &events).ok());
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(store->Events("t1", 0, &events).ok());
  EXPECT_TRUE(events.empty());
  EXPECT_FALSE(store->Events("t1", -1, &events).ok());
}

// Dropped a thousand at a time, so between 9000 and 10000 of the newest
// are kept once the cap was reached.
TEST_F(RegistryStoreTest, EventsAreCappedAtTenThousandDroppingTheOldest) {
  auto store = OpenOrFail(":memory:");
  ASSERT_TRUE(store);
  int added = 0;
  auto add = [&](int count) {
    for (int end = added + count; added < end; ++added) {
      ASSERT_TRUE(store->AddEvent({added, added % 2 ? "odd" : "even", "", std::to_string(added)}).ok());
    }
  };
  std::vector<EventRow> events;
  // Every event is the one added just after the one before it, up to the newest.
  auto expect_newest_kept = [&](size_t fewest, size_t most) {
    ASSERT_TRUE(store->Events("", 100'000, &events).ok());
    ASSERT_GE(events.size(), fewest);
    ASSERT_LE(events.size(), most);
    EXPECT_EQ(events.back().what, std::to_string(added - 1));
    for (size_t i = 0; i < events.size(); ++i) {
      ASSERT_EQ(events[i].unix_ms, added - static_cast<int64_t>(events.size() - i));
    }
  };
  add(10'000);
  expect_newest_kept(10'000, 10'000);  // nothing dropped before the cap
  add(1);
  expect_newest_kept(9'000, 10'000);
  for (int round = 0; round < 5; ++round) {
    add(777);
    expect_newest_kept(9'000, 10'000);
  }
  // The cap is on the whole registry; a topology's share shrinks with it.
  ASSERT_TRUE(store->Events("odd", 100'000, &events).ok());
  EXPECT_GE(events.size(), 4'500u);
  EXPECT_LE(events.size(), 5'000u);
}

TEST_F(RegistryStoreTest, ReopenedFileLoadsWhatWasSaved) {
  std::string path = Path("nested/folder/registry.db");  // the folders do not exist yet
  TopologyRow topology = Topology("wordcount");
  ElementRow element = ElementRowOf("wordcount", "count");
  EventRow event{99, "wordcount", "count", "started on n1"};
  {
    auto store = OpenOrFail(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->SaveTopology(topology).ok());
    ASSERT_TRUE(store->SaveElement(element).ok());
    ASSERT_TRUE(store->SaveShard(Shard("wordcount", "users")).ok());
    ASSERT_TRUE(store->AddEvent(event).ok());
  }
  EXPECT_TRUE(fs::exists(path));
  auto store = OpenOrFail(path);
  ASSERT_TRUE(store);
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  std::vector<EventRow> events;
  ASSERT_TRUE(store->Load(&topologies, &elements).ok());
  ASSERT_EQ(topologies.size(), 1u);
  ExpectSame(topologies[0], topology);
  ASSERT_EQ(elements.size(), 1u);
  ExpectSame(elements[0], element);
  std::vector<ShardRow> shards = Shards(*store);
  ASSERT_EQ(shards.size(), 1u);
  ExpectSame(shards[0], Shard("wordcount", "users"));
  ASSERT_TRUE(store->Events("wordcount", 10, &events).ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].unix_ms, 99);
  EXPECT_EQ(events[0].what, "started on n1");
}

// What a reader of the file (`datablox status`, a human with sqlite3) sees.
TEST_F(RegistryStoreTest, FileIsInWalModeWithTheCurrentSchemaVersion) {
  std::string path = Path("registry.db");
  auto store = OpenOrFail(path);
  ASSERT_TRUE(store);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 5);
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(RegistryStoreTest, MemoryRegistriesAreSeparate) {
  auto first = OpenOrFail(":memory:");
  auto second = OpenOrFail(":memory:");
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->SaveTopology(Topology("only-in-first")).ok());
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  ASSERT_TRUE(second->Load(&topologies, &elements).ok());
  EXPECT_TRUE(topologies.empty());
  ASSERT_TRUE(first->Load(&topologies, &elements).ok());
  EXPECT_EQ(topologies.size(), 1u);
  EXPECT_FALSE(fs::exists(":memory:"));
}

TEST_F(RegistryStoreTest, NewerSchemaVersionIsRefusedNamingTheFile) {
  fs::create_directories(dir_);
  std::string path = Path("newer.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE future(x); PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  std::unique_ptr<RegistryStore> store;
  Status status = RegistryStore::Open(path, &store);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kInvalid);
  EXPECT_FALSE(store);
  EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("99"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("up to 5"), std::string::npos) << status.message();
  // Refused before anything was written: still in its rollback journal mode.
  EXPECT_FALSE(fs::exists(path + "-wal"));
}

// A file an older master wrote: its rows stay, its topologies read with no
// absolute paths (version 1) and no stop waiting (up to 4), its shards with
// no change under way, and shards and checkpoints can be saved in it.
TEST_F(RegistryStoreTest, OlderFilesAreMigratedKeepingTheirRows) {
  for (int version : {1, 2, 3, 4}) {
    SCOPED_TRACE(version);
    std::string path = Path("v" + std::to_string(version) + ".db");
    TopologyRow topology = Topology("wordcount");
    topology.stop_after_checkpoint = true;  // a version 5 master's word, dropped with its column below
    {
      auto store = OpenOrFail(path);
      ASSERT_TRUE(store && store->SaveTopology(topology).ok() &&
                  store->SaveElement(ElementRowOf("wordcount", "a")).ok());
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string older =
        std::string("ALTER TABLE topologies DROP COLUMN stop_after_checkpoint; ") +
        (version == 4 ? "" : "DROP TABLE checkpoints; DROP TABLE snapshots; ") +
        (version == 1   ? "DROP TABLE shards; ALTER TABLE topologies DROP COLUMN absolute_paths_json; "
                          "PRAGMA user_version = 1"
         : version == 2 ? "ALTER TABLE shards DROP COLUMN change_json; "
                          "ALTER TABLE shards DROP COLUMN requests_from; PRAGMA user_version = 2"
         : version == 3 ? "PRAGMA user_version = 3"
                        : "PRAGMA user_version = 4");
    ASSERT_EQ(sqlite3_exec(db, older.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);

    auto store = OpenOrFail(path);
    ASSERT_TRUE(store);
    std::vector<TopologyRow> topologies;
    std::vector<ElementRow> elements;
    ASSERT_TRUE(store->Load(&topologies, &elements).ok());
    ASSERT_EQ(topologies.size(), 1u);
    if (version == 1) topology.absolute_paths_json = "{}";
    topology.stop_after_checkpoint = false;
    ExpectSame(topologies[0], topology);
    EXPECT_EQ(elements.size(), 1u);
    ASSERT_TRUE(store->SaveShard(Shard("wordcount", "users")).ok());
    ASSERT_EQ(Shards(*store).size(), 1u);
    ExpectSame(Shards(*store)[0], Shard("wordcount", "users"));
    CheckpointRow checkpoint{"wordcount", 1, "complete", 5, 2, 3, 1, 1, ""};  // the new tables are there
    ASSERT_TRUE(store->SaveCheckpoint(checkpoint, {{"a", "abc"}}, 3).ok());
  }
}

TEST_F(RegistryStoreTest, FileThatIsNotADatabaseIsAnError) {
  fs::create_directories(dir_);
  std::string path = Path("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>((i * 7919) & 0xff));
  }
  std::unique_ptr<RegistryStore> store;
  Status status = RegistryStore::Open(path, &store);
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(store);
  EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("not a database"), std::string::npos) << status.message();
}

TEST_F(RegistryStoreTest, PathUnderAFileIsAnError) {
  fs::create_directories(dir_);
  std::ofstream(Path("plain-file")) << "x";
  std::unique_ptr<RegistryStore> store;
  Status status = RegistryStore::Open(Path("plain-file/registry.db"), &store);
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(store);
  EXPECT_NE(status.message().find("plain-file"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace datablox
