#include <gtest/gtest.h>

#include <string>

#include "datablox/log.h"
#include "runtime/core/arena.h"

namespace datablox {
namespace {

OwnedLog Build(LogBuilder& b) { return OwnedLog(std::string(b.bytes())); }

TEST(LogBuilderTest, RoundTripsEveryScalarType) {
  LogBuilder b;
  b.add_nil("n").add("t", true).add("f", false).add("i", -42).add("big", int64_t{1} << 40).add("x", 2.5);
  b.add("s", "héllo").add_bytes("b", std::string("\0\x01\xff", 3));
  OwnedLog log = Build(b);
  ASSERT_TRUE(log.log().valid());
  EXPECT_EQ(log.get("n").type(), ValueType::kNil);
  EXPECT_TRUE(log.get("t").as_bool());
  EXPECT_FALSE(log.get("f").as_bool(true));
  EXPECT_EQ(log.get("i").as_int(), -42);
  EXPECT_EQ(log.get("big").as_int(), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(log.get("x").as_float(), 2.5);
  EXPECT_EQ(log.get("s").as_string(), "héllo");
  EXPECT_EQ(log.get("b").as_bytes(), std::string("\0\x01\xff", 3));
  EXPECT_EQ(log.log().root().size(), 8u);
}

TEST(LogBuilderTest, MissingFieldIsNotNil) {
  LogBuilder b;
  b.add_nil("present");
  OwnedLog log = Build(b);
  EXPECT_TRUE(log.get("present").exists());
  EXPECT_FALSE(log.get("absent").exists());
  EXPECT_EQ(log.get("absent").type(), ValueType::kMissing);
  EXPECT_EQ(log.get("absent").as_int(7), 7);
}

TEST(LogBuilderTest, AccessorsReturnFallbackOnTypeMismatch) {
  LogBuilder b;
  b.add("s", "text").add("i", 3);
  OwnedLog log = Build(b);
  EXPECT_EQ(log.get("s").as_int(-1), -1);
  EXPECT_EQ(log.get("i").as_string("none"), "none");
  EXPECT_DOUBLE_EQ(log.get("i").as_float(), 3.0);  // ints widen to float
}

TEST(LogBuilderTest, UsesMap16HeaderPastFifteenFields) {
  LogBuilder b;
  for (int i = 0; i < 20; ++i) b.add("f" + std::to_string(i), i);
  std::string_view bytes = b.bytes();
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0xde);
  OwnedLog log(std::string{bytes});
  ASSERT_TRUE(log.log().valid());
  EXPECT_EQ(log.get("f19").as_int(), 19);
  EXPECT_EQ(log.log().root().size(), 20u);
}

TEST(LogBuilderTest, UsesMap32HeaderPast65535Fields) {
  LogBuilder b;
  for (int i = 0; i < 70000; ++i) b.add_int("k" + std::to_string(i), i);
  std::string_view bytes = b.bytes();
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0xdf);
  OwnedLog log(std::string{bytes});
  ASSERT_TRUE(log.log().valid());
  EXPECT_EQ(log.get("k69999").as_int(), 69999);
}

TEST(LogBuilderTest, ClearReusesTheBuilder) {
  LogBuilder b;
  b.add("a", 1);
  b.clear().add("b", 2);
  OwnedLog log = Build(b);
  EXPECT_FALSE(log.get("a").exists());
  EXPECT_EQ(log.get("b").as_int(), 2);
}

TEST(LogBuilderTest, CopiesNestedValuesAndFieldsFromAnotherLog) {
  OwnedLog source;
  ASSERT_TRUE(
      OwnedLog::FromJson(R"({"user": {"name": "ada", "tags": [1, "x", null]}, "drop": 1, "keep": true})", &source)
          .ok());
  LogBuilder b;
  std::string_view except[] = {"drop"};
  b.add_fields(source.log(), except);
  OwnedLog copy = Build(b);
  EXPECT_FALSE(copy.get("drop").exists());
  EXPECT_TRUE(copy.get("keep").as_bool());
  EXPECT_EQ(copy.get("user").get("name").as_string(), "ada");
  EXPECT_EQ(copy.get("user").get("tags").size(), 3u);
  EXPECT_EQ(copy.get("user").get("tags").at(1).as_string(), "x");
  EXPECT_EQ(copy.to_json(), R"({"keep":true,"user":{"name":"ada","tags":[1,"x",null]}})");
}

TEST(LogBuilderTest, AddArrayOfEncodedLogs) {
  LogBuilder row, out;
  std::vector<std::string> rows;
  rows.emplace_back(row.clear().add("n", 1).bytes());
  rows.emplace_back(row.clear().add("n", 2).bytes());
  out.add_array("rows", rows).add("count", 2);
  OwnedLog log = Build(out);
  ASSERT_TRUE(log.log().valid());
  EXPECT_EQ(log.get("rows").size(), 2u);
  EXPECT_EQ(log.get("rows").at(1).get("n").as_int(), 2);
}

TEST(OwnedLogTest, FromJsonRejectsNonObjectsAndBrokenJson) {
  OwnedLog log;
  EXPECT_FALSE(OwnedLog::FromJson("[1, 2]", &log).ok());
  EXPECT_FALSE(OwnedLog::FromJson("{\"a\": ", &log).ok());
  EXPECT_FALSE(OwnedLog::FromJson("", &log).ok());
  Status st = OwnedLog::FromJson("{\"a\": tru}", &log);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("malformed JSON"), std::string::npos);
}

