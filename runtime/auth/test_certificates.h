// For the tests beside this folder's code: a fresh certificate with
// `metadata`, its public half written to DIR/FILE as an allow-list entry.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "runtime/auth/keys.h"

namespace datablox::auth {

inline Certificate AllowIn(const std::filesystem::path& dir, const std::string& file,
                           std::map<std::string, std::string> metadata) {
  Certificate c;
  EXPECT_TRUE(GenerateCertificate(&c).ok());
  c.metadata = std::move(metadata);
  EXPECT_TRUE(WriteCertificate(c, (dir / file).string(), "").ok());
  return c;
}

}  // namespace datablox::auth
