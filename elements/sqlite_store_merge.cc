#include "sqlite_store_merge.h"

#include <fmt/format.h>

#include <string>

namespace datablox {

Status MergeSqliteReplies(const std::vector<const Log*>& replies, LogBuilder* merged) {
  merged->clear();
  if (replies.empty()) return Status::Unavailable("no member answered");
  std::vector<std::string> rows;
  LogBuilder copy;
  for (size_t i = 0; i < replies.size(); ++i) {
    Value reply_rows = replies[i]->get("rows");
    if (reply_rows.type() != ValueType::kArray) return Status::Invalid(fmt::format("reply {}: \"rows\" is no list", i));
    for (size_t r = 0; r < reply_rows.size(); ++r) {
      Value row = reply_rows.at(r);
      if (row.type() != ValueType::kMap) return Status::Invalid(fmt::format("reply {}: row {} is no map", i, r));
      copy.clear();
      for (size_t f = 0; f < row.size(); ++f) copy.add(row.key_at(f), row.at(f));
      rows.emplace_back(copy.bytes());
    }
  }
  merged->add_array("rows", rows).add("count", rows.size());
  return Status::OK();
}

}  // namespace datablox
