// EQL, the cell's query language (cell/query/): the lexer, the parser and
// the compiler on any text against a fixed schema (unity), a compiled plan
// run over a few pressed users, and the partial-result codec's decoder on
// the input bytes, as the supervisor reads what workers send.
//
// Invariants: every error is inside the text; a partial the decoder
// accepts, and a partial a scan made, re-encode to bytes that decode to a
// partial encoding to the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/blob_layout.h"
#include "cell/brio/presser.h"
#include "cell/brio/region.h"
#include "cell/brio/test_schemas.h"
#include "cell/query/eql_compiler.h"
#include "cell/query/eql_lexer.h"
#include "cell/query/eql_parser.h"
#include "cell/query/partial.h"
#include "cell/query/partial_codec.h"
#include "cell/query/result_table.h"
#include "cell/query/scanner.h"

namespace {

using namespace datablox;
using namespace datablox::eql;

constexpr int64_t kNow = 1'700'000'000'000;

void Require(bool condition) {
  if (!condition) std::abort();
}

// The unity schema and a region of three users pressed with it.
struct Fixture {
  brio::Schema schema = brio::testing::UnitySchema(2);
  brio::SchemaLayout layout;
  std::string region_bytes;
  brio::RegionView region;
};

const Fixture& Fixed() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    if (!brio::SchemaLayout::Make(f->schema, &f->layout).ok()) std::abort();
    brio::NestedPresser presser(f->layout, {});
    brio::RegionWriter writer;
    presser.PressLines(
        R"({"id":"u1","country":"FR","os":"ios","tags":["a","b"],"traits":{"age":31},"sessions":[)"
        R"({"id":11,"start":1699910000000,"events":[{"ts":1699910000000,"type":"buy","value":4}]},)"
        R"({"id":10,"start":1699996400000,"events":[{"ts":1699996400000,"type":"search","value":1.5}]}]})"
        "\n"
        R"({"id":"u2","country":"DE","os":"android","sessions":[)"
        R"({"id":20,"start":1699996400000,"events":[{"ts":1699996400000,"type":"buy","value":3}]}]})"
        "\n"
        R"({"id":"u3","country":"FR","sessions":[]})"
        "\n",
        "users.jsonl", writer);
    f->region_bytes = writer.Finish();
    if (!brio::RegionView::Open(f->region_bytes, &f->region).ok()) std::abort();
    return f;
  }();
  return *fixture;
}

void RequireRoundTrip(const PartialResult& partial) {
  const std::string bytes = EncodePartial(partial);
  PartialResult again(PartialShape{});
  Require(DecodePartial(bytes, &again).ok());
  Require(EncodePartial(again) == bytes);
}

void RequireInside(const std::vector<QueryError>& errors, std::string_view text) {
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const QueryError& error : errors) {
    Require(!error.message.empty());
    Require(error.pos.line >= 0 && error.pos.line <= lines + 1 && error.pos.column >= 0);
    (void)error.ToString();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  PartialResult decoded(PartialShape{});
  if (DecodePartial(text, &decoded).ok()) RequireRoundTrip(decoded);

  std::vector<QueryError> lex_errors;
  (void)Lex(text, &lex_errors);
  RequireInside(lex_errors, text);
  std::vector<QueryError> errors;
  Plan plan;
  if (!CompileQueryText(text, Fixed().schema, kNow, &plan, &errors)) {
    Require(!errors.empty());
    RequireInside(errors, text);
    return 0;
  }
  PartialResult partial(PartialShape::Of(plan));
  Scanner scanner(plan);
  if (!scanner.ScanRegion(Fixed().region, Fixed().layout, &partial).ok()) return 0;
  RequireRoundTrip(partial);
  (void)FinishResult(plan, partial);
  return 0;
}
