#include "dsl/suggest.h"

#include <algorithm>
#include <cctype>

namespace datablox::dsl {
namespace {

char Folded(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Levenshtein distance over case-folded bytes, one row at a time.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (Folded(a[i - 1]) == Folded(b[j - 1]) ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestName(std::string_view wrong, const std::vector<std::string>& names) {
  constexpr size_t kMaxDistance = 2;
  const std::string* best = nullptr;
  size_t best_distance = kMaxDistance + 1;
  for (const std::string& name : names) {
    const size_t distance = EditDistance(wrong, name);
    if (distance < best_distance) {
      best = &name;
      best_distance = distance;
    }
  }
  return best ? *best : "";
}

}  // namespace datablox::dsl
