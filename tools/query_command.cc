// `datablox query --region FILE --schema FILE.brio "select ..."`: an EQL
// query (cell/query/eql_parser.h) over one Brio region file (what `datablox
// fetch` writes), scanned here in one pass: the local form of what a cell's
// workers do, for tests and for looking. A table on stdout, or with -o json
// {"columns": [...], "rows": [[...]], "stats": {"rows_scanned", "blobs", "ms",
// "check_ms"}}: `ms` the scan, `check_ms` checking the whole region first.
// 65 for a query that does not parse or check (every error as LINE:COL on
// stderr) or a region that does not check, 66 for a file that cannot be read.
// (`datablox query --cell`, the query asked of a running cell, is
// query_cell_command.cc.)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cell/brio/blob_layout.h"
#include "cell/brio/region.h"
#include "cell/brio/schema_parser.h"
#include "cell/query/eql_compiler.h"
#include "cell/query/result_table.h"
#include "cell/query/scanner.h"
#include "cell/supervisor/supervisor_protocol.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

// A file mapped read-only: a region is scanned in place, never copied.
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ && size_ > 0) ::munmap(data_, size_);
  }
  // The reason when it cannot be mapped, else empty.
  std::string Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::strerror(errno);
    struct stat st {};
    std::string error;
    if (::fstat(fd, &st) != 0) {
      error = std::strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
      error = "not a regular file";
    } else if (st.st_size > 0) {
      size_ = static_cast<size_t>(st.st_size);
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        error = std::strerror(errno);
        size_ = 0;
      } else {
        data_ = p;
      }
    }
    ::close(fd);
    return error;
  }
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

int QueryRegion(const QueryOptions& options, const OutputFormat& format) {
  brio::Schema schema;
  Status st = brio::LoadSchema(options.schema_file, &schema);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return st.code() == Status::Code::kIOError ? kExitNoInput : kExitDataErr;
  }
  const int64_t now_ms =
      options.now_ms >= 0
          ? options.now_ms
          : std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  eql::Plan plan;
  std::vector<eql::QueryError> errors;
  if (!eql::CompileQueryText(options.query, schema, now_ms, &plan, &errors)) {
    for (const eql::QueryError& e : errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    std::fprintf(stderr, "query: %zu error%s\n", errors.size(), errors.size() == 1 ? "" : "s");
    return kExitDataErr;
  }
  brio::SchemaLayout layout;
  if (st = brio::SchemaLayout::Make(schema, &layout); !st.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", options.schema_file.c_str(), st.message().c_str());
    return kExitDataErr;
  }
  MappedFile file;
  if (std::string why = file.Open(options.region_file); !why.empty()) {
    std::fprintf(stderr, "error: cannot read region %s: %s\n", options.region_file.c_str(), why.c_str());
    return kExitNoInput;
  }
  brio::RegionView region;
  if (st = brio::RegionView::Open(file.bytes(), &region); !st.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", options.region_file.c_str(), st.message().c_str());
    return kExitDataErr;
  }
  // The region is checked whole once, as a worker checks one when it loads
  // it; the scan then trusts every blob.
  const auto check_start = std::chrono::steady_clock::now();
  if (st = region.CheckBlobs(layout); !st.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", options.region_file.c_str(), st.message().c_str());
    return kExitDataErr;
  }
  const auto start = std::chrono::steady_clock::now();
  eql::PartialResult partial(eql::PartialShape::Of(plan));
  eql::Scanner scanner(plan);
  scanner.ScanCheckedRegion(region, layout, &partial);
  const eql::ResultTable table = eql::FinishResult(plan, partial);
  const auto end = std::chrono::steady_clock::now();
  const double ms = std::chrono::duration<double, std::milli>(end - start).count();
  const double check_ms = std::chrono::duration<double, std::milli>(start - check_start).count();
  if (!format.json) {
    std::fputs(eql::ResultTableText(table).c_str(), stdout);
    return kExitOk;
  }
  nlohmann::json out = supervisor::TableJson(table);
  out["stats"] = {{"rows_scanned", partial.rows_scanned}, {"blobs", partial.blobs_scanned}, {"ms", ms}, {"check_ms", check_ms}};
  std::printf("%s\n", out.dump().c_str());
  return kExitOk;
}

}  // namespace datablox::cli
