#include "cell/samplestore/press_tally.h"

#include <fmt/format.h>

namespace datablox::samplestore {

void PressTally::Add(const brio::PressStats& s) {
  std::lock_guard lock(mu_);
  ++files_;
  brio::PressStats& t = totals_;
  t.lines += s.lines;
  t.blank_lines += s.blank_lines;
  t.json_bytes += s.json_bytes;
  t.rows += s.rows;
  t.items += s.items;
  t.pressed_bytes += s.pressed_bytes;
  t.rejected_malformed += s.rejected_malformed;
  t.rejected_not_object += s.rejected_not_object;
  t.rejected_missing_key += s.rejected_missing_key;
  t.rejected_too_deep += s.rejected_too_deep;
  t.rejected_over_size_cap += s.rejected_over_size_cap;
  t.rows_in_rejected_items += s.rows_in_rejected_items;
  t.wrong_type_fields += s.wrong_type_fields;
  t.unknown_fields += s.unknown_fields;
  for (const brio::PressReject& r : s.samples) t.Sample(r.where, r.reason);
}

brio::PressStats PressTally::Totals() const {
  std::lock_guard lock(mu_);
  return totals_;
}

uint64_t PressTally::files() const {
  std::lock_guard lock(mu_);
  return files_;
}

uint64_t PressTally::failed_files() const {
  std::lock_guard lock(mu_);
  return failed_files_;
}

std::string RejectsText(const brio::PressStats& s) {
  return fmt::format("malformed={} not_object={} missing_key={} too_deep={} over_size_cap={}", s.rejected_malformed,
                     s.rejected_not_object, s.rejected_missing_key, s.rejected_too_deep, s.rejected_over_size_cap);
}

std::string PressTally::RejectsText() const { return samplestore::RejectsText(Totals()); }

std::string PressTally::SamplesText() const {
  std::string text;
  for (const brio::PressReject& r : Totals().samples)
    text += fmt::format("{}{}: {}", text.empty() ? "" : "\n", r.where, r.reason);
  return text;
}

}  // namespace datablox::samplestore
