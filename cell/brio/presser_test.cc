#include "cell/brio/presser.h"

#include <gtest/gtest.h>

#include "cell/brio/blob_json.h"
#include "cell/brio/reader.h"
#include "cell/brio/test_schemas.h"

namespace datablox::brio {
namespace {

// Presses text with `schema`, then reads every blob back as JSON.
struct Pressed {
  std::vector<std::string> json;
  PressStats stats;
};

Pressed PressAndRead(const Schema& schema, std::string_view text, PressOptions options = {}) {
  SchemaLayout layout;
  EXPECT_TRUE(SchemaLayout::Make(schema, &layout).ok());
  NestedPresser presser(layout, options);
  testing::CollectSink sink;
  presser.PressLines(text, "in.jsonl", sink);
  Pressed out;
  out.stats = presser.stats();
  for (const std::string& blob : sink.blobs) {
    BlobView view;
    const Status st = BlobView::Open(blob, layout, &view);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok()) continue;
    std::string json;
    AppendJson(view.root(), &json);
    out.json.push_back(json);
  }
  return out;
}

constexpr char kAllNull[] =
    R"({"b":null,"y":null,"s":null,"i":null,"l":null,"d":null,"str":null,"bools":null,"bytes":null,"shorts":null,)"
    R"("ints":null,"longs":null,"doubles":null,"strs":null,"scores":null,"names":null,"leaf":null,"leaves":null,"trees":null})";

TEST(PresserTest, EveryTypeRoundTrips) {
  const std::string line =
      R"({"b":true,"y":-128,"s":-32768,"i":2147483647,"l":-9223372036854775807,"d":0.1,"str":"h\u00e9llo \"w\"",)"
      R"("bools":[true,false],"bytes":[1,-2],"shorts":[300],"ints":[-70000],"longs":[1,2,3],"doubles":[1.5,-0.25],)"
      R"("strs":["a","b","a"],"scores":{"x":1.5,"y":2},"names":{"7":"seven","-1":"minus"},"leaf":{"x":5,"tag":"t"},)"
      R"("leaves":[{"x":1,"tag":"p"},{"x":2}],"trees":[{"name":"r","kids":[{"name":"c","kids":[]}]}]})";
  const Pressed p = PressAndRead(testing::EverythingSchema(), line + "\n");
  ASSERT_EQ(p.json.size(), 1u);
  EXPECT_EQ(p.json[0],
            R"({"b":true,"y":-128,"s":-32768,"i":2147483647,"l":-9223372036854775807,"d":0.10000000000000001,)"
            R"("str":"héllo \"w\"","bools":[true,false],"bytes":[1,-2],"shorts":[300],"ints":[-70000],"longs":[1,2,3],)"
            R"("doubles":[1.5,-0.25],"strs":["a","b","a"],"scores":{"x":1.5,"y":2},"names":{"7":"seven","-1":"minus"},)"
            R"("leaf":{"x":5,"tag":"t"},"leaves":[{"x":1,"tag":"p"},{"x":2,"tag":null}],)"
            R"("trees":[{"name":"r","kids":[{"name":"c","kids":[]}]}]})");
  EXPECT_EQ(p.stats.items, 1u);
  EXPECT_EQ(p.stats.wrong_type_fields, 0u);
  EXPECT_EQ(p.stats.rejected(), 0u);
}

TEST(PresserTest, AbsentAndJsonNullFieldsReadAsNull) {
  const Pressed p = PressAndRead(testing::EverythingSchema(), "{}\n{\"b\":null,\"leaf\":null,\"longs\":null}\n");
  ASSERT_EQ(p.json.size(), 2u);
  EXPECT_EQ(p.json[0], kAllNull);
  EXPECT_EQ(p.json[1], kAllNull);
}

TEST(PresserTest, EmptyVectorsAndMapsAreEmptyNotNull) {
  const Pressed p =
      PressAndRead(testing::EverythingSchema(), R"({"longs":[],"strs":[],"scores":{},"leaves":[],"trees":[]})");
  ASSERT_EQ(p.json.size(), 1u);
  EXPECT_NE(p.json[0].find(R"("longs":[])"), std::string::npos) << p.json[0];
  EXPECT_NE(p.json[0].find(R"("strs":[],"scores":{})"), std::string::npos) << p.json[0];
  EXPECT_NE(p.json[0].find(R"("leaves":[],"trees":[]})"), std::string::npos) << p.json[0];
}

TEST(PresserTest, UnicodeStringsKeepTheirBytes) {
  const Pressed p =
      PressAndRead(testing::EverythingSchema(), R"({"str":"日本語 😀 \u0001","strs":["ü","日本語 😀 \u0001"]})");
  ASSERT_EQ(p.json.size(), 1u);
  EXPECT_NE(p.json[0].find(R"("str":"日本語 😀 \u0001")"), std::string::npos) << p.json[0];
  EXPECT_NE(p.json[0].find(R"("strs":["ü","日本語 😀 \u0001"])"), std::string::npos) << p.json[0];
}

TEST(PresserTest, WrongTypeOrRangeIsNullAndCounted) {
  const Pressed p =
      PressAndRead(testing::EverythingSchema(),
                   R"({"b":1,"y":300,"i":1.5,"l":"7","d":"x","str":5,"longs":[1,"2"],"leaf":[1],)"
                   R"("leaves":[{"x":1},2],"scores":{"a":"b"},"names":{"x":"y"},"l":18446744073709551615})");
  ASSERT_EQ(p.json.size(), 1u);
  EXPECT_EQ(p.json[0], kAllNull);
  // b y i l d str longs leaf leaves scores names (of the two l, the last wins: too big for a long)
  EXPECT_EQ(p.stats.wrong_type_fields, 11u);
  EXPECT_EQ(p.stats.items, 1u);
}

