// A log from JSON text for the shard tests, failing the test when the text
// is no log. One definition for every test of shards/: in a unity batch the
// files share a translation unit, so a helper each would be defined twice.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "datablox/log.h"

namespace datablox::shards::test_logs {

inline OwnedLog Json(const std::string& json) {
  OwnedLog log;
  EXPECT_TRUE(OwnedLog::FromJson(json, &log).ok()) << json;
  return log;
}

}  // namespace datablox::shards::test_logs
