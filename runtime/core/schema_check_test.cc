#include "runtime/core/schema_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "datablox/log.h"

namespace datablox {
namespace {

const SchemaCheck kWordAndCount("in", {{"word", ValueType::kString}, {"count", ValueType::kFloat}});

OwnedLog Build(LogBuilder& b) { return OwnedLog(std::string(b.bytes())); }

TEST(SchemaCheckTest, PassesALogWithEveryRequiredFieldAndMore) {
  LogBuilder b;
  b.add("word", "hi").add("count", 1.5).add("extra", 3);
  EXPECT_TRUE(kWordAndCount.Check(Build(b).log()).ok());
}

TEST(SchemaCheckTest, AcceptsAnIntWhereAFloatIsRequired) {
  LogBuilder b;
  b.add("word", "hi").add("count", 2);
  EXPECT_TRUE(kWordAndCount.Check(Build(b).log()).ok());
}

TEST(SchemaCheckTest, RejectsAFieldOfAnotherTypeNamingIt) {
  LogBuilder b;
  b.add("word", 5).add("count", 1.0);  // {"word": 5} must not become {"word": ""}
  Status st = kWordAndCount.Check(Build(b).log());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "field 'word' is int but port 'in' requires string");
}

TEST(SchemaCheckTest, RejectsAMissingFieldNamingIt) {
  LogBuilder b;
  b.add("word", "hi");
  Status st = kWordAndCount.Check(Build(b).log());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "log lacks field 'count' (float) that port 'in' requires");
}

TEST(SchemaCheckTest, RejectsNilForARequiredString) {
  LogBuilder b;
  b.add_nil("word").add("count", 1);
  EXPECT_FALSE(kWordAndCount.Check(Build(b).log()).ok());
}

TEST(SchemaCheckTest, LeavesBytesThatAreNotAMapToTheMalformedCount) {
  OwnedLog not_a_map(std::string("\x05", 1));
  EXPECT_TRUE(kWordAndCount.Check(not_a_map.log()).ok());
}

TEST(SchemaCheckTest, EmptySchemaChecksNothing) {
  EXPECT_TRUE(SchemaCheck().empty());
  EXPECT_FALSE(kWordAndCount.empty());
}

TEST(SchemaCheckTest, KeepValidCompactsPassingLogsInOrderAndReportsEachReject) {
  std::vector<OwnedLog> owned;
  for (int i = 0; i < 6; ++i) {
    LogBuilder b;
    if (i % 3 == 1) b.add("word", i);        // wrong type
    else if (i % 3 == 2) b.add("count", i);  // no word
    else b.add("word", std::to_string(i)).add("count", i);
    if (i % 3 == 1) b.add("count", i);
    owned.push_back(Build(b));
  }
  std::vector<Log> logs;
  for (const OwnedLog& o : owned) logs.push_back(o.log());
  std::vector<std::string> why;
  size_t kept =
      kWordAndCount.KeepValid(logs.data(), logs.size(), [&](const Status& st) { why.push_back(st.message()); });
  ASSERT_EQ(kept, 2u);
  EXPECT_EQ(logs[0].get("word").as_string(), "0");
  EXPECT_EQ(logs[1].get("word").as_string(), "3");
  ASSERT_EQ(why.size(), 4u);
  EXPECT_EQ(why[0], "field 'word' is int but port 'in' requires string");
  EXPECT_EQ(why[1], "log lacks field 'word' (string) that port 'in' requires");
}

}  // namespace
}  // namespace datablox
