#include "cell/query/query_test_util.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cell/brio/presser.h"
#include "cell/brio/schema_parser.h"
#include "cell/query/eql_compiler.h"
#include "cell/query/scanner.h"

namespace datablox::eql::testing {

const brio::Schema& UnitySchema() {
  static const brio::Schema* schema = [] {
    std::vector<brio::SchemaError> errors;
    auto* s = new brio::Schema(brio::ParseSchema(R"(schema unity {
  version: 2
  root) user : User
  structure User {
    0) id : string key
    1) country : string
    2) os : string
    3) sessions : vector[Session]
    4) traits : map[string, long]
    5) segments : vector[string] since 2
  }
  structure Session {
    0) id : long key
    1) start : long ordinal
    2) events : vector[Event]
  }
  structure Event {
    0) ts : long ordinal
    1) type : string
    2) value : double
  }
})",
                                                 "unity.brio", &errors));
    EXPECT_TRUE(errors.empty());
    return s;
  }();
  return *schema;
}

std::unique_ptr<PressedRegion> Press(const std::string& users_jsonl) {
  auto region = std::make_unique<PressedRegion>();
  EXPECT_TRUE(brio::SchemaLayout::Make(UnitySchema(), &region->layout).ok());
  brio::NestedPresser presser(region->layout, {});
  brio::RegionWriter writer;
  presser.PressLines(users_jsonl, "users.jsonl", writer);
  region->bytes = writer.Finish();
  EXPECT_TRUE(brio::RegionView::Open(region->bytes, &region->view).ok());
  return region;
}

std::string SampleUsers() {
  // Sessions and events in time order, as the flat presser sorts them (the
  // nested one keeps the order given). 2023-11-14 is a Tuesday, NOW - 1h.
  return R"({"id":"u1","country":"FR","os":"ios","sessions":[)"
         R"({"id":11,"start":1699910000000,"events":[{"ts":1699910000000,"type":"buy","value":4}]},)"
         R"({"id":10,"start":1699996400000,"events":[{"ts":1699996400000,"type":"search","value":1.5},)"
         R"({"ts":1699996460000,"type":"view","value":2},{"ts":1699996520000,"type":"buy","value":10}]}]})"
         "\n"
         R"({"id":"u2","country":"DE","os":"android","sessions":[)"
         R"({"id":20,"start":1699996400000,"events":[{"ts":1699996400000,"type":"buy","value":3},)"
         R"({"ts":1699996460000,"type":"search","value":0.5}]}]})"
         "\n"
         R"({"id":"u3","country":"FR","os":"android","sessions":[]})"
         "\n";
}

Plan MustCompile(std::string_view query) {
  Plan plan;
  std::vector<QueryError> errors;
  const bool ok = CompileQueryText(query, UnitySchema(), kTestNow, &plan, &errors);
  std::string text;
  for (const QueryError& e : errors) text += e.ToString() + "\n";
  EXPECT_TRUE(ok) << query << "\n" << text;
  return plan;
}

std::string CompileErrors(std::string_view query) {
  Plan plan;
  std::vector<QueryError> errors;
  CompileQueryText(query, UnitySchema(), kTestNow, &plan, &errors);
  std::string text;
  for (const QueryError& e : errors) text += e.ToString() + "\n";
  return text;
}

PartialResult Scan(const Plan& plan, const PressedRegion& region) {
  PartialResult partial(PartialShape::Of(plan));
  Scanner scanner(plan);
  EXPECT_TRUE(scanner.ScanRegion(region.view, region.layout, &partial).ok());
  return partial;
}

std::string RowsText(const ResultTable& table) {
  std::string text;
  for (const auto& row : table.rows) {
    if (!text.empty()) text += '|';
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) text += ',';
      const ResultCell& cell = row[c];
      switch (cell.kind) {
        case ResultCell::Kind::kNull: text += '-'; break;
        case ResultCell::Kind::kInt: text += std::to_string(cell.int_value); break;
        case ResultCell::Kind::kDouble: text += fmt::format("{}", cell.double_value); break;
        case ResultCell::Kind::kString: text += cell.string_value; break;
      }
    }
  }
  return text;
}

std::string RunQuery(std::string_view query, const std::string& users_jsonl) {
  const Plan plan = MustCompile(query);
  auto region = Press(users_jsonl);
  PartialResult partial = Scan(plan, *region);
  return RowsText(FinishResult(plan, partial));
}

}  // namespace datablox::eql::testing
