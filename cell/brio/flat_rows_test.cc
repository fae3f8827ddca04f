#include "cell/brio/flat_rows.h"

#include <gtest/gtest.h>

#include "cell/brio/blob_json.h"
#include "cell/brio/reader.h"
#include "cell/brio/test_schemas.h"

namespace datablox::brio {
namespace {

FlatGrouping EventGrouping() {
  FlatGrouping g;
  g.levels.push_back({{{"id", "user"}, {"country", "country"}, {"os", "os"}}, {"id"}, "sessions"});
  g.levels.push_back({{{"id", "session"}, {"start", "session_start"}}, {"id"}, "events"});
  g.levels.push_back({{{"ts", "ts"}, {"type", "type"}, {"value", "value"}}, {}, ""});
  return g;
}

class FlatRowsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(SchemaLayout::Make(schema_, &layout_).ok()); }

  std::unique_ptr<FlatPresser> Presser(PressOptions options = {}) {
    std::unique_ptr<FlatPresser> p;
    const Status st = FlatPresser::Make(layout_, EventGrouping(), options, &p);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return p;
  }
  std::vector<std::string> Read(const testing::CollectSink& sink) {
    std::vector<std::string> out;
    for (const std::string& b : sink.blobs) {
      BlobView view;
      const Status st = BlobView::Open(b, layout_, &view);
      EXPECT_TRUE(st.ok()) << st.ToString();
      std::string json;
      if (st.ok()) AppendJson(view.root(), &json);
      out.push_back(json);
    }
    return out;
  }

  const Schema schema_ = testing::UnitySchema();
  SchemaLayout layout_;
};

TEST_F(FlatRowsTest, RowsOfOneUserOverTwoFilesOutOfOrderMakeOneTreeInOrder) {
  auto presser = Presser();
  presser->AddLines(
      R"({"user":"u2","session":5,"session_start":500,"ts":502,"type":"buy","value":3,"country":"FR","os":"mac"})"
      "\n"
      R"({"user":"u1","session":2,"session_start":200,"ts":203,"type":"view","value":1.5})"
      "\n"
      R"({"user":"u1","session":1,"session_start":100,"ts":102,"type":"click","value":2,"country":"DE"})"
      "\n",
      "a.jsonl");
  presser->AddLines(R"({"user":"u1","session":1,"session_start":100,"ts":101,"type":"view","value":0.5,"os":"linux"})"
                    "\n"
                    R"({"user":"u2","session":5,"session_start":500,"ts":501,"type":"view","value":1})"
                    "\n"
                    R"({"user":"u1","session":2,"session_start":200,"ts":201,"type":"click","value":4})",
                    "b.jsonl");
  testing::CollectSink sink;
  presser->Finish(sink);
  EXPECT_EQ(
      Read(sink),
      (std::vector<std::string>{
          // u2 first: roots come out in the order they were first seen.
          R"({"id":"u2","country":"FR","sessions":[)"
          R"({"id":5,"start":500,"events":[{"ts":501,"type":"view","value":1},{"ts":502,"type":"buy","value":3}]}],)"
          R"("tags":null,"traits":null,"os":"mac"})",
          R"({"id":"u1","country":"DE","sessions":[)"
          R"({"id":1,"start":100,"events":[{"ts":101,"type":"view","value":0.5},{"ts":102,"type":"click","value":2}]},)"
          R"({"id":2,"start":200,"events":[{"ts":201,"type":"click","value":4},{"ts":203,"type":"view","value":1.5}]}],)"
          R"("tags":null,"traits":null,"os":"linux"})"}));
  const PressStats& stats = presser->stats();
  EXPECT_EQ(stats.lines, 6u);
  EXPECT_EQ(stats.rows, 6u);
  EXPECT_EQ(stats.items, 2u);
  EXPECT_EQ(stats.rejected(), 0u);
}

// Strings are read in place when written plainly and unescaped otherwise:
// either way the same string is the same key, and spaces around are no part of it.
TEST_F(FlatRowsTest, EscapedAndPlainlyWrittenStringsAreTheSameString) {
  auto presser = Presser();
  presser->AddLines(R"({"user" : "u\u0031" , "session":1,"session_start":1,"ts":1,"type":"say \"hi\"" })"
                    "\n"
                    R"({"user":"u1","session":1,"session_start":1,"ts":2,"type":  "plain"  ,"os":"x\\y"})",
                    "x");
  testing::CollectSink sink;
  presser->Finish(sink);
  EXPECT_EQ(Read(sink), (std::vector<std::string>{
                            R"({"id":"u1","country":null,"sessions":[{"id":1,"start":1,"events":[)"
                            R"({"ts":1,"type":"say \"hi\"","value":null},{"ts":2,"type":"plain","value":null}]}],)"
                            R"("tags":null,"traits":null,"os":"x\\y"})"}));
  EXPECT_EQ(presser->stats().rejected(), 0u);
  EXPECT_EQ(presser->stats().wrong_type_fields, 0u);
}

TEST_F(FlatRowsTest, SessionsComeOutInStartOrderNotKeyOrder) {
  auto presser = Presser();
  presser->AddLines(R"({"user":"u","session":1,"session_start":900,"ts":1})"
                    "\n"
                    R"({"user":"u","session":2,"session_start":100,"ts":2})",
                    "x");
  testing::CollectSink sink;
  presser->Finish(sink);
  ASSERT_EQ(sink.blobs.size(), 1u);
  BlobView view;
  ASSERT_TRUE(BlobView::Open(sink.blobs[0], layout_, &view).ok());
  std::vector<int64_t> ids;
  for (StructView s : view.root().GetStructs(2)) ids.push_back(s.GetInt(0));
  EXPECT_EQ(ids, (std::vector<int64_t>{2, 1}));
}

