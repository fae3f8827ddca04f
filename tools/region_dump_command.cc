// `datablox dump-region FILE --schema FILE.brio`: every blob of a Brio
// region (what `datablox fetch` writes) as one JSON line on stdout, read
// through the region reader and the blob reader (cell/brio/blob_json.h):
// for tests and for looking. 65 when the region or a blob does not check
// against the schema, 66 when a file cannot be read.
#include <cstdio>

#include "cell/brio/blob_json.h"
#include "cell/brio/blob_layout.h"
#include "cell/brio/region.h"
#include "cell/brio/schema_parser.h"
#include "cell/samplestore/file_text.h"
#include "tools/commands.h"

namespace datablox::cli {

int DumpRegion(const std::string& file, const std::string& schema_file) {
  brio::Schema schema;
  Status st = brio::LoadSchema(schema_file, &schema);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return st.code() == Status::Code::kIOError ? kExitNoInput : kExitDataErr;
  }
  brio::SchemaLayout layout;
  if (st = brio::SchemaLayout::Make(schema, &layout); !st.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", schema_file.c_str(), st.message().c_str());
    return kExitDataErr;
  }
  std::string bytes;
  if (st = samplestore::ReadFileText(file, &bytes); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitNoInput;
  }
  brio::RegionView region;
  if (st = brio::RegionView::Open(bytes, &region); !st.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", file.c_str(), st.message().c_str());
    return kExitDataErr;
  }
  std::string line;
  for (uint64_t i = 0; i < region.blob_count(); ++i) {
    brio::BlobView blob;
    if (st = region.OpenBlob(i, layout, &blob); !st.ok()) {
      std::fprintf(stderr, "error: %s: blob %llu: %s\n", file.c_str(), static_cast<unsigned long long>(i),
                   st.message().c_str());
      return kExitDataErr;
    }
    line.clear();
    brio::AppendJson(blob.root(), &line);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return kExitOk;
}

}  // namespace datablox::cli
