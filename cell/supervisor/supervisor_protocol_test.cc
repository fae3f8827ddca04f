// The supervisor's query port as JSON: the two request shapes, what is
// refused, and a refusal and a table read back as written.
#include "cell/supervisor/supervisor_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace datablox::supervisor {
namespace {

using nlohmann::json;

TEST(SupervisorProtocolTest, BothRequestShapesRoundTrip) {
  CellQuery q;
  q.text = "select count(user) from schema unity";
  q.view = "events";
  q.now_ms = 5;
  q.timeout_ms = 700;
  CellQuery back;
  ASSERT_TRUE(DecodeCellQuery(EncodeCellQuery(q), &back).ok());
  EXPECT_EQ((back.text + "|" + back.view), q.text + "|events");
  EXPECT_EQ(back.now_ms, 5);
  EXPECT_EQ(back.timeout_ms, 700);
  CellQuery saved;
  saved.saved = "daily";
  ASSERT_TRUE(DecodeCellQuery(EncodeCellQuery(saved), &back).ok());
  EXPECT_EQ(back.saved, "daily");
  EXPECT_EQ(back.now_ms, -1);
  EXPECT_EQ(back.timeout_ms, kDefaultQueryTimeoutMs);
}

TEST(SupervisorProtocolTest, MalformedRequestsAreRefusedNamingTheField) {
  CellQuery out;
  auto why = [&](const json& j) { return DecodeCellQuery(j, &out).message(); };
  EXPECT_NE(why(json::array()).find("JSON object"), std::string::npos);
  EXPECT_NE(why({{"query", "x"}}).find("'view'"), std::string::npos);
  EXPECT_NE(why({{"query", "x"}, {"view", "v"}, {"saved", "s"}}).find("either"), std::string::npos);
  EXPECT_NE(why({{"saved", 3}}).find("'saved' must be a string"), std::string::npos);
  EXPECT_NE(why({{"saved", "s"}, {"timeout_ms", 0}}).find("'timeout_ms'"), std::string::npos);
  EXPECT_NE(why({{"saved", "s"}, {"colour", 1}}).find("unknown field 'colour'"), std::string::npos);
  CellQuery both;  // what `query --saved S QUERY` would ask: written whole, refused when read
  both.text = "select count(user) from schema unity";
  both.view = "events";
  both.saved = "daily";
  EXPECT_NE(why(EncodeCellQuery(both)).find("either"), std::string::npos);
  EXPECT_NE(why({{"query", std::string(kMaxQueryTextBytes + 1, 'x')}, {"view", "v"}}).find("'query'"),
            std::string::npos);
}

TEST(SupervisorProtocolTest, ARefusalAndATableReadBackAsWritten) {
  QueryRefusal refusal{"2 errors", {"1:1: error: a", "2:3: error: b"}};
  QueryRefusal back;
  ASSERT_TRUE(DecodeRefusal(EncodeRefusal(refusal), &back));
  EXPECT_EQ(back.errors, refusal.errors);
  EXPECT_FALSE(DecodeRefusal({{"columns", json::array()}}, &back));

  eql::ResultTable table;
  table.columns = {"os", "n", "avg"};
  table.rows.resize(2);
  for (auto& row : table.rows) row.resize(3);
  table.rows[0][0].kind = eql::ResultCell::Kind::kString;
  table.rows[0][0].string_value = "ios";
  table.rows[0][1].kind = eql::ResultCell::Kind::kInt;
  table.rows[0][1].int_value = 7;
  table.rows[0][2].kind = eql::ResultCell::Kind::kDouble;
  table.rows[0][2].double_value = 1.5;
  const json j = TableJson(table);
  EXPECT_EQ(j, (json{{"columns", {"os", "n", "avg"}}, {"rows", {{"ios", 7, 1.5}, {nullptr, nullptr, nullptr}}}}));
  eql::ResultTable read;
  ASSERT_TRUE(TableFromJson(j, &read).ok());
  EXPECT_EQ(eql::ResultTableText(read), eql::ResultTableText(table));
  EXPECT_FALSE(TableFromJson({{"columns", {"a"}}, {"rows", {{1, 2}}}}, &read).ok());
}

}  // namespace
}  // namespace datablox::supervisor