TEST(OwnedLogTest, FromJsonKeepsNumberKinds) {
  OwnedLog log;
  ASSERT_TRUE(OwnedLog::FromJson(R"({"i": 3, "f": 3.0, "neg": -7, "max": 9223372036854775807})", &log).ok());
  EXPECT_EQ(log.get("i").type(), ValueType::kInt);
  EXPECT_EQ(log.get("f").type(), ValueType::kFloat);
  EXPECT_EQ(log.get("neg").as_int(), -7);
  EXPECT_EQ(log.get("max").as_int(), INT64_MAX);
}

// An int is 64-bit signed: a bigger JSON number is refused, never wrapped.
TEST(OwnedLogTest, FromJsonRefusesIntegersPastInt64) {
  OwnedLog log;
  Status st = OwnedLog::FromJson(R"({"u": 18446744073709551615})", &log);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("out of the 64-bit signed range"), std::string::npos);
  EXPECT_FALSE(OwnedLog::FromJson(R"({"u": 9223372036854775808})", &log).ok());
}

// A peer's msgpack uint64 past INT64_MAX reads as no int at all.
TEST(ValueTest, HugeUnsignedIntReadsAsFallbackNotWrapped) {
  std::string bytes("\x81\xa1u\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 12);
  OwnedLog log(bytes);
  ASSERT_TRUE(log.log().valid());
  EXPECT_EQ(log.get("u").as_int(42), 42);
}

TEST(LogTest, MalformedBytesReadAsInvalidNeverCrash) {
  detail::Arena arena;
  const std::string cases[] = {
      std::string("\x81\xa1", 2),      // map of one entry, key truncated
      std::string("\x92\x01\x02", 3),  // an array, not a map
      std::string("\x80\x80", 2),      // a map followed by stray bytes
      std::string("\xc1", 1),          // the never-used type byte
      std::string(),                   // nothing at all
  };
  for (const std::string& bytes : cases) {
    Log log(bytes.data(), bytes.size(), &arena);
    EXPECT_FALSE(log.valid()) << "bytes of size " << bytes.size();
    EXPECT_FALSE(log.get("x").exists());
  }
}

TEST(LogTest, ParsesLazilyOnlyOnce) {
  LogBuilder b;
  b.add("seq", 5);
  std::string bytes(b.bytes());
  detail::Arena arena;
  Log log(bytes.data(), bytes.size(), &arena);
  EXPECT_EQ(log.bytes(), bytes);  // forwarding needs no parse
  EXPECT_EQ(log.get("seq").as_int(), 5);
  EXPECT_EQ(log.get("seq").raw(), log.get("seq").raw());  // same parsed object
}

TEST(ValueTest, TypeNamesRoundTrip) {
  for (ValueType t : {ValueType::kNil, ValueType::kBool, ValueType::kInt, ValueType::kFloat, ValueType::kString,
                      ValueType::kBytes, ValueType::kArray, ValueType::kMap}) {
    ValueType parsed;
    ASSERT_TRUE(ParseValueTypeName(ValueTypeName(t), &parsed));
    EXPECT_EQ(parsed, t);
  }
  ValueType ignored;
  EXPECT_FALSE(ParseValueTypeName("integer", &ignored));
}

}  // namespace
}  // namespace datablox

namespace datablox {
namespace {

// Guards the msgpack-c 4.1 behaviour of packing 3.0 as the integer 3.
TEST(LogBuilderTest, IntegralFloatsStayFloats) {
  LogBuilder b;
  b.add("f", 3.0).add("neg", -2.0);
  OwnedLog log(std::string(b.bytes()));
  EXPECT_EQ(log.get("f").type(), ValueType::kFloat);
  EXPECT_EQ(log.get("neg").type(), ValueType::kFloat);
  LogBuilder copy;
  copy.add("nested", log.log().root());
  OwnedLog copied(std::string(copy.bytes()));
  EXPECT_EQ(copied.get("nested").get("f").type(), ValueType::kFloat);
}

}  // namespace
}  // namespace datablox

