// For the query tests: topologies/unity.brio's schema, nested JSON users
// pressed into a region, and a query run over it to a compact text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/blob_layout.h"
#include "cell/brio/region.h"
#include "cell/brio/schema.h"
#include "cell/query/partial.h"
#include "cell/query/plan.h"
#include "cell/query/result_table.h"

namespace datablox::eql::testing {

// 2023-11-14T22:13:20Z, the NOW of the tests.
constexpr int64_t kTestNow = 1'700'000'000'000;

const brio::Schema& UnitySchema();

struct PressedRegion {
  brio::SchemaLayout layout;
  std::string bytes;
  brio::RegionView view;
};
// One user a line, nested JSON ({"id", "country", "os", "sessions": [...]}).
std::unique_ptr<PressedRegion> Press(const std::string& users_jsonl);

// Three users: u1 (FR, ios: two sessions), u2 (DE, android: one), u3 (FR, android: none).
std::string SampleUsers();

// Compiles `query` (failing the test on an error) and returns the plan.
Plan MustCompile(std::string_view query);
// The errors of a query that should not compile, one "L:C: error: ..." a line.
std::string CompileErrors(std::string_view query);
// Scans `region` with `plan` into a partial.
PartialResult Scan(const Plan& plan, const PressedRegion& region);
// The rows as "a,b|c,d" (null as "-").
std::string RowsText(const ResultTable& table);
// Press + compile + scan + finish.
std::string RunQuery(std::string_view query, const std::string& users_jsonl = SampleUsers());

}  // namespace datablox::eql::testing
