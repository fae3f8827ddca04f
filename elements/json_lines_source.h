// =c JsonLinesSource(path)
// =s emits one log per line of a JSON Lines file, or of every file in a directory
// =d Files of a directory are read in name order. Empty lines are skipped. A
//    line that is not a JSON object is rejected: counted, reported with its
//    file and line number, and skipped; it never stops the source.
// =h lines: lines read; rejected: lines rejected; files: files opened
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "datablox/element.h"

namespace datablox {

class JsonLinesSource : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Production produce() override;
  void stop() override;

 private:
  bool OpenNext();

  std::vector<std::string> files_;
  size_t next_file_ = 0;
  std::FILE* file_ = nullptr;
  std::string current_;
  uint64_t line_in_file_ = 0;
  uint64_t lines_ = 0, rejected_ = 0;
  char* line_buffer_ = nullptr;
  size_t line_capacity_ = 0;
  LogBuilder log_;
};

}  // namespace datablox
