#include "cell/catalog/catalog_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cell/catalog/catalog_migrations.h"
#include "cell/catalog/catalog_test_files.h"

namespace datablox::catalog {
namespace {

class CatalogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(CatalogStore::Open(files_.db, &store_).ok()); }
  View EventsView() {
    View v;
    v.moniker = "events";
    v.domain = "unity";
    v.view_file = files_.view;
    v.schema = files_.schema;
    v.shape = "nested";
    v.location = files_.dir.path() + "/data";
    v.store = "samplestore/store";
    v.properties = {{"ttl", "3600"}};
    return v;
  }
  void AddUnityDomain() {
    Domain d{0, "unity", {{"owner", "games"}}};
    ASSERT_TRUE(store_->AddDomain(&d).ok());
  }
  int UserVersion() {
    sqlite3* db = nullptr;
    sqlite3_open(files_.db.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr);
    int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
  }
  void Execute(const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open(files_.db.c_str(), &db);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  CatalogFiles files_;
  std::unique_ptr<CatalogStore> store_;
};

TEST_F(CatalogStoreTest, NewFileIsMigratedToTheCurrentVersionInWalMode) {
  EXPECT_EQ(UserVersion(), kCatalogVersion);
  sqlite3* db = nullptr;
  sqlite3_open(files_.db.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(CatalogStoreTest, AddedEntitiesGetDistinctKeysAndAreFoundByMoniker) {
  AddUnityDomain();
  View v = EventsView();
  ASSERT_TRUE(store_->AddView(&v).ok());
  SavedQuery q{0, "buyers", "events", "select count(user) from schema unity"};
  ASSERT_TRUE(store_->AddQuery(&q).ok());
  EXPECT_GT(v.key, 0);
  EXPECT_GT(q.key, 0);

  Domain d;
  ASSERT_TRUE(store_->FindDomain("unity", &d).ok());
  EXPECT_EQ(d.properties, (Properties{{"owner", "games"}}));
  View found;
  ASSERT_TRUE(store_->FindView("events", &found).ok());
  EXPECT_EQ(found.key, v.key);
  EXPECT_EQ(found.domain, "unity");
  EXPECT_EQ(found.view_file, files_.view);
  EXPECT_EQ(found.shape, "nested");
  EXPECT_EQ(found.store, "samplestore/store");
  EXPECT_EQ(found.properties, (Properties{{"ttl", "3600"}}));
  EXPECT_EQ(found.generation, 0);
  SavedQuery saved;
  ASSERT_TRUE(store_->FindQuery("buyers", &saved).ok());
  EXPECT_EQ(saved.view, "events");
  EXPECT_EQ(saved.text, "select count(user) from schema unity");
}

TEST_F(CatalogStoreTest, TakenMonikerIsRefusedAsInvalid) {
  AddUnityDomain();
  Domain again{0, "unity", {}};
  Status st = store_->AddDomain(&again);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_EQ(st.message(), "a domain 'unity' exists already");
}

TEST_F(CatalogStoreTest, IllFormedMonikerIsRefused) {
  Domain d{0, "has space", {}};
  EXPECT_EQ(store_->AddDomain(&d).code(), Status::Code::kInvalid);
  Domain empty{0, "", {}};
  EXPECT_EQ(store_->AddDomain(&empty).code(), Status::Code::kInvalid);
}

TEST_F(CatalogStoreTest, ViewOfAnUnknownDomainIsNotFound) {
  View v = EventsView();
  Status st = store_->AddView(&v);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_EQ(st.message(), "no domain 'unity'");
}

TEST_F(CatalogStoreTest, ListsAreSortedByMoniker) {
  for (const char* m : {"zeta", "alpha", "mid"}) {
    Domain d{0, m, {}};
    ASSERT_TRUE(store_->AddDomain(&d).ok());
  }
  std::vector<Domain> list;
  ASSERT_TRUE(store_->ListDomains(&list).ok());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].moniker, "alpha");
  EXPECT_EQ(list[1].moniker, "mid");
  EXPECT_EQ(list[2].moniker, "zeta");
}

TEST_F(CatalogStoreTest, RemovingADomainWithViewsIsRefusedNamingThem) {
  AddUnityDomain();
  View v = EventsView();
  ASSERT_TRUE(store_->AddView(&v).ok());
  Domain removed;
  Status st = store_->RemoveDomain("unity", &removed);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_EQ(st.message(), "domain 'unity' still has views: events (remove them first)");
  View gone;
  ASSERT_TRUE(store_->RemoveView("events", &gone).ok());
  EXPECT_EQ(gone.key, v.key);
  ASSERT_TRUE(store_->RemoveDomain("unity", &removed).ok());
  EXPECT_EQ(store_->FindDomain("unity", &removed).code(), Status::Code::kNotFound);
}

TEST_F(CatalogStoreTest, RemovingAViewWithSavedQueriesIsRefused) {
  AddUnityDomain();
  View v = EventsView();
  ASSERT_TRUE(store_->AddView(&v).ok());
  SavedQuery q{0, "q1", "events", "select count(user) from schema unity"};
  ASSERT_TRUE(store_->AddQuery(&q).ok());
  View removed;
  EXPECT_EQ(store_->RemoveView("events", &removed).message(),
            "view 'events' still has saved queries: q1 (remove them first)");
  SavedQuery gone;
  ASSERT_TRUE(store_->RemoveQuery("q1", &gone).ok());
  EXPECT_TRUE(store_->RemoveView("events", &removed).ok());
}

TEST_F(CatalogStoreTest, KeyOfARemovedEntityIsNeverReused) {
  Domain a{0, "a", {}};
  ASSERT_TRUE(store_->AddDomain(&a).ok());
  Domain removed;
  ASSERT_TRUE(store_->RemoveDomain("a", &removed).ok());
  Domain again{0, "a", {}};
  ASSERT_TRUE(store_->AddDomain(&again).ok());
  EXPECT_GT(again.key, a.key);
}

TEST_F(CatalogStoreTest, BumpAdvancesTheGenerationClockByOne) {
  AddUnityDomain();
  View v = EventsView();
  ASSERT_TRUE(store_->AddView(&v).ok());
  View after;
  ASSERT_TRUE(store_->BumpGeneration("events", &after).ok());
  EXPECT_EQ(after.generation, 1);
  ASSERT_TRUE(store_->BumpGeneration("events", &after).ok());
  EXPECT_EQ(after.generation, 2);
  EXPECT_EQ(store_->BumpGeneration("nope", &after).code(), Status::Code::kNotFound);
}

TEST_F(CatalogStoreTest, EverythingSurvivesReopening) {
  AddUnityDomain();
  View v = EventsView();
  ASSERT_TRUE(store_->AddView(&v).ok());
  View after;
  ASSERT_TRUE(store_->BumpGeneration("events", &after).ok());
  store_.reset();
  ASSERT_TRUE(CatalogStore::Open(files_.db, &store_).ok());
  View found;
  ASSERT_TRUE(store_->FindView("events", &found).ok());
  EXPECT_EQ(found.key, v.key);
  EXPECT_EQ(found.generation, 1);
}

TEST_F(CatalogStoreTest, FileFromANewerVersionIsRefusedUnchanged) {
  store_.reset();
  Execute("PRAGMA user_version = 99");
  Status st = CatalogStore::Open(files_.db, &store_);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_NE(st.message().find("is at version 99; this datablox knows versions up to 1"), std::string::npos)
      << st.message();
  EXPECT_EQ(UserVersion(), 99);
}

TEST(CatalogStoreOpen, SqliteFileWithTablesOfItsOwnIsNotACatalog) {
  CatalogFiles files;
  sqlite3* db = nullptr;
  sqlite3_open(files.db.c_str(), &db);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE logs (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  std::unique_ptr<CatalogStore> store;
  Status st = CatalogStore::Open(files.db, &store);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_NE(st.message().find("not a catalog"), std::string::npos) << st.message();
}

TEST(CatalogStoreOpen, FileThatIsNotSqliteIsAnIOError) {
  CatalogFiles files;
  const std::string path = files.dir.Write("text.db", "this is not a database, only some text that is long enough");
  std::unique_ptr<CatalogStore> store;
  EXPECT_EQ(CatalogStore::Open(path, &store).code(), Status::Code::kIOError);
}

}  // namespace
}  // namespace datablox::catalog
