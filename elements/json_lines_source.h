// JsonLinesSource: its documentation is JsonLinesSource::spec() in json_lines_source.cc, which
// `datablox describe JsonLinesSource` prints.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "datablox/element.h"

namespace datablox {

class JsonLinesSource : public Element {
 public:
  // A source destroyed without stop() (a harness, a host that failed
  // early) still closes its file and frees its line buffer.
  ~JsonLinesSource() override { stop(); }
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Production produce() override;
  void stop() override;
  // Checkpoints: a stream per file, its position the byte offset read so
  // far; a rollback seeks each file back there (files new since: from 0).
  Status snapshot(std::string* state) override;
  Status restore(std::string_view state) override;

 private:
  bool OpenNext();

  std::vector<std::string> files_;
  size_t next_file_ = 0;
  std::FILE* file_ = nullptr;
  std::string current_;
  uint64_t line_in_file_ = 0;
  uint64_t lines_ = 0, rejected_ = 0;
  std::map<std::string, uint64_t> offsets_;  // by file: bytes read, of each file opened so far
  char* line_buffer_ = nullptr;
  size_t line_capacity_ = 0;
  LogBuilder log_;
};

}  // namespace datablox