namespace datablox {
namespace {

// The builder writes headers by hand: every width must read back.
TEST(LogBuilderTest, IntsAndStringsOfEveryWidthRoundTrip) {
  const int64_t ints[] = {0,  1,   127, 128,  255,  256,    65535,  65536,     4294967295ll, 4294967296ll,
                          -1, -32, -33, -128, -129, -32768, -32769, INT64_MIN, INT64_MAX};
  LogBuilder b;
  for (size_t i = 0; i < std::size(ints); ++i) b.add_int("i" + std::to_string(i), ints[i]);
  const size_t lengths[] = {0, 31, 32, 255, 256, 65535, 65536};
  for (size_t n : lengths) b.add("s" + std::to_string(n), std::string(n, 'q'));
  b.add(std::string(40, 'k'), 1);  // a key past fixstr
  OwnedLog log(std::string(b.bytes()));
  ASSERT_TRUE(log.log().valid());
  for (size_t i = 0; i < std::size(ints); ++i) EXPECT_EQ(log.get("i" + std::to_string(i)).as_int(), ints[i]) << ints[i];
  for (size_t n : lengths) EXPECT_EQ(log.get("s" + std::to_string(n)).as_string().size(), n);
  EXPECT_EQ(log.get(std::string(40, 'k')).as_int(), 1);
}

}  // namespace
}  // namespace datablox

namespace datablox {
namespace {

// simdjson's depth limit is set to what a log may hold (kMaxLogDepth), so a
// JSON line never becomes a log that every receiver would drop.
std::string JsonNested(int depth) {  // {"a": [[...1...]]}, `depth` levels in all
  return "{\"a\": " + std::string(static_cast<size_t>(depth - 1), '[') + "1" +
         std::string(static_cast<size_t>(depth - 1), ']') + "}";
}

TEST(LogBuilderTest, JsonNestedToTheLogDepthLimitIsALog) {
  OwnedLog log;
  Status st = OwnedLog::FromJson(JsonNested(kMaxLogDepth), &log);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(log.log().valid());
}

TEST(LogBuilderTest, JsonNestedBeyondTheLogDepthLimitIsRefusedWithTheLimit) {
  OwnedLog log;
  Status st = OwnedLog::FromJson(JsonNested(kMaxLogDepth + 1), &log);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nested more than 64 levels"), std::string::npos) << st.message();
  EXPECT_FALSE(OwnedLog::FromJson(JsonNested(100000), &log).ok());
  LogBuilder b;
  EXPECT_TRUE(b.add_json("v", "[[1]]").ok());
  // A field value sits one level below the root: 63 levels of it make 64,
  // but the limit there is one level stricter (see log.cc).
  EXPECT_FALSE(b.add_json("v", std::string(kMaxLogDepth - 1, '[') + "1" + std::string(kMaxLogDepth - 1, ']')).ok());
  EXPECT_TRUE(b.add_json("v", std::string(kMaxLogDepth - 2, '[') + "1" + std::string(kMaxLogDepth - 2, ']')).ok());
  // An empty array innermost, which simdjson does not count: still refused.
  EXPECT_FALSE(
      OwnedLog::FromJson("{\"a\": " + std::string(kMaxLogDepth, '[') + std::string(kMaxLogDepth, ']') + "}", &log)
          .ok());
}

// Found by fuzz/wire_fuzz (fuzz/corpus/wire/regression-map-count-oom): six
// bytes claiming 2^32 - 1 entries asked msgpack-c for tens of GB.
TEST(LogTest, ACountBeyondTheBytesLeftIsInvalidBeforeAnythingIsReserved) {
  detail::Arena arena;
  const std::string map_count("\xdf\x71\x00\x9d\x9d\x9d", 6);
  EXPECT_FALSE(Log(map_count.data(), map_count.size(), &arena).valid());
  const std::string array_count("\x81\xa1" "a" "\xdd\xff\xff\xff\xff\x01", 9);
  EXPECT_FALSE(Log(array_count.data(), array_count.size(), &arena).valid());
  const std::string honest("\x81\xa1" "a" "\xdd\x00\x00\x00\x01\x01", 9);
  EXPECT_TRUE(Log(honest.data(), honest.size(), &arena).valid());
}

TEST(ValueTest, ToJsonReplacesBytesThatAreNotUtf8InKeysAndValues) {
  // {bin "\xff": "\xfe"}: a key that is not a string, and not UTF-8.
  OwnedLog log(std::string("\x81\xc4\x01\xff\xa1\xfe", 6));
  ASSERT_TRUE(log.log().valid());
  EXPECT_EQ(log.to_json(), "{\"\\\"\xef\xbf\xbd\\\"\":\"\xef\xbf\xbd\"}");
}

TEST(ValueTest, ToJsonOfKeysNestedInKeysGrowsLinearly) {
  // {{{...{"a": 1}...: 1}: 1}: 1}, 60 maps deep: each key's JSON text was
  // escaped again per level, doubling the output 60 times.
  std::string bytes = "\x81\xa1" "a" "\x01";
  for (int i = 0; i < 59; ++i) bytes = "\x81" + bytes + "\x01";
  OwnedLog log(bytes);
  ASSERT_TRUE(log.log().valid());
  EXPECT_LT(log.to_json().size(), 64 * bytes.size());
  EXPECT_EQ(OwnedLog(std::string("\x81\x81\x81\x01\x02\x03\x04", 7)).to_json(), "{\"{\\\"map\\\":3}\":4}");
}

TEST(ValueTest, ToJsonOfAnIntKeyIsItsText) {
  EXPECT_EQ(OwnedLog(std::string("\x81\x07\xa1x", 4)).to_json(), "{\"7\":\"x\"}");
}

}  // namespace
}  // namespace datablox