TEST(PresserTest, UnknownKeysAreCountedAndIgnored) {
  const Pressed p = PressAndRead(testing::EverythingSchema(), R"({"nope":1,"leaf":{"x":1,"zzz":2}})");
  ASSERT_EQ(p.json.size(), 1u);
  EXPECT_EQ(p.stats.unknown_fields, 2u);
}

TEST(PresserTest, BadLinesAreRejectedWithTheirPosition) {
  const Pressed p = PressAndRead(testing::EverythingSchema(), "{\"b\":true}\n{\"b\":\n\n[1,2]\n\"s\"\n{}");
  EXPECT_EQ(p.json.size(), 2u);
  EXPECT_EQ(p.stats.lines, 6u);
  EXPECT_EQ(p.stats.blank_lines, 1u);
  EXPECT_EQ(p.stats.rejected_malformed, 1u);
  EXPECT_EQ(p.stats.rejected_not_object, 2u);
  ASSERT_EQ(p.stats.samples.size(), 3u);
  EXPECT_EQ(p.stats.samples[0].where, "in.jsonl:2");
  EXPECT_EQ(p.stats.samples[1].where, "in.jsonl:4");
  EXPECT_EQ(p.stats.samples[1].reason, "not a JSON object");
  EXPECT_EQ(p.stats.samples[2].where, "in.jsonl:5");
}

TEST(PresserTest, ItemOverTheSizeCapIsRejectedWhole) {
  std::string big = R"({"longs":[)";
  for (int i = 0; i < 100; ++i) big += (i ? "," : "") + std::to_string(i);
  big += "]}\n{\"l\":1}\n";
  PressOptions options;
  options.max_item_bytes = 200;
  const Pressed p = PressAndRead(testing::EverythingSchema(), big, options);
  ASSERT_EQ(p.json.size(), 1u);
  EXPECT_NE(p.json[0].find(R"("l":1)"), std::string::npos);
  EXPECT_EQ(p.stats.rejected_over_size_cap, 1u);
  EXPECT_EQ(p.stats.samples.at(0).where, "in.jsonl:1");
}

TEST(PresserTest, TreeDeeperThanTheLimitIsRejected) {
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += R"({"name":"n","kids":[)";
  deep += "{}";
  for (int i = 0; i < 70; ++i) deep += "]}";
  const Pressed p = PressAndRead(testing::EverythingSchema(), R"({"trees":[)" + deep + "]}\n");
  EXPECT_EQ(p.json.size(), 0u);
  EXPECT_EQ(p.stats.rejected_too_deep, 1u);
}

TEST(PresserTest, BlobOfAnOlderVersionReadsNewFieldsAsNull) {
  const Schema v1 = testing::UnitySchema(1);
  const Schema v2 = testing::UnitySchema(2);
  SchemaLayout old_layout, new_layout;
  ASSERT_TRUE(SchemaLayout::Make(v1, &old_layout).ok());
  ASSERT_TRUE(SchemaLayout::Make(v2, &new_layout).ok());
  NestedPresser old_presser(old_layout, {});
  testing::CollectSink sink;
  old_presser.PressLines(R"({"id":"u1","os":"linux","sessions":[{"id":3,"events":[{"ts":1,"type":"a","value":2}]}]})",
                         "old", sink);
  EXPECT_EQ(old_presser.stats().unknown_fields, 1u);  // os is not in version 1
  ASSERT_EQ(sink.blobs.size(), 1u);
  BlobView view;
  ASSERT_TRUE(BlobView::Open(sink.blobs[0], new_layout, &view).ok());
  EXPECT_EQ(view.version(), 1);
  std::string json;
  AppendJson(view.root(), &json);
  EXPECT_EQ(json,
            R"({"id":"u1","country":null,"sessions":[{"id":3,"start":null,"events":[{"ts":1,"type":"a","value":2}]}],)"
            R"("tags":null,"traits":null,"os":null})");
  // The old schema cannot read a newer blob.
  NestedPresser new_presser(new_layout, {});
  new_presser.PressLines(R"({"id":"u1","os":"linux"})", "new", sink);
  ASSERT_EQ(sink.blobs.size(), 2u);
  EXPECT_FALSE(BlobView::Open(sink.blobs[1], old_layout, &view).ok());
  ASSERT_TRUE(BlobView::Open(sink.blobs[1], new_layout, &view).ok());
  EXPECT_EQ(view.root().GetString(5), "linux");
}

TEST(PresserTest, EachDistinctStringIsStoredOncePerBlob) {
  const Schema schema = testing::UnitySchema();
  SchemaLayout layout;
  ASSERT_TRUE(SchemaLayout::Make(schema, &layout).ok());
  NestedPresser presser(layout, {});
  testing::CollectSink sink;
  presser.PressLines(
      R"({"id":"u","tags":["click","click","view"],"sessions":[{"events":[{"type":"click"},{"type":"view"}]}]})", "x",
      sink);
  ASSERT_EQ(sink.blobs.size(), 1u);
  BlobView view;
  ASSERT_TRUE(BlobView::Open(sink.blobs[0], layout, &view).ok());
  EXPECT_EQ(view.string_count(), 3u);  // u, click, view
}

}  // namespace
}  // namespace datablox::brio
