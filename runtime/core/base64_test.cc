#include "runtime/core/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace datablox {
namespace {

TEST(Base64Test, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, EveryByteValueRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    std::string back;
    ASSERT_TRUE(Base64Decode(Base64Encode(all.substr(0, n)), &back).ok());
    EXPECT_EQ(back, all.substr(0, n));
  }
}

TEST(Base64Test, TextThatIsNotBase64IsAnErrorWithItsOffset) {
  std::string out;
  EXPECT_EQ(Base64Decode("Zm9", &out).message(), "base64 of 3 characters (not a multiple of 4)");
  EXPECT_EQ(Base64Decode("Zm9v!mFy", &out).message(), "not base64 at 4");
  EXPECT_EQ(Base64Decode("Zg=v", &out).message(), "bad base64 padding at 2");
  EXPECT_EQ(Base64Decode("Zg==Zm9v", &out).message(), "not base64 at 2") << "padding only at the end";
  EXPECT_EQ(Base64Decode("Zm 9", &out).message(), "not base64 at 2");
}

}  // namespace
}  // namespace datablox
