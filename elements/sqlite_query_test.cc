#include "sqlite_query.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace datablox {
namespace {

// A database with a few rows, as the store leaves it (WAL, its writer open).
class SqliteQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() / ("sqlite_query_test." + std::to_string(::getpid()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    path_ = (folder_ / "store.db").string();
    ASSERT_EQ(sqlite3_open(path_.c_str(), &writer_), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(writer_,
                           "PRAGMA journal_mode=WAL; CREATE TABLE logs (seq INTEGER, s TEXT);"
                           "INSERT INTO logs VALUES (1, 'a'), (2, 'b'), (3, NULL);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    SqliteQuery::Limits limits;
    limits.time = std::chrono::milliseconds(200);
    ASSERT_TRUE(query_.Open(path_, limits).ok());
  }
  void TearDown() override {
    sqlite3_close(writer_);
    std::filesystem::remove_all(folder_);
  }
  Status Run(const std::string& sql) {
    rows_.clear();
    return query_.Run(sql, Value(), &rows_);
  }
  // The writer can still write: no query left a transaction or a lock behind.
  bool WriterCanInsert() {
    return sqlite3_exec(writer_, "BEGIN; INSERT INTO logs VALUES (4, 'd'); COMMIT;", nullptr, nullptr, nullptr) ==
           SQLITE_OK;
  }

  std::filesystem::path folder_;
  std::string path_;
  sqlite3* writer_ = nullptr;
  SqliteQuery query_;
  std::vector<std::string> rows_;
};

TEST_F(SqliteQueryTest, SelectAnswersRows) {
  ASSERT_TRUE(Run("SELECT seq, s FROM logs ORDER BY seq").ok());
  ASSERT_EQ(rows_.size(), 3u);
  OwnedLog first(rows_[0]);
  EXPECT_EQ(first.get("seq").as_int(), 1);
  EXPECT_EQ(first.get("s").as_string(), "a");
}

TEST_F(SqliteQueryTest, RecursiveSelectThatEndsIsAnswered) {
  Status st = Run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT x FROM c");
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows_.size(), 10u);
}

TEST_F(SqliteQueryTest, BeginIsRefusedAndLeavesNoTransaction) {
  for (const char* sql : {"BEGIN", "BEGIN IMMEDIATE", "SAVEPOINT s", "COMMIT", "ROLLBACK"}) {
    Status st = Run(sql);
    EXPECT_FALSE(st.ok()) << sql;
    EXPECT_NE(st.message().find("read-only"), std::string::npos) << sql << ": " << st.message();
  }
  EXPECT_TRUE(WriterCanInsert());
}

TEST_F(SqliteQueryTest, AttachIsRefusedAndCreatesNoFile) {
  std::string other = (folder_ / "elsewhere.db").string();
  Status st = Run("ATTACH DATABASE '" + other + "' AS elsewhere");
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(std::filesystem::exists(other));
}

TEST_F(SqliteQueryTest, WritesAndWritingPragmasAreRefused) {
  for (const char* sql :
       {"DELETE FROM logs", "INSERT INTO logs VALUES (9, 'x')", "DROP TABLE logs", "CREATE TABLE t (x)",
        "PRAGMA journal_mode=DELETE", "PRAGMA user_version = 3", "VACUUM", "SELECT load_extension('/tmp/nothing')"}) {
    EXPECT_FALSE(Run(sql).ok()) << sql;
  }
  ASSERT_TRUE(Run("SELECT count(*) AS n FROM logs").ok());
  EXPECT_EQ(OwnedLog(rows_[0]).get("n").as_int(), 3);
  EXPECT_TRUE(WriterCanInsert());
}

TEST_F(SqliteQueryTest, SecondStatementIsRefusedNotRun) {
  Status st = Run("SELECT 1; DELETE FROM logs");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("one statement"), std::string::npos) << st.message();
  ASSERT_TRUE(Run("SELECT count(*) AS n FROM logs").ok());
  EXPECT_EQ(OwnedLog(rows_[0]).get("n").as_int(), 3);
}

TEST_F(SqliteQueryTest, NeverEndingRecursionIsInterruptedWithAnError) {
  Status st = Run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");
  EXPECT_TRUE(st.IsTimeout()) << st.ToString();
  EXPECT_NE(st.message().find("interrupted"), std::string::npos) << st.message();
  // The connection answers the next query as usual.
  EXPECT_TRUE(Run("SELECT seq FROM logs").ok());
  EXPECT_EQ(rows_.size(), 3u);
}

TEST_F(SqliteQueryTest, EndlessRowsAreCutAtTheReplyLimit) {
  SqliteQuery small;
  SqliteQuery::Limits limits;
  limits.time = std::chrono::milliseconds(60000);
  limits.reply_bytes = 4096;
  ASSERT_TRUE(small.Open(path_, limits).ok());
  Status st =
      small.Run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c", Value(), &rows_);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("exceed 4096 bytes"), std::string::npos) << st.message();
  EXPECT_TRUE(rows_.empty());
}

}  // namespace
}  // namespace datablox
