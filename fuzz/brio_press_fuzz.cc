// The Brio presser (cell/brio/presser.h) on any JSON lines, with a fixed
// schema of every type (test_schemas.h's EverythingSchema), and the reader
// on what it pressed; and the reader's validator (BlobView::Open) on the
// input bytes as a blob, as a worker opens blobs it loads.
//
// Invariants: every blob the presser writes passes the validator; read back
// as JSON and pressed again, it reads back as the same JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cell/brio/blob_json.h"
#include "cell/brio/blob_layout.h"
#include "cell/brio/presser.h"
#include "cell/brio/reader.h"
#include "cell/brio/test_schemas.h"

namespace {

using namespace datablox;
using namespace datablox::brio;

void Require(bool condition) {
  if (!condition) std::abort();
}

const SchemaLayout& Layout() {
  static const Schema* schema = new Schema(testing::EverythingSchema());  // a layout points into its schema
  static const SchemaLayout* layout = [] {
    auto* l = new SchemaLayout;
    if (!SchemaLayout::Make(*schema, l).ok()) std::abort();
    return l;
  }();
  return *layout;
}

// Every blob of `text` pressed, as JSON lines.
std::string PressToJson(std::string_view text) {
  NestedPresser presser(Layout(), PressOptions{});
  testing::CollectSink sink;
  presser.PressLines(text, "fuzz.jsonl", sink);
  std::string json;
  for (const std::string& blob : sink.blobs) {
    BlobView view;
    Require(BlobView::Open(blob, Layout(), &view).ok());
    AppendJson(view.root(), &json);
    json.push_back('\n');
  }
  return json;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  BlobView untrusted;
  if (BlobView::Open(text, Layout(), &untrusted).ok()) {
    std::string json;
    AppendJson(untrusted.root(), &json);
  }
  const std::string json = PressToJson(text);
  Require(PressToJson(json) == json);
  return 0;
}
