// FlatPresser reads rows a window of lines at a time, one simdjson document
// stream a window (clean_row.h's ReadMany): these guard that a malformed row
// among many is still rejected alone, with its reason and line, and that
// its neighbours, the windows' edges and long lines press as one line at a
// time would.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cell/brio/clean_row.h"
#include "cell/brio/flat_rows.h"
#include "cell/brio/test_schemas.h"

namespace datablox::brio {
namespace {

FlatGrouping WindowTestGrouping() {
  FlatGrouping g;
  g.levels.push_back({{{"id", "user"}, {"country", "country"}, {"os", "os"}}, {"id"}, "sessions"});
  g.levels.push_back({{{"id", "session"}, {"start", "session_start"}}, {"id"}, "events"});
  g.levels.push_back({{{"ts", "ts"}, {"type", "type"}, {"value", "value"}}, {}, ""});
  return g;
}

std::string WindowTestRow(int i, const std::string& type = "view") {
  return R"({"user":"u)" + std::to_string(i % 37) + R"(","session":)" + std::to_string(i % 5) +
         R"(,"session_start":)" + std::to_string(100 * (i % 5)) + R"(,"ts":)" + std::to_string(i) +
         R"(,"type":")" + type + R"(","value":)" + std::to_string(i) + ".5}";
}

class FlatRowsWindowTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(SchemaLayout::Make(schema_, &layout_).ok()); }

  std::unique_ptr<FlatPresser> Presser() {
    std::unique_ptr<FlatPresser> p;
    const Status st = FlatPresser::Make(layout_, WindowTestGrouping(), {}, &p);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return p;
  }
  // The text's blobs and stats, pressed in one AddLines (many windows).
  std::vector<std::string> PressWhole(const std::string& text, PressStats* stats) {
    auto presser = Presser();
    presser->AddLines(text, "w.jsonl");
    testing::CollectSink sink;
    presser->Finish(sink);
    *stats = presser->stats();
    return sink.blobs;
  }
  // The same lines, each its own AddLines: no line shares a stream with another.
  std::vector<std::string> PressLineByLine(const std::vector<std::string>& lines, PressStats* stats) {
    auto presser = Presser();
    for (const std::string& line : lines) presser->AddLines(line + "\n", "one");
    testing::CollectSink sink;
    presser->Finish(sink);
    *stats = presser->stats();
    return sink.blobs;
  }

  const Schema schema_ = testing::UnitySchema();
  SchemaLayout layout_;
};

TEST_F(FlatRowsWindowTest, MalformedRowsAmongManyAreRejectedAloneWithTheirLines) {
  // Each bad line is one stage 1 cannot see past, or one the stream would run on from.
  const std::vector<std::string> bad = {
      R"({"user":"u1","session":1,"type":"unclosed)",  // an unclosed string turns every quote after it
      R"({"user":"u2","session":1,"ts":3,})",          // a trailing comma
      "{\"user\":\"u3\",\"session\":1,\"type\":\"\xff\xfe\"}",  // not UTF-8
      R"({"user":"u4","session":1)",                   // no closing brace: the next line would be its rest
      R"({"user":"u5","session":1)"                    // no closing brace, and the next line its rest:
      "\n"                                            // two lines rejected, never one row of both
      R"(,"ts":5,"type":"x"})",
      R"({"user":"u6","session":1} {"user":"u6","session":2})",  // two documents on one line
      R"("just a string")",
      R"({"user":"u8","session":"s\"})",               // an escaped quote leaves the string open
  };
  std::vector<std::string> lines;
  std::vector<size_t> bad_line;  // 1-based
  size_t next_bad = 0;
  for (int i = 0; i < 4000; ++i) {
    if (i % 450 == 17 && next_bad < bad.size()) {
      for (size_t at = 0, end; at <= bad[next_bad].size(); at = end + 1) {
        end = std::min(bad[next_bad].find('\n', at), bad[next_bad].size());
        lines.push_back(bad[next_bad].substr(at, end - at));
        bad_line.push_back(lines.size());
      }
      ++next_bad;
    }
    lines.push_back(i % 97 == 3 ? "" : (i % 89 == 5 ? "   " + WindowTestRow(i) + " \r" : WindowTestRow(i)));
  }
  ASSERT_EQ(next_bad, bad.size());
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  ASSERT_GT(text.size(), 4 * kCleanWindowBytes);  // bad lines in many windows

  PressStats whole, one;
  const std::vector<std::string> blobs = PressWhole(text, &whole);
  EXPECT_EQ(blobs, PressLineByLine(lines, &one));
  EXPECT_EQ(whole.rejected_malformed, 8u);
  EXPECT_EQ(whole.rejected_not_object, 1u);
  EXPECT_EQ(whole.rejected(), bad.size() + 1);
  EXPECT_EQ(whole.rows, one.rows);
  EXPECT_EQ(whole.blank_lines, one.blank_lines);
  EXPECT_EQ(whole.lines, lines.size());
  EXPECT_EQ(whole.json_bytes, text.size());
  // Every good row is kept: the rows around each bad one too.
  size_t blank = 0;
  for (const std::string& line : lines) blank += line.empty();
  EXPECT_EQ(whole.blank_lines, blank);
  EXPECT_EQ(whole.rows, lines.size() - bad_line.size() - blank);
  // Each reject names its own line, in order (the first PressStats::kMaxSamples).
  ASSERT_EQ(whole.samples.size(), std::min(bad_line.size(), PressStats::kMaxSamples));
  for (size_t k = 0; k < whole.samples.size(); ++k) EXPECT_EQ(whole.samples[k].where, "w.jsonl:" + std::to_string(bad_line[k])) << k;
  EXPECT_NE(whole.samples[0].reason.find("malformed JSON"), std::string::npos) << whole.samples[0].reason;
  EXPECT_EQ(whole.samples[7].reason, "not a JSON object");
}