TEST_F(FlatRowsTest, RowsWithoutTheirKeysAreRejectedWithTheReason) {
  auto presser = Presser();
  presser->AddLines(R"({"session":1,"ts":1})"
                    "\n"
                    R"({"user":"u","session":null,"ts":1})"
                    "\n"
                    R"({"user":"u","session":"one","ts":1})"
                    "\n"
                    R"({"user":7,"session":1,"ts":1})"
                    "\n"
                    "not json\n[1]\n"
                    R"({"user":"u","session":1,"ts":1})",
                    "r.jsonl");
  testing::CollectSink sink;
  presser->Finish(sink);
  const PressStats& stats = presser->stats();
  EXPECT_EQ(stats.rejected_missing_key, 4u);
  EXPECT_EQ(stats.rejected_malformed, 1u);
  EXPECT_EQ(stats.rejected_not_object, 1u);
  EXPECT_EQ(stats.rows, 1u);
  EXPECT_EQ(stats.items, 1u);
  EXPECT_EQ(stats.wrong_type_fields, 0u);  // a bad key rejects the row, it is not also a warning
  ASSERT_GE(stats.samples.size(), 2u);
  EXPECT_EQ(stats.samples[0].where, "r.jsonl:1");
  EXPECT_EQ(stats.samples[0].reason, "key field 'id' absent, null or of the wrong type");
  EXPECT_EQ(stats.samples[1].where, "r.jsonl:2");
}

// The On-Demand fast path stops reading at the object's end: what follows must still reject the line.
TEST_F(FlatRowsTest, CleanRowFollowedByMoreJsonIsMalformedNotPressed) {
  auto presser = Presser();
  presser->AddLines(R"({"user":"u","session":1,"ts":1}})"
                    "\n"
                    R"({"user":"u","session":1,"ts":2} {"user":"v"})"
                    "\n"
                    R"({"user":"u","session":1,"ts":3,"value":1e999})"
                    "\n"
                    R"({"user":"u","session":1,"ts":4}  )",
                    "t");
  testing::CollectSink sink;
  presser->Finish(sink);
  EXPECT_EQ(presser->stats().rejected_malformed, 3u);
  EXPECT_EQ(presser->stats().rows, 1u);
  EXPECT_EQ(presser->stats().samples.at(1).where, "t:2");
}

TEST_F(FlatRowsTest, WrongTypedValueIsNullAndCountedAndUnknownKeysCounted) {
  auto presser = Presser();
  presser->AddLines(R"({"user":"u","session":1,"ts":"late","type":"a","value":true,"browser":"x"})", "w");
  testing::CollectSink sink;
  presser->Finish(sink);
  EXPECT_EQ(Read(sink), (std::vector<std::string>{
                            R"({"id":"u","country":null,"sessions":[{"id":1,"start":null,"events":)"
                            R"([{"ts":null,"type":"a","value":null}]}],"tags":null,"traits":null,"os":null})"}));
  EXPECT_EQ(presser->stats().wrong_type_fields, 2u);
  EXPECT_EQ(presser->stats().unknown_fields, 1u);
}

TEST_F(FlatRowsTest, UserOverTheSizeCapIsRejectedWithItsRows) {
  PressOptions options;
  options.max_item_bytes = 300;
  auto presser = Presser(options);
  std::string text;
  for (int i = 0; i < 40; ++i) text += R"({"user":"big","session":1,"ts":)" + std::to_string(i) + "}\n";
  text += R"({"user":"small","session":1,"ts":1})";
  presser->AddLines(text, "c");
  testing::CollectSink sink;
  presser->Finish(sink);
  ASSERT_EQ(sink.blobs.size(), 1u);
  const PressStats& stats = presser->stats();
  EXPECT_EQ(stats.rejected_over_size_cap, 1u);
  EXPECT_EQ(stats.rows_in_rejected_items, 40u);
  EXPECT_EQ(stats.samples.at(0).where, "user big");
}

TEST_F(FlatRowsTest, EveryGroupingErrorIsReportedAtOnce) {
  FlatGrouping g = EventGrouping();
  g.levels[0].fields.push_back({"nope", "x"});
  g.levels[0].fields.push_back({"tags", "t"});
  g.levels[1].keys = {"missing"};
  g.levels[2].child = "more";
  std::unique_ptr<FlatPresser> p;
  const Status st = FlatPresser::Make(layout_, g, {}, &p);
  EXPECT_EQ(st.ToString(),
            "Invalid: grouping level 0: User has no field 'nope'; grouping level 0: User.tags is not a scalar (a row "
            "feeds scalars only); grouping level 1: key 'missing' is not one of the level's fields; grouping level 2: "
            "child 'more' but no level below");
}

TEST_F(FlatRowsTest, FinishForgetsTheRowsForTheNextPress) {
  auto presser = Presser();
  presser->AddLines(R"({"user":"u","session":1,"ts":1})", "1");
  testing::CollectSink first, second;
  presser->Finish(first);
  presser->AddLines(R"({"user":"v","session":1,"ts":1})", "2");
  presser->Finish(second);
  ASSERT_EQ(second.blobs.size(), 1u);
  BlobView view;
  ASSERT_TRUE(BlobView::Open(second.blobs[0], layout_, &view).ok());
  EXPECT_EQ(view.root().GetString(0), "v");
}

}  // namespace
}  // namespace datablox::brio
