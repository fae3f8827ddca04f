// JsonLinesSource (elements/json_lines_source.cc) reading a file of any
// bytes, through the element harness as a host would run it: its line
// reader and LogBuilder::assign_json, one log per line.
//
// Invariants: every non-blank line is read, and is either emitted or
// rejected; every log emitted prints as JSON that reads back as the same log.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/log.h"
#include "datablox/testing.h"

namespace {

using namespace datablox;

void Require(bool condition) {
  if (!condition) std::abort();
}

// The input as a file the source opens by name: one memfd, rewritten per input.
const std::string& InputPath() {
  static const std::string* path = [] {
    const int fd = memfd_create("json_lines_fuzz", 0);
    if (fd < 0) std::abort();
    return new std::string("/proc/self/fd/" + std::to_string(fd));
  }();
  return *path;
}

void WriteInput(std::string_view bytes) {
  const int fd = std::stoi(InputPath().substr(std::string_view("/proc/self/fd/").size()));
  if (ftruncate(fd, 0) != 0) std::abort();
  if (pwrite(fd, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) std::abort();
}

// Lines the source counts: split at '\n', "\r\n" stripped, blank ones (spaces and tabs only) skipped.
uint64_t NonBlankLines(std::string_view text) {
  uint64_t n = 0;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) ++n;
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // getline stops at '\n' only: a NUL inside a line is part of it (and
  // makes it malformed JSON), which the count above agrees with.
  WriteInput(text);
  std::unique_ptr<testing::ElementHarness> run;
  if (!testing::ElementHarness::Make("JsonLinesSource", {{"path", ParamValue::String(InputPath())}}, &run).ok()) {
    std::abort();
  }
  Require(run->Produce().ok());
  const std::vector<std::string> out = run->Output("out");
  const uint64_t lines = std::stoull(run->Read("lines"));
  Require(lines == NonBlankLines(text));
  Require(out.size() + static_cast<uint64_t>(run->rejected()) == lines);
  for (const std::string& json : out) {
    OwnedLog again;
    Require(OwnedLog::FromJson(json, &again).ok());
    Require(again.to_json() == json);
  }
  return 0;
}
