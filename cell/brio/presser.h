// The nested presser: JSON lines, each one root object whose relations are
// arrays and objects, each pressed into one blob (blob_format.h). Keys the
// schema does not name are counted and ignored; a value of the wrong type
// is pressed as null and counted; a line that cannot be pressed is rejected
// with its reason (press_stats.h). Parses with simdjson; reuses its parser
// and its buffers, so a warm presser allocates nothing per line.
#pragma once

#include <memory>
#include <string_view>

#include "cell/brio/blob_layout.h"
#include "cell/brio/press_stats.h"

namespace datablox::brio {

class NestedPresser {
 public:
  NestedPresser(const SchemaLayout& layout, PressOptions options);
  ~NestedPresser();

  // Presses every line of text; `source` names it in rejects ("users.jsonl").
  void PressLines(std::string_view text, std::string_view source, BlobSink& sink);
  const PressStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace datablox::brio
