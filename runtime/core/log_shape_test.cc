#include "runtime/core/log_shape.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "datablox/log.h"
#include "runtime/core/arena.h"

namespace datablox {
namespace {

// {"a": [[...[1]...]]} with `depth` levels in all, the root map included.
std::string Nested(int depth) {
  std::string bytes =
      "\x81\xa1"
      "a";
  bytes.append(static_cast<size_t>(depth - 1), '\x91');
  bytes.push_back('\x01');
  return bytes;
}

TEST(LogShapeTest, AcceptsWhatLogBuilderWrites) {
  LogBuilder b;
  b.add_nil("n").add("t", true).add("i", -42).add("big", int64_t{1} << 40).add("x", 2.5);
  b.add("s", std::string(300, 's')).add_bytes("b", std::string(70000, '\0'));
  const char nested[] = "\x82\xa1p\x01\xa1q\x92\xc0\xcd\x01\x00";
  b.add_raw("m", std::string(nested, sizeof nested - 1));
  EXPECT_TRUE(CheckLogShape(b.bytes()).ok()) << CheckLogShape(b.bytes()).message();
}

TEST(LogShapeTest, AcceptsExtensionValues) {
  // fixext1, fixext16, ext8 of 3 bytes, float32, uint64, int8.
  const char raw[] =
      "\x86\xa1"
      "a\xd4\x01\x07\xa1"
      "b\xd8\x02"
      "0123456789abcdef"
      "\xa1"
      "c\xc7\x03\x05xyz\xa1"
      "d\xca\x3f\x80\x00\x00"
      "\xa1"
      "e\xcf\x00\x00\x00\x00\x00\x00\x00\x01\xa1"
      "f\xd0\xff";
  const std::string bytes(raw, sizeof raw - 1);
  EXPECT_TRUE(CheckLogShape(bytes).ok()) << CheckLogShape(bytes).message();
}

TEST(LogShapeTest, NestingAtTheLimitIsALog) {
  const std::string bytes = Nested(kMaxLogDepth);
  EXPECT_TRUE(CheckLogShape(bytes).ok()) << CheckLogShape(bytes).message();
  detail::Arena arena;
  EXPECT_TRUE(Log(bytes.data(), bytes.size(), &arena).valid());
}

TEST(LogShapeTest, NestingOneLevelBeyondTheLimitIsMalformed) {
  const std::string bytes = Nested(kMaxLogDepth + 1);
  Status shape = CheckLogShape(bytes);
  EXPECT_FALSE(shape.ok());
  EXPECT_NE(shape.message().find("nested more than 64 levels"), std::string::npos) << shape.message();
  detail::Arena arena;
  EXPECT_FALSE(Log(bytes.data(), bytes.size(), &arena).valid());
}

TEST(LogShapeTest, HundredThousandLevelsAreMalformedWithoutExhaustingTheStack) {
  const std::string bytes = Nested(100000);
  EXPECT_FALSE(CheckLogShape(bytes).ok());
  detail::Arena arena;
  Log log(bytes.data(), bytes.size(), &arena);
  EXPECT_FALSE(log.valid());
  EXPECT_EQ(log.to_json(), "null");
}

TEST(LogShapeTest, AnEmptyContainerIsALevelAsForLogRoot) {
  std::string bytes = Nested(kMaxLogDepth);
  bytes.back() = '\x90';  // the innermost 1 becomes [], at level 65
  EXPECT_FALSE(CheckLogShape(bytes).ok());
  detail::Arena arena;
  EXPECT_FALSE(Log(bytes.data(), bytes.size(), &arena).valid());
  bytes = Nested(kMaxLogDepth - 1);
  bytes.back() = '\x90';  // [] at level 64
  EXPECT_TRUE(CheckLogShape(bytes).ok());
  EXPECT_TRUE(Log(bytes.data(), bytes.size(), &arena).valid());
}

TEST(LogShapeTest, RejectsWhatIsNotExactlyOneMap) {
  EXPECT_FALSE(CheckLogShape("").ok());
  EXPECT_FALSE(CheckLogShape("\x91\x01").ok());  // an array
  EXPECT_FALSE(CheckLogShape("\x81\xa1"
                             "a")
                   .ok());  // the value is missing
  EXPECT_FALSE(CheckLogShape("\x81\xa1"
                             "a\x01\x01")
                   .ok());  // a byte after the map
  EXPECT_FALSE(CheckLogShape("\x81\xa1"
                             "a\xc1")
                   .ok());  // 0xc1 is never used
  EXPECT_FALSE(CheckLogShape("\x81\xa1"
                             "a\xdb\xff\xff\xff\xff")
                   .ok());                                       // a 4 GB string in 6 bytes
  EXPECT_FALSE(CheckLogShape("\xdf\xff\xff\xff\xff\x01").ok());  // 4 G entries claimed
  EXPECT_FALSE(CheckLogShape(std::string("\x81\xa1"
                                         "a\xcb\x00\x00",
                                         6))
                   .ok());  // a cut float
}

TEST(LogShapeTest, DropMalformedLogsKeepsTheOthersInOrder) {
  const std::string good1 =
                        "\x81\xa1"
                        "a\x01",
                    good2 =
                        "\x81\xa1"
                        "a\x02",
                    deep = Nested(100), bad = "\x01";
  detail::Arena arena;
  std::vector<Log> logs;
  for (const std::string* bytes : {&good1, &deep, &good2, &bad, &good1}) {
    logs.emplace_back(bytes->data(), bytes->size(), &arena);
  }
  int malformed = 0;
  const size_t kept = DropMalformedLogs(logs, 1, [&](const Status&) { ++malformed; });
  EXPECT_EQ(malformed, 2);
  ASSERT_EQ(kept, 3u);
  EXPECT_EQ(logs[0].bytes(), good1);  // before `from`: untouched
  EXPECT_EQ(logs[1].bytes(), good2);
  EXPECT_EQ(logs[2].bytes(), good1);
}

}  // namespace
}  // namespace datablox
