#include "cell/brio/string_interner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace datablox::brio {
namespace {

TEST(StringInternerTest, EqualStringsGetOneDenseKeyWhateverTheirLength) {
  StringInterner strings;
  const std::vector<std::string> texts = {"a",
                                          "ab",
                                          "abc",
                                          "abcd",
                                          "abcdefg",
                                          "abcdefgh",
                                          "abcdefghijklmnop",
                                          "abcdefghijklmnopq",
                                          "",
                                          std::string("a\0b", 3),
                                          std::string("a\0c", 3)};
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(strings.Intern(texts[i]), i) << texts[i];
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(strings.Intern(texts[i]), i) << texts[i];
    EXPECT_EQ(strings.Get(static_cast<uint32_t>(i)), texts[i]);
  }
  EXPECT_EQ(strings.size(), texts.size());
}

// Strings that share their first and last 8 bytes, or their size, are still
// told apart (the recent cache names a string by both words and its size).
TEST(StringInternerTest, StringsAlikeAtBothEndsAreDistinct) {
  StringInterner strings;
  EXPECT_EQ(strings.Intern("user-000000000001"), 0u);  // 17 bytes: not short
  EXPECT_EQ(strings.Intern("12345678x12345678"), 1u);
  EXPECT_EQ(strings.Intern("1234567812345678"), 2u);  // 16: first 8 = last 8
  EXPECT_EQ(strings.Intern("123456781234567"), 3u);
  EXPECT_EQ(strings.Intern("1234567"), 4u);
  EXPECT_EQ(strings.Intern("1234"), 5u);
  EXPECT_EQ(strings.Intern("12341234"), 6u);
  EXPECT_EQ(strings.Intern("1234567812345678"), 2u);
  EXPECT_EQ(strings.Intern("1234"), 5u);
}

// Many more short strings than the recent cache holds: each keeps its key.
TEST(StringInternerTest, ManyShortStringsKeepTheirKeysPastTheRecentCache) {
  StringInterner strings;
  for (int round = 0; round < 3; ++round)
    for (uint32_t i = 0; i < 5000; ++i) ASSERT_EQ(strings.Intern("u" + std::to_string(i)), i);
}

TEST(StringInternerTest, ClearForgetsKeysAndTheRecentCache) {
  StringInterner strings;
  EXPECT_EQ(strings.Intern("click"), 0u);
  EXPECT_EQ(strings.Intern("view"), 1u);
  strings.Clear();
  EXPECT_EQ(strings.size(), 0u);
  EXPECT_EQ(strings.Intern("view"), 0u);  // not 1: the cache was cleared too
  EXPECT_EQ(strings.Intern("click"), 1u);
  EXPECT_EQ(strings.Get(0), "view");
}

}  // namespace
}  // namespace datablox::brio