TEST_F(FlatRowsWindowTest, WindowEdgesLongLinesAndALastLineWithoutNewlinePressAsLinesOneByOne) {
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) {
    // Lengths that move each window's last line around, and two lines longer than a window.
    std::string type(static_cast<size_t>((i * 131) % 700), 'a' + static_cast<char>(i % 26));
    if (i == 1000 || i == 1001) type = std::string(kCleanWindowBytes + 1000, 'L');
    lines.push_back(WindowTestRow(i, type));
  }
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  text.pop_back();  // the last line without its newline: read within the text's padding copy
  PressStats whole, one;
  const std::vector<std::string> blobs = PressWhole(text, &whole);
  EXPECT_EQ(blobs, PressLineByLine(lines, &one));
  EXPECT_EQ(whole.rows, lines.size());
  EXPECT_EQ(whole.rejected(), 0u);
  EXPECT_EQ(whole.lines, lines.size());
  EXPECT_EQ(whole.items, 37u);
}

TEST_F(FlatRowsWindowTest, RowsTheStreamCannotTakeGoToTheDomPathInTheirPlace) {
  // Not clean but valid: an unknown key, a wrong type, an escaped key, a
  // missing root key. The stream goes on past each; their order decides the
  // events' order within a session, so the blobs must match a line-by-line read.
  std::vector<std::string> lines;
  for (int i = 0; i < 2000; ++i) {
    std::string row = WindowTestRow(i);
    if (i % 7 == 1) row.insert(row.size() - 1, R"(,"browser":"x")");
    if (i % 11 == 2) row.replace(row.find("\"value\":"), 8, "\"value\":\"NaN\",\"v\":");
    if (i % 13 == 3) row.replace(row.find("\"ts\""), 4, "\"\\u0074s\"");
    if (i % 17 == 4) row.replace(row.find("\"user\""), 6, "\"usr\"");
    lines.push_back(row);
  }
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  PressStats whole, one;
  const std::vector<std::string> blobs = PressWhole(text, &whole);
  EXPECT_EQ(blobs, PressLineByLine(lines, &one));
  EXPECT_EQ(whole.unknown_fields, one.unknown_fields);
  EXPECT_GT(whole.unknown_fields, 0u);
  EXPECT_EQ(whole.wrong_type_fields, one.wrong_type_fields);
  EXPECT_GT(whole.wrong_type_fields, 0u);
  EXPECT_EQ(whole.rejected_missing_key, one.rejected_missing_key);
  EXPECT_GT(whole.rejected_missing_key, 0u);
  EXPECT_EQ(whole.rows, one.rows);
}

}  // namespace
}  // namespace datablox::brio
